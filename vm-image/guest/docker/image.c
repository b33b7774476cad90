/* docker image verbs: images, rmi, tag, history, commit, save, load, import, image prune. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int cmd_images(const char *verb, int argc, char **argv) {
  int quiet = 0;
  const char *filter = NULL;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet")) quiet = 1;
    else if (!strcmp(argv[i], "-a") || !strcmp(argv[i], "--all")) continue;
    else if (argv[i][0] == '-') return usage_error(verb, "unknown flag: %s", argv[i]);
    else if (filter) return usage_error(verb, "\"docker images\" requires at most 1 argument.");
    else filter = argv[i];
  }
  /* docker images REPOSITORY[:TAG]: only that repository (and tag). */
  char want_repo[512] = "";
  const char *want_tag = NULL;
  if (filter) split_ref(filter, want_repo, sizeof want_repo, &want_tag);
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
      if (tags->items[k]->t != J_STR) continue;
      char repo[512];
      const char *tag;
      split_ref(tags->items[k]->str, repo, sizeof repo, &tag);
      if (!tag) tag = "<none>";
      if (filter && (strcmp(repo, want_repo) || (want_tag && strcmp(tag, want_tag)))) continue;
      if (quiet) { if (!shown++) printf("%s\n", id); continue; }
      trow(&t, repo, tag, id, created, size);
    }
  }
  if (!quiet) tprint(&t);
  return 0;
}
int cmd_rmi(const char *verb, int argc, char **argv) {
  if (argc < 1) return usage_error(verb, "\"docker rmi\" requires at least 1 argument.");
  int rc = 0;
  for (int i = 0; i < argc; i++) {
    if (argv[i][0] == '-') { if (!strcmp(argv[i], "-f") || !strcmp(argv[i], "--force")) continue; return usage_error(verb, "unknown flag: %s", argv[i]); }
    char path[1024], *n = urlenc(argv[i]);
    snprintf(path, sizeof path, "/images/%s", n);
    free(n);
    struct resp r = call("DELETE", path, NULL);
    if (r.status != 200) { daemon_error(&r); rc = 1; continue; }
        struct json *list = json_parse(r.body.p);
    for (int k = 0; list && k < list->n; k++) {
      const char *u = jstr(list->items[k], "Untagged"), *d = jstr(list->items[k], "Deleted");
      if (*u) printf("Untagged: %s\n", u);
      if (*d) printf("Deleted: %s\n", d);
    }
  }
  return rc;
}
int cmd_tag(const char *verb, int argc, char **argv) {
  if (argc != 2) return usage_error(verb, "\"docker tag\" requires exactly 2 arguments.");
  struct buf q = {0};
  bputs(&q, "");
  repo_tag_query(&q, argv[1]);
  if (!strstr(q.p, "&tag=")) bputs(&q, "&tag=latest");
  char *src = urlenc(argv[0]);
  char path[2048];
  snprintf(path, sizeof path, "/images/%s/tag?%s", src, q.p + 1);
  free(src);
  struct resp r = call("POST", path, NULL);
  if (r.status != 201) { daemon_error(&r); return 1; }
  return 0;
}
int cmd_history(const char *verb, int argc, char **argv) {
  if (argc != 1) return usage_error(verb, "\"docker history\" requires exactly 1 argument.");
  char path[1024], *n = urlenc(argv[0]);
  snprintf(path, sizeof path, "/images/%s/history", n);
  free(n);
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
    if (text_width(cb) > 45) snprintf(by, sizeof by, "%.44s…", cb); else snprintf(by, sizeof by, "%s", cb);
    trow(&t, id, created, by, size, jstr(h, "Comment"));
  }
  tprint(&t);
  return 0;
}
int cmd_commit(const char *verb, int argc, char **argv) {
  struct buf q = {0}; bputs(&q, "");
  int i = 0, pause = 1;
  for (; i < argc && argv[i][0] == '-'; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "-p=false") || !strcmp(a, "--pause=false")) { pause = 0; continue; }
    if (!strcmp(a, "-p") || !strcmp(a, "--pause") || !strcmp(a, "--pause=true")) continue;
    if (!v) return usage_error(verb, "flag needs an argument: %s", a);
    if (!strcmp(a, "-m") || !strcmp(a, "--message")) bprintf(&q, "&comment=%s", urlenc(v));
    else if (!strcmp(a, "-a") || !strcmp(a, "--author")) bprintf(&q, "&author=%s", urlenc(v));
    else if (!strcmp(a, "-c") || !strcmp(a, "--change")) bprintf(&q, "&changes=%s", urlenc(v));
    else return usage_error(verb, "unknown flag: %s", a);
    i++;
  }
  if (argc - i < 1 || argc - i > 2) return usage_error(verb, "\"docker commit\" requires at least 1 and at most 2 arguments.");
  if (argc - i == 2) {
    repo_tag_query(&q, argv[i + 1]);
  }
  char path[2048];
  snprintf(path, sizeof path, "/commit?container=%s&pause=%d%s", urlenc(argv[i]), pause, q.p);
  struct json *r = expect(call("POST", path, "{}"), 201);
  printf("%s\n", jstr(r, "Id"));
  return 0;
}
int cmd_save(const char *verb, int argc, char **argv) {
  const char *out = NULL;
  struct buf q = {0}; bputs(&q, "");
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) {
      if (i + 1 >= argc) return usage_error(verb, "flag needs an argument: %s", argv[i]);
      out = argv[++i];
    } else if (argv[i][0] == '-') return usage_error(verb, "unknown flag: %s", argv[i]);
    else bprintf(&q, "%snames=%s", q.len ? "&" : "", urlenc(argv[i]));
  }
  if (!q.len) return usage_error(verb, "\"docker save\" requires at least 1 argument.");
  char path[4096]; snprintf(path, sizeof path, "/images/get?%s", q.p);
  return download_to(path, out);
}
int cmd_load(const char *verb, int argc, char **argv) {
  const char *in = NULL;
  struct progress p = {0};
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet")) p.quiet = 1;
    else if (!strcmp(argv[i], "-i") || !strcmp(argv[i], "--input")) {
      if (i + 1 >= argc) return usage_error(verb, "flag needs an argument: %s", argv[i]);
      in = argv[++i];
    } else return usage_error(verb, "unknown flag: %s", argv[i]);
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
  if (st != 200) { struct resp r = finish_resp(fd, st, &b); daemon_error(&r); return 1; }
  p.quiet = 0; /* the daemon already left out the progress */
  json_lines(fd, &b, on_progress, &p);
  return p.failed;
}
int cmd_import(const char *verb, int argc, char **argv) {
  struct buf q = {0}; bputs(&q, "");
  int i = 0;
  for (; i < argc && argv[i][0] == '-' && strcmp(argv[i], "-"); i++) {
    if ((!strcmp(argv[i], "-m") || !strcmp(argv[i], "--message")) && i + 1 < argc) bprintf(&q, "&message=%s", urlenc(argv[++i]));
    else return usage_error(verb, "unknown flag: %s", argv[i]);
  }
  if (argc - i < 1 || argc - i > 2) return usage_error(verb, "\"docker import\" requires at least 1 and at most 2 arguments.");
  if (argc - i == 2) {
    repo_tag_query(&q, argv[i + 1]);
  }
  FILE *f = strcmp(argv[i], "-") ? fopen(argv[i], "r") : stdin;
  if (!f) { fprintf(stderr, "open %s: %s\n", argv[i], strerror(errno)); return 1; }
  struct buf tar = {0}; bputs(&tar, "");
  char c[8192]; size_t n;
  while ((n = fread(c, 1, sizeof c, f)) > 0) bput(&tar, c, n);
  char path[2048]; snprintf(path, sizeof path, "/images/create?fromSrc=-%s", q.p);
  struct resp r = read_resp(send_body("POST", path, "application/x-tar", &tar));
  if (r.status != 200) { daemon_error(&r); return 1; }
    printf("%s\n", jstr(json_parse(r.body.p), "status"));
  return 0;
}
void on_progress(struct json *m, void *ctx) {
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

int cmd_image_prune(const char *verb, int argc, char **argv) {
  (void)verb;
  return prune("image", argc, argv);
}
