/*
 * docker-api-relay: the guest end of the Docker API channel.
 *
 * The docker CLI in the guest talks HTTP to /var/run/docker.sock, as it does
 * on any Linux host. This daemon accepts those connections and carries each
 * one, as a stream of frames tagged with a connection id, over a virtio
 * console port (/dev/hvc1) to the engine in the browser or in Node, which
 * answers as dockerd would. Framing is the control channel's (see agent.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#define HDR 12
#define MAX_CONNS 64
#define MAX_PAYLOAD (1u << 20)
/* T_EOF: the client shut its sending side (end of a piped stdin); answers may still flow. */
enum { T_OPEN = 0x21, T_DATA = 0x22, T_CLOSE = 0x23, T_EOF = 0x24, T_CREDIT = 0x85, T_HELLO = 0x86 };

/* eof: the client closed its sending side; answers may still go to it. */
struct conn { int fd; uint32_t id; int used; int eof; };
static struct conn conns[MAX_CONNS];
static int chan = -1;
static uint32_t next_id = 1;

static void put32(unsigned char *p, uint32_t v) { p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24; }
static uint32_t get32(const unsigned char *p) { return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24); }

static int write_all(int fd, const void *buf, size_t len) {
  const unsigned char *p = buf;
  while (len) {
    ssize_t n = write(fd, p, len);
    if (n < 0) { if (errno == EINTR) continue; return -1; }
    p += n; len -= n;
  }
  return 0;
}

static void send_frame(int type, uint32_t id, const void *payload, uint32_t len) {
  unsigned char h[HDR] = {'V', 'K', (unsigned char)type, 0};
  put32(h + 4, id); put32(h + 8, len);
  write_all(chan, h, HDR);
  if (len) write_all(chan, payload, len);
}

static struct conn *find(uint32_t id) {
  for (int i = 0; i < MAX_CONNS; i++) if (conns[i].used && conns[i].id == id) return &conns[i];
  return NULL;
}

static void drop(struct conn *c, int tell_host) {
  if (tell_host) send_frame(T_CLOSE, c->id, NULL, 0);
  close(c->fd);
  c->used = 0;
}

static unsigned char *inbuf;
static size_t in_len, in_cap;

static void read_channel(void) {
  if (in_cap - in_len < 65536) { in_cap = in_cap ? in_cap * 2 : 131072; inbuf = realloc(inbuf, in_cap); }
  ssize_t n = read(chan, inbuf + in_len, in_cap - in_len);
  if (n <= 0) return;
  in_len += n;
  unsigned char credit[4];
  put32(credit, n);
  size_t off = 0;
  for (;;) {
    while (off + 1 < in_len && !(inbuf[off] == 'V' && inbuf[off + 1] == 'K')) off++;
    if (in_len - off < HDR) break;
    uint32_t len = get32(inbuf + off + 8);
    if (len > MAX_PAYLOAD) { off += 2; continue; }
    if (in_len - off < HDR + len) break;
    unsigned char *f = inbuf + off;
    struct conn *c = find(get32(f + 4));
    /* A client that went away entirely (EPIPE) is dropped, and the host told. */
    if (c && f[2] == T_DATA && write_all(c->fd, f + HDR, len) < 0) drop(c, 1);
    else if (c && f[2] == T_CLOSE) drop(c, 0);
    off += HDR + len;
  }
  memmove(inbuf, inbuf + off, in_len - off);
  in_len -= off;
  /* The host may send more once the bytes are out of the port's buffers. */
  send_frame(T_CREDIT, 0, credit, 4);
}

int apirelay_main(int argc, char **argv) {
  const char *dev = argc > 1 ? argv[1] : "/dev/hvc1";
  const char *path = argc > 2 ? argv[2] : "/var/run/docker.sock";
  signal(SIGPIPE, SIG_IGN);
  chan = open(dev, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (chan < 0) { perror(dev); return 1; }
  struct termios t;
  if (tcgetattr(chan, &t) == 0) { cfmakeraw(&t); t.c_cc[VMIN] = 1; t.c_cc[VTIME] = 0; tcsetattr(chan, TCSANOW, &t); }
  int ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path);
  unlink(path);
  if (bind(ls, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(ls, 16) < 0) { perror(path); return 1; }
  /* Like dockerd's socket: root and the docker group. */
  chmod(path, 0660);
  send_frame(T_HELLO, 0, "api-relay 1", 11);
  static unsigned char buf[32768];
  for (;;) {
    struct pollfd fds[2 + MAX_CONNS];
    int idx[2 + MAX_CONNS];
    int n = 0;
    fds[n++] = (struct pollfd){chan, POLLIN, 0};
    fds[n++] = (struct pollfd){ls, POLLIN, 0};
    for (int i = 0; i < MAX_CONNS; i++)
      if (conns[i].used && !conns[i].eof) { idx[n] = i; fds[n++] = (struct pollfd){conns[i].fd, POLLIN, 0}; }
    if (poll(fds, n, -1) < 0) { if (errno == EINTR) continue; return 1; }
    if (fds[0].revents & POLLIN) read_channel();
    if (fds[1].revents & POLLIN) {
      int fd = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
      if (fd >= 0) {
        struct conn *c = NULL;
        for (int i = 0; i < MAX_CONNS; i++) if (!conns[i].used) { c = &conns[i]; break; }
        if (!c) close(fd);
        else { *c = (struct conn){fd, next_id++, 1, 0}; send_frame(T_OPEN, c->id, NULL, 0); }
      }
    }
    for (int k = 2; k < n; k++) {
      if (!fds[k].revents) continue;
      struct conn *c = &conns[idx[k]];
      if (!c->used) continue;
      ssize_t r = read(c->fd, buf, sizeof buf);
      if (r > 0) send_frame(T_DATA, c->id, buf, r);
      /* A half-close (end of a piped stdin) keeps the answer flowing; the host closes. */
      else if (r == 0) { c->eof = 1; send_frame(T_EOF, c->id, NULL, 0); }
      else if (errno != EINTR && errno != EAGAIN) drop(c, 1);
    }
  }
}
