/*
 * libFuzzer harness for the guest docker CLI's parsing (vm-image/guest/docker):
 * the JSON reader with inspect's printing and --format templates, and the
 * argument parsing of `docker run` with the create body it makes.
 *
 * Input: the first byte picks the target, the rest is its input.
 *   even: JSON, then (after a NUL, if any) a --format template rendered on it
 *   odd:  argv for `docker run`, NUL-separated; also split as an image ref, and as detach keys
 *
 * Built for the host (x86_64) with -fsanitize=fuzzer,address,undefined by run.sh.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../vm-image/guest/docker/cli.h"

static void json_target(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  size_t n = strnlen(s, size);
  struct json *j = json_parse_n(s, n);
  struct buf out = {0};
  jdump(&out, j, 4, 1);
  jdump(&out, j, 0, 0);
  if (n + 1 < size) {
    /* The template is a C string: what follows the NUL, cut at the next one. */
    char *tpl = strndup(s + n + 1, size - n - 1);
    render_template(&out, tpl, j);
    free(tpl);
  }
  (void)jstr(j, "Id");
  (void)jnum(jget(j, "State"), "Pid");
  free(out.p);
}

static void argv_target(const uint8_t *data, size_t size) {
  char *copy = malloc(size + 1);
  memcpy(copy, data, size);
  copy[size] = 0;
  char *argv[64];
  int argc = 0;
  for (size_t off = 0; off <= size && argc < 63;) {
    argv[argc++] = copy + off;
    off += strlen(copy + off) + 1;
  }
  argv[argc] = NULL;
  struct runopts o = {0};
  int first = 0;
  if (parse_run("run", argc, argv, &o, &first) == 0) {
    char *body = create_body(&o, argv[first], argv + first + 1, argc - first - 1);
    /* What the CLI sends must be JSON the daemon can read back. */
    if (body) {
      struct json *j = json_parse(body);
      if (j->t != J_OBJ || strcmp(jstr(j, "Image"), argv[first])) abort();
      free(body);
    }
  }
  char name[512];
  const char *tag;
  split_ref(argv[0], name, sizeof name, &tag);
  struct buf q = {0};
  bputs(&q, "");
  repo_tag_query(&q, argv[0]);
  free(q.p);
  (void)parse_detach_keys(argv[0]);
  free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  if (data[0] & 1) argv_target(data + 1, size - 1);
  else json_target(data + 1, size - 1);
  return 0;
}
