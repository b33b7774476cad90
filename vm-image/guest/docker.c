/*
 * docker: the client half of Docker's client/daemon split, in the guest.
 *
 * It turns a command line into Docker Engine API requests (the same paths and
 * JSON bodies as Docker's) over /var/run/docker.sock, and prints the answers
 * as the docker CLI does. The daemon is the engine in the browser or in Node;
 * docker-api-relay carries the bytes there.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static const char *SOCK = "/var/run/docker.sock";

/* ---- a growable buffer */
struct buf { char *p; size_t len, cap; };
static void bput(struct buf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) { b->cap = (b->len + n + 1) * 2; b->p = realloc(b->p, b->cap); }
  memcpy(b->p + b->len, s, n); b->len += n; b->p[b->len] = 0;
}
static void bputs(struct buf *b, const char *s) { bput(b, s, strlen(s)); }
static void bprintf(struct buf *b, const char *fmt, ...) {
  char tmp[4096]; va_list ap; va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap); va_end(ap);
  bput(b, tmp, n < (int)sizeof tmp ? (size_t)n : sizeof tmp - 1);
}
static void bjson_str(struct buf *b, const char *s) {
  bput(b, "\"", 1);
  for (; *s; s++) {
    unsigned char c = *s;
    if (c == '"' || c == '\\') { bput(b, "\\", 1); bput(b, (char *)&c, 1); }
    else if (c == '\n') bput(b, "\\n", 2);
    else if (c == '\t') bput(b, "\\t", 2);
    else if (c < 0x20) bprintf(b, "\\u%04x", c);
    else bput(b, (char *)&c, 1);
  }
  bput(b, "\"", 1);
}
static void bjson_arr(struct buf *b, char **v, int n) {
  bput(b, "[", 1);
  for (int i = 0; i < n; i++) { if (i) bput(b, ",", 1); bjson_str(b, v[i]); }
  bput(b, "]", 1);
}

/* ---- a small JSON reader: enough for the API's answers */
enum jt { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };
struct json { enum jt t; double num; char *str; struct json **items; char **keys; int n; };
static const char *jp;
static void jws(void) { while (*jp == ' ' || *jp == '\n' || *jp == '\r' || *jp == '\t') jp++; }
static struct json *jparse(void);
static char *jstring(void) {
  struct buf b = {0}; bputs(&b, "");
  jp++;
  while (*jp && *jp != '"') {
    if (*jp == '\\') {
      jp++;
      char c = *jp;
      if (c == 'n') bputs(&b, "\n"); else if (c == 't') bputs(&b, "\t");
      else if (c == 'r') bputs(&b, "\r");
      else if (c == 'u') { unsigned v = strtoul((char[]){jp[1], jp[2], jp[3], jp[4], 0}, NULL, 16); char ch = v < 128 ? (char)v : '?'; bput(&b, &ch, 1); jp += 4; }
      else bput(&b, &c, 1);
      jp++;
    } else { bput(&b, jp, 1); jp++; }
  }
  if (*jp) jp++;
  return b.p;
}
static struct json *jparse(void) {
  struct json *j = calloc(1, sizeof *j);
  jws();
  if (*jp == '{' || *jp == '[') {
    int obj = *jp == '{';
    j->t = obj ? J_OBJ : J_ARR; jp++;
    for (;;) {
      jws();
      if (*jp == '}' || *jp == ']') { jp++; break; }
      if (*jp == ',') { jp++; continue; }
      if (!*jp) break;
      j->items = realloc(j->items, sizeof *j->items * (j->n + 1));
      j->keys = realloc(j->keys, sizeof *j->keys * (j->n + 1));
      j->keys[j->n] = NULL;
      if (obj) { jws(); j->keys[j->n] = jstring(); jws(); if (*jp == ':') jp++; }
      j->items[j->n++] = jparse();
    }
  } else if (*jp == '"') { j->t = J_STR; j->str = jstring(); }
  else if (!strncmp(jp, "true", 4)) { j->t = J_BOOL; j->num = 1; jp += 4; }
  else if (!strncmp(jp, "false", 5)) { j->t = J_BOOL; jp += 5; }
  else if (!strncmp(jp, "null", 4)) { j->t = J_NULL; jp += 4; }
  else { j->t = J_NUM; char *e; j->num = strtod(jp, &e); jp = e == jp ? jp + 1 : e; }
  return j;
}
static struct json *jget(struct json *j, const char *key) {
  if (!j || j->t != J_OBJ) return NULL;
  for (int i = 0; i < j->n; i++) if (!strcmp(j->keys[i], key)) return j->items[i];
  return NULL;
}
static const char *jstr(struct json *j, const char *key) { struct json *v = jget(j, key); return v && v->t == J_STR ? v->str : ""; }
static double jnum(struct json *j, const char *key) { struct json *v = jget(j, key); return v && (v->t == J_NUM || v->t == J_BOOL) ? v->num : 0; }

/* JSON out again: compact (indent 0) or indented as Docker's CLI prints inspect (4 spaces). */
static void jdump(struct buf *b, struct json *j, int indent, int depth) {
  if (!j) { bputs(b, "null"); return; }
  switch (j->t) {
  case J_NULL: bputs(b, "null"); return;
  case J_BOOL: bputs(b, j->num ? "true" : "false"); return;
  case J_NUM:
    if ((double)(long long)j->num == j->num) bprintf(b, "%lld", (long long)j->num);
    else bprintf(b, "%.17g", j->num);
    return;
  case J_STR: bjson_str(b, j->str); return;
  case J_ARR:
  case J_OBJ: {
    int obj = j->t == J_OBJ;
    if (!j->n) { bputs(b, obj ? "{}" : "[]"); return; }
    bputs(b, obj ? "{" : "[");
    for (int i = 0; i < j->n; i++) {
      if (i) bputs(b, ",");
      if (indent) bprintf(b, "\n%*s", indent * (depth + 1), "");
      if (obj) { bjson_str(b, j->keys[i]); bputs(b, indent ? ": " : ":"); }
      jdump(b, j->items[i], indent, depth + 1);
    }
    if (indent) bprintf(b, "\n%*s", indent * depth, "");
    bputs(b, obj ? "}" : "]");
  }
  }
}

/*
 * docker inspect --format: the Go-template forms lessons use, {{.A.B}} and
 * {{json .A.B}}. A string prints as itself, anything else as JSON.
 */
static void render_template(struct buf *out, const char *tpl, struct json *root) {
  for (const char *p = tpl; *p;) {
    const char *open = strstr(p, "{{");
    if (!open) { bputs(out, p); break; }
    bput(out, p, open - p);
    const char *close = strstr(open, "}}");
    if (!close) { bputs(out, open); break; }
    char expr[512];
    snprintf(expr, sizeof expr, "%.*s", (int)(close - open - 2), open + 2);
    char *e = expr;
    while (*e == ' ') e++;
    for (char *t = e + strlen(e); t > e && t[-1] == ' ';) *--t = 0;
    int as_json = !strncmp(e, "json ", 5);
    if (as_json) { e += 5; while (*e == ' ') e++; }
    struct json *v = root;
    if (*e != '.') v = NULL;
    for (char *seg = strtok(e + 1, "."); v && seg; seg = strtok(NULL, ".")) v = jget(v, seg);
    if (!v) bputs(out, as_json ? "null" : "<no value>");
    else if (v->t == J_STR && !as_json) bputs(out, v->str);
    else jdump(out, v, 0, 0);
    p = close + 2;
  }
}

/* ---- HTTP over the unix socket */
struct resp { int status; struct buf body; };

static int dial(void) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  snprintf(a.sun_path, sizeof a.sun_path, "%s", SOCK);
  if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
    fprintf(stderr, "Cannot connect to the Docker daemon at unix://%s. Is the docker daemon running?\n", SOCK);
    exit(1);
  }
  return fd;
}

/* Headers every request carries for now (a registry login, for pull and push); each ends in \r\n. */
static const char *extra_headers = "";

/* upgrade: the connection becomes a raw two-way stream after the answer (attach with stdin). */
static int send_request_ex(const char *method, const char *path, const char *body, int upgrade) {
  int fd = dial();
  struct buf r = {0};
  size_t blen = body ? strlen(body) : 0;
  bprintf(&r, "%s /v1.43%s HTTP/1.1\r\nHost: docker\r\nUser-Agent: Docker-Client/playground\r\n%s", method, path,
          upgrade ? "Connection: Upgrade\r\nUpgrade: tcp\r\n" : "Connection: close\r\n");
  if (body) bprintf(&r, "Content-Type: application/json\r\nContent-Length: %zu\r\n", blen);
  bputs(&r, extra_headers);
  bputs(&r, "\r\n");
  if (body) bput(&r, body, blen);
  for (size_t off = 0; off < r.len;) { ssize_t n = write(fd, r.p + off, r.len - off); if (n <= 0) break; off += n; }
  free(r.p);
  return fd;
}

static int send_request(const char *method, const char *path, const char *body) {
  return send_request_ex(method, path, body, 0);
}

