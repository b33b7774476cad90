/*
 * The guest's docker CLI: the client half of Docker's client/daemon split.
 *
 * Shaped as docker/cli is: a small library (buffers, JSON, HTTP over the
 * daemon's unix socket, tables and formatting, child processes, terminal
 * sessions) and one file per command group (container, run, image, build,
 * registry, network, system), dispatched from one table in main.c.
 */
#ifndef DOCKER_CLI_H
#define DOCKER_CLI_H
#include <stddef.h>
#include <stdio.h>

#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))

/* ---- buf.c: a growable byte buffer, always NUL-terminated */
struct buf { char *p; size_t len, cap; };
void bput(struct buf *b, const char *s, size_t n);
void bputs(struct buf *b, const char *s);
void bprintf(struct buf *b, const char *fmt, ...) PRINTF_LIKE(2, 3);
void bjson_str(struct buf *b, const char *s);
void bjson_arr(struct buf *b, char **v, int n);
/* Percent-encoding for a query value (a new string). */
char *urlenc(const char *s);
void b64enc(struct buf *out, const char *s, size_t n, int url);
void b64dec(struct buf *out, const char *s);

/* ---- json.c: a JSON reader for the API's answers, and JSON written back */
enum jt { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };
struct json { enum jt t; double num; char *str; struct json **items; char **keys; int n; };
/* Never NULL: input that is not JSON reads as null (or as much as could be read). */
struct json *json_parse(const char *s);
struct json *json_parse_n(const char *s, size_t n);
struct json *jget(struct json *j, const char *key);
const char *jstr(struct json *j, const char *key);
double jnum(struct json *j, const char *key);
/* indent 0: compact; 4: as docker inspect prints. */
void jdump(struct buf *b, struct json *j, int indent, int depth);
/* docker inspect --format: {{.A.B}} and {{json .A.B}}. */
void render_template(struct buf *out, const char *tpl, struct json *root);

/* ---- http.c: Docker Engine API requests over /var/run/docker.sock */
struct resp { int status; struct buf body; };
extern const char *docker_sock;
/* Headers every request carries for now (a registry login), each ending in \r\n. */
extern const char *extra_headers;
int send_request(const char *method, const char *path, const char *body);
/* upgrade: the connection becomes a raw two-way stream after the answer (attach with stdin). */
int send_request_ex(const char *method, const char *path, const char *body, int upgrade);
int send_body(const char *method, const char *path, const char *type, struct buf *body);
/* The status line and headers; what came after them is put in `early`. */
int read_head(int fd, struct buf *early);
struct resp read_resp(int fd);
/* The rest of an answer whose head was read: for the error message. */
struct resp finish_resp(int fd, int status, struct buf *early);
struct resp call(const char *method, const char *path, const char *body);
void daemon_error(struct resp *r);
/* The answer's JSON if its status is `ok`; otherwise the daemon's message and exit(1). */
struct json *expect(struct resp r, int ok);
/* Docker's multiplexed stream: whole frames written out, the rest kept. */
void demux_frames(struct buf *b);
void demux(int fd, struct buf *pre);
/* Calls fn for each JSON line of a streamed answer (build, load, pull progress). */
void json_lines(int fd, struct buf *b, void (*fn)(struct json *, void *), void *ctx);

