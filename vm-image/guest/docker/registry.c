/*
 * Registries: pull, push, login, logout, search.
 * The daemon talks to the registry; this side only keeps the login in
 * ~/.docker/config.json (base64, unencrypted, as Docker's CLI does without a
 * credential helper) and hands it to the daemon as X-Registry-Auth.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"

/* Where a name without a host goes, as in Docker; here the page's stand-in for Docker Hub answers for it. */
#define DEFAULT_REGISTRY "docker.io"
/* The key Docker's CLI files Docker Hub's login under in config.json, and logs in to by default. */
#define HUB_SERVER "https://index.docker.io/v1/"

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
/* The config.json key of a registry: Docker Hub's is its v1 index URL, any other is its host. */
static const char *auth_key(const char *server) {
  static char host[256];
  const char *s = server;
  if (!strncmp(s, "https://", 8)) s += 8;
  else if (!strncmp(s, "http://", 7)) s += 7;
  snprintf(host, sizeof host, "%.*s", (int)strcspn(s, "/"), s);
  if (!strcmp(host, "docker.io") || !strcmp(host, "index.docker.io") || !strcmp(host, "registry-1.docker.io"))
    return HUB_SERVER;
  return host;
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
    return json_parse(b.p);
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
  const char *a = auths ? jstr(jget(auths, auth_key(host)), "auth") : "";
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
  if (st != 200) { struct resp r = finish_resp(fd, st, &b); daemon_error(&r); return 1; }
  struct status_out s = {out, quiet, 0, prefix};
  json_lines(fd, &b, on_status, &s);
  close(fd);
  return s.failed;
}
int pull_image(const char *ref, FILE *out, int quiet) {
  char name[512]; const char *tag;
  split_ref(ref, name, sizeof name, &tag);
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
  int extra = 0;
  for (int i = 0; i < argc; i++) if (argv[i][0] != '-') extra++;
  if (!*ref || extra > 1) return usage_error(verb, "\"docker %s\" requires exactly 1 argument.", verb);
  return 0;
}
int cmd_pull(const char *verb, int argc, char **argv) {
  const char *ref; int quiet;
  int e = image_arg(verb, argc, argv, &ref, &quiet);
  return e ? e : pull_image(ref, stdout, quiet);
}
int cmd_push(const char *verb, int argc, char **argv) {
  const char *ref; int quiet;
  int e = image_arg(verb, argc, argv, &ref, &quiet);
  if (e) return e;
  char name[512]; const char *tag;
  split_ref(ref, name, sizeof name, &tag);
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
int cmd_login(const char *verb, int argc, char **argv) {
  char user[256] = "", pass[256] = "";
  const char *server = HUB_SERVER;
  int from_stdin = 0, have_pass = 0;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--password-stdin")) { from_stdin = 1; continue; }
    if (a[0] != '-') { server = a; continue; }
    if (!v) return usage_error(verb, "flag needs an argument: %s", a);
    if (!strcmp(a, "-u") || !strcmp(a, "--username")) snprintf(user, sizeof user, "%s", v);
    else if (!strcmp(a, "-p") || !strcmp(a, "--password")) { snprintf(pass, sizeof pass, "%s", v); have_pass = 1; }
    else return usage_error(verb, "unknown flag: %s", a);
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
    if (!strcmp(auth_key(server), HUB_SERVER))
      printf("Log in to Docker Hub, as played by the page's registry (its account is student / container).\n");
    else
      printf("Log in to the registry at %s.\n", auth_key(server));
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
  if (write_config(auth_key(server), auth.p)) return 1;
  printf("WARNING! Your password will be stored unencrypted in %s.\n"
         "Configure a credential helper to remove this warning. See\n"
         "https://docs.docker.com/go/credential-store/\n\nLogin Succeeded\n", config_path());
  return 0;
}
int cmd_logout(const char *verb, int argc, char **argv) {
  (void)verb;
  const char *server = auth_key(argc > 0 ? argv[0] : HUB_SERVER);
  struct json *c = read_config(), *auths = c ? jget(c, "auths") : NULL;
  if (!auths || !jget(auths, server)) { printf("Not logged in to %s\n", server); return 0; }
  printf("Removing login credentials for %s\n", server);
  return write_config(server, NULL);
}
int cmd_search(const char *verb, int argc, char **argv) {
  const char *term = NULL, *limit = "25";
  int no_trunc = 0;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--limit")) { if (i + 1 >= argc) return usage_error(verb, "flag needs an argument: %s", argv[i]); limit = argv[++i]; }
    else if (!strncmp(argv[i], "--limit=", 8)) limit = argv[i] + 8;
    else if (!strcmp(argv[i], "--no-trunc")) no_trunc = 1;
    else if (argv[i][0] == '-') return usage_error(verb, "unknown flag: %s", argv[i]);
    else term = argv[i];
  }
  if (!term) return usage_error(verb, "\"docker search\" requires exactly 1 argument.");
  char path[1024];
  snprintf(path, sizeof path, "/images/search?term=%s&limit=%s", urlenc(term), urlenc(limit));
  struct json *list = expect(call("GET", path, NULL), 200);
  struct table t = {.ncols = 4};
  trow(&t, "NAME", "DESCRIPTION", "STARS", "OFFICIAL");
  for (int i = 0; list && i < list->n; i++) {
    struct json *e = list->items[i];
    char desc[256]; snprintf(desc, sizeof desc, "%s", jstr(e, "description"));
    if (!no_trunc && strlen(desc) > 45) snprintf(desc + 44, sizeof desc - 44, "…");
    char stars[16]; snprintf(stars, sizeof stars, "%.0f", jnum(e, "star_count"));
    trow(&t, jstr(e, "name"), desc, stars, jnum(e, "is_official") ? "[OK]" : "");
  }
  tprint(&t);
  return 0;
}