/* Reads the status line and headers; returns the status, leaves the body unread. */
static int read_head(int fd, struct buf *early) {
  struct buf h = {0};
  char c[4096];
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

/* Sends a request whose body is bytes (a tar); returns the connection, answer unread. */
static int send_body(const char *method, const char *path, const char *type, struct buf *body) {
  int fd = dial();
  struct buf req = {0};
  bprintf(&req, "%s /v1.43%s HTTP/1.1\r\nHost: docker\r\nUser-Agent: Docker-Client/playground\r\nConnection: close\r\n"
          "Content-Type: %s\r\nContent-Length: %zu\r\n\r\n", method, path, type, body->len);
  bput(&req, body->p ? body->p : "", body->len);
  for (size_t off = 0; off < req.len;) { ssize_t w = write(fd, req.p + off, req.len - off); if (w <= 0) break; off += w; }
  free(req.p);
  return fd;
}

static struct resp read_resp(int fd) {
  struct resp r = {0};
  bputs(&r.body, "");
  r.status = read_head(fd, &r.body);
  char c[8192];
  ssize_t n;
  while ((n = read(fd, c, sizeof c)) > 0) bput(&r.body, c, n);
  close(fd);
  return r;
}

/* The whole stdout of a shell command; its exit status. */
static int slurp_command(const char *cmd, struct buf *out) {
  FILE *p = popen(cmd, "r");
  if (!p) return -1;
  bputs(out, "");
  char c[8192]; size_t n;
  while ((n = fread(c, 1, sizeof c, p)) > 0) bput(out, c, n);
  return pclose(p);
}

static struct resp call(const char *method, const char *path, const char *body) {
  return read_resp(send_request(method, path, body));
}

/* Docker's error shape: {"message": "..."} */
static void daemon_error(struct resp *r) {
  jp = r->body.p;
  struct json *j = jparse();
  const char *m = jstr(j, "message");
  fprintf(stderr, "Error response from daemon: %s\n", *m ? m : r->body.p);
}

static struct json *expect(struct resp r, int ok) {
  if (r.status != ok && !(ok == 200 && r.status == 201) && !(ok == 204 && r.status == 200)) { daemon_error(&r); exit(r.status == 404 ? 1 : 1); }
  jp = r.body.p;
  return jparse();
}

/* Docker's multiplexed stream: [stream, 0, 0, 0, size (big endian)] then the bytes. */
/* Writes out every whole frame at the start of b and keeps the rest for later. */
static void demux_frames(struct buf *b) {
  while (b->len >= 8) {
    uint32_t size = ((unsigned char)b->p[4] << 24) | ((unsigned char)b->p[5] << 16) | ((unsigned char)b->p[6] << 8) | (unsigned char)b->p[7];
    if (b->len < 8 + size) break;
    int out = b->p[0] == 2 ? 2 : 1;
    for (size_t off = 0; off < size;) { ssize_t n = write(out, b->p + 8 + off, size - off); if (n <= 0) break; off += n; }
    memmove(b->p, b->p + 8 + size, b->len - 8 - size);
    b->len -= 8 + size;
  }
}

static void demux(int fd, struct buf *pre) {
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

/* ---- formatting: columns sized to their content, as Docker's tabwriter does */
#define MAX_COLS 8
struct table { char **cells; int ncols, nrows; };
static void trow(struct table *t, ...) {
  va_list ap; va_start(ap, t);
  t->cells = realloc(t->cells, sizeof(char *) * t->ncols * (t->nrows + 1));
  for (int c = 0; c < t->ncols; c++) t->cells[t->nrows * t->ncols + c] = strdup(va_arg(ap, const char *));
  va_end(ap);
  t->nrows++;
}
static int width(const char *s) { int w = 0; for (; *s; s++) if ((*s & 0xc0) != 0x80) w++; return w; }
static void tprint(struct table *t) {
  int w[MAX_COLS] = {0};
  for (int r = 0; r < t->nrows; r++)
    for (int c = 0; c < t->ncols; c++) { int x = width(t->cells[r * t->ncols + c]); if (x > w[c]) w[c] = x; }
  for (int r = 0; r < t->nrows; r++) {
    for (int c = 0; c < t->ncols; c++) {
      const char *cell = t->cells[r * t->ncols + c];
      if (c == t->ncols - 1) printf("%s\n", cell);
      else printf("%s%*s", cell, w[c] - width(cell) + 3, "");
    }
  }
}

static void ago(char *out, size_t n, double t) {
  long d = (long)(time(NULL) - (time_t)t);
  if (d < 1) snprintf(out, n, "Less than a second ago");
  else if (d < 60) snprintf(out, n, "%ld second%s ago", d, d == 1 ? "" : "s");
  else if (d < 3600) snprintf(out, n, "%ld minute%s ago", d / 60, d / 60 == 1 ? "" : "s");
  else if (d < 86400) snprintf(out, n, "%ld hour%s ago", d / 3600, d / 3600 == 1 ? "" : "s");
  else snprintf(out, n, "%ld days ago", d / 86400);
}
static void human_size(char *out, size_t n, double b) {
  if (b < 1000) snprintf(out, n, "%.0fB", b);
  else if (b < 1e6) snprintf(out, n, "%.3gkB", b / 1e3);
  else if (b < 1e9) snprintf(out, n, "%.3gMB", b / 1e6);
  else snprintf(out, n, "%.3gGB", b / 1e9);
}

static int usage_error(const char *verb, const char *fmt, const char *arg) {
  fprintf(stderr, "docker: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\nSee 'docker %s --help'.\n", verb);
  return 125;
}

static char *urlenc(const char *s) {
  struct buf b = {0}; bputs(&b, "");
  for (; *s; s++) {
    unsigned char c = *s;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-_.~", c)) bput(&b, (char *)&c, 1);
    else bprintf(&b, "%%%02X", c);
  }
  return b.p;
}

/* ---- verbs */
static int cmd_ps(int argc, char **argv) {
  int all = 0, quiet = 0;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "-a") || !strcmp(argv[i], "--all")) all = 1;
    else if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet")) quiet = 1;
    else if (!strcmp(argv[i], "-aq") || !strcmp(argv[i], "-qa")) all = quiet = 1;
    else return usage_error("ps", "unknown flag: %s", argv[i]);
  }
  struct json *list = expect(call("GET", all ? "/containers/json?all=1" : "/containers/json", NULL), 200);
  struct table t = {.ncols = 7};
  if (!quiet) trow(&t, "CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES");
  for (int i = 0; list && i < list->n; i++) {
    struct json *c = list->items[i];
    char id[13]; snprintf(id, sizeof id, "%s", jstr(c, "Id"));
    if (quiet) { printf("%s\n", id); continue; }
    char cmd[40], created[40];
    const char *full = jstr(c, "Command");
    if (width(full) > 20) snprintf(cmd, sizeof cmd, "\"%.19s…\"", full); else snprintf(cmd, sizeof cmd, "\"%s\"", full);
    ago(created, sizeof created, jnum(c, "Created"));
    struct json *names = jget(c, "Names");
    const char *name = names && names->n ? names->items[0]->str : "";
    if (*name == '/') name++;
    /* PORTS as Docker shows them: 0.0.0.0:8080->80/tcp, … */
    struct buf ports = {0}; bputs(&ports, "");
    struct json *pl = jget(c, "Ports");
    for (int k = 0; pl && k < pl->n; k++)
      bprintf(&ports, "%s%s:%.0f->%.0f/tcp", k ? ", " : "", jstr(pl->items[k], "IP"), jnum(pl->items[k], "PublicPort"), jnum(pl->items[k], "PrivatePort"));
    trow(&t, id, jstr(c, "Image"), cmd, created, jstr(c, "Status"), ports.p, name);
  }
  if (!quiet) tprint(&t);
  return 0;
}

static int cmd_images(int argc, char **argv) {
  int quiet = 0;
  const char *filter = NULL;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet")) quiet = 1;
    else if (!strcmp(argv[i], "-a") || !strcmp(argv[i], "--all")) continue;
    else if (argv[i][0] == '-') return usage_error("images", "unknown flag: %s", argv[i]);
    else if (filter) return usage_error("images", "\"docker images\" requires at most 1 argument.", "");
    else filter = argv[i];
  }
  /* docker images REPOSITORY[:TAG]: only that repository (and tag). */
  char want_repo[256] = "", *want_tag = NULL;
  if (filter) {
    snprintf(want_repo, sizeof want_repo, "%s", filter);
    char *colon = strrchr(want_repo, ':');
    if (colon && !strchr(colon, '/')) { *colon = 0; want_tag = colon + 1; }
  }
  struct json *list = expect(call("GET", "/images/json", NULL), 200);
  struct table t = {.ncols = 5};
  if (!quiet) trow(&t, "REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE");
  for (int i = 0; list && i < list->n; i++) {
    struct json *im = list->items[i];
    char id[13]; snprintf(id, sizeof id, "%s", jstr(im, "Id") + 7);
    char created[32], size[16];
    ago(created, sizeof created, jnum(im, "Created"));
    human_size(size, sizeof size, jnum(im, "Size"));
    struct json *tags = jget(im, "RepoTags");
    int shown = 0;
    for (int k = 0; tags && k < tags->n; k++) {
      char repo[256]; snprintf(repo, sizeof repo, "%s", tags->items[k]->str);
      char *colon = strrchr(repo, ':'); const char *tag = "<none>";
      if (colon) { *colon = 0; tag = colon + 1; }
      if (filter && (strcmp(repo, want_repo) || (want_tag && strcmp(tag, want_tag)))) continue;
      if (quiet) { if (!shown++) printf("%s\n", id); continue; }
      trow(&t, repo, tag, id, created, size);
    }
  }
  if (!quiet) tprint(&t);
  return 0;
}

struct runopts { int detach, rm, tty, interactive, userns; char *name, *workdir, *user, *hostname, *network, *memory, *cpus, *pids; char *env[128]; int nenv; char *vols[64]; int nvols; char *ports[32]; int nports; };

static long long parse_bytes(const char *s) {
  char *e; double v = strtod(s, &e);
  switch (*e | 32) { case 'k': v *= 1024; break; case 'm': v *= 1024 * 1024; break; case 'g': v *= 1024.0 * 1024 * 1024; break; case 'b': case ' ': break; default: if (*e) return -1; }
  return (long long)v;
}

static int parse_run(const char *verb, int argc, char **argv, struct runopts *o, int *first) {
  int i = 0;
  for (; i < argc && argv[i][0] == '-'; i++) {
    char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL, *eq = strchr(a, '=');
    char flag[64];
    if (eq && a[1] == '-') { snprintf(flag, sizeof flag, "%.*s", (int)(eq - a), a); v = eq + 1; } else snprintf(flag, sizeof flag, "%s", a);
    int takes = 1;
    if (!strcmp(flag, "-d") || !strcmp(flag, "--detach")) { o->detach = 1; takes = 0; }
    else if (!strcmp(flag, "--rm")) { o->rm = 1; takes = 0; }
    else if (!strcmp(flag, "-t") || !strcmp(flag, "--tty")) { o->tty = 1; takes = 0; }
    else if (!strcmp(flag, "-i") || !strcmp(flag, "--interactive")) { o->interactive = 1; takes = 0; }
    /* Single-letter switches given together, as -it, -dit or -itd. */
    else if (flag[0] == '-' && flag[1] != '-' && strlen(flag) > 2 && strspn(flag + 1, "dit") == strlen(flag + 1)) {
      o->detach |= !!strchr(flag, 'd');
      o->interactive |= !!strchr(flag, 'i');
      o->tty |= !!strchr(flag, 't');
      takes = 0;
    }
    else if (!strcmp(flag, "--userns")) { if (!v) return usage_error(verb, "flag needs an argument: %s", flag); o->userns = strcmp(v, "host") != 0; }
    else if (!strcmp(flag, "--name")) o->name = v;
    else if (!strcmp(flag, "-e") || !strcmp(flag, "--env")) { if (v && o->nenv < 128) o->env[o->nenv++] = v; }
    else if (!strcmp(flag, "-w") || !strcmp(flag, "--workdir")) o->workdir = v;
    else if (!strcmp(flag, "-v") || !strcmp(flag, "--volume")) { if (v && o->nvols < 64) o->vols[o->nvols++] = v; }
    else if (!strcmp(flag, "-u") || !strcmp(flag, "--user")) o->user = v;
    else if (!strcmp(flag, "-h") || !strcmp(flag, "--hostname")) o->hostname = v;
    else if (!strcmp(flag, "--network") || !strcmp(flag, "--net")) o->network = v;
    else if (!strcmp(flag, "-p") || !strcmp(flag, "--publish")) { if (v && o->nports < 32) o->ports[o->nports++] = v; }
    else if (!strcmp(flag, "-m") || !strcmp(flag, "--memory")) o->memory = v;
    else if (!strcmp(flag, "--cpus")) o->cpus = v;
    else if (!strcmp(flag, "--pids-limit")) o->pids = v;
    else return usage_error(verb, "unknown flag: %s", flag);
    if (takes) { if (!v) return usage_error(verb, "flag needs an argument: %s", flag); if (!eq) i++; }
  }
  if (i >= argc) return usage_error(verb, "\"docker %s\" requires at least 1 argument.", verb);
  *first = i;
  return 0;
}

/* -p [hostIp:][hostPort:]containerPort[/proto]: "80/tcp", the host ip and port ("" for any free port). */
static int parse_publish(const char *spec, char *key, char *hip, char *hport) {
  char copy[128]; snprintf(copy, sizeof copy, "%s", spec);
  char *parts[3]; int n = 0;
  for (char *p = copy, *c; n < 3; p = c + 1) { parts[n++] = p; if (!(c = strchr(p, ':'))) break; *c = 0; }
  if (strchr(parts[n - 1], ':')) return -1;
  char *ctr = parts[n - 1], *proto = strchr(ctr, '/');
  if (proto) *proto++ = 0;
  if (!*ctr || strspn(ctr, "0123456789") != strlen(ctr)) return -1;
  if (proto && strcmp(proto, "tcp")) return -2;
  snprintf(key, 32, "%s/tcp", ctr);
  snprintf(hport, 16, "%s", n >= 2 ? parts[n - 2] : "");
  snprintf(hip, 64, "%s", n == 3 ? parts[0] : "");
  if (strspn(hport, "0123456789") != strlen(hport)) return -1;
  return 0;
}

static char *create_body(struct runopts *o, char *image, char **cmd, int ncmd) {
  struct buf b = {0};
  bputs(&b, "{\"Image\":"); bjson_str(&b, image);
  if (ncmd) { bputs(&b, ",\"Cmd\":"); bjson_arr(&b, cmd, ncmd); }
  if (o->nenv) { bputs(&b, ",\"Env\":"); bjson_arr(&b, o->env, o->nenv); }
  if (o->workdir) { bputs(&b, ",\"WorkingDir\":"); bjson_str(&b, o->workdir); }
  if (o->user) { bputs(&b, ",\"User\":"); bjson_str(&b, o->user); }
  if (o->hostname) { bputs(&b, ",\"Hostname\":"); bjson_str(&b, o->hostname); }
  if (o->tty) bputs(&b, ",\"Tty\":true");
  if (o->tty || o->interactive) bputs(&b, ",\"OpenStdin\":true,\"AttachStdin\":true");
  struct buf bindings = {0}; bputs(&bindings, "");
  if (o->nports) {
    bputs(&b, ",\"ExposedPorts\":{");
    for (int i = 0; i < o->nports; i++) {
      char key[32], hip[64], hport[16];
      int e = parse_publish(o->ports[i], key, hip, hport);
      if (e) {
        fprintf(stderr, e == -2 ? "docker: only tcp ports can be published here: %s\n" : "docker: invalid publish spec: %s (want [hostIp:][hostPort:]containerPort)\n", o->ports[i]);
        exit(125);
      }
      bprintf(&b, "%s\"%s\":{}", i ? "," : "", key);
      bprintf(&bindings, "%s\"%s\":[{\"HostIp\":\"%s\",\"HostPort\":\"%s\"}]", i ? "," : "", key, hip, hport);
    }
    bputs(&b, "}");
  }
  bputs(&b, ",\"AttachStdout\":true,\"AttachStderr\":true,\"HostConfig\":{");
  bprintf(&b, "\"AutoRemove\":%s", o->rm ? "true" : "false");
  if (o->memory) { long long m = parse_bytes(o->memory); if (m < 0) { fprintf(stderr, "docker: invalid argument \"%s\" for \"-m, --memory\" flag\n", o->memory); exit(125); } bprintf(&b, ",\"Memory\":%lld", m); }
  if (o->cpus) { char *e; double c = strtod(o->cpus, &e); if (*e || c <= 0) { fprintf(stderr, "docker: invalid argument \"%s\" for \"--cpus\" flag\n", o->cpus); exit(125); } bprintf(&b, ",\"NanoCpus\":%.0f", c * 1e9); }
  if (o->pids) bprintf(&b, ",\"PidsLimit\":%ld", strtol(o->pids, NULL, 10));
  if (o->network) { bputs(&b, ",\"NetworkMode\":"); bjson_str(&b, o->network); }
  if (o->nports) bprintf(&b, ",\"PortBindings\":{%s}", bindings.p);
  if (o->userns) bputs(&b, ",\"UsernsMode\":\"private\"");
  if (o->nvols) { bputs(&b, ",\"Binds\":"); bjson_arr(&b, o->vols, o->nvols); }
  bputs(&b, "}}");
  return b.p;
}

