/*
 * vmctr: the low-level container runtime the engine drives, one process per
 * container (like runc plus containerd-shim in one).
 *
 *   vmctr run  --rootfs DIR --cgroup DIR --log FILE [--hostname H] [--env K=V]...
 *              [--workdir D] [--user UID[:GID]] [--userns] [--net new|none|host|/var/run/netns/NAME]
 *              [--mount SRC:DST[:ro]]... [--tty [--tty-size ROWSxCOLS]] [--stdin]
 *              [--ipc host|PATH] [--pidns host|PATH] [--init] [SECURITY] [--host-exec PATH]
 *              [--before STEP]... [--do STEP]... [--after STEP]... [--teardown STEP]... -- CMD...
 *   vmctr do STEP...
 *   vmctr exec --pid PID [--env K=V]... [--workdir D] [--user UID[:GID]] [--tty [--tty-size RxC]]
 *              [SECURITY] -- CMD...
 *
 *   SECURITY: [--caps CAP_X,CAP_Y|ALL] [--seccomp default|unconfined] [--no-new-privileges] [--privileged]
 *
 * `run` first carries out the engine's plan (steps.c): --before steps undo an
 * earlier run, then "begin TIME", then each --do step (an "ok N TIME" step
 * ends a step of the plan; a failure ends vmctr with 125 before the process
 * starts). Once the process exits: "oom_kill N", the --after steps, "exit
 * STATUS", the --teardown steps (docker run --rm) and "torn-down".
 * `do` carries out steps on their own (a removal; the status is 1 if any failed).
 *
 * Then `run` joins the cgroup the engine prepared, clones the container's first
 * process into new mount, UTS, IPC, PID and cgroup namespaces (network unless
 * --net host, user with --userns), pivots it into the prepared overlay rootfs
 * with its own /proc, a minimal /dev and a read-only /sys, and execs CMD.
 * `--net PATH` joins a network namespace the engine prepared (veth, address,
 * route) and bind-mounted at PATH, as runc joins one libnetwork made.
 * It prints "pid <host pid>" on stdout once the container runs, writes the
 * container's stdout and stderr to --log in Docker's json-file format, and
 * exits with the container's status when it ends, so the engine learns the
 * exit code from this process's own.
 *
 * `--ipc PATH` and `--pidns PATH` join another container's IPC and PID
 * namespaces (docker run --ipc/--pid container:NAME), `host` keeps the host's.
 * `--init` runs docker-init (this binary) as PID 1 in front of CMD.
 *
 * What the process may do, as runc sets it: the capabilities in --caps (the
 * engine computes Docker's list; without --caps, Docker's default 14), the
 * seccomp filter of Docker's default profile (unless unconfined), Docker's
 * masked and read-only paths; --privileged: every capability, the host's
 * devices, a writable /sys, no filter and nothing masked.
 *
 * `exec` enters every namespace of a running container and its cgroup, then
 * runs CMD there with this process's stdio, with the same SECURITY as the container.
 *
 * Why C: busybox's unshare has no cgroup namespace and nothing to keep the
 * exit status of a detached container; these need a few syscalls in order.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "security.h"
#include "steps.h"

#define MAX_ENV 256
/* Host ids a --userns container's root and users map to (Docker's remap default range size). */
#define USERNS_BASE 100000
#define USERNS_SIZE 65536

struct opts {
  const char *rootfs, *cgroup, *log, *hostname, *workdir, *user, *net, *host_exec;
  /* --ipc, --pidns: "new", "host" or the path of a namespace to join */
  const char *ipc, *pidns;
  int userns;
  /* The capability set (bounding, permitted, effective), the seccomp filter, no_new_privs, --privileged. */
  uint64_t caps;
  int seccomp, no_new_privs, privileged;
  /* --init: docker-init (this very binary, opened before pivot_root) runs as PID 1 in front of the command. */
  int init, init_fd;
  /* --tty: the process gets a terminal; this process relays its stdin and output. */
  int tty;
  /* --stdin: the process reads this process's stdin (docker run -i, a build's COPY) */
  int stdin_open;
  /* --host-exec: run this guest binary (opened before pivot_root) instead of
   * looking CMD up in the container, so a build can unpack files into an image
   * that has no tar of its own (FROM scratch). */
  int host_exec_fd;
  unsigned short rows, cols;
  int pid;
  char *env[MAX_ENV + 1];
  int nenv;
  /* --mount SRC:DST[:ro], bind mounts (-v) */
  char *mounts[64];
  int nmounts;
  /* The plan's steps (steps.c): before the start (errors ignored), to prepare it, after the exit, and --rm's. */
  const char *before[32], *prep[128], *after[32], *teardown[32];
  int nbefore, nprep, nafter, nteardown;
  char **argv;
};

