/* docker container verbs: ps, start, stop, kill, rm, logs, exec, attach, top, stats, diff, cp, port, inspect … */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

int cmd_ps(const char *verb, int argc, char **argv) {
  int all = 0, quiet = 0;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "-a") || !strcmp(argv[i], "--all")) all = 1;
    else if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet")) quiet = 1;
    else if (!strcmp(argv[i], "-aq") || !strcmp(argv[i], "-qa")) all = quiet = 1;
    else return usage_error(verb, "unknown flag: %s", argv[i]);
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
    if (text_width(full) > 20) snprintf(cmd, sizeof cmd, "\"%.19s…\"", full); else snprintf(cmd, sizeof cmd, "\"%s\"", full);
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
/* "/containers/<id>" + rest, the id percent-encoded: a name cannot add to the query. */
static void cpath(char *out, size_t n, const char *id, const char *rest) {
  char *e = urlenc(id);
  snprintf(out, n, "/containers/%s%s", e, rest);
  free(e);
}

/* One request per container named: "/containers/<id><rest>". */
static int each_container(const char *verb, int argc, char **argv, const char *method, const char *rest, int expect_status, int print) {
  if (argc < 1) return usage_error(verb, "\"docker %s\" requires at least 1 argument.", verb);
  int rc = 0;
  for (int i = 0; i < argc; i++) {
    char path[1024];
    cpath(path, sizeof path, argv[i], rest);
    struct resp r = call(method, path, NULL);
    if (r.status != expect_status && !(expect_status == 204 && r.status == 304)) { daemon_error(&r); rc = 1; continue; }
    if (print) printf("%s\n", argv[i]);
  }
  return rc;
}
int cmd_logs(const char *verb, int argc, char **argv) {
  int follow = 0; const char *tail = "all"; const char *id = NULL;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--follow")) follow = 1;
    else if (!strcmp(argv[i], "-n") || !strcmp(argv[i], "--tail")) { if (i + 1 >= argc) return usage_error(verb, "flag needs an argument: %s", argv[i]); tail = argv[++i]; }
    else if (!strncmp(argv[i], "--tail=", 7)) tail = argv[i] + 7;
    else if (argv[i][0] == '-') return usage_error(verb, "unknown flag: %s", argv[i]);
    else id = argv[i];
  }
  if (!id) return usage_error(verb, "\"docker logs\" requires exactly 1 argument.");
  char path[1024], rest[300], *t = urlenc(tail);
  snprintf(rest, sizeof rest, "/logs?stdout=1&stderr=1&follow=%d&tail=%s", follow, t);
  free(t);
  cpath(path, sizeof path, id, rest);
  int fd = send_request("GET", path, NULL);
  struct buf pre = {0}; bputs(&pre, "");
  int status = read_head(fd, &pre);
  if (status != 200) { struct resp r = finish_resp(fd, status, &pre); daemon_error(&r); return 1; }
  demux(fd, &pre);
  return 0;
}
int cmd_exec(const char *verb, int argc, char **argv) {
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
    else return usage_error(verb, "unknown flag: %s", a);
  }
  if (argc - i < 2) return usage_error(verb, "\"docker exec\" requires at least 2 arguments.");
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
  char path[1024];
  cpath(path, sizeof path, argv[i], "/exec");
  struct resp r = call("POST", path, b.p);
  if (r.status != 201) { daemon_error(&r); return r.status == 409 ? 126 : 1; }
    char *eid = strdup(jstr(json_parse(r.body.p), "Id"));
  snprintf(path, sizeof path, "/exec/%s/start", eid);
  int fd = send_request_ex("POST", path, o.tty ? "{\"Detach\":false,\"Tty\":true}" : "{\"Detach\":false,\"Tty\":false}", o.tty);
  struct buf pre = {0}; bputs(&pre, "");
  int st = read_head(fd, &pre);
  if (st != 101 && st != 200) { struct resp er = finish_resp(fd, st, &pre); daemon_error(&er); return 126; }
  if (o.tty) terminal_session(fd, &pre, "exec", eid, o.interactive);
  else demux(fd, &pre);
  snprintf(path, sizeof path, "/exec/%s/json", eid);
  return (int)jnum(expect(call("GET", path, NULL), 200), "ExitCode");
}
int cmd_top(const char *verb, int argc, char **argv) {
  if (argc < 1) return usage_error(verb, "\"docker top\" requires at least 1 argument.");
  char path[1024];
  cpath(path, sizeof path, argv[0], "/top");
  struct resp r = call("GET", path, NULL);
  if (r.status != 200) { daemon_error(&r); return 1; }
    struct json *j = json_parse(r.body.p), *titles = jget(j, "Titles"), *procs = jget(j, "Processes");
  int nc = titles ? titles->n : 0;
  if (nc < 1 || nc > MAX_COLS) return 0;
  struct table t = {.ncols = nc};
  char *cells[MAX_COLS];
  for (int c = 0; c < nc; c++) cells[c] = titles->items[c]->t == J_STR ? titles->items[c]->str : "";
  trow_v(&t, cells);
  for (int i = 0; procs && i < procs->n; i++) {
    struct json *p = procs->items[i];
    for (int c = 0; c < nc; c++) cells[c] = c < p->n && p->items[c]->t == J_STR ? p->items[c]->str : "";
    trow_v(&t, cells);
  }
  tprint(&t);
  return 0;
}
int cmd_stats(const char *verb, int argc, char **argv) {
  int i = 0;
  while (i < argc && argv[i][0] == '-') { if (strcmp(argv[i], "--no-stream")) return usage_error(verb, "unknown flag: %s (only --no-stream here)", argv[i]); i++; }
  struct table t = {.ncols = 6};
  trow(&t, "CONTAINER ID", "NAME", "CPU %", "MEM USAGE / LIMIT", "MEM %", "PIDS");
  struct json *list = NULL;
  if (i == argc) list = expect(call("GET", "/containers/json", NULL), 200);
  int n = i == argc ? (list ? list->n : 0) : argc - i;
  for (int k = 0; k < n; k++) {
    const char *id = i == argc ? jstr(list->items[k], "Id") : argv[i + k];
    char path[1024];
    cpath(path, sizeof path, id, "/stats?stream=false");
    struct resp r = call("GET", path, NULL);
    if (r.status != 200) { daemon_error(&r); return 1; }
        struct json *s = json_parse(r.body.p);
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
int cmd_diff(const char *verb, int argc, char **argv) {
  if (argc != 1) return usage_error(verb, "\"docker diff\" requires exactly 1 argument.");
  char path[1024];
  cpath(path, sizeof path, argv[0], "/changes");
  struct resp r = call("GET", path, NULL);
  if (r.status != 200) { daemon_error(&r); return 1; }
    struct json *list = json_parse(r.body.p);
  for (int i = 0; list && i < list->n; i++) {
    int kind = (int)jnum(list->items[i], "Kind");
    printf("%c %s\n", kind == 1 ? 'A' : kind == 2 ? 'D' : 'C', jstr(list->items[i], "Path"));
  }
  return 0;
}
/*
 * docker cp: a tar travels as the body, made and unpacked by the guest's own
 * tar, started without a shell: a path is an argument, never shell text.
 */
int cmd_cp(const char *verb, int argc, char **argv) {
  (void)verb;
  if (argc != 2) return usage_error("cp", "\"docker cp\" requires exactly 2 arguments.");
  char *from = strchr(argv[0], ':'), *to = strchr(argv[1], ':');
  if ((from && argv[0][0] != '/') == (to && argv[1][0] != '/')) {
    fprintf(stderr, "docker: copying between containers or between local paths is not supported\n");
    return 1;
  }
  char path[2048], rest[1200];
  if (from && argv[0][0] != '/') {
    *from = 0;
    char *p = urlenc(from + 1);
    snprintf(rest, sizeof rest, "/archive?path=%s", p);
    free(p);
    cpath(path, sizeof path, argv[0], rest);
    struct resp r = call("GET", path, NULL);
    if (r.status != 200) { daemon_error(&r); return 1; }
    /* Into DEST if it is a directory; otherwise the one entry of the archive is renamed DEST. */
    struct stat st;
    const char *dest = argv[1];
    if (stat(dest, &st) == 0 && S_ISDIR(st.st_mode)) {
      char *tar[] = {"tar", "-x", "-C", (char *)dest, NULL};
      return run_feed(tar, r.body.p, r.body.len) == 0 ? 0 : 1;
    }
    char tmp[] = "/tmp/docker-cp.XXXXXX";
    if (!mkdtemp(tmp)) { perror("docker: mkdtemp"); return 1; }
    char *tar[] = {"tar", "-x", "-C", tmp, NULL};
    int rc = run_feed(tar, r.body.p, r.body.len);
    DIR *d = rc == 0 ? opendir(tmp) : NULL;
    struct dirent *e;
    char entry[4096] = "";
    while (d && (e = readdir(d)))
      if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) snprintf(entry, sizeof entry, "%s/%s", tmp, e->d_name);
    if (d) closedir(d);
    if (!*entry || rename(entry, dest) < 0) {
      /* Across filesystems rename cannot: mv copies. */
      char *mv[] = {"mv", entry, (char *)dest, NULL};
      if (!*entry || run_feed(mv, "", 0) != 0) rc = 1;
    }
    char *rm[] = {"rm", "-rf", tmp, NULL};
    run_feed(rm, "", 0);
    if (rc) fprintf(stderr, "docker: could not write %s\n", dest);
    return rc ? 1 : 0;
  }
  *to = 0;
  char src[1024];
  snprintf(src, sizeof src, "%s", argv[0]);
  char *slash = strrchr(src, '/');
  const char *dir = ".", *base = src;
  if (slash) {
    *slash = 0;
    dir = *src ? src : "/";
    base = slash + 1;
  }
  /* "--" so a name that begins with a dash is a name. */
  char *tar[] = {"tar", "-c", "-C", (char *)dir, "--", (char *)base, NULL};
  struct buf archive = {0};
  if (run_capture(tar, NULL, &archive) != 0) { fprintf(stderr, "docker: could not read %s\n", argv[0]); return 1; }
  char *p = urlenc(to + 1);
  snprintf(rest, sizeof rest, "/archive?path=%s", p);
  free(p);
  cpath(path, sizeof path, argv[1], rest);
  struct resp r = read_resp(send_body("PUT", path, "application/x-tar", &archive));
  if (r.status != 200) { daemon_error(&r); return 1; }
  return 0;
}
/* docker port CONTAINER [PRIVATE_PORT[/PROTO]]: the published ports, as the daemon bound them. */
int cmd_port(const char *verb, int argc, char **argv) {
  if (argc < 1 || argc > 2) return usage_error(verb, "\"docker port\" requires at least 1 and at most 2 arguments.");
  char path[1024];
  cpath(path, sizeof path, argv[0], "/json");
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
int cmd_attach(const char *verb, int argc, char **argv) {
  const char *keys = "ctrl-p,ctrl-q";
  int no_stdin = 0, i = 0;
  for (; i < argc && argv[i][0] == '-'; i++) {
    if (!strcmp(argv[i], "--no-stdin")) no_stdin = 1;
    else if (!strncmp(argv[i], "--detach-keys=", 14)) keys = argv[i] + 14;
    else if (!strcmp(argv[i], "--detach-keys") && i + 1 < argc) keys = argv[++i];
    else if (!strcmp(argv[i], "--sig-proxy=false")) continue;
    else return usage_error(verb, "unknown flag: %s", argv[i]);
  }
  if (argc - i != 1) return usage_error(verb, "\"docker attach\" requires exactly 1 argument.");
  detach_keys = parse_detach_keys(keys);
  if (!detach_keys) { fprintf(stderr, "Invalid detach keys (%s) provided\n", keys); return 1; }
  char path[1024];
  cpath(path, sizeof path, argv[i], "/json");
  struct json *c = expect(call("GET", path, NULL), 200);
  struct json *state = jget(c, "State"), *config = jget(c, "Config");
  if (!jnum(state, "Running")) { fprintf(stderr, "You cannot attach to a stopped container, start it first\n"); return 1; }
  if (jnum(state, "Paused")) { fprintf(stderr, "You cannot attach to a paused container, unpause it first\n"); return 1; }
  int tty = (int)jnum(config, "Tty"), in = !no_stdin && jnum(config, "OpenStdin");
  const char *id = jstr(c, "Id");
  cpath(path, sizeof path, id, in ? "/attach?stream=1&stdout=1&stderr=1&stdin=1" : "/attach?stream=1&stdout=1&stderr=1");
  int fd = send_request_ex("POST", path, NULL, in);
  struct buf pre = {0}; bputs(&pre, "");
  int st = read_head(fd, &pre);
  if (st != 101 && st != 200) { struct resp r = finish_resp(fd, st, &pre); daemon_error(&r); return 1; }
  if (tty) {
    send_resize("containers", id);
    terminal_session(fd, &pre, "containers", id, in);
    if (detached) { fprintf(stderr, "\r\nread escape sequence\n"); return 0; }
  } else if (in) piped_session(fd, &pre);
  else demux(fd, &pre);
  return wait_for(id);
}
int cmd_rename(const char *verb, int argc, char **argv) {
  if (argc != 2) return usage_error(verb, "\"docker rename\" requires exactly 2 arguments.");
  char path[1024], rest[600], *n = urlenc(argv[1]);
  snprintf(rest, sizeof rest, "/rename?name=%s", n);
  free(n);
  cpath(path, sizeof path, argv[0], rest);
  struct resp r = call("POST", path, NULL);
  if (r.status != 204) { daemon_error(&r); return 1; }
  return 0;
}
int cmd_export(const char *verb, int argc, char **argv) {
  const char *out = NULL; int i = 0;
  for (; i < argc && argv[i][0] == '-'; i++) {
    if ((!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) && i + 1 < argc) out = argv[++i];
    else return usage_error(verb, "unknown flag: %s", argv[i]);
  }
  if (argc - i != 1) return usage_error(verb, "\"docker export\" requires exactly 1 argument.");
  char path[1024];
  cpath(path, sizeof path, argv[i], "/export");
  return download_to(path, out);
}
/* GETs a tar (docker save, export) into the -o file, or to stdout unless that is a terminal. */
int download_to(const char *path, const char *out) {
  if (!out && isatty(1)) { fprintf(stderr, "cowardly refusing to save to a terminal. Use the -o flag or redirect\n"); return 1; }
  struct resp r = call("GET", path, NULL);
  if (r.status != 200) { daemon_error(&r); return 1; }
  FILE *f = out ? fopen(out, "w") : stdout;
  if (!f || fwrite(r.body.p, 1, r.body.len, f) != r.body.len || (out && fclose(f) != 0)) { perror(out ? out : "stdout"); return 1; }
  return 0;
}
int cmd_inspect(const char *verb, int argc, char **argv) {
  const char *format = NULL;
  int i = 0;
  for (; i < argc && argv[i][0] == '-'; i++) {
    if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--format")) {
      if (i + 1 >= argc) return usage_error(verb, "flag needs an argument: %s", argv[i]);
      format = argv[++i];
    } else if (!strncmp(argv[i], "--format=", 9)) format = argv[i] + 9;
    else return usage_error(verb, "unknown flag: %s", argv[i]);
  }
  if (i >= argc) return usage_error(verb, "\"docker inspect\" requires at least 1 argument.");
  struct inspected io = {.format = format};
  int rc = 0;
  for (; i < argc; i++) {
    char path[1024];
    cpath(path, sizeof path, argv[i], "/json");
    struct resp r = call("GET", path, NULL);
    if (r.status == 404) {
      char *n = urlenc(argv[i]);
      snprintf(path, sizeof path, "/images/%s/json", n);
      free(n);
      r = call("GET", path, NULL);
    }
    if (r.status != 200) { fprintf(stderr, "Error: No such object: %s\n", argv[i]); rc = 1; continue; }
    inspected_add(&io, &r);
  }
  inspected_print(&io);
  return rc;
}

int cmd_start(const char *verb, int argc, char **argv) { return each_container(verb, argc, argv, "POST", "/start", 204, 1); }
int cmd_restart(const char *verb, int argc, char **argv) { return each_container(verb, argc, argv, "POST", "/restart", 204, 1); }
int cmd_pause(const char *verb, int argc, char **argv) { return each_container(verb, argc, argv, "POST", "/pause", 204, 1); }
int cmd_unpause(const char *verb, int argc, char **argv) { return each_container(verb, argc, argv, "POST", "/unpause", 204, 1); }

int cmd_stop(const char *verb, int argc, char **argv) {
  char rest[64] = "/stop";
  if (argc >= 2 && (!strcmp(argv[0], "-t") || !strcmp(argv[0], "--time"))) {
    char *e;
    long t = strtol(argv[1], &e, 10);
    if (*e || e == argv[1] || t < 0) return usage_error(verb, "invalid argument \"%s\" for \"-t, --time\" flag", argv[1]);
    snprintf(rest, sizeof rest, "/stop?t=%ld", t);
    argc -= 2;
    argv += 2;
  }
  return each_container(verb, argc, argv, "POST", rest, 204, 1);
}

int cmd_kill(const char *verb, int argc, char **argv) {
  const char *sig = "KILL";
  if (argc >= 2 && (!strcmp(argv[0], "-s") || !strcmp(argv[0], "--signal"))) {
    sig = argv[1];
    argc -= 2;
    argv += 2;
  }
  /* The signal is a query value, encoded: it was once a format string here. */
  char rest[256], *s = urlenc(sig);
  snprintf(rest, sizeof rest, "/kill?signal=%s", s);
  free(s);
  return each_container(verb, argc, argv, "POST", rest, 204, 1);
}

int cmd_rm(const char *verb, int argc, char **argv) {
  int force = 0;
  while (argc && argv[0][0] == '-') {
    if (!strcmp(argv[0], "-f") || !strcmp(argv[0], "--force")) force = 1;
    else return usage_error(verb, "unknown flag: %s", argv[0]);
    argc--;
    argv++;
  }
  return each_container(verb, argc, argv, "DELETE", force ? "?force=1" : "", 204, 1);
}

int cmd_wait(const char *verb, int argc, char **argv) {
  if (!argc) return usage_error(verb, "\"docker wait\" requires at least 1 argument.");
  for (int i = 0; i < argc; i++) printf("%d\n", wait_for(argv[i]));
  return 0;
}

int cmd_container_prune(const char *verb, int argc, char **argv) {
  (void)verb;
  return prune("container", argc, argv);
}