static int pull_image(const char *ref, FILE *out, int quiet);

static char *do_create(struct runopts *o, char *image, char **cmd, int ncmd) {
  char path[512] = "/containers/create";
  if (o->name) { char *n = urlenc(o->name); snprintf(path, sizeof path, "/containers/create?name=%s", n); }
  struct resp r = call("POST", path, create_body(o, image, cmd, ncmd));
  jp = r.body.p;
  if (r.status == 404 && !strncmp(jstr(jparse(), "message"), "No such image", 13)) {
    /* As Docker's CLI does: pull it from the registry (progress on stderr), then create again. */
    char shown[512]; const char *last = strrchr(image, '/');
    snprintf(shown, sizeof shown, "%s%s", image, strchr(image, '@') || strchr(last ? last : image, ':') ? "" : ":latest");
    fprintf(stderr, "Unable to find image '%s' locally\n", shown);
    if (pull_image(image, stderr, 0)) exit(125);
    r = call("POST", path, create_body(o, image, cmd, ncmd));
  }
  if (r.status != 201) { fprintf(stderr, "docker: "); daemon_error(&r); fprintf(stderr, "See 'docker run --help'.\n"); exit(125); }
  jp = r.body.p;
  return strdup(jstr(jparse(), "Id"));
}

static int wait_for(const char *id) {
  char path[256]; snprintf(path, sizeof path, "/containers/%s/wait", id);
  struct resp r = call("POST", path, NULL);
  if (r.status != 200) { daemon_error(&r); return 125; }
  jp = r.body.p;
  return (int)jnum(jparse(), "StatusCode");
}

/* ---- a terminal session: this terminal raw, keystrokes to the container, its output here */
static struct termios saved_tio;
static int raw_on;
static volatile sig_atomic_t winch;
static void restore_tty(void) { if (raw_on) tcsetattr(0, TCSADRAIN, &saved_tio); raw_on = 0; }
static void on_winch(int sig) { (void)sig; winch = 1; }

static void send_resize(const char *fmt, const char *id) {
  struct winsize ws;
  if (ioctl(1, TIOCGWINSZ, &ws) < 0 || !ws.ws_row) return;
  char path[512], q[64];
  snprintf(path, sizeof path, fmt, id);
  snprintf(q, sizeof q, "?h=%u&w=%u", ws.ws_row, ws.ws_col);
  strncat(path, q, sizeof path - strlen(path) - 1);
  struct resp r = call("POST", path, NULL);
  free(r.body.p);
}

/* docker attach's detach keys (ctrl-p ctrl-q by default): typed in a row, they leave without stopping anything. */
static const char *detach_keys;
static int detached;

static void terminal_session(int sock, struct buf *pre, const char *resize_fmt, const char *id, int interactive) {
  if (isatty(0) && tcgetattr(0, &saved_tio) == 0) {
    struct termios raw = saved_tio;
    cfmakeraw(&raw);
    tcsetattr(0, TCSADRAIN, &raw);
    raw_on = 1;
    atexit(restore_tty);
  }
  signal(SIGWINCH, on_winch);
  if (pre->len) { if (write(1, pre->p, pre->len) < 0) {} }
  /* Without -i nothing is typed into the container: stdin stays here. */
  struct pollfd p[2] = {{sock, POLLIN, 0}, {interactive ? 0 : -1, POLLIN, 0}};
  char b[8192];
  for (;;) {
    if (winch) { winch = 0; send_resize(resize_fmt, id); }
    if (poll(p, 2, -1) < 0) { if (errno == EINTR) continue; break; }
    if (p[0].revents) {
      ssize_t n = read(sock, b, sizeof b);
      if (n <= 0) break;
      if (write(1, b, n) < 0) break;
    }
    if (p[1].fd >= 0 && p[1].revents) {
      ssize_t n = read(0, b, sizeof b);
      if (n <= 0) { p[1].fd = -1; shutdown(sock, SHUT_WR); }
      else {
        if (detach_keys) {
          static size_t matched;
          for (ssize_t k = 0; k < n && !detached; k++) {
            matched = b[k] == detach_keys[matched] ? matched + 1 : b[k] == detach_keys[0];
            if (!detach_keys[matched]) detached = 1;
          }
          if (detached) break;
        }
        if (write(sock, b, n) < 0) break;
      }
    }
  }
  restore_tty();
}

/*
 * docker run -i without -t: what we read goes to the container's stdin (a
 * pipe), and at our end of input the connection is half-closed so the
 * container reads end of file; its output comes back multiplexed meanwhile.
 */
static void piped_session(int sock, struct buf *pre) {
  struct buf b = *pre;
  struct pollfd p[2] = {{sock, POLLIN, 0}, {0, POLLIN, 0}};
  char c[8192];
  for (;;) {
    demux_frames(&b);
    if (poll(p, 2, -1) < 0) { if (errno == EINTR) continue; break; }
    if (p[0].revents) {
      ssize_t n = read(sock, c, sizeof c);
      if (n <= 0) break;
      bput(&b, c, n);
    }
    if (p[1].fd >= 0 && p[1].revents) {
      ssize_t n = read(0, c, sizeof c);
      if (n <= 0) { p[1].fd = -1; shutdown(sock, SHUT_WR); }
      else if (write(sock, c, n) < 0) break;
    }
  }
}

static int cmd_run(const char *verb, int argc, char **argv) {
  struct runopts o = {0};
  int first = 0;
  int e = parse_run(verb, argc, argv, &o, &first);
  if (e) return e;
  char *id = do_create(&o, argv[first], argv + first + 1, argc - first - 1);
  if (!strcmp(verb, "create")) { printf("%s\n", id); return 0; }
  char path[256];
  int attach = -1;
  struct buf pre = {0};
  if (!o.detach) {
    /* Attached before the start, so no output is missed. */
    int in = o.tty || o.interactive;
    snprintf(path, sizeof path, "/containers/%s/attach?stream=1&stdout=1&stderr=1&logs=1%s", id, in ? "&stdin=1" : "");
    attach = send_request_ex("POST", path, NULL, in);
    bputs(&pre, "");
    read_head(attach, &pre);
    /* The terminal's size before the start, so the first prompt fits. */
    if (o.tty) send_resize("/containers/%s/resize", id);
  }
  snprintf(path, sizeof path, "/containers/%s/start", id);
  struct resp r = call("POST", path, NULL);
  if (r.status != 204) { fprintf(stderr, "docker: "); daemon_error(&r); return 125; }
  if (o.detach) { printf("%s\n", id); return 0; }
  if (o.tty) terminal_session(attach, &pre, "/containers/%s/resize", id, o.interactive);
  else if (o.interactive) piped_session(attach, &pre);
  else demux(attach, &pre);
  close(attach);
  return wait_for(id);
}

static int each_container(const char *verb, int argc, char **argv, const char *method, const char *fmt, int expect_status, int print) {
  if (argc < 1) return usage_error(verb, "\"docker %s\" requires at least 1 argument.", verb);
  int rc = 0;
  for (int i = 0; i < argc; i++) {
    char path[512]; snprintf(path, sizeof path, fmt, argv[i]);
    struct resp r = call(method, path, NULL);
    if (r.status != expect_status && !(expect_status == 204 && r.status == 304)) { daemon_error(&r); rc = 1; continue; }
    if (print) printf("%s\n", argv[i]);
  }
  return rc;
}

static int cmd_logs(int argc, char **argv) {
  int follow = 0; const char *tail = "all"; const char *id = NULL;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--follow")) follow = 1;
    else if (!strcmp(argv[i], "-n") || !strcmp(argv[i], "--tail")) { if (i + 1 >= argc) return usage_error("logs", "flag needs an argument: %s", argv[i]); tail = argv[++i]; }
    else if (!strncmp(argv[i], "--tail=", 7)) tail = argv[i] + 7;
    else if (argv[i][0] == '-') return usage_error("logs", "unknown flag: %s", argv[i]);
    else id = argv[i];
  }
  if (!id) return usage_error("logs", "\"docker logs\" requires exactly 1 argument.", "");
  char path[512]; snprintf(path, sizeof path, "/containers/%s/logs?stdout=1&stderr=1&follow=%d&tail=%s", id, follow, tail);
  int fd = send_request("GET", path, NULL);
  struct buf pre = {0}; bputs(&pre, "");
  int status = read_head(fd, &pre);
  if (status != 200) {
    char c[4096]; ssize_t n; while ((n = read(fd, c, sizeof c)) > 0) bput(&pre, c, n);
    struct resp r = {status, pre}; daemon_error(&r); return 1;
  }
  demux(fd, &pre);
  return 0;
}

static int cmd_exec(int argc, char **argv) {
  struct runopts o = {0};
  int i = 0;
  for (; i < argc && argv[i][0] == '-'; i++) {
    char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "-e") || !strcmp(a, "--env")) { if (v && o.nenv < 128) o.env[o.nenv++] = v; i++; }
    else if (!strcmp(a, "-w") || !strcmp(a, "--workdir")) { o.workdir = v; i++; }
    else if (!strcmp(a, "-u") || !strcmp(a, "--user")) { o.user = v; i++; }
    else if (!strcmp(a, "-i") || !strcmp(a, "--interactive")) o.interactive = 1;
    else if (!strcmp(a, "-t") || !strcmp(a, "--tty")) o.tty = 1;
    else if (!strcmp(a, "-it") || !strcmp(a, "-ti")) o.tty = o.interactive = 1;
    else return usage_error("exec", "unknown flag: %s", a);
  }
  if (argc - i < 2) return usage_error("exec", "\"docker exec\" requires at least 2 arguments.", "");
  struct buf b = {0};
  bputs(&b, "{\"AttachStdout\":true,\"AttachStderr\":true,\"Cmd\":"); bjson_arr(&b, argv + i + 1, argc - i - 1);
  if (o.tty) {
    struct winsize ws = {0};
    if (ioctl(1, TIOCGWINSZ, &ws) < 0 || !ws.ws_row) { ws.ws_row = 24; ws.ws_col = 80; }
    bprintf(&b, ",\"Tty\":true,\"AttachStdin\":true,\"ConsoleSize\":[%u,%u]", ws.ws_row, ws.ws_col);
  }
  if (o.nenv) { bputs(&b, ",\"Env\":"); bjson_arr(&b, o.env, o.nenv); }
  if (o.workdir) { bputs(&b, ",\"WorkingDir\":"); bjson_str(&b, o.workdir); }
  if (o.user) { bputs(&b, ",\"User\":"); bjson_str(&b, o.user); }
  bputs(&b, "}");
  char path[512]; snprintf(path, sizeof path, "/containers/%s/exec", argv[i]);
  struct resp r = call("POST", path, b.p);
  if (r.status != 201) { daemon_error(&r); return r.status == 409 ? 126 : 1; }
  jp = r.body.p;
  char *eid = strdup(jstr(jparse(), "Id"));
  snprintf(path, sizeof path, "/exec/%s/start", eid);
  int fd = send_request_ex("POST", path, o.tty ? "{\"Detach\":false,\"Tty\":true}" : "{\"Detach\":false,\"Tty\":false}", o.tty);
  struct buf pre = {0}; bputs(&pre, "");
  int st = read_head(fd, &pre);
  if (st != 101 && st != 200) {
    char c[4096]; ssize_t n; while ((n = read(fd, c, sizeof c)) > 0) bput(&pre, c, n);
    struct resp er = {st, pre}; daemon_error(&er); return 126;
  }
  if (o.tty) terminal_session(fd, &pre, "/exec/%s/resize", eid, o.interactive);
  else demux(fd, &pre);
  snprintf(path, sizeof path, "/exec/%s/json", eid);
  return (int)jnum(expect(call("GET", path, NULL), 200), "ExitCode");
}