static void die(int code, const char *fmt, ...) {
  /* The steps done so far ("ok" lines wait in the buffer) tell the engine which one failed. */
  fflush(stdout);
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "vmctr: ");
  vfprintf(stderr, fmt, ap);
  if (errno) fprintf(stderr, ": %s", strerror(errno));
  fprintf(stderr, "\n");
  va_end(ap);
  _exit(code);
}

static void write_file(const char *path, const char *data) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) die(125, "open %s", path);
  if (write(fd, data, strlen(data)) < 0) die(125, "write %s", path);
  close(fd);
}

static void mountx(const char *src, const char *dst, const char *type, unsigned long flags, const char *data) {
  if (mount(src, dst, type, flags, data) < 0) die(125, "mount %s on %s", type ? type : src, dst);
}

/* A line of /etc/passwd or /etc/group whose name or id is `want`; its fields split in place. */
static int db_find(const char *file, const char *want, char *line, size_t n, char **f, int nf) {
  FILE *db = fopen(file, "re");
  if (!db) return 0;
  int found = 0;
  while (!found && fgets(line, n, db)) {
    line[strcspn(line, "\n")] = 0;
    int k = 0;
    for (char *p = line, *s; k < nf && (s = strsep(&p, ":")); ) f[k++] = s;
    if (k >= 3 && (!strcmp(f[0], want) || !strcmp(f[2], want))) found = 1;
  }
  fclose(db);
  return found;
}

static int numeric(const char *s) { return *s && strspn(s, "0123456789") == strlen(s); }

/*
 * USER as Docker reads it: name or uid, optionally :group or :gid, looked up
 * in the container's own /etc/passwd and /etc/group (we are in its root now).
 * A numeric id needs no entry; a name without one is an error, as in runc.
 */
static void resolve_user(const char *spec, uid_t *uid, gid_t *gid, gid_t *groups, int *ngroups, char **home) {
  char user[256], *group = NULL, line[1024], *f[7];
  snprintf(user, sizeof user, "%s", spec);
  char *colon = strchr(user, ':');
  if (colon) { *colon = 0; group = colon + 1; }
  *ngroups = 0;
  *home = NULL;
  if (db_find("/etc/passwd", user, line, sizeof line, f, 7) && (numeric(user) ? !strcmp(f[2], user) : 1)) {
    *uid = strtoul(f[2], NULL, 10);
    *gid = f[3] ? strtoul(f[3], NULL, 10) : *uid;
    if (f[5] && *f[5]) *home = strdup(f[5]);
    snprintf(user, sizeof user, "%s", f[0]);
  } else if (numeric(user)) {
    *uid = strtoul(user, NULL, 10);
    *gid = *uid;
  } else {
    errno = 0;
    die(126, "unable to find user %s: no matching entries in passwd file", user);
  }
  if (group) {
    if (db_find("/etc/group", group, line, sizeof line, f, 4) && (numeric(group) ? !strcmp(f[2], group) : 1))
      *gid = strtoul(f[2], NULL, 10);
    else if (numeric(group)) *gid = strtoul(group, NULL, 10);
    else { errno = 0; die(126, "unable to find group %s: no matching entries in group file", group); }
    return;
  }
  /* Supplementary groups: every group that lists the user as a member. */
  FILE *db = fopen("/etc/group", "re");
  while (db && *ngroups < 32 && fgets(line, sizeof line, db)) {
    line[strcspn(line, "\n")] = 0;
    int k = 0;
    for (char *p = line, *s; k < 4 && (s = strsep(&p, ":")); ) f[k++] = s;
    if (k < 4) continue;
    for (char *p = f[3], *m; (m = strsep(&p, ",")); )
      if (!strcmp(m, user)) { groups[(*ngroups)++] = strtoul(f[2], NULL, 10); break; }
  }
  if (db) fclose(db);
}

