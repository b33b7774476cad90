/*
 * vmagent: the guest side of the control channel.
 *
 * It reads framed requests from a virtio console port (/dev/hvc0), runs
 * each as its own process (several at once), and streams stdout, stderr and
 * the exit status back in frames tagged with the request id. The wire format
 * is described in src/vm/protocol.ts, which is the host side of it.
 *
 * Why C and not a shell loop: output must survive binary bytes and large
 * volumes, requests run concurrently, and a heartbeat must be answered while
 * a request is busy. A single poll() loop gives all three.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/random.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define AGENT_VERSION "vmagent 3"
extern char **environ;
#define HDR 12
#define MAX_PAYLOAD (1u << 20)
#define MAX_JOBS 256
/* An Exec's argv may come in ExecPart frames before it (a long script): at most this much in all,
 * twice what the kernel's execve takes (a quarter of the 8 MiB stack). */
#define MAX_ARGV_BYTES (4u << 20)
#define CHUNK 32768
/* After a process exits, how long its pipes may stay open (held by a
 * background child) before the exit is reported anyway. */
#define DRAIN_GRACE_MS 50

enum {
  T_EXEC = 1, T_STDIN = 2, T_STDIN_EOF = 3, T_SIGNAL = 4, T_PING = 5,
  T_RESIZE = 6, T_SETTIME = 7, T_EXEC_PART = 8, T_SEED = 9,
  T_STDOUT = 0x81, T_STDERR = 0x82, T_EXIT = 0x83, T_PONG = 0x84,
  T_CREDIT = 0x85, T_HELLO = 0x86, T_ERROR = 0x87,
};
#define F_STDIN 1u

struct job {
  int used;
  uint32_t id;
  pid_t pid;
  int in, out, err;
  int reaped;
  int code, sig;
  long long reaped_at;
  unsigned char *pending; /* stdin bytes not yet taken by the child */
  size_t pending_len;
  int eof_requested;
};

static struct job jobs[MAX_JOBS];

/* argv bytes of requests still arriving in ExecPart frames, by request id. */
struct partial { int used; uint32_t id; unsigned char *p; size_t len; int too_big; };
static struct partial partials[MAX_JOBS];

static struct partial *partial_of(uint32_t id, int create) {
  struct partial *free_slot = NULL;
  for (int i = 0; i < MAX_JOBS; i++) {
    if (partials[i].used && partials[i].id == id) return &partials[i];
    if (!partials[i].used && !free_slot) free_slot = &partials[i];
  }
  if (!create || !free_slot) return NULL;
  memset(free_slot, 0, sizeof *free_slot);
  free_slot->used = 1;
  free_slot->id = id;
  return free_slot;
}

static void partial_free(struct partial *pa) {
  free(pa->p);
  memset(pa, 0, sizeof *pa);
}
static int chan = -1;
static uint32_t credit_owed;

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void put32(unsigned char *p, uint32_t v) {
  p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24;
}
static uint32_t get32(const unsigned char *p) {
  return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void write_all(int fd, const void *buf, size_t len) {
  const unsigned char *p = buf;
  while (len) {
    ssize_t n = write(fd, p, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) { struct pollfd w = {fd, POLLOUT, 0}; poll(&w, 1, 100); continue; }
      return;
    }
    p += n; len -= n;
  }
}

static void send_frame(int type, uint32_t id, const void *payload, uint32_t len) {
  unsigned char h[HDR];
  h[0] = 'V'; h[1] = 'K'; h[2] = type; h[3] = 0;
  put32(h + 4, id); put32(h + 8, len);
  write_all(chan, h, HDR);
  if (len) write_all(chan, payload, len);
}

static void grant(uint32_t bytes) {
  credit_owed += bytes;
  /* Credits are batched: one frame per few KiB keeps the channel quiet. */
  if (credit_owed >= 2048) {
    unsigned char b[4];
    put32(b, credit_owed);
    send_frame(T_CREDIT, 0, b, 4);
    credit_owed = 0;
  }
}

static void flush_credit(void) {
  if (credit_owed) {
    unsigned char b[4];
    put32(b, credit_owed);
    send_frame(T_CREDIT, 0, b, 4);
    credit_owed = 0;
  }
}

static struct job *find_job(uint32_t id) {
  for (int i = 0; i < MAX_JOBS; i++)
    if (jobs[i].used && jobs[i].id == id) return &jobs[i];
  return NULL;
}

static void spawn_job(uint32_t id, uint32_t flags, char **argv);

static void send_error(uint32_t id, const char *what) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(errno));
  send_frame(T_ERROR, id, msg, strlen(msg));
}