static int cmd_rmi(int argc, char **argv) {
  if (argc < 1) return usage_error("rmi", "\"docker rmi\" requires at least 1 argument.", "");
  int rc = 0;
  for (int i = 0; i < argc; i++) {
    if (argv[i][0] == '-') { if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--force")) continue; return usage_error("rmi", "unknown flag: %s", argv[i]); }
    char path[512]; char *n = urlenc(argv[i]); snprintf(path, sizeof path, "/images/%s", n);
    struct resp r = call("DELETE", path, NULL);
    if (r.status != 200) { daemon_error(&r); rc = 1; continue; }
    jp = r.body.p;
    struct json *list = jparse();
    for (int k = 0; list && k < list->n; k++) {
      const char *u = jstr(list->items[k], "Untagged"), *d = jstr(list->items[k], "Deleted");
      if (*u) printf("Untagged: %s\n", u);
      if (*d) printf("Deleted: %s\n", d);
    }
  }
  return rc;
}

static int cmd_tag(int argc, char **argv) {
  if (argc != 2) return usage_error("tag", "\"docker tag\" requires exactly 2 arguments.", "");
  char target[256]; snprintf(target, sizeof target, "%s", argv[1]);
  char *colon = strrchr(target, ':'); const char *tag = "latest";
  if (colon && !strchr(colon, '/')) { *colon = 0; tag = colon + 1; }
  char path[768]; snprintf(path, sizeof path, "/images/%s/tag?repo=%s&tag=%s", urlenc(argv[0]), urlenc(target), urlenc(tag));
  struct resp r = call("POST", path, NULL);
  if (r.status != 201) { daemon_error(&r); return 1; }
  return 0;
}

static int cmd_history(int argc, char **argv) {
  if (argc != 1) return usage_error("history", "\"docker history\" requires exactly 1 argument.", "");
  char path[512]; snprintf(path, sizeof path, "/images/%s/history", urlenc(argv[0]));
  struct json *list = expect(call("GET", path, NULL), 200);
  struct table t = {.ncols = 5};
  trow(&t, "IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT");
  for (int i = 0; list && i < list->n; i++) {
    struct json *h = list->items[i];
    char id[13] = "<missing>", created[32], size[16], by[48];
    const char *full = jstr(h, "Id");
    if (!strncmp(full, "sha256:", 7)) snprintf(id, sizeof id, "%s", full + 7);
    ago(created, sizeof created, jnum(h, "Created"));
    human_size(size, sizeof size, jnum(h, "Size"));
    const char *cb = jstr(h, "CreatedBy");
    if (width(cb) > 45) snprintf(by, sizeof by, "%.44s…", cb); else snprintf(by, sizeof by, "%s", cb);
    trow(&t, id, created, by, size, jstr(h, "Comment"));
  }
  tprint(&t);
  return 0;
}

static int cmd_diff(int argc, char **argv) {
  if (argc != 1) return usage_error("diff", "\"docker diff\" requires exactly 1 argument.", "");
  char path[512]; snprintf(path, sizeof path, "/containers/%s/changes", argv[0]);
  struct resp r = call("GET", path, NULL);
  if (r.status != 200) { daemon_error(&r); return 1; }
  jp = r.body.p;
  struct json *list = jparse();
  for (int i = 0; list && i < list->n; i++) {
    int kind = (int)jnum(list->items[i], "Kind");
    printf("%c %s\n", kind == 1 ? 'A' : kind == 2 ? 'D' : 'C', jstr(list->items[i], "Path"));
  }
  return 0;
}

static int cmd_top(int argc, char **argv) {
  if (argc < 1) return usage_error("top", "\"docker top\" requires at least 1 argument.", "");
  char path[512]; snprintf(path, sizeof path, "/containers/%s/top", argv[0]);
  struct resp r = call("GET", path, NULL);
  if (r.status != 200) { daemon_error(&r); return 1; }
  jp = r.body.p;
  struct json *j = jparse(), *titles = jget(j, "Titles"), *procs = jget(j, "Processes");
  int nc = titles ? titles->n : 0;
  if (nc < 1 || nc > MAX_COLS) return 0;
  struct table t = {.ncols = nc};
  char *cells[MAX_COLS];
  for (int c = 0; c < nc; c++) cells[c] = titles->items[c]->str;
  trow(&t, cells[0], nc > 1 ? cells[1] : "", nc > 2 ? cells[2] : "", nc > 3 ? cells[3] : "", nc > 4 ? cells[4] : "", nc > 5 ? cells[5] : "", nc > 6 ? cells[6] : "", nc > 7 ? cells[7] : "");
  for (int i = 0; procs && i < procs->n; i++) {
    struct json *p = procs->items[i];
    for (int c = 0; c < nc; c++) cells[c] = c < p->n ? p->items[c]->str : "";
    trow(&t, cells[0], nc > 1 ? cells[1] : "", nc > 2 ? cells[2] : "", nc > 3 ? cells[3] : "", nc > 4 ? cells[4] : "", nc > 5 ? cells[5] : "", nc > 6 ? cells[6] : "", nc > 7 ? cells[7] : "");
  }
  tprint(&t);
  return 0;
}

static int cmd_stats(int argc, char **argv) {
  int i = 0;
  while (i < argc && argv[i][0] == '-') { if (strcmp(argv[i], "--no-stream")) return usage_error("stats", "unknown flag: %s (only --no-stream here)", argv[i]); i++; }
  struct table t = {.ncols = 6};
  trow(&t, "CONTAINER ID", "NAME", "CPU %", "MEM USAGE / LIMIT", "MEM %", "PIDS");
  struct json *list = NULL;
  if (i == argc) list = expect(call("GET", "/containers/json", NULL), 200);
  int n = i == argc ? (list ? list->n : 0) : argc - i;
  for (int k = 0; k < n; k++) {
    const char *id = i == argc ? jstr(list->items[k], "Id") : argv[i + k];
    char path[512]; snprintf(path, sizeof path, "/containers/%s/stats?stream=false", id);
    struct resp r = call("GET", path, NULL);
    if (r.status != 200) { daemon_error(&r); return 1; }
    jp = r.body.p;
    struct json *s = jparse();
    struct json *mem = jget(s, "memory_stats"), *pids = jget(s, "pids_stats");
    double used = jnum(mem, "usage"), limit = jnum(mem, "limit");
    char cid[13], cpu[16], mu[64], mp[16], pc[16], a[16], b[16];
    snprintf(cid, sizeof cid, "%s", jstr(s, "id"));
    snprintf(cpu, sizeof cpu, "%.2f%%", jnum(s, "cpu_percent"));
    human_size(a, sizeof a, used); human_size(b, sizeof b, limit);
    snprintf(mu, sizeof mu, "%s / %s", a, b);
    snprintf(mp, sizeof mp, "%.2f%%", limit > 0 ? 100.0 * used / limit : 0);
    snprintf(pc, sizeof pc, "%.0f", jnum(pids, "current"));
    const char *name = jstr(s, "name"); if (*name == '/') name++;
    trow(&t, cid, name, cpu, mu, mp, pc);
  }
  tprint(&t);
  return 0;
}

static int cmd_events(int argc, char **argv) {
  if (argc) return usage_error("events", "unknown flag: %s", argv[0]);
  int fd = send_request("GET", "/events", NULL);
  struct buf b = {0}; bputs(&b, "");
  int st = read_head(fd, &b);
  if (st != 200) return 1;
  char c[4096];
  for (;;) {
    char *nl;
    while ((nl = memchr(b.p, '\n', b.len))) {
      *nl = 0;
      jp = b.p;
      struct json *e = jparse(), *actor = jget(e, "Actor"), *attrs = jget(actor, "Attributes");
      time_t t = (time_t)jnum(e, "time");
      struct tm tm; gmtime_r(&t, &tm);
      char when[64]; strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
      printf("%s.%09ldZ %s %s %s", when, (long)((long long)jnum(e, "timeNano") % 1000000000LL), jstr(e, "Type"), jstr(e, "Action"), jstr(actor, "ID"));
      for (int i = 0; attrs && i < attrs->n; i++) printf("%s%s=%s", i ? ", " : " (", attrs->keys[i], attrs->items[i]->str ? attrs->items[i]->str : "");
      printf("%s\n", attrs && attrs->n ? ")" : "");
      fflush(stdout);
      size_t used = nl + 1 - b.p;
      memmove(b.p, nl + 1, b.len - used); b.len -= used; b.p[b.len] = 0;
    }
    ssize_t n = read(fd, c, sizeof c);
    if (n <= 0) break;
    bput(&b, c, n);
  }
  return 0;
}

/* docker cp: tar travels as the body, made and unpacked by the guest's own tar. */
static int cmd_cp(int argc, char **argv) {
  if (argc != 2) return usage_error("cp", "\"docker cp\" requires exactly 2 arguments.", "");
  char *from = strchr(argv[0], ':'), *to = strchr(argv[1], ':');
  if ((from && argv[0][0] != '/') == (to && argv[1][0] != '/')) {
    fprintf(stderr, "docker: copying between containers or between local paths is not supported\n");
    return 1;
  }
  char path[1024], cmd[2400];
  if (from && argv[0][0] != '/') {
    *from = 0;
    snprintf(path, sizeof path, "/containers/%s/archive?path=%s", argv[0], urlenc(from + 1));
    struct resp r = call("GET", path, NULL);
    if (r.status != 200) { daemon_error(&r); return 1; }
    /* Into DEST if it is a directory; otherwise the copy is named DEST. */
    snprintf(cmd, sizeof cmd,
             "d='%s'; if [ -d \"$d\" ]; then tar -x -C \"$d\"; else t=$(mktemp -d) && tar -x -C \"$t\" && mv \"$t\"/* \"$d\" && rm -rf \"$t\"; fi",
             argv[1]);
    FILE *p = popen(cmd, "w");
    if (!p) { perror("tar"); return 1; }
    fwrite(r.body.p, 1, r.body.len, p);
    return pclose(p) == 0 ? 0 : 1;
  }
  *to = 0;
  char src[1024]; snprintf(src, sizeof src, "%s", argv[0]);
  char *slash = strrchr(src, '/');
  const char *dir = ".", *base = src;
  if (slash) { *slash = 0; dir = *src ? src : "/"; base = slash + 1; }
  snprintf(cmd, sizeof cmd, "tar -c -C '%s' '%s'", dir, base);
  struct buf tar = {0};
  if (slurp_command(cmd, &tar) != 0) { fprintf(stderr, "docker: could not read %s\n", argv[0]); return 1; }
  snprintf(path, sizeof path, "/containers/%s/archive?path=%s", argv[1], urlenc(to + 1));
  struct resp r = read_resp(send_body("PUT", path, "application/x-tar", &tar));
  if (r.status != 200) { daemon_error(&r); return 1; }
  return 0;
}

/* ---- images made and moved: commit, build, save, load */

/* Calls fn for each JSON line of a streamed answer (build and load progress). */
static void json_lines(int fd, struct buf *b, void (*fn)(struct json *, void *), void *ctx) {
  char c[4096];
  for (;;) {
    char *nl;
    while ((nl = memchr(b->p, '\n', b->len))) {
      *nl = 0;
      jp = b->p;
      if (*b->p) fn(jparse(), ctx);
      size_t used = nl + 1 - b->p;
      memmove(b->p, nl + 1, b->len - used); b->len -= used; b->p[b->len] = 0;
    }
    ssize_t n = read(fd, c, sizeof c);
    if (n <= 0) break;
    bput(b, c, n);
  }
}

struct progress { int quiet, failed; char id[80]; };
static void on_progress(struct json *m, void *ctx) {
  struct progress *p = ctx;
  struct json *err = jget(m, "errorDetail");
  if (err || *jstr(m, "error")) {
    const char *msg = err ? jstr(err, "message") : jstr(m, "error");
    fprintf(stderr, "%s\n", *msg ? msg : jstr(m, "error"));
    p->failed = 1;
    return;
  }
  const char *id = jstr(jget(m, "aux"), "ID");
  if (*id) snprintf(p->id, sizeof p->id, "%s", id);
  if (!p->quiet) { fputs(jstr(m, "stream"), stdout); fflush(stdout); }
}

static int cmd_commit(int argc, char **argv) {
  struct buf q = {0}; bputs(&q, "");
  int i = 0, pause = 1;
  for (; i < argc && argv[i][0] == '-'; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "-p=false") || !strcmp(a, "--pause=false")) { pause = 0; continue; }
    if (!strcmp(a, "-p") || !strcmp(a, "--pause") || !strcmp(a, "--pause=true")) continue;
    if (!v) return usage_error("commit", "flag needs an argument: %s", a);
    if (!strcmp(a, "-m") || !strcmp(a, "--message")) bprintf(&q, "&comment=%s", urlenc(v));
    else if (!strcmp(a, "-a") || !strcmp(a, "--author")) bprintf(&q, "&author=%s", urlenc(v));
    else if (!strcmp(a, "-c") || !strcmp(a, "--change")) bprintf(&q, "&changes=%s", urlenc(v));
    else return usage_error("commit", "unknown flag: %s", a);
    i++;
  }
  if (argc - i < 1 || argc - i > 2) return usage_error("commit", "\"docker commit\" requires at least 1 and at most 2 arguments.", "");
  if (argc - i == 2) {
    char repo[256]; snprintf(repo, sizeof repo, "%s", argv[i + 1]);
    char *colon = strrchr(repo, ':');
    if (colon && !strchr(colon, '/')) { *colon = 0; bprintf(&q, "&tag=%s", urlenc(colon + 1)); }
    bprintf(&q, "&repo=%s", urlenc(repo));
  }
  char path[2048];
  snprintf(path, sizeof path, "/commit?container=%s&pause=%d%s", urlenc(argv[i]), pause, q.p);
  struct json *r = expect(call("POST", path, "{}"), 201);
  printf("%s\n", jstr(r, "Id"));
  return 0;
}