static void apply_process(struct opts *o) {
  if (o->tty) {
    /* Its own session, with the terminal on stdin as its controlling tty: job control and ^C work. */
    setsid();
    if (ioctl(0, TIOCSCTTY, 0) < 0) die(125, "make the terminal controlling");
  }
  clearenv();
  for (int i = 0; i < o->nenv; i++) putenv(o->env[i]);
  if (!getenv("PATH")) putenv("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  uid_t uid = 0;
  gid_t gid = 0, groups[32];
  int ngroups = 0;
  char *home = NULL;
  if (o->user && *o->user) resolve_user(o->user, &uid, &gid, groups, &ngroups, &home);
  /* Docker sets HOME from the user's passwd entry; without one, root's is /root and others get /. */
  if (!getenv("HOME")) {
    static char h[300];
    snprintf(h, sizeof h, "HOME=%s", home ? home : uid == 0 ? "/root" : "/");
    putenv(h);
  }
  if (o->workdir) {
    mkdir_p(o->workdir, 0755); /* exec's workdir may be missing too; harmless when present */
    if (chdir(o->workdir) < 0) die(126, "chdir %s", o->workdir);
  }
  /* runc's order: the bounding set, then the filter (loaded while CAP_SYS_ADMIN
   * is still held, so no_new_privs is only set when asked for), then the user,
   * then the remaining sets. The filter allows setuid, capset and execve. */
  if (caps_drop_bounding(o->caps) < 0) die(125, "drop capabilities from the bounding set");
  if (o->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) die(125, "set no_new_privs");
  if (o->seccomp && seccomp_load(o->caps) < 0) die(125, "load the seccomp filter");
  if (o->user && *o->user) {
    if (setgroups(ngroups, groups) < 0 && errno != EPERM) die(126, "setgroups");
    if (setgid(gid) < 0) die(126, "setgid %u", gid);
    if (setuid(uid) < 0) die(126, "setuid %u", uid);
  }
  if (caps_apply(o->caps) < 0) die(125, "set capabilities");
  if (o->init_fd >= 0) {
    /* argv[-2] and argv[-1] are ours (see vmctr_main): docker-init -- CMD... */
    char **argv = o->argv - 2;
    argv[0] = "docker-init";
    argv[1] = "--";
    fexecve(o->init_fd, argv, environ);
    die(126, "exec docker-init");
  }
  if (o->host_exec_fd >= 0) fexecve(o->host_exec_fd, o->argv, environ);
  else execvp(o->argv[0], o->argv);
  int e = errno;
  errno = 0;
  if (e == ENOENT) die(127, "exec: \"%s\": executable file not found in $PATH", o->argv[0]);
  errno = e;
  die(126, "exec: \"%s\"", o->argv[0]);
}

/* Whether the container gets a network namespace of its own (none, new), not the host's or a prepared one. */
static int own_net(const struct opts *o) { return strcmp(o->net, "host") != 0 && o->net[0] != '/'; }

static void loopback_up(void) {
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) return;
  struct ifreq ifr = {0};
  strcpy(ifr.ifr_name, "lo");
  if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
    ifr.ifr_flags |= IFF_UP;
    ioctl(s, SIOCSIFFLAGS, &ifr);
  }
  close(s);
}

/* A file or directory in the new /dev, bind-mounted from the host's, which works inside a user namespace too. */
static void dev_node(const char *root, const char *name) {
  char src[256], dst[4096];
  snprintf(src, sizeof src, "/dev/%s", name);
  snprintf(dst, sizeof dst, "%s/dev/%s", root, name);
  int fd = open(dst, O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
  if (fd >= 0) close(fd);
  mountx(src, dst, NULL, MS_BIND, NULL);
}

/* One of the standard devices, as runc makes it: a node of the host's numbers and mode, or (in a user
 * namespace, where mknod is refused) a bind mount. A node is also cheaper: no mount to make, none to undo. */
static void std_device(const char *root, const char *name, int userns) {
  char src[256], dst[4096];
  struct stat st;
  snprintf(src, sizeof src, "/dev/%s", name);
  snprintf(dst, sizeof dst, "%s/dev/%s", root, name);
  if (!userns && stat(src, &st) == 0 && S_ISCHR(st.st_mode) && mknod(dst, st.st_mode, st.st_rdev) == 0) {
    if (chmod(dst, st.st_mode & 07777) < 0) die(125, "chmod %s", dst);
    return;
  }
  dev_node(root, name);
}

/* --privileged: every device of the host, as nodes of the same numbers (bind mounts in a user namespace). */
static void all_devices(const char *root) {
  DIR *d = opendir("/dev");
  if (!d) die(125, "list /dev");
  for (struct dirent *e; (e = readdir(d));) {
    char src[300], dst[4096];
    struct stat st;
    snprintf(src, sizeof src, "/dev/%s", e->d_name);
    if (lstat(src, &st) < 0 || !(S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))) continue;
    snprintf(dst, sizeof dst, "%s/dev/%s", root, e->d_name);
    struct stat there;
    if (lstat(dst, &there) == 0) continue;
    if (mknod(dst, st.st_mode, st.st_rdev) < 0) dev_node(root, e->d_name);
  }
  closedir(d);
}

