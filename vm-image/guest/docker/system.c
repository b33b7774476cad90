/* docker version, info, events, system df, the prune verbs, inspect's output, help. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

void inspected_add(struct inspected *io, struct resp *r) {
  if (!io->out.p) bputs(&io->out, "");
    struct json *obj = json_parse(r->body.p);
  if (io->format) { render_template(&io->out, io->format, obj); bputs(&io->out, "\n"); }
  else { bprintf(&io->out, "%s    ", io->shown ? ",\n" : ""); jdump(&io->out, obj, 4, 1); }
  io->shown++;
}
void inspected_print(struct inspected *io) {
  if (!io->out.p) bputs(&io->out, "");
  if (io->format) fputs(io->out.p, stdout);
  else printf("[%s%s%s]\n", io->shown ? "\n" : "", io->out.p, io->shown ? "\n" : "");
}
int cmd_events(const char *verb, int argc, char **argv) {
  if (argc) return usage_error(verb, "unknown flag: %s", argv[0]);
  int fd = send_request("GET", "/events", NULL);
  struct buf b = {0}; bputs(&b, "");
  int st = read_head(fd, &b);
  if (st != 200) return 1;
  char c[4096];
  for (;;) {
    char *nl;
    while ((nl = memchr(b.p, '\n', b.len))) {
      *nl = 0;
            struct json *e = json_parse(b.p), *actor = jget(e, "Actor"), *attrs = jget(actor, "Attributes");
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
static void pct(char *out, size_t n, double part, double whole) {
  char s[16]; human_size(s, sizeof s, part);
  snprintf(out, n, "%s (%.0f%%)", s, whole > 0 ? part * 100 / whole : 0);
}
static int system_df(void) {
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
int prune(const char *what, int argc, char **argv) {
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
static int simple_get(const char *path) {
  struct resp r = call("GET", path, NULL);
  if (r.status != 200) { daemon_error(&r); return 1; }
  fwrite(r.body.p, 1, r.body.len, stdout);
  if (r.body.len && r.body.p[r.body.len - 1] != '\n') putchar('\n');
  return 0;
}
int cmd_version(const char *verb, int argc, char **argv) {
  (void)verb; (void)argc; (void)argv;
  printf("Client:\n Version:           playground\n API version:       1.43\n OS/Arch:           linux/386\n\n");
  struct resp r = call("GET", "/version", NULL);
  if (r.status != 200) { daemon_error(&r); return 1; }
    struct json *v = json_parse(r.body.p);
  printf("Server: %s\n Engine:\n  Version:          %s\n  API version:      %s\n  OS/Arch:          %s/%s\n  Kernel Version:   %s\n",
         jstr(jget(v, "Platform"), "Name"), jstr(v, "Version"), jstr(v, "ApiVersion"), jstr(v, "Os"), jstr(v, "Arch"), jstr(v, "KernelVersion"));
  return 0;
}
int cmd_help(const char *verb, int argc, char **argv) {
  (void)verb; (void)argc; (void)argv;
  printf("Usage:  docker COMMAND\n\nCommands this playground's docker knows:\n"
         "  run, create, start, stop, kill, restart, rm, ps, logs, exec, inspect, wait, top, stats, diff,\n"
         "  cp, commit, events, images, rmi, tag, history, build, save, load, version, info,\n"
         "  pause, unpause, attach, rename, export, import, pull, push, login, logout, search,\n"
         "  system df, container prune, image prune, network (create, ls, inspect, rm, connect,\n"
         "  disconnect), port\n");
  return 0;
}

int cmd_info(const char *verb, int argc, char **argv) {
  (void)verb; (void)argc; (void)argv;
  return simple_get("/info");
}

int cmd_system(const char *verb, int argc, char **argv) {
  (void)verb;
  if (argc >= 1 && !strcmp(argv[0], "df")) return system_df();
  if (argc >= 1 && !strcmp(argv[0], "info")) return simple_get("/info");
  fprintf(stderr, "Usage:  docker system COMMAND\n\nCommands: df, info\n");
  return argc ? 1 : 0;
}