static int cmd_build(int argc, char **argv) {
  struct buf q = {0}, args = {0}; bputs(&q, ""); bputs(&args, "{");
  const char *file = NULL, *dir = NULL;
  struct progress p = {0};
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (a[0] != '-' || !strcmp(a, "-")) {
      if (dir) return usage_error("build", "\"docker build\" requires exactly 1 argument.", "");
      dir = a;
      continue;
    }
    if (!strcmp(a, "--no-cache")) { bputs(&q, "&nocache=1"); continue; }
    if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) { p.quiet = 1; bputs(&q, "&q=1"); continue; }
    if (!v) return usage_error("build", "flag needs an argument: %s", a);
    if (!strcmp(a, "-t") || !strcmp(a, "--tag")) bprintf(&q, "&t=%s", urlenc(v));
    else if (!strcmp(a, "-f") || !strcmp(a, "--file")) file = v;
    else if (!strcmp(a, "--target")) bprintf(&q, "&target=%s", urlenc(v));
    else if (!strcmp(a, "--build-arg")) {
      char kv[1024]; snprintf(kv, sizeof kv, "%s", v);
      char *eq = strchr(kv, '=');
      /* "--build-arg NAME" takes NAME's value from the client's environment, as Docker's does. */
      const char *val = eq ? eq + 1 : getenv(kv);
      if (eq) *eq = 0;
      if (!val) { i++; continue; }
      if (args.len > 1) bputs(&args, ",");
      bjson_str(&args, kv); bputs(&args, ":"); bjson_str(&args, val);
    } else return usage_error("build", "unknown flag: %s", a);
    i++;
  }
  if (!dir) return usage_error("build", "\"docker build\" requires exactly 1 argument.", "");
  if (!strcmp(dir, "-")) { fprintf(stderr, "docker: a build context from stdin is not supported here; give a directory\n"); return 1; }
  char rdir[4096];
  if (!realpath(dir, rdir)) { fprintf(stderr, "unable to prepare context: path \"%s\" not found\n", dir); return 1; }
  if (file) {
    char rfile[4096];
    size_t dl = strlen(rdir);
    if (!realpath(file, rfile)) { fprintf(stderr, "unable to prepare context: the Dockerfile (%s) does not exist\n", file); return 1; }
    if (strncmp(rfile, rdir, dl) || rfile[dl] != '/') {
      fprintf(stderr, "unable to prepare context: the Dockerfile (%s) must be within the build context (%s)\n", file, dir);
      return 1;
    }
    bprintf(&q, "&dockerfile=%s", urlenc(rfile + dl + 1));
  }
  bputs(&args, "}");
  if (args.len > 2) bprintf(&q, "&buildargs=%s", urlenc(args.p));
  char cmd[4200];
  snprintf(cmd, sizeof cmd, "cd '%s' && tar -c .", rdir);
  struct buf ctx = {0};
  if (slurp_command(cmd, &ctx) != 0) { fprintf(stderr, "unable to prepare context: could not read %s\n", dir); return 1; }
  if (!p.quiet) { printf("Sending build context to Docker daemon  %.1fkB\n", ctx.len / 1000.0); fflush(stdout); }
  char path[4096];
  snprintf(path, sizeof path, "/build?%s", q.len ? q.p + 1 : "");
  int fd = send_body("POST", path, "application/x-tar", &ctx);
  struct buf b = {0}; bputs(&b, "");
  int st = read_head(fd, &b);
  if (st != 200) { struct resp r = {st, b}; char c[4096]; ssize_t n; while ((n = read(fd, c, sizeof c)) > 0) bput(&r.body, c, n); daemon_error(&r); return 1; }
  json_lines(fd, &b, on_progress, &p);
  if (p.failed) return 1;
  if (p.quiet) printf("%s\n", p.id);
  return 0;
}

/* GETs a tar (docker save, export) into the -o file, or to stdout unless that is a terminal. */
static int download_to(const char *path, const char *out) {
  if (!out && isatty(1)) { fprintf(stderr, "cowardly refusing to save to a terminal. Use the -o flag or redirect\n"); return 1; }
  struct resp r = call("GET", path, NULL);
  if (r.status != 200) { daemon_error(&r); return 1; }
  FILE *f = out ? fopen(out, "w") : stdout;
  if (!f || fwrite(r.body.p, 1, r.body.len, f) != r.body.len || (out && fclose(f) != 0)) { perror(out ? out : "stdout"); return 1; }
  return 0;
}

static int cmd_save(int argc, char **argv) {
  const char *out = NULL;
  struct buf q = {0}; bputs(&q, "");
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) {
      if (i + 1 >= argc) return usage_error("save", "flag needs an argument: %s", argv[i]);
      out = argv[++i];
    } else if (argv[i][0] == '-') return usage_error("save", "unknown flag: %s", argv[i]);
    else bprintf(&q, "%snames=%s", q.len ? "&" : "", urlenc(argv[i]));
  }
  if (!q.len) return usage_error("save", "\"docker save\" requires at least 1 argument.", "");
  char path[4096]; snprintf(path, sizeof path, "/images/get?%s", q.p);
  return download_to(path, out);
}

static int cmd_load(int argc, char **argv) {
  const char *in = NULL;
  struct progress p = {0};
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet")) p.quiet = 1;
    else if (!strcmp(argv[i], "-i") || !strcmp(argv[i], "--input")) {
      if (i + 1 >= argc) return usage_error("load", "flag needs an argument: %s", argv[i]);
      in = argv[++i];
    } else return usage_error("load", "unknown flag: %s", argv[i]);
  }
  if (!in && isatty(0)) { fprintf(stderr, "requested load from stdin, but stdin is empty\n"); return 1; }
  FILE *f = in ? fopen(in, "r") : stdin;
  if (!f) { fprintf(stderr, "open %s: %s\n", in, strerror(errno)); return 1; }
  struct buf tar = {0}; bputs(&tar, "");
  char c[8192]; size_t n;
  while ((n = fread(c, 1, sizeof c, f)) > 0) bput(&tar, c, n);
  int fd = send_body("POST", p.quiet ? "/images/load?quiet=1" : "/images/load", "application/x-tar", &tar);
  struct buf b = {0}; bputs(&b, "");
  int st = read_head(fd, &b);
  if (st != 200) { struct resp r = {st, b}; ssize_t k; while ((k = read(fd, c, sizeof c)) > 0) bput(&r.body, c, k); daemon_error(&r); return 1; }
  p.quiet = 0; /* the daemon already left out the progress */
  json_lines(fd, &b, on_progress, &p);
  return p.failed;
}

/* ---- registries: pull, push, login, logout, search
 * The daemon talks to the registry; this side only keeps the login in
 * ~/.docker/config.json (base64, unencrypted, as Docker's CLI does without a
 * credential helper) and hands it to the daemon as X-Registry-Auth.
 */
#define DEFAULT_REGISTRY "localhost:5000"

/* Docker's rule: a first component with a dot or a port, or "localhost", names the registry host. */
static int registry_host(const char *name, char *host, size_t n) {
  const char *slash = strchr(name, '/');
  if (slash) {
    size_t len = slash - name;
    if (memchr(name, '.', len) || memchr(name, ':', len) || (len == 9 && !strncmp(name, "localhost", 9))) {
      snprintf(host, n, "%.*s", (int)len, name);
      return 1;
    }
  }
  snprintf(host, n, "%s", DEFAULT_REGISTRY);
  return 0;
}

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static void b64enc(struct buf *out, const char *s, size_t n, int url) {
  const unsigned char *u = (const unsigned char *)s;
  for (size_t i = 0; i < n; i += 3) {
    unsigned v = u[i] << 16 | (i + 1 < n ? u[i + 1] << 8 : 0) | (i + 2 < n ? u[i + 2] : 0);
    char q[4] = {B64[v >> 18 & 63], B64[v >> 12 & 63], i + 1 < n ? B64[v >> 6 & 63] : '=', i + 2 < n ? B64[v & 63] : '='};
    for (int k = 0; k < 4; k++) if (url && q[k] == '+') q[k] = '-'; else if (url && q[k] == '/') q[k] = '_';
    bput(out, q, 4);
  }
}
static void b64dec(struct buf *out, const char *s) {
  unsigned v = 0; int bits = 0;
  for (; *s && *s != '='; s++) {
    const char *p = strchr(B64, *s);
    if (!p) continue;
    v = v << 6 | (unsigned)(p - B64); bits += 6;
    if (bits >= 8) { char c = (char)(v >> (bits - 8)); bput(out, &c, 1); bits -= 8; }
  }
}

static const char *config_path(void) {
  static char p[512];
  const char *h = getenv("HOME");
  /* init starts the control agent with HOME=/; root's home is /root, as for the console's shell. */
  snprintf(p, sizeof p, "%s/.docker/config.json", h && *h && strcmp(h, "/") ? h : "/root");
  return p;
}

static struct json *read_config(void) {
  FILE *f = fopen(config_path(), "r");
  if (!f) return NULL;
  struct buf b = {0}; bputs(&b, "");
  char c[4096]; size_t n;
  while ((n = fread(c, 1, sizeof c, f)) > 0) bput(&b, c, n);
  fclose(f);
  jp = b.p;
  return jparse();
}

/* Rewrites the auths of config.json with host set to auth (base64 user:pass), or removed when auth is NULL. */
static int write_config(const char *host, const char *auth) {
  struct json *c = read_config(), *auths = c ? jget(c, "auths") : NULL;
  struct buf b = {0}; bputs(&b, "{\n\t\"auths\": {");
  int first = 1;
  for (int i = 0; auths && auths->t == J_OBJ && i < auths->n; i++) {
    if (!strcmp(auths->keys[i], host)) continue;
    bputs(&b, first ? "\n\t\t" : ",\n\t\t"); first = 0;
    bjson_str(&b, auths->keys[i]); bputs(&b, ": {\n\t\t\t\"auth\": "); bjson_str(&b, jstr(auths->items[i], "auth")); bputs(&b, "\n\t\t}");
  }
  if (auth) {
    bputs(&b, first ? "\n\t\t" : ",\n\t\t"); first = 0;
    bjson_str(&b, host); bputs(&b, ": {\n\t\t\t\"auth\": "); bjson_str(&b, auth); bputs(&b, "\n\t\t}");
  }
  bputs(&b, first ? "}\n}\n" : "\n\t}\n}\n");
  char dir[512]; snprintf(dir, sizeof dir, "%s", config_path());
  *strrchr(dir, '/') = 0;
  mkdir(dir, 0700);
  FILE *f = fopen(config_path(), "w");
  if (!f) { fprintf(stderr, "Error saving credentials: %s: %s\n", config_path(), strerror(errno)); return 1; }
  fchmod(fileno(f), 0600);
  fputs(b.p, f);
  return fclose(f) != 0;
}