static void start_job(uint32_t id, uint32_t flags, unsigned char *payload, size_t len) {
  /* payload: NUL-terminated argv strings, as many as there are. */
  size_t argc = 0;
  for (size_t off = 0; off < len; off += strnlen((char *)payload + off, len - off) + 1) argc++;
  char **argv = calloc(argc + 1, sizeof *argv);
  if (!argv) { send_error(id, "exec"); return; }
  argc = 0;
  for (size_t off = 0; off < len; off += strnlen((char *)payload + off, len - off) + 1) argv[argc++] = (char *)payload + off;
  argv[argc] = NULL;
  /* The last string may lack its NUL if the host sent a truncated argv: then it is refused. */
  if (argc == 0 || payload[len - 1] != 0) { free(argv); errno = EINVAL; send_error(id, "exec"); return; }
  spawn_job(id, flags, argv);
  free(argv);
}

/* An ExecPart: argv bytes kept until the Exec frame that ends them. */
static void exec_part(uint32_t id, unsigned char *p, uint32_t len) {
  struct partial *pa = partial_of(id, 1);
  if (!pa) return; /* no slot: the Exec will report the missing start */
  if (pa->too_big || pa->len + len > MAX_ARGV_BYTES) { pa->too_big = 1; return; }
  unsigned char *np = realloc(pa->p, pa->len + len);
  if (!np) { pa->too_big = 1; return; }
  memcpy(np + pa->len, p, len);
  pa->p = np;
  pa->len += len;
}

static void exec_frame(uint32_t id, uint32_t flags, unsigned char *p, uint32_t len) {
  struct partial *pa = partial_of(id, 0);
  if (!pa) { start_job(id, flags, p, len); return; }
  exec_part(id, p, len);
  if (pa->too_big) { partial_free(pa); errno = E2BIG; send_error(id, "exec"); return; }
  start_job(id, flags, pa->p, pa->len);
  partial_free(pa);
}

static void spawn_job(uint32_t id, uint32_t flags, char **argv) {
  struct job *j = NULL;
  for (int i = 0; i < MAX_JOBS; i++) if (!jobs[i].used) { j = &jobs[i]; break; }
  if (!j) { errno = EAGAIN; send_error(id, "too many requests"); return; }

  int pin[2] = {-1, -1}, pout[2], perr[2];
  if ((flags & F_STDIN) && pipe2(pin, O_CLOEXEC) < 0) { send_error(id, "pipe"); return; }
  if (pipe2(pout, O_CLOEXEC) < 0 || pipe2(perr, O_CLOEXEC) < 0) { send_error(id, "pipe"); return; }
  /* posix_spawn (vfork-like in glibc) instead of fork: copying the agent's
   * address space in the emulator made every request ~10 ms slower. */
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t at;
  posix_spawn_file_actions_init(&fa);
  if (flags & F_STDIN) posix_spawn_file_actions_adddup2(&fa, pin[0], 0);
  else posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, pout[1], 1);
  posix_spawn_file_actions_adddup2(&fa, perr[1], 2);
  posix_spawnattr_init(&at);
  sigset_t none, dflt;
  sigemptyset(&none);
  sigemptyset(&dflt);
  sigaddset(&dflt, SIGPIPE);
  posix_spawnattr_setsigmask(&at, &none);
  posix_spawnattr_setsigdefault(&at, &dflt);
  /* Its own session: a Signal frame reaches the whole process group. */
  posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid;
  int rc = posix_spawnp(&pid, argv[0], &fa, &at, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&at);
  if (rc != 0) {
    close(pout[0]); close(pout[1]); close(perr[0]); close(perr[1]);
    if (flags & F_STDIN) { close(pin[0]); close(pin[1]); }
    char msg[300];
    int n = snprintf(msg, sizeof msg, "%s: %s\n", argv[0], strerror(rc));
    send_frame(T_STDERR, id, msg, n);
    unsigned char b[8];
    put32(b, rc == ENOENT ? 127 : 126);
    put32(b + 4, 0);
    send_frame(T_EXIT, id, b, 8);
    return;
  }
  /* The agent runs at a raised priority for its heartbeat; its children do not. */
  setpriority(PRIO_PROCESS, pid, 0);
  close(pout[1]); close(perr[1]);
  if (flags & F_STDIN) { close(pin[0]); fcntl(pin[1], F_SETFL, O_NONBLOCK); }
  fcntl(pout[0], F_SETFL, O_NONBLOCK);
  fcntl(perr[0], F_SETFL, O_NONBLOCK);
  memset(j, 0, sizeof *j);
  j->used = 1; j->id = id; j->pid = pid;
  j->in = (flags & F_STDIN) ? pin[1] : -1;
  j->out = pout[0]; j->err = perr[0];
}

static void close_stdin(struct job *j) {
  if (j->in >= 0) close(j->in);
  j->in = -1;
  free(j->pending); j->pending = NULL; j->pending_len = 0;
}

