/*
 * docker-init: a small init for `docker run --init`, as Docker's (tini).
 *
 *   docker-init -- CMD...
 *
 * As a container's PID 1 it starts CMD as its child and then does what an
 * init must: it reaps every process that ends up its child (orphans are
 * re-parented to PID 1 and stay zombies until someone waits for them), and
 * passes the signals it gets (docker stop's SIGTERM, docker kill -s) on to
 * CMD, because the kernel delivers no signal to PID 1 that PID 1 has no
 * handler for. It exits with CMD's status once CMD is gone.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Faults are the process's own, and job-control stops would stop init itself: left to the kernel, as tini does. */
static const int NOT_FORWARDED[] = {SIGFPE, SIGILL, SIGSEGV, SIGBUS, SIGABRT, SIGTRAP, SIGSYS, SIGTTIN, SIGTTOU};

int init_main(int argc, char **argv) {
  int first = 1;
  if (first < argc && !strcmp(argv[first], "--")) first++;
  if (first >= argc) {
    fprintf(stderr, "docker-init: usage: docker-init -- CMD [ARG...]\n");
    return 1;
  }
  sigset_t all, old;
  sigfillset(&all);
  for (size_t i = 0; i < sizeof NOT_FORWARDED / sizeof *NOT_FORWARDED; i++) sigdelset(&all, NOT_FORWARDED[i]);
  sigprocmask(SIG_BLOCK, &all, &old);
  pid_t child = fork();
  if (child < 0) {
    perror("docker-init: fork");
    return 1;
  }
  if (child == 0) {
    sigprocmask(SIG_SETMASK, &old, NULL);
    /* Its own process group, in the foreground of the terminal if there is one: ^C reaches it. */
    setpgid(0, 0);
    if (isatty(0)) {
      signal(SIGTTOU, SIG_IGN);
      tcsetpgrp(0, getpid());
      signal(SIGTTOU, SIG_DFL);
    }
    execvp(argv[first], argv + first);
    int e = errno;
    fprintf(stderr, "docker-init: exec %s: %s\n", argv[first], strerror(e));
    _exit(e == ENOENT ? 127 : 126);
  }
  for (;;) {
    struct timespec tick = {1, 0};
    siginfo_t si;
    int sig = sigtimedwait(&all, &si, &tick);
    if (sig > 0 && sig != SIGCHLD) kill(child, sig);
    int status;
    pid_t p;
    while ((p = waitpid(-1, &status, WNOHANG)) > 0) {
      if (p != child) continue; /* an orphan: reaped, nothing more */
      if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
      return WEXITSTATUS(status);
    }
  }
}