/* The saved login for the registry `name` lives on, as the X-Registry-Auth header; "" when there is none. */
static void set_registry_auth(const char *name) {
  static struct buf hdr;
  char host[256]; registry_host(name, host, sizeof host);
  struct json *c = read_config(), *auths = c ? jget(c, "auths") : NULL;
  const char *a = auths ? jstr(jget(auths, host), "auth") : "";
  hdr.len = 0; bputs(&hdr, "");
  if (*a) {
    struct buf plain = {0}; bputs(&plain, "");
    b64dec(&plain, a);
    char *colon = strchr(plain.p, ':');
    if (colon) {
      *colon = 0;
      struct buf js = {0};
      bputs(&js, "{\"username\":"); bjson_str(&js, plain.p);
      bputs(&js, ",\"password\":"); bjson_str(&js, colon + 1);
      bputs(&js, ",\"serveraddress\":"); bjson_str(&js, host); bputs(&js, "}");
      bputs(&hdr, "X-Registry-Auth: "); b64enc(&hdr, js.p, js.len, 1); bputs(&hdr, "\r\n");
    }
  }
  extra_headers = hdr.p;
}

/* prefix: how a failure is introduced ("Error response from daemon: " for a pull, "docker: …" within run). */
struct status_out { FILE *out; int quiet, failed; const char *prefix; };
static void on_status(struct json *m, void *ctx) {
  struct status_out *s = ctx;
  struct json *err = jget(m, "errorDetail");
  if (err || *jstr(m, "error")) {
    const char *msg = err ? jstr(err, "message") : jstr(m, "error");
    fprintf(stderr, "%s%s\n", s->prefix, *msg ? msg : jstr(m, "error"));
    s->failed = 1;
    return;
  }
  if (s->quiet) return;
  const char *id = jstr(m, "id"), *st = jstr(m, "status");
  if (*id) fprintf(s->out, "%s: %s\n", id, st); else fprintf(s->out, "%s\n", st);
  fflush(s->out);
}

/* Sends a streamed registry request and prints its progress to out; 0 when it succeeded. */
static int registry_stream(const char *path, const char *name, FILE *out, int quiet, const char *prefix) {
  set_registry_auth(name);
  int fd = send_request("POST", path, NULL);
  extra_headers = "";
  struct buf b = {0}; bputs(&b, "");
  int st = read_head(fd, &b);
  if (st != 200) { struct resp r = {st, b}; char c[4096]; ssize_t k; while ((k = read(fd, c, sizeof c)) > 0) bput(&r.body, c, k); daemon_error(&r); return 1; }
  struct status_out s = {out, quiet, 0, prefix};
  json_lines(fd, &b, on_status, &s);
  close(fd);
  return s.failed;
}

/* Splits NAME[:TAG|@DIGEST]; *tag is NULL when none was written. */
static void split_tag(const char *ref, char *name, size_t n, const char **tag) {
  snprintf(name, n, "%s", ref);
  *tag = NULL;
  char *at = strchr(name, '@');
  if (at) { *at = 0; *tag = ref + (at - name) + 1; return; }
  char *colon = strrchr(name, ':');
  if (colon && !strchr(colon, '/')) { *colon = 0; *tag = ref + (colon - name) + 1; }
}

static int pull_image(const char *ref, FILE *out, int quiet) {
  char name[512]; const char *tag;
  split_tag(ref, name, sizeof name, &tag);
  /* Within `docker run` (out is stderr) the tag was already shown in "Unable to find image". */
  if (!tag) { if (!quiet && out == stdout) fprintf(out, "Using default tag: latest\n"); tag = "latest"; }
  char path[2048];
  snprintf(path, sizeof path, "/images/create?fromImage=%s&tag=%s", urlenc(name), urlenc(tag));
  /* A pull inside `docker run` reports as run does; `docker pull` as the daemon's answer. */
  if (registry_stream(path, name, out, quiet, out == stderr ? "docker: Error response from daemon: " : "Error response from daemon: ")) return 1;
  /* The full name, registry and all, as Docker prints it last. */
  char host[256]; int explicit_host = registry_host(name, host, sizeof host);
  fprintf(out, "%s%s%s%s%s%s\n", explicit_host ? "" : host, explicit_host ? "" : "/",
          !explicit_host && !strchr(name, '/') ? "library/" : "", name, strncmp(tag, "sha256:", 7) ? ":" : "@", tag);
  return 0;
}

/* The one IMAGE argument and -q of `docker pull` and `docker push`; 0, or the usage error's status. */
static int image_arg(const char *verb, int argc, char **argv, const char **ref, int *quiet) {
  *ref = NULL; *quiet = 0;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet")) *quiet = 1;
    else if (argv[i][0] == '-') return usage_error(verb, "unknown flag: %s", argv[i]);
    else if (*ref) break;
    else *ref = argv[i];
  }
  char msg[64]; snprintf(msg, sizeof msg, "\"docker %s\" requires exactly 1 argument.", verb);
  int extra = 0;
  for (int i = 0; i < argc; i++) if (argv[i][0] != '-') extra++;
  if (!*ref || extra > 1) return usage_error(verb, "%s", msg);
  return 0;
}

static int cmd_pull(int argc, char **argv) {
  const char *ref; int quiet;
  int e = image_arg("pull", argc, argv, &ref, &quiet);
  return e ? e : pull_image(ref, stdout, quiet);
}

static int cmd_push(int argc, char **argv) {
  const char *ref; int quiet;
  int e = image_arg("push", argc, argv, &ref, &quiet);
  if (e) return e;
  char name[512]; const char *tag;
  split_tag(ref, name, sizeof name, &tag);
  if (!tag) { if (!quiet) printf("Using default tag: latest\n"); tag = "latest"; }
  char path[2048];
  snprintf(path, sizeof path, "/images/%s/push?tag=%s", urlenc(name), urlenc(tag));
  int rc = registry_stream(path, name, stdout, quiet, "");
  if (!rc && quiet) printf("%s:%s\n", name, tag);
  return rc;
}

/* A line from the terminal, with echo off for a password. */
static int prompt(const char *label, char *out, size_t n, int secret) {
  fputs(label, stdout); fflush(stdout);
  struct termios t, quiet;
  int tty = secret && isatty(0) && tcgetattr(0, &t) == 0;
  if (tty) { quiet = t; quiet.c_lflag &= ~ECHO; tcsetattr(0, TCSADRAIN, &quiet); }
  char *got = fgets(out, n, stdin);
  if (tty) { tcsetattr(0, TCSADRAIN, &t); putchar('\n'); }
  if (!got) return -1;
  out[strcspn(out, "\r\n")] = 0;
  return 0;
}

static int cmd_login(int argc, char **argv) {
  char user[256] = "", pass[256] = "";
  const char *server = DEFAULT_REGISTRY;
  int from_stdin = 0, have_pass = 0;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--password-stdin")) { from_stdin = 1; continue; }
    if (a[0] != '-') { server = a; continue; }
    if (!v) return usage_error("login", "flag needs an argument: %s", a);
    if (!strcmp(a, "-u") || !strcmp(a, "--username")) snprintf(user, sizeof user, "%s", v);
    else if (!strcmp(a, "-p") || !strcmp(a, "--password")) { snprintf(pass, sizeof pass, "%s", v); have_pass = 1; }
    else return usage_error("login", "unknown flag: %s", a);
    i++;
  }
  if (have_pass) fprintf(stderr, "WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n");
  if (from_stdin) {
    if (!*user) { fprintf(stderr, "Must provide --username with --password-stdin\n"); return 1; }
    if (!fgets(pass, sizeof pass, stdin)) pass[0] = 0;
    pass[strcspn(pass, "\r\n")] = 0;
    have_pass = 1;
  }
  if (!*user) {
    printf("Log in to the page's registry at %s (this playground's stand-in for Docker Hub; its account is student / container).\n", server);
    if (prompt("Username: ", user, sizeof user, 0) < 0 || !*user) { fprintf(stderr, "Error: Non-null Username Required\n"); return 1; }
  }
  if (!have_pass && (prompt("Password: ", pass, sizeof pass, 1) < 0 || !*pass)) { fprintf(stderr, "Error: Non-null Password Required\n"); return 1; }
  struct buf body = {0};
  bputs(&body, "{\"username\":"); bjson_str(&body, user);
  bputs(&body, ",\"password\":"); bjson_str(&body, pass);
  bputs(&body, ",\"serveraddress\":"); bjson_str(&body, server); bputs(&body, "}");
  struct resp r = call("POST", "/auth", body.p);
  if (r.status != 200) { daemon_error(&r); return 1; }
  struct buf up = {0}; bprintf(&up, "%s:%s", user, pass);
  struct buf auth = {0}; bputs(&auth, "");
  b64enc(&auth, up.p, up.len, 0);
  if (write_config(server, auth.p)) return 1;
  printf("WARNING! Your password will be stored unencrypted in %s.\n"
         "Configure a credential helper to remove this warning. See\n"
         "https://docs.docker.com/go/credential-store/\n\nLogin Succeeded\n", config_path());
  return 0;
}

static int cmd_logout(int argc, char **argv) {
  const char *server = argc > 0 ? argv[0] : DEFAULT_REGISTRY;
  struct json *c = read_config(), *auths = c ? jget(c, "auths") : NULL;
  if (!auths || !jget(auths, server)) { printf("Not logged in to %s\n", server); return 0; }
  printf("Removing login credentials for %s\n", server);
  return write_config(server, NULL);
}

static int cmd_search(int argc, char **argv) {
  const char *term = NULL, *limit = "25";
  int no_trunc = 0;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--limit")) { if (i + 1 >= argc) return usage_error("search", "flag needs an argument: %s", argv[i]); limit = argv[++i]; }
    else if (!strncmp(argv[i], "--limit=", 8)) limit = argv[i] + 8;
    else if (!strcmp(argv[i], "--no-trunc")) no_trunc = 1;
    else if (argv[i][0] == '-') return usage_error("search", "unknown flag: %s", argv[i]);
    else term = argv[i];
  }
  if (!term) return usage_error("search", "\"docker search\" requires exactly 1 argument.", "");
  char path[1024]; snprintf(path, sizeof path, "/images/search?term=%s&limit=%s", urlenc(term), urlenc(limit));
  struct json *list = expect(call("GET", path, NULL), 200);
  struct table t = {.ncols = 4};
  trow(&t, "NAME", "DESCRIPTION", "STARS", "OFFICIAL");
  for (int i = 0; list && i < list->n; i++) {
    struct json *e = list->items[i];
    char desc[256]; snprintf(desc, sizeof desc, "%s", jstr(e, "description"));
    if (!no_trunc && strlen(desc) > 45) strcpy(desc + 44, "…");
    char stars[16]; snprintf(stars, sizeof stars, "%.0f", jnum(e, "star_count"));
    trow(&t, jstr(e, "name"), desc, stars, jnum(e, "is_official") ? "[OK]" : "");
  }
  tprint(&t);
  return 0;
}

/* What docker inspect prints: the objects as Docker's 4-space JSON array, or each through the -f template. */
struct inspected { struct buf out; const char *format; int shown; };
static void inspected_add(struct inspected *io, struct resp *r) {
  if (!io->out.p) bputs(&io->out, "");
  jp = r->body.p;
  struct json *obj = jparse();
  if (io->format) { render_template(&io->out, io->format, obj); bputs(&io->out, "\n"); }
  else { bprintf(&io->out, "%s    ", io->shown ? ",\n" : ""); jdump(&io->out, obj, 4, 1); }
  io->shown++;
}
static void inspected_print(struct inspected *io) {
  if (!io->out.p) bputs(&io->out, "");
  if (io->format) fputs(io->out.p, stdout);
  else printf("[%s%s%s]\n", io->shown ? "\n" : "", io->out.p, io->shown ? "\n" : "");
}

