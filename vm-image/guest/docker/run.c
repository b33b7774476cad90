/* docker run and docker create: flags → the create body Docker's CLI sends → create, attach, start, wait. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static long long parse_bytes(const char *s) {
  char *e;
  double v = strtod(s, &e);
  if (e == s || v < 0) return -1;
  switch (*e | 32) {
  case 'k': v *= 1024; e++; break;
  case 'm': v *= 1024 * 1024; e++; break;
  case 'g': v *= 1024.0 * 1024 * 1024; e++; break;
  case 'b': e++; break;
  default: if (*e) return -1;
  }
  if (*e && (*e | 32) == 'b') e++;
  return *e || v > 9e18 ? -1 : (long long)v;
}

/* A boolean flag: "--rm", "--rm=true", "--rm=false". Returns -1 for any other value. */
static int bool_value(const char *v) {
  if (!v) return 1;
  if (!strcmp(v, "true") || !strcmp(v, "1")) return 1;
  if (!strcmp(v, "false") || !strcmp(v, "0")) return 0;
  return -1;
}

static const char *const VALUE_FLAGS[] = {
  "--userns", "--name", "-e", "--env", "-w", "--workdir", "-v", "--volume", "-u", "--user", "-h", "--hostname",
  "--network", "--net", "-p", "--publish", "-m", "--memory", "--cpus", "--pids-limit", "--cap-add", "--cap-drop",
  "--security-opt", "--ipc", "--pid",
};

static int takes_value(const char *flag) {
  for (size_t i = 0; i < sizeof VALUE_FLAGS / sizeof *VALUE_FLAGS; i++)
    if (!strcmp(flag, VALUE_FLAGS[i])) return 1;
  return 0;
}

#define ADD(list, n, max, v) do { if ((n) < (max)) (list)[(n)++] = (v); } while (0)

int parse_run(const char *verb, int argc, char **argv, struct runopts *o, int *first) {
  int i = 0;
  for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
    char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL, *eq = strchr(a, '=');
    char flag[64];
    int inline_value = eq && a[1] == '-';
    if (inline_value) { snprintf(flag, sizeof flag, "%.*s", (int)(eq - a), a); v = eq + 1; }
    else snprintf(flag, sizeof flag, "%s", a);
    int takes = 1, *toggle = NULL;
    if (!strcmp(flag, "-d") || !strcmp(flag, "--detach")) toggle = &o->detach;
    else if (!strcmp(flag, "--rm")) toggle = &o->rm;
    else if (!strcmp(flag, "-t") || !strcmp(flag, "--tty")) toggle = &o->tty;
    else if (!strcmp(flag, "-i") || !strcmp(flag, "--interactive")) toggle = &o->interactive;
    else if (!strcmp(flag, "--privileged")) toggle = &o->privileged;
    else if (!strcmp(flag, "--init")) toggle = &o->init;
    /* Single-letter switches given together, as -it, -dit or -itd. */
    else if (flag[0] == '-' && flag[1] != '-' && strlen(flag) > 2 && strspn(flag + 1, "dit") == strlen(flag + 1)) {
      o->detach |= !!strchr(flag, 'd');
      o->interactive |= !!strchr(flag, 'i');
      o->tty |= !!strchr(flag, 't');
      takes = 0;
    } else if (!takes_value(flag)) return usage_error(verb, "unknown flag: %s", flag);
    else if (!v) return usage_error(verb, "flag needs an argument: %s", flag);
    else if (!strcmp(flag, "--userns")) o->userns = strcmp(v, "host") != 0;
    else if (!strcmp(flag, "--name")) o->name = v;
    else if (!strcmp(flag, "-e") || !strcmp(flag, "--env")) ADD(o->env, o->nenv, 128, v);
    else if (!strcmp(flag, "-w") || !strcmp(flag, "--workdir")) o->workdir = v;
    else if (!strcmp(flag, "-v") || !strcmp(flag, "--volume")) ADD(o->vols, o->nvols, 64, v);
    else if (!strcmp(flag, "-u") || !strcmp(flag, "--user")) o->user = v;
    else if (!strcmp(flag, "-h") || !strcmp(flag, "--hostname")) o->hostname = v;
    else if (!strcmp(flag, "--network") || !strcmp(flag, "--net")) o->network = v;
    else if (!strcmp(flag, "-p") || !strcmp(flag, "--publish")) ADD(o->ports, o->nports, 32, v);
    else if (!strcmp(flag, "-m") || !strcmp(flag, "--memory")) o->memory = v;
    else if (!strcmp(flag, "--cpus")) o->cpus = v;
    else if (!strcmp(flag, "--pids-limit")) o->pids = v;
    else if (!strcmp(flag, "--cap-add")) ADD(o->cap_add, o->ncap_add, 64, v);
    else if (!strcmp(flag, "--cap-drop")) ADD(o->cap_drop, o->ncap_drop, 64, v);
    else if (!strcmp(flag, "--security-opt")) ADD(o->security_opt, o->nsecurity_opt, 16, v);
    else if (!strcmp(flag, "--ipc")) o->ipc = v;
    else if (!strcmp(flag, "--pid")) o->pid = v;
    else return usage_error(verb, "unknown flag: %s", flag);
    if (toggle) {
      /* A switch takes a value only as --flag=value. */
      int b = bool_value(inline_value ? v : NULL);
      if (b < 0) return usage_error(verb, "invalid argument \"%s\" for \"%s\" flag", v, flag);
      *toggle = b;
      continue;
    }
    if (takes && !inline_value) i++;
  }
  if (i >= argc) return usage_error(verb, "\"docker %s\" requires at least 1 argument.", verb);
  *first = i;
  return 0;
}

