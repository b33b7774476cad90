/*
 * The runtime's steps around a container's process, as vmctr carries them
 * out: the engine's plan (src/engine/runtime/containerPlan.ts) turned into
 * items, one argv word each, KIND:ARGUMENT.
 *
 *   mkdir:PATH                 mkdir -p
 *   touch:PATH                 an empty file, unless one is there
 *   chown:UID:GID:PATH         lchown
 *   overlay:TARGET=OPTIONS     mount -t overlay overlay -o OPTIONS TARGET
 *   write:PATH=TEXT            the file is TEXT (made with its directory if missing)
 *   netns:PATH                 a new network namespace kept at PATH (an old one there goes first)
 *   endpoint:SPEC              a veth pair from the last netns: item's namespace to a bridge (see netsetup.c)
 *   sh:SCRIPT                  /bin/sh -c SCRIPT, its output on stderr (what has no item of its own)
 *   ok                         prints "ok N TIME": the plan's step N ended (TIME as busybox's $EPOCHREALTIME)
 *   umount:PATH                unmounted, if mounted
 *   netns-down:PATH            the namespace kept at PATH let go, its file removed
 *   kill-pids:FILE             SIGTERM to each pid in FILE, then FILE removed (if there is one)
 *   rmdir-wait:PATH            a cgroup removed once its last process is reaped (up to 5 s)
 *   rm-rf:PATH                 rm -rf
 *
 * Why here and not in a shell script: each of these as a busybox program is a
 * fork (and mostly an exec) of a 1 MB static binary on an emulated CPU,
 * 5–17 ms apiece; a container's start and removal took about a dozen of them.
 * As system calls in the process that starts the container they cost nothing
 * to speak of, and the engine's plan still names every step.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "steps.h"

int netsetup_main(int argc, char **argv);

static int step_no;
static char netns[512];

void steps_stamp(const char *what) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  if (what) printf("%s %lld.%06ld\n", what, (long long)ts.tv_sec, ts.tv_nsec / 1000);
  else printf("ok %d %lld.%06ld\n", step_no++, (long long)ts.tv_sec, ts.tv_nsec / 1000);
  /* A step's "ok" waits in the buffer for the next named line (or the exit):
   * each write wakes the agent and crosses the channel, and the times are the
   * guest's own, so sending them together loses nothing. */
  if (what) fflush(stdout);
}

static int report(const char *item, int err) {
  fprintf(stderr, "vmctr: %s: %s\n", item, strerror(err));
  return -1;
}

int mkdir_p(const char *path, mode_t mode) {
  char buf[4096];
  if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) return ENAMETOOLONG;
  for (char *p = buf + 1; *p; p++) {
    if (*p != '/') continue;
    *p = 0;
    if (mkdir(buf, mode) < 0 && errno != EEXIST) return errno;
    *p = '/';
  }
  if (mkdir(buf, mode) < 0 && errno != EEXIST) return errno;
  return 0;
}

static int write_text(const char *path, const char *text) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0 && errno == ENOENT) {
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
      *slash = 0;
      int e = mkdir_p(dir, 0755);
      if (e) return e;
    }
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  }
  if (fd < 0) return errno;
  size_t len = strlen(text);
  for (size_t off = 0; off < len;) {
    ssize_t n = write(fd, text + off, len - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      close(fd);
      return e;
    }
    off += n;
  }
  /* A cgroup file refuses a value at close on some kernels: that is a failure too. */
  return close(fd) < 0 ? errno : 0;
}

static int unlink_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st; (void)ftw;
  if ((flag == FTW_DP ? rmdir(path) : unlink(path)) < 0 && errno != ENOENT) return errno;
  return 0;
}

static int netns_down(const char *path) {
  if (access(path, F_OK) < 0) return 0;
  umount2(path, MNT_DETACH);
  return unlink(path) < 0 && errno != ENOENT ? errno : 0;
}