/* ---- networks: docker network …, docker port */
static int cmd_network(int argc, char **argv) {
  const char *sub = argc ? argv[0] : "";
  argc--; argv++;
  if (!strcmp(sub, "create")) {
    const char *driver = "bridge", *subnet = NULL, *name = NULL;
    int internal = 0;
    for (int i = 0; i < argc; i++) {
      const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
      if (!strcmp(a, "--internal")) { internal = 1; continue; }
      if (a[0] != '-') { if (name) return usage_error("network create", "\"docker network create\" requires exactly 1 argument.", ""); name = a; continue; }
      if (!v) return usage_error("network create", "flag needs an argument: %s", a);
      if (!strcmp(a, "-d") || !strcmp(a, "--driver")) driver = v;
      else if (!strcmp(a, "--subnet")) subnet = v;
      else return usage_error("network create", "unknown flag: %s", a);
      i++;
    }
    if (!name) return usage_error("network create", "\"docker network create\" requires exactly 1 argument.", "");
    struct buf b = {0};
    bputs(&b, "{\"Name\":"); bjson_str(&b, name);
    bputs(&b, ",\"Driver\":"); bjson_str(&b, driver);
    bprintf(&b, ",\"Internal\":%s", internal ? "true" : "false");
    if (subnet) { bputs(&b, ",\"IPAM\":{\"Config\":[{\"Subnet\":"); bjson_str(&b, subnet); bputs(&b, "}]}"); }
    bputs(&b, "}");
    printf("%s\n", jstr(expect(call("POST", "/networks/create", b.p), 201), "Id"));
    return 0;
  }
  if (!strcmp(sub, "ls") || !strcmp(sub, "list")) {
    int quiet = argc && (!strcmp(argv[0], "-q") || !strcmp(argv[0], "--quiet"));
    struct json *list = expect(call("GET", "/networks", NULL), 200);
    struct table t = {.ncols = 4};
    if (!quiet) trow(&t, "NETWORK ID", "NAME", "DRIVER", "SCOPE");
    for (int i = 0; list && i < list->n; i++) {
      char id[13]; snprintf(id, sizeof id, "%s", jstr(list->items[i], "Id"));
      if (quiet) printf("%s\n", id);
      else trow(&t, id, jstr(list->items[i], "Name"), jstr(list->items[i], "Driver"), jstr(list->items[i], "Scope"));
    }
    if (!quiet) tprint(&t);
    return 0;
  }
  if (!strcmp(sub, "inspect")) {
    const char *format = NULL;
    int i = 0;
    if (argc >= 2 && (!strcmp(argv[0], "-f") || !strcmp(argv[0], "--format"))) { format = argv[1]; i = 2; }
    if (i >= argc) return usage_error("network inspect", "\"docker network inspect\" requires at least 1 argument.", "");
    struct inspected io = {.format = format};
    int rc = 0;
    for (; i < argc; i++) {
      char path[512]; snprintf(path, sizeof path, "/networks/%s", urlenc(argv[i]));
      struct resp r = call("GET", path, NULL);
      if (r.status != 200) { daemon_error(&r); rc = 1; continue; }
      inspected_add(&io, &r);
    }
    inspected_print(&io);
    return rc;
  }
  if (!strcmp(sub, "rm") || !strcmp(sub, "remove")) {
    if (argc < 1) return usage_error("network rm", "\"docker network rm\" requires at least 1 argument.", "");
    int rc = 0;
    for (int i = 0; i < argc; i++) {
      char path[512]; snprintf(path, sizeof path, "/networks/%s", urlenc(argv[i]));
      struct resp r = call("DELETE", path, NULL);
      if (r.status != 204) { daemon_error(&r); rc = 1; } else printf("%s\n", argv[i]);
    }
    return rc;
  }
  if (!strcmp(sub, "connect") || !strcmp(sub, "disconnect")) {
    int force = 0;
    if (argc && (!strcmp(argv[0], "-f") || !strcmp(argv[0], "--force"))) { force = 1; argc--; argv++; }
    if (argc != 2) return usage_error(sub, "\"docker network %s\" requires exactly 2 arguments.", sub);
    struct buf b = {0};
    bputs(&b, "{\"Container\":"); bjson_str(&b, argv[1]);
    if (force) bputs(&b, ",\"Force\":true");
    bputs(&b, "}");
    char path[512]; snprintf(path, sizeof path, "/networks/%s/%s", urlenc(argv[0]), sub);
    struct resp r = call("POST", path, b.p);
    if (r.status != 200) { daemon_error(&r); return 1; }
    return 0;
  }
  fprintf(stderr, "Usage:  docker network COMMAND\n\nCommands: connect, create, disconnect, inspect, ls, rm\n");
  return *sub ? 1 : 0;
}

/* docker port CONTAINER [PRIVATE_PORT[/PROTO]]: the published ports, as the daemon bound them. */
static int cmd_port(int argc, char **argv) {
  if (argc < 1 || argc > 2) return usage_error("port", "\"docker port\" requires at least 1 and at most 2 arguments.", "");
  char path[512]; snprintf(path, sizeof path, "/containers/%s/json", urlenc(argv[0]));
  struct json *c = expect(call("GET", path, NULL), 200);
  struct json *ports = jget(jget(c, "NetworkSettings"), "Ports");
  char want[32] = "";
  if (argc == 2) snprintf(want, sizeof want, "%s%s", argv[1], strchr(argv[1], '/') ? "" : "/tcp");
  int found = 0;
  for (int i = 0; ports && ports->t == J_OBJ && i < ports->n; i++) {
    if (*want && strcmp(ports->keys[i], want)) continue;
    struct json *list = ports->items[i];
    for (int k = 0; list && list->t == J_ARR && k < list->n; k++) {
      if (*want) printf("%s:%s\n", jstr(list->items[k], "HostIp"), jstr(list->items[k], "HostPort"));
      else printf("%s -> %s:%s\n", ports->keys[i], jstr(list->items[k], "HostIp"), jstr(list->items[k], "HostPort"));
      found++;
    }
  }
  if (*want && !found) { fprintf(stderr, "Error: No public port '%s' published for %s\n", want, argv[0]); return 1; }
  return 0;
}

/* ---- more lifecycle: attach, rename, export, import */

/* "ctrl-p,ctrl-q" as bytes; NULL when the spec is not Docker's form. */
static char *parse_detach_keys(const char *spec) {
  static char keys[16];
  size_t n = 0;
  char copy[128]; snprintf(copy, sizeof copy, "%s", spec);
  for (char *tok = strtok(copy, ","); tok && n < sizeof keys - 1; tok = strtok(NULL, ",")) {
    if (!strncmp(tok, "ctrl-", 5) && tok[5] && !tok[6]) {
      char c = tok[5];
      if (c >= 'a' && c <= 'z') keys[n++] = c - 'a' + 1;
      else if (c == '@') keys[n++] = 0;
      else if (c >= '[' && c <= '_') keys[n++] = c - '[' + 27;
      else return NULL;
    } else if (strlen(tok) == 1) keys[n++] = tok[0];
    else return NULL;
  }
  keys[n] = 0;
  return n ? keys : NULL;
}

static int cmd_attach(int argc, char **argv) {
  const char *keys = "ctrl-p,ctrl-q";
  int no_stdin = 0, i = 0;
  for (; i < argc && argv[i][0] == '-'; i++) {
    if (!strcmp(argv[i], "--no-stdin")) no_stdin = 1;
    else if (!strncmp(argv[i], "--detach-keys=", 14)) keys = argv[i] + 14;
    else if (!strcmp(argv[i], "--detach-keys") && i + 1 < argc) keys = argv[++i];
    else if (!strcmp(argv[i], "--sig-proxy=false")) continue;
    else return usage_error("attach", "unknown flag: %s", argv[i]);
  }
  if (argc - i != 1) return usage_error("attach", "\"docker attach\" requires exactly 1 argument.", "");
  detach_keys = parse_detach_keys(keys);
  if (!detach_keys) { fprintf(stderr, "Invalid detach keys (%s) provided\n", keys); return 1; }
  char path[512]; snprintf(path, sizeof path, "/containers/%s/json", urlenc(argv[i]));
  struct json *c = expect(call("GET", path, NULL), 200);
  struct json *state = jget(c, "State"), *config = jget(c, "Config");
  if (!jnum(state, "Running")) { fprintf(stderr, "You cannot attach to a stopped container, start it first\n"); return 1; }
  if (jnum(state, "Paused")) { fprintf(stderr, "You cannot attach to a paused container, unpause it first\n"); return 1; }
  int tty = (int)jnum(config, "Tty"), in = !no_stdin && jnum(config, "OpenStdin");
  const char *id = jstr(c, "Id");
  snprintf(path, sizeof path, "/containers/%s/attach?stream=1&stdout=1&stderr=1%s", id, in ? "&stdin=1" : "");
  int fd = send_request_ex("POST", path, NULL, in);
  struct buf pre = {0}; bputs(&pre, "");
  int st = read_head(fd, &pre);
  if (st != 101 && st != 200) { struct resp r = {st, pre}; char b[4096]; ssize_t k; while ((k = read(fd, b, sizeof b)) > 0) bput(&r.body, b, k); daemon_error(&r); return 1; }
  if (tty) {
    send_resize("/containers/%s/resize", id);
    terminal_session(fd, &pre, "/containers/%s/resize", id, in);
    if (detached) { fprintf(stderr, "\r\nread escape sequence\n"); return 0; }
  } else if (in) piped_session(fd, &pre);
  else demux(fd, &pre);
  return wait_for(id);
}

static int cmd_rename(int argc, char **argv) {
  if (argc != 2) return usage_error("rename", "\"docker rename\" requires exactly 2 arguments.", "");
  char path[768]; snprintf(path, sizeof path, "/containers/%s/rename?name=%s", urlenc(argv[0]), urlenc(argv[1]));
  struct resp r = call("POST", path, NULL);
  if (r.status != 204) { daemon_error(&r); return 1; }
  return 0;
}

static int cmd_export(int argc, char **argv) {
  const char *out = NULL; int i = 0;
  for (; i < argc && argv[i][0] == '-'; i++) {
    if ((!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) && i + 1 < argc) out = argv[++i];
    else return usage_error("export", "unknown flag: %s", argv[i]);
  }
  if (argc - i != 1) return usage_error("export", "\"docker export\" requires exactly 1 argument.", "");
  char path[512]; snprintf(path, sizeof path, "/containers/%s/export", urlenc(argv[i]));
  return download_to(path, out);
}

static int cmd_import(int argc, char **argv) {
  struct buf q = {0}; bputs(&q, "");
  int i = 0;
  for (; i < argc && argv[i][0] == '-' && strcmp(argv[i], "-"); i++) {
    if ((!strcmp(argv[i], "-m") || !strcmp(argv[i], "--message")) && i + 1 < argc) bprintf(&q, "&message=%s", urlenc(argv[++i]));
    else return usage_error("import", "unknown flag: %s", argv[i]);
  }
  if (argc - i < 1 || argc - i > 2) return usage_error("import", "\"docker import\" requires at least 1 and at most 2 arguments.", "");
  if (argc - i == 2) {
    char repo[256]; snprintf(repo, sizeof repo, "%s", argv[i + 1]);
    char *colon = strrchr(repo, ':');
    if (colon && !strchr(colon, '/')) { *colon = 0; bprintf(&q, "&tag=%s", urlenc(colon + 1)); }
    bprintf(&q, "&repo=%s", urlenc(repo));
  }
  FILE *f = strcmp(argv[i], "-") ? fopen(argv[i], "r") : stdin;
  if (!f) { fprintf(stderr, "open %s: %s\n", argv[i], strerror(errno)); return 1; }
  struct buf tar = {0}; bputs(&tar, "");
  char c[8192]; size_t n;
  while ((n = fread(c, 1, sizeof c, f)) > 0) bput(&tar, c, n);
  char path[2048]; snprintf(path, sizeof path, "/images/create?fromSrc=-%s", q.p);
  struct resp r = read_resp(send_body("POST", path, "application/x-tar", &tar));
  if (r.status != 200) { daemon_error(&r); return 1; }
  jp = r.body.p;
  printf("%s\n", jstr(jparse(), "status"));
  return 0;
}

/* ---- disk use and clean-up: system df, container prune, image prune */

static void pct(char *out, size_t n, double part, double whole) {
  char s[16]; human_size(s, sizeof s, part);
  snprintf(out, n, "%s (%.0f%%)", s, whole > 0 ? part * 100 / whole : 0);
}