static void flush_stdin(struct job *j) {
  while (j->pending_len && j->in >= 0) {
    ssize_t n = write(j->in, j->pending, j->pending_len);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) return;
      /* The child closed its stdin: drop what it will never read. */
      close_stdin(j);
      return;
    }
    memmove(j->pending, j->pending + n, j->pending_len - n);
    j->pending_len -= n;
  }
  if (!j->pending_len && j->eof_requested) close_stdin(j);
}

static void feed_stdin(uint32_t id, unsigned char *data, uint32_t len) {
  struct job *j = find_job(id);
  if (!j || j->in < 0) return;
  unsigned char *p = realloc(j->pending, j->pending_len + len);
  if (!p) return;
  memcpy(p + j->pending_len, data, len);
  j->pending = p; j->pending_len += len;
  flush_stdin(j);
}

static void resize_console(unsigned char *p, uint32_t len) {
  if (len < 4) return;
  struct winsize ws = {0};
  ws.ws_row = p[0] | (p[1] << 8);
  ws.ws_col = p[2] | (p[3] << 8);
  int fd = open("/dev/ttyS0", O_RDWR | O_NOCTTY | O_NONBLOCK);
  if (fd >= 0) { ioctl(fd, TIOCSWINSZ, &ws); close(fd); }
}

static void set_time(unsigned char *p, uint32_t len) {
  if (len < 8) return;
  uint64_t ms = get32(p) | ((uint64_t)get32(p + 4) << 32);
  struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000 };
  clock_settime(CLOCK_REALTIME, &ts);
}

/* The host's random bytes, credited in full: they come from its CSPRNG (WebCrypto).
 * Then a reseed, so a machine restored from a shared state leaves that state's stream at once. */
static void seed_random(unsigned char *p, uint32_t len) {
  if (len == 0 || len > 512) return;
  struct { struct rand_pool_info info; unsigned char buf[512]; } s;
  s.info.entropy_count = (int)len * 8;
  s.info.buf_size = (int)len;
  memcpy(s.buf, p, len);
  int fd = open("/dev/urandom", O_WRONLY | O_CLOEXEC);
  if (fd < 0) return;
  if (ioctl(fd, RNDADDENTROPY, &s.info) < 0) fprintf(stderr, "vmagent: seeding the kernel's generator: %s\n", strerror(errno));
  ioctl(fd, RNDRESEEDCRNG);
  close(fd);
  memset(&s, 0, sizeof s);
}

static void handle_frame(int type, uint32_t flags, uint32_t id, unsigned char *p, uint32_t len) {
  switch (type) {
  case T_EXEC_PART: exec_part(id, p, len); break;
  case T_EXEC: exec_frame(id, flags, p, len); break;
  /* Credited on receipt, not when the child reads it: a child that never
   * reads its stdin must not stall the channel (and the heartbeat) for all. */
  case T_STDIN: feed_stdin(id, p, len); break;
  case T_STDIN_EOF: {
    struct job *j = find_job(id);
    if (j) { j->eof_requested = 1; flush_stdin(j); }
    break;
  }
  case T_SIGNAL: {
    struct partial *pa = partial_of(id, 0);
    if (pa) partial_free(pa); /* given up before its argv was complete */
    struct job *j = find_job(id);
    if (j && !j->reaped && len >= 1) kill(-j->pid, p[0]);
    break;
  }
  case T_PING: send_frame(T_PONG, id, p, len); break;
  case T_RESIZE: resize_console(p, len); break;
  case T_SETTIME: set_time(p, len); break;
  case T_SEED: seed_random(p, len); break;
  default: break;
  }
  grant(len);
}

/* Incoming bytes are accumulated until a whole frame is there. */
static unsigned char *inbuf;
static size_t in_len, in_cap;

static void read_channel(void) {
  if (in_cap - in_len < CHUNK) {
    in_cap = in_cap ? in_cap * 2 : 2 * CHUNK;
    inbuf = realloc(inbuf, in_cap);
  }
  ssize_t n = read(chan, inbuf + in_len, in_cap - in_len);
  if (n <= 0) return;
  in_len += n;
  size_t off = 0;
  for (;;) {
    /* Resynchronise on the magic if anything else got in. */
    while (off + 1 < in_len && !(inbuf[off] == 'V' && inbuf[off + 1] == 'K')) { off++; grant(1); }
    if (in_len - off < HDR) break;
    uint32_t len = get32(inbuf + off + 8);
    if (len > MAX_PAYLOAD) { off += 2; grant(2); continue; }
    if (in_len - off < HDR + len) {
      if (in_cap < HDR + len + CHUNK) { in_cap = HDR + len + CHUNK; }
      break;
    }
    unsigned char *f = inbuf + off;
    grant(HDR);
    handle_frame(f[2], f[3], get32(f + 4), f + HDR, len);
    off += HDR + len;
  }
  memmove(inbuf, inbuf + off, in_len - off);
  in_len -= off;
  if (in_cap < in_len + CHUNK) { in_cap = in_len + 2 * CHUNK; }
  inbuf = realloc(inbuf, in_cap);
  flush_credit();
}