/* A new terminal of the requested size: its master for us, its slave for the container. */
static void open_terminal(struct opts *o, int *master, int *slave) {
  *master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (*master < 0 || grantpt(*master) < 0 || unlockpt(*master) < 0) die(125, "allocate a terminal");
  /* The peer of this very master, not a path lookup that another devpts could answer. */
  *slave = ioctl(*master, TIOCGPTPEER, O_RDWR | O_NOCTTY);
  if (*slave < 0) die(125, "open the terminal");
  struct winsize ws = {.ws_row = o->rows ? o->rows : 24, .ws_col = o->cols ? o->cols : 80};
  ioctl(*master, TIOCSWINSZ, &ws);
}

static struct opts *g_opts;
static int g_sync[2];

static int container_main(void *arg) {
  struct opts *o = arg;
  char c, path[4096];
  close(g_sync[1]);
  /* Wait for the parent: cgroup joined, id maps written. */
  if (read(g_sync[0], &c, 1) != 1) _exit(125);
  close(g_sync[0]);
  if (o->userns) {
    if (setgid(0) < 0 || setuid(0) < 0) die(125, "become root in the user namespace");
  }
  mountx(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
  mountx(o->rootfs, o->rootfs, NULL, MS_BIND | MS_REC, NULL);
  const char *r = o->rootfs;
  snprintf(path, sizeof path, "%s/proc", r); mkdir_p(path, 0555);
  mountx("proc", path, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
  snprintf(path, sizeof path, "%s/dev", r); mkdir_p(path, 0755);
  mountx("tmpfs", path, "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k");
  const char *nodes[] = {"null", "zero", "full", "random", "urandom", "tty"};
  for (unsigned i = 0; i < sizeof nodes / sizeof *nodes; i++) std_device(r, nodes[i], o->userns);
  if (o->privileged) all_devices(r);
  snprintf(path, sizeof path, "%s/dev/pts", r); mkdir_p(path, 0755);
  mountx("devpts", path, "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620");
  snprintf(path, sizeof path, "%s/dev/ptmx", r); symlink("pts/ptmx", path);
  snprintf(path, sizeof path, "%s/dev/shm", r); mkdir_p(path, 01777);
  mountx("shm", path, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=65536k");
  snprintf(path, sizeof path, "%s/dev/fd", r); symlink("/proc/self/fd", path);
  snprintf(path, sizeof path, "%s/dev/stdin", r); symlink("/proc/self/fd/0", path);
  snprintf(path, sizeof path, "%s/dev/stdout", r); symlink("/proc/self/fd/1", path);
  snprintf(path, sizeof path, "%s/dev/stderr", r); symlink("/proc/self/fd/2", path);
  /* sysfs belongs to a network namespace: only a container with its own may mount it. */
  snprintf(path, sizeof path, "%s/sys", r); mkdir_p(path, 0555);
  if (own_net(o) || !o->userns) {
    /* Read-only, unless --privileged (as Docker mounts them). */
    unsigned long ro = o->privileged ? 0 : MS_RDONLY;
    mountx("sysfs", path, "sysfs", ro | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    /* In its cgroup namespace, the container sees its own cgroup as the root. */
    snprintf(path, sizeof path, "%s/sys/fs/cgroup", r);
    mountx("cgroup2", path, "cgroup2", ro | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
  }
  for (int k = 0; k < o->nmounts; k++) {
    char src[1024], dst[1024], mode[8] = "";
    sscanf(o->mounts[k], "%1023[^:]:%1023[^:]:%7s", src, dst, mode);
    snprintf(path, sizeof path, "%s/%s", r, dst);
    mountx(src, path, NULL, MS_BIND | MS_REC, NULL);
    if (!strcmp(mode, "ro")) mountx(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL);
  }
  snprintf(path, sizeof path, "%s/.pivot_root", r); mkdir_p(path, 0700);
  if (syscall(SYS_pivot_root, r, path) < 0) die(125, "pivot_root %s", r);
  if (chdir("/") < 0) die(125, "chdir /");
  if (umount2("/.pivot_root", MNT_DETACH) < 0) die(125, "detach the old root");
  rmdir("/.pivot_root");
  if (!o->privileged) {
    char why[300];
    if (mask_paths(why, sizeof why) < 0) die(125, "%s", why);
  }
  if (o->hostname && sethostname(o->hostname, strlen(o->hostname)) < 0) die(125, "sethostname");
  /* A prepared namespace (a path) has its loopback up already: vmnet made it so. */
  if (own_net(o)) loopback_up();
  apply_process(o);
  return 127;
}

/* Docker's json-file log line: {"log":"...","stream":"stdout","time":"..."}.
 * Written to the log file, and to stdout, where the engine follows it live. */
static void log_line(FILE *log, const char *stream, const char *s, size_t n) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  struct tm tm;
  gmtime_r(&ts.tv_sec, &tm);
  char *line = NULL;
  size_t len = 0;
  FILE *m = open_memstream(&line, &len);
  fprintf(m, "{\"log\":\"");
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = s[i];
    if (ch == '"' || ch == '\\') fprintf(m, "\\%c", ch);
    else if (ch == '\n') fputs("\\n", m);
    else if (ch == '\r') fputs("\\r", m);
    else if (ch == '\t') fputs("\\t", m);
    else if (ch < 0x20) fprintf(m, "\\u%04x", ch);
    else fputc(ch, m);
  }
  fprintf(m, "\",\"stream\":\"%s\",\"time\":\"%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ\"}\n", stream,
          tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec);
  fclose(m);
  fwrite(line, 1, len, log);
  fflush(log);
  fwrite(line, 1, len, stdout);
  fflush(stdout);
  free(line);
}

/* Splits a stream into lines, one log entry each, keeping partial lines until they end. */
struct linebuf { char buf[16384]; size_t len; const char *stream; int raw; };

static int pump(int fd, struct linebuf *lb, FILE *log) {
  ssize_t n = read(fd, lb->buf + lb->len, sizeof lb->buf - lb->len);
  if (n <= 0) {
    if (lb->len) log_line(log, lb->stream, lb->buf, lb->len);
    lb->len = 0;
    return 0;
  }
  lb->len += n;
  /* A terminal's output goes out as it comes: a prompt has no newline to wait for. */
  if (lb->raw) { log_line(log, lb->stream, lb->buf, lb->len); lb->len = 0; return 1; }
  size_t start = 0;
  for (size_t i = 0; i < lb->len; i++) {
    if (lb->buf[i] == '\n') {
      log_line(log, lb->stream, lb->buf + start, i - start + 1);
      start = i + 1;
    }
  }
  if (start == 0 && lb->len == sizeof lb->buf) { log_line(log, lb->stream, lb->buf, lb->len); start = lb->len; }
  memmove(lb->buf, lb->buf + start, lb->len - start);
  lb->len -= start;
  return 1;
}

/* "new": the clone flag for a namespace of its own; "host": none; a path: that namespace, joined now. */
static int join_or_new(const char *how, int flag, const char *what) {
  if (!how || !strcmp(how, "new")) return flag;
  if (!strcmp(how, "host")) return 0;
  int fd = open(how, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || setns(fd, flag) < 0) die(125, "join the %s namespace %s", what, how);
  close(fd);
  return 0;
}

static int cmd_run(struct opts *o) {
  if (!o->rootfs || !o->cgroup || !o->log) die(125, "run needs --rootfs, --cgroup and --log");
  for (int k = 0; k < o->nbefore; k++) step_run(o->before[k]);
  steps_stamp("begin");
  for (int k = 0; k < o->nprep; k++)
    if (step_run(o->prep[k]) < 0) { fflush(stdout); _exit(125); }
  if (o->host_exec && (o->host_exec_fd = open(o->host_exec, O_RDONLY | O_CLOEXEC)) < 0) die(125, "open %s", o->host_exec);
  FILE *log = fopen(o->log, "ae");
  if (!log) die(125, "open log %s", o->log);
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0 || pipe2(g_sync, O_CLOEXEC) < 0) die(125, "pipe");
  char path[4096];
  /* Mount points are made here, as host root: inside a user namespace the
   * container's root cannot create them in a rootfs owned by the host's root. */
  const char *points[] = {"proc", "dev", "sys", ".pivot_root"};
  for (unsigned k = 0; k < sizeof points / sizeof *points; k++) {
    snprintf(path, sizeof path, "%s/%s", o->rootfs, points[k]);
    mkdir_p(path, 0755);
  }
  if (o->workdir) {
    snprintf(path, sizeof path, "%s/%s", o->rootfs, o->workdir);
    mkdir_p(path, 0755); /* Docker creates a missing working directory */
  }
  for (int k = 0; k < o->nmounts; k++) {
    char src[1024], dst[1024];
    if (sscanf(o->mounts[k], "%1023[^:]:%1023[^:]", src, dst) != 2) { errno = 0; die(125, "bad mount %s", o->mounts[k]); }
    struct stat st;
    if (stat(src, &st) < 0) die(125, "bind source path %s", src);
    snprintf(path, sizeof path, "%s/%s", o->rootfs, dst);
    if (S_ISDIR(st.st_mode)) mkdir_p(path, 0755);
    else {
      char dir[4200];
      snprintf(dir, sizeof dir, "%s", path);
      char *slash = strrchr(dir, '/');
      if (slash) { *slash = 0; mkdir_p(dir, 0755); }
      /* Only when missing: opening an image's file for writing would copy it up into the container layer. */
      struct stat there;
      int fd = lstat(path, &there) < 0 ? open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644) : -1;
      if (fd >= 0) close(fd);
    }
  }
  snprintf(path, sizeof path, "%s/cgroup.procs", o->cgroup);
  /* Joined before the clone, so the container's cgroup namespace is rooted at its own cgroup. */
  write_file(path, "0");
  int flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWCGROUP | SIGCHLD;
  /* Another container's IPC or PID namespace is joined here, before the clone, as the network one below.
   * A joined PID namespace applies to this process's children: the container's process. */
  flags |= join_or_new(o->ipc, CLONE_NEWIPC, "IPC");
  flags |= join_or_new(o->pidns, CLONE_NEWPID, "PID");
  if (o->init && (o->init_fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC)) < 0) die(125, "open docker-init");
  if (o->net[0] == '/') {
    /* Joined here, before the clone: the container's process inherits it, whatever user namespace it gets. */
    int nfd = open(o->net, O_RDONLY | O_CLOEXEC);
    if (nfd < 0 || setns(nfd, CLONE_NEWNET) < 0) die(125, "join the network namespace %s", o->net);
    close(nfd);
  } else if (strcmp(o->net, "host") != 0) flags |= CLONE_NEWNET;
  if (o->userns) flags |= CLONE_NEWUSER;
  static char stack[256 * 1024];
  g_opts = o;
  /* The child's stdio: /dev/null in and the log pipes out, or a new terminal
   * for all three with --tty. Set up here, inherited through clone. */
  int master = -1, slave = -1;
  if (o->tty) open_terminal(o, &master, &slave);
  /* Out before fd 1 becomes the container's pipe: nothing of ours may wait in a buffer
   * that then writes there, or that the container's copy of this process inherits. */
  fflush(stdout);
  int saved_in = dup(0), saved_out = dup(1), saved_err = dup(2);
  int devnull = open("/dev/null", O_RDONLY);
  if (o->tty) dup2(slave, 0);
  else if (!o->stdin_open) dup2(devnull, 0);
  dup2(o->tty ? slave : out[1], 1);
  dup2(o->tty ? slave : err[1], 2);
  pid_t pid = clone(container_main, stack + sizeof stack, flags, o);
  int clone_errno = errno;
  dup2(saved_in, 0);
  dup2(saved_out, 1);
  dup2(saved_err, 2);
  close(saved_in); close(saved_out); close(saved_err); close(devnull);
  if (slave >= 0) close(slave);
  if (pid < 0) { errno = clone_errno; die(125, "clone"); }
  /* The shim itself leaves the container's cgroup, as containerd's does: its
   * memory and its pid are not the container's. */
  write_file("/sys/fs/cgroup/cgroup.procs", "0");
  close(out[1]); close(err[1]); close(g_sync[0]);
  if (o->tty) { close(out[0]); out[0] = master; close(err[0]); err[0] = -1; }
  if (o->userns) {
    char map[64];
    snprintf(path, sizeof path, "/proc/%d/setgroups", pid);
    write_file(path, "deny");
    snprintf(map, sizeof map, "0 %d %d", USERNS_BASE, USERNS_SIZE);
    snprintf(path, sizeof path, "/proc/%d/uid_map", pid);
    write_file(path, map);
    snprintf(path, sizeof path, "/proc/%d/gid_map", pid);
    write_file(path, map);
  }
  char what[32];
  snprintf(what, sizeof what, "pid %d", pid);
  steps_stamp(what);
  if (write(g_sync[1], "g", 1) != 1) die(125, "start the container");
  close(g_sync[1]);
  signal(SIGPIPE, SIG_IGN);
  struct linebuf lo = {.stream = "stdout", .raw = o->tty}, le = {.stream = "stderr"};
  /* With a terminal, what arrives on our stdin is typed into it. */
  struct pollfd fds[3] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}, {o->tty ? 0 : -1, POLLIN, 0}};
  int open_fds = o->tty ? 1 : 2;
  while (open_fds) {
    if (poll(fds, 3, -1) < 0) { if (errno == EINTR) continue; break; }
    for (int i = 0; i < 2; i++) {
      if (fds[i].fd < 0 || !fds[i].revents) continue;
      if (!pump(fds[i].fd, i ? &le : &lo, log)) { close(fds[i].fd); fds[i].fd = -1; open_fds--; }
    }
    if (fds[2].fd >= 0 && fds[2].revents) {
      char in[4096];
      ssize_t n = read(0, in, sizeof in);
      if (n <= 0) fds[2].fd = -1;
      else for (ssize_t off = 0; off < n;) { ssize_t w = write(master, in + off, n - off); if (w <= 0) break; off += w; }
    }
  }
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  fclose(log);
  /* Whether the kernel's OOM killer struck, read before anyone removes the cgroup. */
  char events[4096];
  snprintf(events, sizeof events, "%s/memory.events", o->cgroup);
  FILE *ev = fopen(events, "re");
  long kills = 0;
  char line[128];
  while (ev && fgets(line, sizeof line, ev)) sscanf(line, "oom_kill %ld", &kills);
  if (ev) fclose(ev);
  printf("oom_kill %ld\n", kills);
  fflush(stdout);
  int code = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
  for (int k = 0; k < o->nafter; k++) step_run(o->after[k]);
  /* The exit is known here: the engine answers its client while the steps of --rm go on. */
  printf("exit %d\n", code);
  fflush(stdout);
  for (int k = 0; k < o->nteardown; k++) step_run(o->teardown[k]);
  if (o->nteardown) { printf("torn-down\n"); fflush(stdout); }
  return code;
}