static int kill_pids(const char *file) {
  FILE *f = fopen(file, "re");
  if (!f) return errno == ENOENT ? 0 : errno;
  long pid;
  while (fscanf(f, "%ld", &pid) == 1)
    if (pid > 1) kill((pid_t)pid, SIGTERM);
  fclose(f);
  return unlink(file) < 0 && errno != ENOENT ? errno : 0;
}

static int rmdir_wait(const char *path) {
  for (int i = 0; i < 500; i++) {
    if (rmdir(path) == 0 || errno == ENOENT) return 0;
    if (errno != EBUSY) return errno;
    usleep(10000);
  }
  return EBUSY;
}

static int run_sh(const char *script) {
  pid_t pid = fork();
  if (pid < 0) return errno;
  if (pid == 0) {
    /* Our stdout carries the run's report lines: the script's output goes to stderr. */
    dup2(2, 1);
    execl("/bin/sh", "sh", "-c", script, (char *)NULL);
    _exit(127);
  }
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return errno;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
  fprintf(stderr, "vmctr: sh: exit status %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  return -1;
}

static int vmnet(const char *a, const char *b) {
  char *argv[] = {"vmnet", "up", netns, (char *)a, (char *)b, NULL};
  return netsetup_main(b ? 5 : 4, argv) ? -1 : 0;
}

int step_run(const char *item) {
  const char *colon = strchr(item, ':');
  if (!colon) {
    if (!strcmp(item, "ok")) { steps_stamp(NULL); return 0; }
    fprintf(stderr, "vmctr: unknown step %s\n", item);
    return -1;
  }
  size_t klen = colon - item;
  const char *arg = colon + 1;
  char head[4096];
  int e = 0;
#define IS(k) (klen == sizeof k - 1 && !strncmp(item, k, klen))
  if (IS("mkdir")) e = mkdir_p(arg, 0755);
  else if (IS("touch")) {
    int fd = open(arg, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd >= 0) close(fd);
    else if (errno != EEXIST) e = errno;
  } else if (IS("chown")) {
    unsigned uid, gid;
    int n = 0;
    if (sscanf(arg, "%u:%u:%n", &uid, &gid, &n) != 2 || !n) { fprintf(stderr, "vmctr: bad step %s\n", item); return -1; }
    if (lchown(arg + n, uid, gid) < 0) e = errno;
  } else if (IS("overlay") || IS("write")) {
    const char *eq = strchr(arg, '=');
    if (!eq || (size_t)(eq - arg) >= sizeof head) { fprintf(stderr, "vmctr: bad step %s\n", item); return -1; }
    memcpy(head, arg, eq - arg);
    head[eq - arg] = 0;
    if (IS("write")) e = write_text(head, eq + 1);
    else if (mount("overlay", head, "overlay", 0, eq + 1) < 0) e = errno;
  } else if (IS("netns")) {
    snprintf(netns, sizeof netns, "%s", arg);
    if ((e = netns_down(arg)) == 0) return vmnet("--create", NULL);
  } else if (IS("endpoint")) {
    if (!netns[0]) { fprintf(stderr, "vmctr: endpoint before netns\n"); return -1; }
    return vmnet("--endpoint", arg);
  } else if (IS("sh")) return run_sh(arg);
  else if (IS("umount")) {
    if (umount2(arg, 0) < 0 && errno != EINVAL && errno != ENOENT) e = errno;
  } else if (IS("netns-down")) e = netns_down(arg);
  else if (IS("kill-pids")) e = kill_pids(arg);
  else if (IS("rmdir-wait")) e = rmdir_wait(arg);
  else if (IS("rm-rf")) {
    int r = nftw(arg, unlink_one, 16, FTW_DEPTH | FTW_PHYS);
    if (r < 0 && errno != ENOENT) e = errno;
    else if (r > 0) e = r;
  } else {
    fprintf(stderr, "vmctr: unknown step %s\n", item);
    return -1;
  }
#undef IS
  return e ? report(item, e) : 0;
}

int steps_main(int argc, char **argv) {
  /* vmctr do ITEM...: every item, in order; the status says whether any failed. */
  int failed = 0;
  for (int i = 2; i < argc; i++)
    if (step_run(argv[i]) < 0) failed = 1;
  return failed;
}