static void pump(struct job *j, int *fd, int type) {
  static unsigned char buf[CHUNK];
  for (;;) {
    ssize_t n = read(*fd, buf, sizeof buf);
    if (n > 0) { send_frame(type, j->id, buf, n); continue; }
    if (n < 0 && (errno == EINTR)) continue;
    if (n < 0 && errno == EAGAIN) return;
    close(*fd); *fd = -1; /* EOF or error */
    return;
  }
}

static void reap(void) {
  int status;
  pid_t pid;
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
    for (int i = 0; i < MAX_JOBS; i++) {
      struct job *j = &jobs[i];
      if (j->used && j->pid == pid) {
        j->reaped = 1;
        j->reaped_at = now_ms();
        if (WIFEXITED(status)) j->code = WEXITSTATUS(status);
        else if (WIFSIGNALED(status)) { j->sig = WTERMSIG(status); j->code = 128 + j->sig; }
      }
    }
  }
}

static void finish_jobs(void) {
  long long t = now_ms();
  for (int i = 0; i < MAX_JOBS; i++) {
    struct job *j = &jobs[i];
    if (!j->used || !j->reaped) continue;
    int open_pipes = (j->out >= 0) + (j->err >= 0);
    if (open_pipes && t - j->reaped_at < DRAIN_GRACE_MS) continue;
    if (j->out >= 0) { pump(j, &j->out, T_STDOUT); if (j->out >= 0) close(j->out); }
    if (j->err >= 0) { pump(j, &j->err, T_STDERR); if (j->err >= 0) close(j->err); }
    close_stdin(j);
    unsigned char b[8];
    put32(b, (uint32_t)j->code);
    put32(b + 4, (uint32_t)j->sig);
    send_frame(T_EXIT, j->id, b, 8);
    j->used = 0;
  }
  flush_credit();
}

int agent_main(int argc, char **argv) {
  const char *dev = argc > 1 ? argv[1] : "/dev/hvc0";
  chan = open(dev, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (chan < 0) { perror(dev); return 1; }
  struct termios t;
  if (tcgetattr(chan, &t) == 0) {
    cfmakeraw(&t);
    t.c_cc[VMIN] = 1; t.c_cc[VTIME] = 0;
    tcsetattr(chan, TCSANOW, &t);
  }
  signal(SIGPIPE, SIG_IGN);
  /* The agent must keep answering heartbeats when the guest is busy. */
  setpriority(PRIO_PROCESS, 0, -10);

  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGCHLD);
  sigprocmask(SIG_BLOCK, &mask, NULL);
  int sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);

  send_frame(T_HELLO, 0, AGENT_VERSION, strlen(AGENT_VERSION));

  struct pollfd fds[2 + 3 * MAX_JOBS];
  struct { struct job *j; int which; } owner[2 + 3 * MAX_JOBS];
  for (;;) {
    int n = 0, waiting = 0;
    fds[n] = (struct pollfd){chan, POLLIN, 0}; n++;
    fds[n] = (struct pollfd){sfd, POLLIN, 0}; n++;
    for (int i = 0; i < MAX_JOBS; i++) {
      struct job *j = &jobs[i];
      if (!j->used) continue;
      if (j->reaped) waiting = 1;
      if (j->out >= 0) { owner[n].j = j; owner[n].which = 1; fds[n++] = (struct pollfd){j->out, POLLIN, 0}; }
      if (j->err >= 0) { owner[n].j = j; owner[n].which = 2; fds[n++] = (struct pollfd){j->err, POLLIN, 0}; }
      if (j->in >= 0 && j->pending_len) { owner[n].j = j; owner[n].which = 0; fds[n++] = (struct pollfd){j->in, POLLOUT, 0}; }
    }
    int r = poll(fds, n, waiting ? 10 : -1);
    if (r < 0 && errno != EINTR) break;
    if (fds[0].revents & POLLIN) read_channel();
    if (fds[1].revents & POLLIN) {
      struct signalfd_siginfo si;
      while (read(sfd, &si, sizeof si) == sizeof si) {}
      reap();
    }
    for (int k = 2; k < n; k++) {
      if (!fds[k].revents) continue;
      struct job *j = owner[k].j;
      if (owner[k].which == 1 && j->out >= 0) pump(j, &j->out, T_STDOUT);
      else if (owner[k].which == 2 && j->err >= 0) pump(j, &j->err, T_STDERR);
      else if (owner[k].which == 0) flush_stdin(j);
    }
    reap();
    finish_jobs();
  }
  return 1;
}
