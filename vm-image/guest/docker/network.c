/* docker network: create, ls, inspect, rm, connect, disconnect. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* ---- networks: docker network …, docker port */
int cmd_network(const char *verb, int argc, char **argv) {
  (void)verb;
  const char *sub = argc ? argv[0] : "";
  argc--; argv++;
  if (!strcmp(sub, "create")) {
    const char *driver = "bridge", *subnet = NULL, *name = NULL;
    int internal = 0;
    for (int i = 0; i < argc; i++) {
      const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
      if (!strcmp(a, "--internal")) { internal = 1; continue; }
      if (a[0] != '-') { if (name) return usage_error("network create", "\"docker network create\" requires exactly 1 argument."); name = a; continue; }
      if (!v) return usage_error("network create", "flag needs an argument: %s", a);
      if (!strcmp(a, "-d") || !strcmp(a, "--driver")) driver = v;
      else if (!strcmp(a, "--subnet")) subnet = v;
      else return usage_error("network create", "unknown flag: %s", a);
      i++;
    }
    if (!name) return usage_error("network create", "\"docker network create\" requires exactly 1 argument.");
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
    if (i >= argc) return usage_error("network inspect", "\"docker network inspect\" requires at least 1 argument.");
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
    if (argc < 1) return usage_error("network rm", "\"docker network rm\" requires at least 1 argument.");
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
