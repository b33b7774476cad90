/*
 * vmprobe: a test helper that makes one system call and says what the kernel
 * answered, so a test (and a lesson) can show what a container may do.
 * Bind-mount it into a container: -v /sbin/vmtools:/usr/bin/vmprobe:ro.
 *
 *   vmprobe mount|module|settime|rawsock|unshare|keyctl   one call: "<what> ok" or "<what> EPERM (...)"
 *   vmprobe orphans N   leaves N processes orphaned; they exit 0.2 s later (zombies unless PID 1 reaps)
 *   vmprobe loop N [personality]   N getppid() calls (or personality(0xffffffff), which a seccomp
 *                       filter checks by argument, so the kernel cannot answer it from its
 *                       per-syscall cache of the filter's verdicts); prints the nanoseconds per call
 *
 * Exit status: 0 if the call succeeded, 1 if the kernel (or the seccomp
 * filter) refused it, 2 for a usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int report(const char *what, long rc) {
  if (rc >= 0) { printf("%s ok\n", what); return 0; }
  int e = errno;
  printf("%s %s (%s)\n", what, strerrorname_np(e) ? strerrorname_np(e) : "?", strerror(e));
  return 1;
}

static long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

int probe_main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: vmprobe mount|module|settime|rawsock|unshare|keyctl|orphans N|loop N\n"); return 2; }
  const char *w = argv[1];
  long n = argc > 2 ? strtol(argv[2], NULL, 10) : 0;
  if (!strcmp(w, "mount")) {
    /* CAP_SYS_ADMIN: a tmpfs over /tmp, undone at once. */
    long rc = mount("vmprobe", "/tmp", "tmpfs", 0, "size=16k");
    if (rc == 0) umount2("/tmp", MNT_DETACH);
    return report(w, rc);
  }
  if (!strcmp(w, "module")) {
    /* CAP_SYS_MODULE: an empty module. The kernel checks the capability first
     * (EPERM), and only a caller who holds it learns that nothing is there to load (ENOEXEC). */
    return report(w, syscall(SYS_init_module, NULL, 0UL, ""));
  }
  if (!strcmp(w, "settime")) {
    /* CAP_SYS_TIME: set the clock to what it reads, so nothing changes but the permission is tested. */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return report(w, clock_settime(CLOCK_REALTIME, &ts));
  }
  if (!strcmp(w, "rawsock")) {
    /* CAP_NET_RAW, as ping needs. */
    int fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
    if (fd >= 0) close(fd);
    return report(w, fd);
  }
  if (!strcmp(w, "unshare")) {
    /* A new user namespace needs no capability; Docker's seccomp profile blocks unshare itself. */
    return report(w, unshare(CLONE_NEWUSER));
  }
  if (!strcmp(w, "keyctl")) {
    /* KEYCTL_GET_KEYRING_ID of the session keyring: blocked by the profile; this kernel has no keyrings (ENOSYS). */
    return report(w, syscall(SYS_keyctl, 0, -3, 0));
  }
  if (!strcmp(w, "orphans") && n > 0) {
    pid_t mid = fork();
    if (mid < 0) return report("fork", -1);
    if (mid == 0) {
      for (long i = 0; i < n; i++) {
        pid_t c = fork();
        if (c == 0) { usleep(200000); _exit(0); }
      }
      _exit(0); /* its children are orphans now, re-parented to PID 1 */
    }
    waitpid(mid, NULL, 0);
    printf("orphans %ld\n", n);
    return 0;
  }
  if (!strcmp(w, "loop") && n > 0) {
    int pers = argc > 3 && !strcmp(argv[3], "personality");
    long t0 = now_ns();
    if (pers)
      for (long i = 0; i < n; i++) syscall(SYS_personality, 0xffffffffUL);
    else
      for (long i = 0; i < n; i++) syscall(SYS_getppid);
    long t1 = now_ns();
    printf("loop %ld ns/call\n", (t1 - t0) / n);
    return 0;
  }
  fprintf(stderr, "vmprobe: unknown probe %s\n", w);
  return 2;
}