/* -p [hostIp:][hostPort:]containerPort[/proto]: "80/tcp", the host ip and port ("" for any free port). */
static int parse_publish(const char *spec, char key[32], char hip[64], char hport[16]) {
  char copy[128];
  if (strlen(spec) >= sizeof copy) return -1;
  snprintf(copy, sizeof copy, "%s", spec);
  char *parts[3];
  int n = 0;
  for (char *p = copy, *c; n < 3; p = c + 1) {
    parts[n++] = p;
    if (!(c = strchr(p, ':'))) break;
    *c = 0;
  }
  if (strchr(parts[n - 1], ':')) return -1;
  char *ctr = parts[n - 1], *proto = strchr(ctr, '/');
  if (proto) *proto++ = 0;
  if (!*ctr || strlen(ctr) > 5 || strspn(ctr, "0123456789") != strlen(ctr)) return -1;
  if (proto && strcmp(proto, "tcp")) return -2;
  const char *hp = n >= 2 ? parts[n - 2] : "", *ip = n == 3 ? parts[0] : "";
  if (strlen(hp) > 5 || strspn(hp, "0123456789") != strlen(hp) || strlen(ip) > 63) return -1;
  snprintf(key, 32, "%s/tcp", ctr);
  snprintf(hport, 16, "%s", hp);
  snprintf(hip, 64, "%s", ip);
  return 0;
}

char *create_body(struct runopts *o, const char *image, char **cmd, int ncmd) {
  struct buf b = {0};
  bputs(&b, "{\"Image\":");
  bjson_str(&b, image);
  if (ncmd) { bputs(&b, ",\"Cmd\":"); bjson_arr(&b, cmd, ncmd); }
  if (o->nenv) { bputs(&b, ",\"Env\":"); bjson_arr(&b, o->env, o->nenv); }
  if (o->workdir) { bputs(&b, ",\"WorkingDir\":"); bjson_str(&b, o->workdir); }
  if (o->user) { bputs(&b, ",\"User\":"); bjson_str(&b, o->user); }
  if (o->hostname) { bputs(&b, ",\"Hostname\":"); bjson_str(&b, o->hostname); }
  if (o->tty) bputs(&b, ",\"Tty\":true");
  if (o->tty || o->interactive) bputs(&b, ",\"OpenStdin\":true,\"AttachStdin\":true");
  struct buf bindings = {0};
  bputs(&bindings, "");
  if (o->nports) {
    bputs(&b, ",\"ExposedPorts\":{");
    for (int i = 0; i < o->nports; i++) {
      char key[32], hip[64], hport[16];
      int e = parse_publish(o->ports[i], key, hip, hport);
      if (e == -2) { fprintf(stderr, "docker: only tcp ports can be published here: %s\n", o->ports[i]); goto bad; }
      if (e) {
        fprintf(stderr, "docker: invalid publish spec: %s (want [hostIp:][hostPort:]containerPort)\n", o->ports[i]);
        goto bad;
      }
      bprintf(&b, "%s\"%s\":{}", i ? "," : "", key);
      bprintf(&bindings, "%s\"%s\":[{\"HostIp\":", i ? "," : "", key);
      bjson_str(&bindings, hip);
      bputs(&bindings, ",\"HostPort\":");
      bjson_str(&bindings, hport);
      bputs(&bindings, "}]");
    }
    bputs(&b, "}");
  }
  bputs(&b, ",\"AttachStdout\":true,\"AttachStderr\":true,\"HostConfig\":{");
  bprintf(&b, "\"AutoRemove\":%s", o->rm ? "true" : "false");
  if (o->memory) {
    long long m = parse_bytes(o->memory);
    if (m < 0) { fprintf(stderr, "docker: invalid argument \"%s\" for \"-m, --memory\" flag\n", o->memory); goto bad; }
    bprintf(&b, ",\"Memory\":%lld", m);
  }
  if (o->cpus) {
    char *e;
    double c = strtod(o->cpus, &e);
    if (*e || e == o->cpus || !(c > 0 && c < 1e6)) {
      fprintf(stderr, "docker: invalid argument \"%s\" for \"--cpus\" flag\n", o->cpus);
      goto bad;
    }
    bprintf(&b, ",\"NanoCpus\":%.0f", c * 1e9);
  }
  if (o->pids) {
    char *e;
    long n = strtol(o->pids, &e, 10);
    if (*e || e == o->pids) { fprintf(stderr, "docker: invalid argument \"%s\" for \"--pids-limit\" flag\n", o->pids); goto bad; }
    bprintf(&b, ",\"PidsLimit\":%ld", n);
  }
  if (o->network) { bputs(&b, ",\"NetworkMode\":"); bjson_str(&b, o->network); }
  if (o->nports) bprintf(&b, ",\"PortBindings\":{%s}", bindings.p);
  if (o->userns) bputs(&b, ",\"UsernsMode\":\"private\"");
  if (o->nvols) { bputs(&b, ",\"Binds\":"); bjson_arr(&b, o->vols, o->nvols); }
  /* What the container may do, as Docker's CLI sends it; the daemon decides what it means. */
  if (o->ncap_add) { bputs(&b, ",\"CapAdd\":"); bjson_arr(&b, o->cap_add, o->ncap_add); }
  if (o->ncap_drop) { bputs(&b, ",\"CapDrop\":"); bjson_arr(&b, o->cap_drop, o->ncap_drop); }
  if (o->privileged) bputs(&b, ",\"Privileged\":true");
  if (o->nsecurity_opt) { bputs(&b, ",\"SecurityOpt\":"); bjson_arr(&b, o->security_opt, o->nsecurity_opt); }
  if (o->init) bputs(&b, ",\"Init\":true");
  if (o->ipc) { bputs(&b, ",\"IpcMode\":"); bjson_str(&b, o->ipc); }
  if (o->pid) { bputs(&b, ",\"PidMode\":"); bjson_str(&b, o->pid); }
  bputs(&b, "}}");
  free(bindings.p);
  return b.p;
bad:
  free(bindings.p);
  free(b.p);
  return NULL;
}

