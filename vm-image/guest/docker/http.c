/* HTTP/1.1 over the daemon's unix socket, and the streams Docker's API answers with. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli.h"

const char *docker_sock = "/var/run/docker.sock";
const char *extra_headers = "";

static int dial(void) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  snprintf(a.sun_path, sizeof a.sun_path, "%s", docker_sock);
  if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
    fprintf(stderr, "Cannot connect to the Docker daemon at unix://%s. Is the docker daemon running?\n", docker_sock);
    exit(1);
  }
  return fd;
}

static void write_all(int fd, const char *p, size_t n) {
  for (size_t off = 0; off < n;) {
    ssize_t w = write(fd, p + off, n - off);
    if (w <= 0) break;
    off += w;
  }
}

int send_request_ex(const char *method, const char *path, const char *body, int upgrade) {
  int fd = dial();
  struct buf r = {0};
  size_t blen = body ? strlen(body) : 0;
  bprintf(&r, "%s /v1.43%s HTTP/1.1\r\nHost: docker\r\nUser-Agent: Docker-Client/playground\r\n%s", method, path,
          upgrade ? "Connection: Upgrade\r\nUpgrade: tcp\r\n" : "Connection: close\r\n");
  if (body) bprintf(&r, "Content-Type: application/json\r\nContent-Length: %zu\r\n", blen);
  bputs(&r, extra_headers);
  bputs(&r, "\r\n");
  if (body) bput(&r, body, blen);
  write_all(fd, r.p, r.len);
  free(r.p);
  return fd;
}

int send_request(const char *method, const char *path, const char *body) {
  return send_request_ex(method, path, body, 0);
}

int read_head(int fd, struct buf *early) {
  struct buf h = {0};
  char c[4096];
  bputs(early, "");
  for (;;) {
    ssize_t n = read(fd, c, sizeof c);
    if (n <= 0) { fprintf(stderr, "docker: the daemon closed the connection\n"); exit(1); }
    bput(&h, c, n);
    char *end = strstr(h.p, "\r\n\r\n");
    if (end) {
      int status = 0;
      sscanf(h.p, "HTTP/1.%*d %d", &status);
      size_t head = end + 4 - h.p;
      bput(early, h.p + head, h.len - head);
      free(h.p);
      return status;
    }
  }
}

int send_body(const char *method, const char *path, const char *type, struct buf *body) {
  int fd = dial();
  struct buf req = {0};
  bprintf(&req, "%s /v1.43%s HTTP/1.1\r\nHost: docker\r\nUser-Agent: Docker-Client/playground\r\nConnection: close\r\n"
          "Content-Type: %s\r\nContent-Length: %zu\r\n\r\n", method, path, type, body->len);
  write_all(fd, req.p, req.len);
  write_all(fd, body->p ? body->p : "", body->len);
  free(req.p);
  return fd;
}

struct resp finish_resp(int fd, int status, struct buf *early) {
  struct resp r = {status, *early};
  char c[8192];
  ssize_t n;
  bputs(&r.body, "");
  while ((n = read(fd, c, sizeof c)) > 0) bput(&r.body, c, n);
  close(fd);
  return r;
}

struct resp read_resp(int fd) {
  struct buf early = {0};
  int status = read_head(fd, &early);
  return finish_resp(fd, status, &early);
}

struct resp call(const char *method, const char *path, const char *body) {
  return read_resp(send_request(method, path, body));
}

/* Docker's error shape: {"message": "..."} */
void daemon_error(struct resp *r) {
  const char *m = jstr(json_parse(r->body.p), "message");
  fprintf(stderr, "Error response from daemon: %s\n", *m ? m : r->body.p ? r->body.p : "");
}

struct json *expect(struct resp r, int ok) {
  if (r.status != ok && !(ok == 200 && r.status == 201) && !(ok == 204 && r.status == 200)) {
    daemon_error(&r);
    exit(1);
  }
  return json_parse(r.body.p);
}

/* [stream, 0, 0, 0, size (big endian)] then the bytes. */
void demux_frames(struct buf *b) {
  while (b->len >= 8) {
    uint32_t size = ((unsigned char)b->p[4] << 24) | ((unsigned char)b->p[5] << 16) | ((unsigned char)b->p[6] << 8) |
                    (unsigned char)b->p[7];
    if (b->len - 8 < size) break;
    int out = b->p[0] == 2 ? 2 : 1;
    write_all(out, b->p + 8, size);
    memmove(b->p, b->p + 8 + size, b->len - 8 - size);
    b->len -= 8 + size;
  }
}

void demux(int fd, struct buf *pre) {
  struct buf b = *pre;
  char c[8192];
  for (;;) {
    demux_frames(&b);
    ssize_t n = read(fd, c, sizeof c);
    if (n <= 0) break;
    bput(&b, c, n);
  }
  free(b.p);
}

void json_lines(int fd, struct buf *b, void (*fn)(struct json *, void *), void *ctx) {
  char c[4096];
  bputs(b, "");
  for (;;) {
    char *nl;
    while ((nl = memchr(b->p, '\n', b->len))) {
      size_t line = nl - b->p;
      if (line) fn(json_parse_n(b->p, line), ctx);
      memmove(b->p, nl + 1, b->len - line - 1);
      b->len -= line + 1;
      b->p[b->len] = 0;
    }
    ssize_t n = read(fd, c, sizeof c);
    if (n <= 0) break;
    bput(b, c, n);
  }
}