static int cmd_exec(struct opts *o) {
  if (o->pid <= 0) die(125, "exec needs --pid");
  char path[256];
  /* The container's cgroup first (its namespace hides the path afterwards). */
  snprintf(path, sizeof path, "/proc/%d/cgroup", o->pid);
  FILE *f = fopen(path, "re");
  if (!f) die(125, "no such container process %d", o->pid);
  char line[4096], cg[4200] = "";
  while (fgets(line, sizeof line, f))
    if (strncmp(line, "0::", 3) == 0) { line[strcspn(line, "\n")] = 0; snprintf(cg, sizeof cg, "/sys/fs/cgroup%s/cgroup.procs", line + 3); }
  fclose(f);
  if (*cg) write_file(cg, "0");
  /* The terminal comes from the host's devpts, before entering the container,
   * as for `run --tty`: a master opened inside the container's mount
   * namespace could not always hand out its peer. */
  int master = -1, slave = -1;
  if (o->tty) open_terminal(o, &master, &slave);
  const char *kinds[] = {"user", "cgroup", "ipc", "uts", "net", "pid", "mnt"};
  int fds[7];
  snprintf(path, sizeof path, "/proc/%d/root", o->pid);
  int rootfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0) die(125, "open %s", path);
  for (int i = 0; i < 7; i++) {
    char mine[64];
    snprintf(path, sizeof path, "/proc/%d/ns/%s", o->pid, kinds[i]);
    snprintf(mine, sizeof mine, "/proc/self/ns/%s", kinds[i]);
    struct stat a, b;
    /* Only namespaces the container does not share with us: setns to our own user ns fails. */
    if (stat(path, &a) == 0 && stat(mine, &b) == 0 && a.st_ino == b.st_ino) { fds[i] = -1; continue; }
    fds[i] = open(path, O_RDONLY | O_CLOEXEC);
    if (fds[i] < 0) die(125, "open %s", path);
  }
  /* The network namespace first: one the engine prepared belongs to the host's user namespace, which
   * this process may no longer act in once it has entered the container's. */
  const int order[] = {4, 0, 1, 2, 3, 5, 6};
  for (int k = 0; k < 7; k++) {
    int i = order[k];
    if (fds[i] >= 0 && setns(fds[i], 0) < 0) die(125, "enter the %s namespace", kinds[i]);
  }
  if (fchdir(rootfd) < 0 || chroot(".") < 0 || chdir("/") < 0) die(125, "enter the container's root");
  /* A new pid namespace applies to children only. (Nothing buffered for the child to inherit: its die() flushes.) */
  fflush(stdout);
  pid_t child = fork();
  if (child < 0) die(125, "fork");
  if (child == 0) {
    if (fds[0] >= 0 && (setgid(0) < 0 || setuid(0) < 0)) die(126, "become root in the user namespace");
    if (o->tty) {
      setsid();
      if (ioctl(slave, TIOCSCTTY, 0) < 0) die(125, "make the terminal controlling");
      dup2(slave, 0); dup2(slave, 1); dup2(slave, 2);
      if (slave > 2) close(slave);
      o->tty = 0; /* the session and controlling tty are set up already */
    }
    apply_process(o);
  }
  if (slave >= 0) close(slave);
  if (o->tty) {
    /* Relay: our stdin into the terminal, the terminal's output to our stdout. */
    struct pollfd p[2] = {{master, POLLIN, 0}, {0, POLLIN, 0}};
    char b[4096];
    for (;;) {
      /* Until the output ends, or the command is gone (even if it never opened its terminal). */
      int r = poll(p, 2, 100);
      if (r < 0) { if (errno == EINTR) continue; break; }
      if (r == 0) {
        siginfo_t si = {0};
        if (waitid(P_PID, child, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == child) break;
        continue;
      }
      if (p[0].revents) { ssize_t n = read(master, b, sizeof b); if (n <= 0) break; if (write(1, b, n) < 0) break; }
      if (p[1].fd >= 0 && p[1].revents) {
        ssize_t n = read(0, b, sizeof b);
        if (n <= 0) p[1].fd = -1;
        else if (write(master, b, n) < 0) break;
      }
    }
  }
  int status;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

int layer_main(int argc, char **argv);

int vmctr_main(int argc, char **argv) {
  struct opts o = {.net = "new", .host_exec_fd = -1, .init_fd = -1, .seccomp = 1};
  const char *caps = NULL;
  if (argc < 2) die(125, "usage: vmctr run|exec [options] -- CMD... | vmctr do STEP... | vmctr layer-tar|whiteouts DIR");
  const char *verb = argv[1];
  if (!strcmp(verb, "layer-tar") || !strcmp(verb, "whiteouts") || !strcmp(verb, "shift-ids")) return layer_main(argc, argv);
  if (!strcmp(verb, "do")) return steps_main(argc, argv);
  int i = 2;
  for (; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--")) { i++; break; }
    if (!strcmp(a, "--userns")) { o.userns = 1; continue; }
    if (!strcmp(a, "--tty")) { o.tty = 1; continue; }
    if (!strcmp(a, "--stdin")) { o.stdin_open = 1; continue; }
    if (!strcmp(a, "--init")) { o.init = 1; continue; }
    if (!strcmp(a, "--privileged")) { o.privileged = 1; continue; }
    if (!strcmp(a, "--no-new-privileges")) { o.no_new_privs = 1; continue; }
    if (!v) die(125, "%s needs a value", a);
    if (!strcmp(a, "--rootfs")) o.rootfs = v;
    else if (!strcmp(a, "--cgroup")) o.cgroup = v;
    else if (!strcmp(a, "--log")) o.log = v;
    else if (!strcmp(a, "--hostname")) o.hostname = v;
    else if (!strcmp(a, "--workdir")) o.workdir = v;
    else if (!strcmp(a, "--user")) o.user = v;
    else if (!strcmp(a, "--net")) o.net = v;
    else if (!strcmp(a, "--ipc")) o.ipc = v;
    else if (!strcmp(a, "--pidns")) o.pidns = v;
    else if (!strcmp(a, "--caps")) caps = v;
    else if (!strcmp(a, "--seccomp")) {
      if (strcmp(v, "default") && strcmp(v, "unconfined")) { errno = 0; die(125, "--seccomp is default or unconfined, not %s", v); }
      o.seccomp = !strcmp(v, "default");
    }
    else if (!strcmp(a, "--host-exec")) o.host_exec = v;
    else if (!strcmp(a, "--pid")) o.pid = atoi(v);
    else if (!strcmp(a, "--tty-size")) { unsigned r = 0, c = 0; sscanf(v, "%ux%u", &r, &c); o.rows = r; o.cols = c; }
    else if (!strcmp(a, "--env")) { if (o.nenv < MAX_ENV) o.env[o.nenv++] = (char *)v; }
    else if (!strcmp(a, "--mount")) { if (o.nmounts < 64) o.mounts[o.nmounts++] = (char *)v; }
#define ITEM(flag, list, n, max) \
    else if (!strcmp(a, flag)) { if (o.n >= max) { errno = 0; die(125, "too many %s", flag); } o.list[o.n++] = v; }
    ITEM("--before", before, nbefore, 32)
    ITEM("--do", prep, nprep, 128)
    ITEM("--after", after, nafter, 32)
    ITEM("--teardown", teardown, nteardown, 32)
#undef ITEM
    else { errno = 0; die(125, "unknown option %s", a); }
    i++;
  }
  if (i >= argc) { errno = 0; die(125, "no command given"); }
  /* Two slots before the command for "docker-init --": "--" and the option before it are done with. */
  if (o.init && i < 4) { errno = 0; die(125, "--init needs the command after --"); }
  if (o.init && o.host_exec) { errno = 0; die(125, "--init and --host-exec cannot be combined"); }
  o.argv = argv + i;
  errno = 0;
  if (caps_parse(o.privileged ? "ALL" : caps, &o.caps) < 0) die(125, "bad --caps");
  if (o.privileged) o.seccomp = 0;
  if (!strcmp(verb, "run")) return cmd_run(&o);
  if (!strcmp(verb, "exec")) return cmd_exec(&o);
  die(125, "unknown verb %s", verb);
  return 125;
}
