/* docker: the command table, as docker/cli's root command and its groups. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int run_or_create(const char *verb, int argc, char **argv) { return cmd_run(verb, argc, argv); }

static const struct command TOP[] = {
  {"run", run_or_create}, {"create", run_or_create}, {"start", cmd_start}, {"stop", cmd_stop},
  {"kill", cmd_kill}, {"restart", cmd_restart}, {"pause", cmd_pause}, {"unpause", cmd_unpause},
  {"rm", cmd_rm}, {"wait", cmd_wait}, {"ps", cmd_ps}, {"logs", cmd_logs}, {"exec", cmd_exec},
  {"attach", cmd_attach}, {"rename", cmd_rename}, {"export", cmd_export}, {"top", cmd_top},
  {"stats", cmd_stats}, {"diff", cmd_diff}, {"cp", cmd_cp}, {"port", cmd_port}, {"inspect", cmd_inspect},
  {"images", cmd_images}, {"rmi", cmd_rmi}, {"tag", cmd_tag}, {"history", cmd_history},
  {"commit", cmd_commit}, {"save", cmd_save}, {"load", cmd_load}, {"import", cmd_import},
  {"build", cmd_build}, {"pull", cmd_pull}, {"push", cmd_push}, {"login", cmd_login},
  {"logout", cmd_logout}, {"search", cmd_search}, {"network", cmd_network}, {"version", cmd_version},
  {"info", cmd_info}, {"events", cmd_events}, {"system", cmd_system}, {"help", cmd_help},
  {"--help", cmd_help},
};

/* docker container VERB: the same verbs, ls for ps, and prune. */
static const struct command CONTAINER[] = {{"ls", cmd_ps}, {"list", cmd_ps}, {"prune", cmd_container_prune}};
/* docker image VERB: ls, rm, prune and the image verbs. */
static const struct command IMAGE[] = {
  {"ls", cmd_images}, {"list", cmd_images}, {"rm", cmd_rmi}, {"prune", cmd_image_prune},
  {"build", cmd_build}, {"history", cmd_history}, {"import", cmd_import}, {"inspect", cmd_inspect},
  {"load", cmd_load}, {"pull", cmd_pull}, {"push", cmd_push}, {"save", cmd_save}, {"tag", cmd_tag},
};

#define COUNT(t) (sizeof t / sizeof *t)

static const struct command *find(const struct command *t, size_t n, const char *name) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(t[i].name, name)) return &t[i];
  return NULL;
}

int docker_main(int argc, char **argv) {
  const char *host = getenv("DOCKER_HOST");
  if (host && !strncmp(host, "unix://", 7)) docker_sock = host + 7;
  if (argc < 2) return cmd_help("help", 0, NULL);
  const char *verb = argv[1];
  const struct command *c = NULL;
  int n = argc - 2;
  char **a = argv + 2;
  if ((!strcmp(verb, "container") || !strcmp(verb, "image")) && n > 0) {
    int image = verb[0] == 'i';
    c = image ? find(IMAGE, COUNT(IMAGE), a[0]) : find(CONTAINER, COUNT(CONTAINER), a[0]);
    /* Other container verbs are the top-level ones (docker container run = docker run). */
    if (!c && !image) c = find(TOP, COUNT(TOP), a[0]);
    if (!c) {
      fprintf(stderr, "docker: '%s %s' is not a docker command.\nSee 'docker --help'\n", verb, a[0]);
      return 1;
    }
    /* The verb as usage errors name it: the top-level command it stands for. */
    verb = c->fn == cmd_ps ? "ps" : c->fn == cmd_images ? "images" : c->fn == cmd_rmi ? "rmi" : a[0];
    n--;
    a++;
  } else c = find(TOP, COUNT(TOP), verb);
  if (!c) {
    fprintf(stderr, "docker: '%s' is not a docker command.\nSee 'docker --help'\n", verb);
    return 1;
  }
  return c->fn(verb, n, a);
}