/* ---- format.c: tables, times, sizes, usage errors, image references */
#define MAX_COLS 8
struct table { char **cells; int ncols, nrows; };
void trow(struct table *t, ...);
void trow_v(struct table *t, char **cells);
void tprint(struct table *t);
int text_width(const char *s);
void ago(char *out, size_t n, double t);
void human_size(char *out, size_t n, double b);
/* "docker: <message>\nSee 'docker VERB --help'." and the CLI's status for it (125). */
int usage_error(const char *verb, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* NAME[:TAG|@DIGEST] split where Docker splits it: *tag points into ref, NULL when no tag was written. */
void split_ref(const char *ref, char *name, size_t n, const char **tag);
/* REPO[:TAG] for tag, commit, import: the query parameters repo= and tag= appended to q. */
void repo_tag_query(struct buf *q, const char *ref);

/* ---- proc.c: programs of the guest, started with fork and execvp (no shell) */
/* Runs argv in dir (NULL: here); its stdout into out. Returns its exit status, -1 if it could not start. */
int run_capture(char *const argv[], const char *dir, struct buf *out);
/* Runs argv with data on its stdin. */
int run_feed(char *const argv[], const char *data, size_t len);

/* ---- session.c: a container's terminal or piped stdin, attached */
extern const char *detach_keys;
extern int detached;
void send_resize(const char *kind, const char *id);
void terminal_session(int sock, struct buf *pre, const char *kind, const char *id, int interactive);
void piped_session(int sock, struct buf *pre);
char *parse_detach_keys(const char *spec);

/* ---- the command groups */
typedef int (*command_fn)(const char *verb, int argc, char **argv);
struct command { const char *name; command_fn fn; };

int wait_for(const char *id);
int pull_image(const char *ref, FILE *out, int quiet);

/* run.c */
int cmd_run(const char *verb, int argc, char **argv);
/* The parsed flags of run and create, and the create body they make (for the fuzzer too). */
struct runopts {
  int detach, rm, tty, interactive, userns, privileged, init;
  char *name, *workdir, *user, *hostname, *network, *memory, *cpus, *pids, *ipc, *pid;
  char *env[128]; int nenv;
  char *vols[64]; int nvols;
  char *ports[32]; int nports;
  char *cap_add[64]; int ncap_add;
  char *cap_drop[64]; int ncap_drop;
  char *security_opt[16]; int nsecurity_opt;
};
int parse_run(const char *verb, int argc, char **argv, struct runopts *o, int *first);
/* NULL and a message on stderr when a value is invalid. */
char *create_body(struct runopts *o, const char *image, char **cmd, int ncmd);

/* container.c */
int cmd_ps(const char *, int, char **);
int cmd_start(const char *, int, char **);
int cmd_stop(const char *, int, char **);
int cmd_kill(const char *, int, char **);
int cmd_restart(const char *, int, char **);
int cmd_pause(const char *, int, char **);
int cmd_unpause(const char *, int, char **);
int cmd_rm(const char *, int, char **);
int cmd_wait(const char *, int, char **);
int cmd_logs(const char *, int, char **);
int cmd_exec(const char *, int, char **);
int cmd_attach(const char *, int, char **);
int cmd_rename(const char *, int, char **);
int cmd_export(const char *, int, char **);
int cmd_top(const char *, int, char **);
int cmd_stats(const char *, int, char **);
int cmd_diff(const char *, int, char **);
int cmd_cp(const char *, int, char **);
int cmd_port(const char *, int, char **);
int cmd_inspect(const char *, int, char **);
int cmd_container_prune(const char *, int, char **);
int download_to(const char *path, const char *out);

/* image.c, build.c */
int cmd_images(const char *, int, char **);
int cmd_rmi(const char *, int, char **);
int cmd_tag(const char *, int, char **);
int cmd_history(const char *, int, char **);
int cmd_commit(const char *, int, char **);
int cmd_save(const char *, int, char **);
int cmd_load(const char *, int, char **);
int cmd_import(const char *, int, char **);
int cmd_image_prune(const char *, int, char **);
int cmd_build(const char *, int, char **);
struct progress { int quiet, failed; char id[80]; };
void on_progress(struct json *m, void *ctx);

/* registry.c */
int cmd_pull(const char *, int, char **);
int cmd_push(const char *, int, char **);
int cmd_login(const char *, int, char **);
int cmd_logout(const char *, int, char **);
int cmd_search(const char *, int, char **);

/* network.c */
int cmd_network(const char *, int, char **);

/* system.c */
int cmd_version(const char *, int, char **);
int cmd_info(const char *, int, char **);
int cmd_events(const char *, int, char **);
int cmd_system(const char *, int, char **);
int cmd_help(const char *, int, char **);
/* The printing of docker inspect and docker network inspect. */
struct inspected { struct buf out; const char *format; int shown; };
void inspected_add(struct inspected *io, struct resp *r);
void inspected_print(struct inspected *io);
int prune(const char *what, int argc, char **argv);
#endif
