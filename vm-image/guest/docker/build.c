/* docker build: the context directory as a tar, the daemon's progress as it comes. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int cmd_build(const char *verb, int argc, char **argv) {
  struct buf q = {0}, args = {0}; bputs(&q, ""); bputs(&args, "{");
  const char *file = NULL, *dir = NULL;
  struct progress p = {0};
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (a[0] != '-' || !strcmp(a, "-")) {
      if (dir) return usage_error(verb, "\"docker build\" requires exactly 1 argument.");
      dir = a;
      continue;
    }
    if (!strcmp(a, "--no-cache")) { bputs(&q, "&nocache=1"); continue; }
    if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) { p.quiet = 1; bputs(&q, "&q=1"); continue; }
    if (!v) return usage_error(verb, "flag needs an argument: %s", a);
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
    } else return usage_error(verb, "unknown flag: %s", a);
    i++;
  }
  if (!dir) return usage_error(verb, "\"docker build\" requires exactly 1 argument.");
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
  /* tar in the context directory, started without a shell: the path is never shell text. */
  char *tar[] = {"tar", "-c", ".", NULL};
  struct buf ctx = {0};
  if (run_capture(tar, rdir, &ctx) != 0) { fprintf(stderr, "unable to prepare context: could not read %s\n", dir); return 1; }
  if (!p.quiet) { printf("Sending build context to Docker daemon  %.1fkB\n", ctx.len / 1000.0); fflush(stdout); }
  char path[4096];
  snprintf(path, sizeof path, "/build?%s", q.len ? q.p + 1 : "");
  int fd = send_body("POST", path, "application/x-tar", &ctx);
  struct buf b = {0}; bputs(&b, "");
  int st = read_head(fd, &b);
  if (st != 200) { struct resp r = finish_resp(fd, st, &b); daemon_error(&r); return 1; }
  json_lines(fd, &b, on_progress, &p);
  if (p.failed) return 1;
  if (p.quiet) printf("%s\n", p.id);
  return 0;
}
