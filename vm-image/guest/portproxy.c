/*
 * docker-proxy: Docker's userland proxy for a published port, with its
 * flags. It listens on the host (the guest's root network namespace) and
 * relays each TCP connection to the container's address on its bridge:
 *
 *   docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port 8080 \
 *                -container-ip 172.17.0.2 -container-port 80
 *
 * It forks into the background once it listens and prints the background
 * process's pid, so whoever starts it knows the port is open and what to
 * kill when the container stops. One process per connection: a published
 * port in a classroom carries a handful of connections, not thousands.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* Both directions until both ends have finished; a half-close is passed on. */
static void relay(int a, int b) {
  struct pollfd p[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
  int open[2] = {1, 1};
  char buf[16384];
  while (open[0] || open[1]) {
    if (poll(p, 2, -1) < 0) { if (errno == EINTR) continue; break; }
    for (int i = 0; i < 2; i++) {
      if (!open[i] || !p[i].revents) continue;
      ssize_t n = read(p[i].fd, buf, sizeof buf);
      int to = p[1 - i].fd;
      if (n <= 0) { open[i] = 0; p[i].fd = -1; shutdown(to, SHUT_WR); continue; }
      for (ssize_t off = 0; off < n;) {
        ssize_t w = write(to, buf + off, n - off);
        if (w <= 0) return;
        off += w;
      }
    }
  }
}

int portproxy_main(int argc, char **argv) {
  const char *proto = "tcp", *host_ip = "0.0.0.0", *host_port = NULL, *ctr_ip = NULL, *ctr_port = NULL;
  for (int i = 1; i + 1 < argc; i += 2) {
    const char *f = argv[i], *v = argv[i + 1];
    if (!strcmp(f, "-proto")) proto = v;
    else if (!strcmp(f, "-host-ip")) host_ip = v;
    else if (!strcmp(f, "-host-port")) host_port = v;
    else if (!strcmp(f, "-container-ip")) ctr_ip = v;
    else if (!strcmp(f, "-container-port")) ctr_port = v;
    else { fprintf(stderr, "docker-proxy: unknown flag %s\n", f); return 2; }
  }
  if (strcmp(proto, "tcp") || !host_port || !ctr_ip || !ctr_port) {
    fprintf(stderr, "usage: docker-proxy -proto tcp -host-ip IP -host-port PORT -container-ip IP -container-port PORT\n");
    return 2;
  }
  struct sockaddr_in listen_at = {.sin_family = AF_INET, .sin_port = htons(atoi(host_port))};
  struct sockaddr_in target = {.sin_family = AF_INET, .sin_port = htons(atoi(ctr_port))};
  if (inet_pton(AF_INET, host_ip, &listen_at.sin_addr) != 1 || inet_pton(AF_INET, ctr_ip, &target.sin_addr) != 1) {
    fprintf(stderr, "docker-proxy: bad address %s or %s\n", host_ip, ctr_ip);
    return 2;
  }
  int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (s < 0 || bind(s, (struct sockaddr *)&listen_at, sizeof listen_at) < 0 || listen(s, 64) < 0) {
    fprintf(stderr, "Error starting userland proxy: listen tcp4 %s:%s: bind: %s\n", host_ip, host_port, strerror(errno));
    return 1;
  }
  pid_t bg = fork();
  if (bg < 0) { perror("docker-proxy: fork"); return 1; }
  if (bg > 0) { printf("%d\n", bg); return 0; }
  setsid();
  int null = open("/dev/null", 2);
  if (null >= 0) { dup2(null, 0); dup2(null, 1); dup2(null, 2); if (null > 2) close(null); }
  signal(SIGCHLD, SIG_IGN); /* connection handlers are reaped by the kernel */
  signal(SIGPIPE, SIG_IGN);
  for (;;) {
    int c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
    if (c < 0) { if (errno == EINTR || errno == ECONNABORTED) continue; return 1; }
    if (fork() == 0) {
      close(s);
      int t = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (t >= 0 && connect(t, (struct sockaddr *)&target, sizeof target) == 0) relay(c, t);
      _exit(0);
    }
    close(c);
  }
}