static char *do_create(struct runopts *o, char *image, char **cmd, int ncmd) {
  char path[512] = "/containers/create";
  if (o->name) {
    char *n = urlenc(o->name);
    snprintf(path, sizeof path, "/containers/create?name=%s", n);
    free(n);
  }
  char *body = create_body(o, image, cmd, ncmd);
  if (!body) exit(125);
  struct resp r = call("POST", path, body);
  if (r.status == 404 && !strncmp(jstr(json_parse(r.body.p), "message"), "No such image", 13)) {
    /* As Docker's CLI does: pull it from the registry (progress on stderr), then create again. */
    char name[512];
    const char *tag;
    split_ref(image, name, sizeof name, &tag);
    fprintf(stderr, "Unable to find image '%s%s' locally\n", image, tag ? "" : ":latest");
    if (pull_image(image, stderr, 0)) exit(125);
    r = call("POST", path, body);
  }
  free(body);
  if (r.status != 201) {
    fprintf(stderr, "docker: ");
    daemon_error(&r);
    fprintf(stderr, "See 'docker run --help'.\n");
    exit(125);
  }
  struct json *created = json_parse(r.body.p), *warnings = jget(created, "Warnings");
  for (int i = 0; warnings && warnings->t == J_ARR && i < warnings->n; i++)
    if (warnings->items[i]->t == J_STR) fprintf(stderr, "WARNING: %s\n", warnings->items[i]->str);
  return strdup(jstr(created, "Id"));
}

/* The exit code from a wait request's answer. */
static int wait_answer(struct resp r) {
  if (r.status != 200) { daemon_error(&r); return 125; }
  return (int)jnum(json_parse(r.body.p), "StatusCode");
}

int wait_for(const char *id) {
  char path[256];
  snprintf(path, sizeof path, "/containers/%s/wait", id);
  return wait_answer(call("POST", path, NULL));
}

int cmd_run(const char *verb, int argc, char **argv) {
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
    read_head(attach, &pre);
    /* The terminal's size before the start, so the first prompt fits. */
    if (o.tty) send_resize("containers", id);
  }
  /* As Docker's CLI: the wait is asked for before the start (so no exit can
   * come before it), and its answer is read once the output has ended. */
  int waiter = -1;
  if (!o.detach) {
    snprintf(path, sizeof path, "/containers/%s/wait?condition=%s", id, o.rm ? "removed" : "next-exit");
    waiter = send_request("POST", path, NULL);
  }
  snprintf(path, sizeof path, "/containers/%s/start", id);
  struct resp r = call("POST", path, NULL);
  if (r.status != 204) { fprintf(stderr, "docker: "); daemon_error(&r); return 125; }
  if (o.detach) { printf("%s\n", id); return 0; }
  if (o.tty) terminal_session(attach, &pre, "containers", id, o.interactive);
  else if (o.interactive) piped_session(attach, &pre);
  else demux(attach, &pre);
  close(attach);
  return wait_answer(read_resp(waiter));
}