static int cmd_system_df(void) {
  struct json *df = expect(call("GET", "/system/df", NULL), 200);
  struct json *images = jget(df, "Images"), *containers = jget(df, "Containers"), *volumes = jget(df, "Volumes"), *cache = jget(df, "BuildCache");
  struct table t = {.ncols = 5};
  trow(&t, "TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE");
  char total[16], active[16], size[16], reclaim[32];
  /* Images: reclaimable is what no container uses; shared layers are counted once in the total. */
  int n = images ? images->n : 0, act = 0; double unused = 0;
  for (int i = 0; i < n; i++) { if (jnum(images->items[i], "Containers") > 0) act++; else unused += jnum(images->items[i], "Size") - jnum(images->items[i], "SharedSize"); }
  snprintf(total, sizeof total, "%d", n); snprintf(active, sizeof active, "%d", act);
  human_size(size, sizeof size, jnum(df, "LayersSize")); pct(reclaim, sizeof reclaim, unused, jnum(df, "LayersSize"));
  trow(&t, "Images", total, active, size, reclaim);
  n = containers ? containers->n : 0; act = 0; double rw = 0, stopped = 0;
  for (int i = 0; i < n; i++) {
    struct json *c = containers->items[i];
    rw += jnum(c, "SizeRw");
    if (!strcmp(jstr(c, "State"), "running") || !strcmp(jstr(c, "State"), "paused")) act++; else stopped += jnum(c, "SizeRw");
  }
  snprintf(total, sizeof total, "%d", n); snprintf(active, sizeof active, "%d", act);
  human_size(size, sizeof size, rw); pct(reclaim, sizeof reclaim, stopped, rw);
  trow(&t, "Containers", total, active, size, reclaim);
  n = volumes ? volumes->n : 0; act = 0; double vs = 0, vfree = 0;
  for (int i = 0; i < n; i++) {
    struct json *u = jget(volumes->items[i], "UsageData");
    vs += jnum(u, "Size");
    if (jnum(u, "RefCount") > 0) act++; else vfree += jnum(u, "Size");
  }
  snprintf(total, sizeof total, "%d", n); snprintf(active, sizeof active, "%d", act);
  human_size(size, sizeof size, vs); pct(reclaim, sizeof reclaim, vfree, vs);
  trow(&t, "Local Volumes", total, active, size, reclaim);
  n = cache ? cache->n : 0; act = 0; double cs = 0, cfree = 0;
  for (int i = 0; i < n; i++) { cs += jnum(cache->items[i], "Size"); if (jnum(cache->items[i], "InUse")) act++; else cfree += jnum(cache->items[i], "Size"); }
  snprintf(total, sizeof total, "%d", n); snprintf(active, sizeof active, "%d", act);
  human_size(size, sizeof size, cs); human_size(reclaim, sizeof reclaim, cfree);
  trow(&t, "Build Cache", total, active, size, reclaim);
  tprint(&t);
  return 0;
}

static int cmd_prune(const char *what, int argc, char **argv) {
  int force = 0, all = 0;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--force")) force = 1;
    else if (!strcmp(what, "image") && (!strcmp(argv[i], "-a") || !strcmp(argv[i], "--all"))) all = 1;
    else { char verb[32]; snprintf(verb, sizeof verb, "%s prune", what); return usage_error(verb, "unknown flag: %s", argv[i]); }
  }
  int image = !strcmp(what, "image");
  if (!force) {
    printf("WARNING! This will remove %s.\nAre you sure you want to continue? [y/N] ",
           image ? (all ? "all images without at least one container associated to them" : "all dangling images") : "all stopped containers");
    fflush(stdout);
    char answer[16] = "";
    if (!fgets(answer, sizeof answer, stdin) || (answer[0] != 'y' && answer[0] != 'Y')) return 0;
  }
  struct json *r = expect(call("POST", image ? (all ? "/images/prune?filters=%7B%22dangling%22%3A%5B%22false%22%5D%7D" : "/images/prune") : "/containers/prune", NULL), 200);
  struct json *list = jget(r, image ? "ImagesDeleted" : "ContainersDeleted");
  if (list && list->n) {
    printf("Deleted %s:\n", image ? "Images" : "Containers");
    for (int i = 0; i < list->n; i++) {
      if (!image) printf("%s\n", list->items[i]->str);
      else {
        const char *u = jstr(list->items[i], "Untagged"), *d = jstr(list->items[i], "Deleted");
        if (*u) printf("untagged: %s\n", u);
        if (*d) printf("deleted: %s\n", d);
      }
    }
    printf("\n");
  }
  char space[16]; human_size(space, sizeof space, jnum(r, "SpaceReclaimed"));
  printf("Total reclaimed space: %s\n", space);
  return 0;
}

static int cmd_simple_get(const char *path) {
  struct resp r = call("GET", path, NULL);
  if (r.status != 200) { daemon_error(&r); return 1; }
  fwrite(r.body.p, 1, r.body.len, stdout);
  if (r.body.len && r.body.p[r.body.len - 1] != '\n') putchar('\n');
  return 0;
}

static int cmd_inspect(int argc, char **argv) {
  const char *format = NULL;
  int i = 0;
  for (; i < argc && argv[i][0] == '-'; i++) {
    if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--format")) {
      if (i + 1 >= argc) return usage_error("inspect", "flag needs an argument: %s", argv[i]);
      format = argv[++i];
    } else if (!strncmp(argv[i], "--format=", 9)) format = argv[i] + 9;
    else return usage_error("inspect", "unknown flag: %s", argv[i]);
  }
  if (i >= argc) return usage_error("inspect", "\"docker inspect\" requires at least 1 argument.", "");
  struct inspected io = {.format = format};
  int rc = 0;
  for (; i < argc; i++) {
    char path[512]; snprintf(path, sizeof path, "/containers/%s/json", urlenc(argv[i]));
    struct resp r = call("GET", path, NULL);
    if (r.status == 404) { snprintf(path, sizeof path, "/images/%s/json", urlenc(argv[i])); r = call("GET", path, NULL); }
    if (r.status != 200) { fprintf(stderr, "Error: No such object: %s\n", argv[i]); rc = 1; continue; }
    inspected_add(&io, &r);
  }
  inspected_print(&io);
  return rc;
}

static int cmd_version(void) {
  printf("Client:\n Version:           playground\n API version:       1.43\n OS/Arch:           linux/386\n\n");
  struct resp r = call("GET", "/version", NULL);
  if (r.status != 200) { daemon_error(&r); return 1; }
  jp = r.body.p;
  struct json *v = jparse();
  printf("Server: %s\n Engine:\n  Version:          %s\n  API version:      %s\n  OS/Arch:          %s/%s\n  Kernel Version:   %s\n",
         jstr(jget(v, "Platform"), "Name"), jstr(v, "Version"), jstr(v, "ApiVersion"), jstr(v, "Os"), jstr(v, "Arch"), jstr(v, "KernelVersion"));
  return 0;
}

static int help(void) {
  printf("Usage:  docker COMMAND\n\nCommands this playground's docker knows:\n"
         "  run, create, start, stop, kill, restart, rm, ps, logs, exec, inspect, wait, top, stats, diff,\n"
         "  cp, commit, events, images, rmi, tag, history, build, save, load, version, info,\n"
         "  pause, unpause, attach, rename, export, import, pull, push, login, logout, search,\n"
         "  system df, container prune, image prune, network (create, ls, inspect, rm, connect,\n"
         "  disconnect), port\n");
  return 0;
}

int docker_main(int argc, char **argv) {
  if (getenv("DOCKER_HOST") && !strncmp(getenv("DOCKER_HOST"), "unix://", 7)) SOCK = getenv("DOCKER_HOST") + 7;
  if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) return help();
  const char *verb = argv[1];
  int n = argc - 2;
  char **a = argv + 2;
  if (!strcmp(verb, "container") && argc > 2) {
    verb = argv[2]; n--; a++;
    if (!strcmp(verb, "ls")) verb = "ps";
    else if (!strcmp(verb, "prune")) return cmd_prune("container", n, a);
  } else if (!strcmp(verb, "image") && argc > 2) {
    verb = argv[2]; n--; a++;
    if (!strcmp(verb, "ls")) verb = "images";
    else if (!strcmp(verb, "rm")) verb = "rmi";
    else if (!strcmp(verb, "prune")) return cmd_prune("image", n, a);
  } else if (!strcmp(verb, "system") && argc > 2 && !strcmp(argv[2], "df")) return cmd_system_df();
  if (!strcmp(verb, "ps")) return cmd_ps(n, a);
  if (!strcmp(verb, "images")) return cmd_images(n, a);
  if (!strcmp(verb, "run") || !strcmp(verb, "create")) return cmd_run(verb, n, a);
  if (!strcmp(verb, "start")) return each_container("start", n, a, "POST", "/containers/%s/start", 204, 1);
  if (!strcmp(verb, "restart")) return each_container("restart", n, a, "POST", "/containers/%s/restart", 204, 1);
  if (!strcmp(verb, "pause")) return each_container("pause", n, a, "POST", "/containers/%s/pause", 204, 1);
  if (!strcmp(verb, "unpause")) return each_container("unpause", n, a, "POST", "/containers/%s/unpause", 204, 1);
  if (!strcmp(verb, "attach")) return cmd_attach(n, a);
  if (!strcmp(verb, "rename")) return cmd_rename(n, a);
  if (!strcmp(verb, "export")) return cmd_export(n, a);
  if (!strcmp(verb, "import")) return cmd_import(n, a);
  if (!strcmp(verb, "stop")) {
    int t = -1;
    if (n >= 2 && (!strcmp(a[0], "-t") || !strcmp(a[0], "--time"))) { t = atoi(a[1]); n -= 2; a += 2; }
    char fmt[64]; if (t >= 0) snprintf(fmt, sizeof fmt, "/containers/%%s/stop?t=%d", t); else snprintf(fmt, sizeof fmt, "/containers/%%s/stop");
    return each_container("stop", n, a, "POST", fmt, 204, 1);
  }
  if (!strcmp(verb, "kill")) {
    const char *sig = "KILL";
    if (n >= 2 && (!strcmp(a[0], "-s") || !strcmp(a[0], "--signal"))) { sig = a[1]; n -= 2; a += 2; }
    char fmt[64]; snprintf(fmt, sizeof fmt, "/containers/%%s/kill?signal=%s", sig);
    return each_container("kill", n, a, "POST", fmt, 204, 1);
  }
  if (!strcmp(verb, "rm")) {
    int force = 0;
    while (n && a[0][0] == '-') { if (!strcmp(a[0], "-f") || !strcmp(a[0], "--force")) force = 1; else return usage_error("rm", "unknown flag: %s", a[0]); n--; a++; }
    return each_container("rm", n, a, "DELETE", force ? "/containers/%s?force=1" : "/containers/%s", 204, 1);
  }
  if (!strcmp(verb, "wait")) { int rc = 0; for (int i = 0; i < n; i++) printf("%d\n", rc = wait_for(a[i])); return n ? 0 : usage_error("wait", "\"docker wait\" requires at least 1 argument.", ""); }
  if (!strcmp(verb, "logs")) return cmd_logs(n, a);
  if (!strcmp(verb, "exec")) return cmd_exec(n, a);
  if (!strcmp(verb, "inspect")) return cmd_inspect(n, a);
  if (!strcmp(verb, "version")) return cmd_version();
  if (!strcmp(verb, "info")) return cmd_simple_get("/info");
  if (!strcmp(verb, "rmi")) return cmd_rmi(n, a);
  if (!strcmp(verb, "tag")) return cmd_tag(n, a);
  if (!strcmp(verb, "history")) return cmd_history(n, a);
  if (!strcmp(verb, "diff")) return cmd_diff(n, a);
  if (!strcmp(verb, "top")) return cmd_top(n, a);
  if (!strcmp(verb, "stats")) return cmd_stats(n, a);
  if (!strcmp(verb, "events")) return cmd_events(n, a);
  if (!strcmp(verb, "cp")) return cmd_cp(n, a);
  if (!strcmp(verb, "commit")) return cmd_commit(n, a);
  if (!strcmp(verb, "build")) return cmd_build(n, a);
  if (!strcmp(verb, "save")) return cmd_save(n, a);
  if (!strcmp(verb, "load")) return cmd_load(n, a);
  if (!strcmp(verb, "pull")) return cmd_pull(n, a);
  if (!strcmp(verb, "push")) return cmd_push(n, a);
  if (!strcmp(verb, "login")) return cmd_login(n, a);
  if (!strcmp(verb, "logout")) return cmd_logout(n, a);
  if (!strcmp(verb, "search")) return cmd_search(n, a);
  if (!strcmp(verb, "network")) return cmd_network(n, a);
  if (!strcmp(verb, "port")) return cmd_port(n, a);
  fprintf(stderr, "docker: '%s' is not a docker command.\nSee 'docker --help'\n", verb);
  return 1;
}
