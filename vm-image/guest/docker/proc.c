/*
 * The guest programs the CLI needs (tar for cp and build), started directly
 * with fork and execvp: paths are arguments, never pasted into a shell line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

static int wait_status(pid_t pid) {
  int st;
  while (waitpid(pid, &st, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void exec_child(char *const argv[], const char *dir) {
  if (dir && chdir(dir) < 0) {
    fprintf(stderr, "docker: %s: %s\n", dir, strerror(errno));
    _exit(127);
  }
  execvp(argv[0], argv);
  fprintf(stderr, "docker: %s: %s\n", argv[0], strerror(errno));
  _exit(127);
}

int run_capture(char *const argv[], const char *dir, struct buf *out) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) < 0) return -1;
  pid_t pid = fork();
  if (pid < 0) { close(p[0]); close(p[1]); return -1; }
  if (pid == 0) {
    dup2(p[1], 1);
    exec_child(argv, dir);
  }
  close(p[1]);
  bputs(out, "");
  char c[8192];
  ssize_t n;
  while ((n = read(p[0], c, sizeof c)) != 0) {
    if (n < 0) { if (errno == EINTR) continue; break; }
    bput(out, c, n);
  }
  close(p[0]);
  return wait_status(pid);
}

int run_feed(char *const argv[], const char *data, size_t len) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) < 0) return -1;
  pid_t pid = fork();
  if (pid < 0) { close(p[0]); close(p[1]); return -1; }
  if (pid == 0) {
    dup2(p[0], 0);
    exec_child(argv, NULL);
  }
  close(p[0]);
  void (*old)(int) = signal(SIGPIPE, SIG_IGN);
  for (size_t off = 0; off < len;) {
    ssize_t w = write(p[1], data + off, len - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) break;
    off += w;
  }
  close(p[1]);
  signal(SIGPIPE, old);
  return wait_status(pid);
}
