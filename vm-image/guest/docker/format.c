/* Output as Docker's CLI formats it: tables, ages, sizes; usage errors; image references. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

void trow_v(struct table *t, char **cells) {
  t->cells = realloc(t->cells, sizeof(char *) * t->ncols * (t->nrows + 1));
  if (!t->cells) { perror("docker"); exit(1); }
  for (int c = 0; c < t->ncols; c++) t->cells[t->nrows * t->ncols + c] = strdup(cells[c] ? cells[c] : "");
  t->nrows++;
}

void trow(struct table *t, ...) {
  char *cells[MAX_COLS];
  va_list ap;
  va_start(ap, t);
  for (int c = 0; c < t->ncols && c < MAX_COLS; c++) cells[c] = va_arg(ap, char *);
  va_end(ap);
  trow_v(t, cells);
}

/* Columns count characters, not bytes: a UTF-8 continuation byte takes no column. */
int text_width(const char *s) {
  int w = 0;
  for (; *s; s++)
    if ((*s & 0xc0) != 0x80) w++;
  return w;
}

/* Columns sized to their content, 3 spaces apart, as Docker's tabwriter does. */
void tprint(struct table *t) {
  int w[MAX_COLS] = {0};
  for (int r = 0; r < t->nrows; r++)
    for (int c = 0; c < t->ncols; c++) {
      int x = text_width(t->cells[r * t->ncols + c]);
      if (x > w[c]) w[c] = x;
    }
  for (int r = 0; r < t->nrows; r++) {
    for (int c = 0; c < t->ncols; c++) {
      const char *cell = t->cells[r * t->ncols + c];
      if (c == t->ncols - 1) printf("%s\n", cell);
      else printf("%s%*s", cell, w[c] - text_width(cell) + 3, "");
    }
  }
}

void ago(char *out, size_t n, double t) {
  long d = (long)(time(NULL) - (time_t)t);
  if (d < 1) snprintf(out, n, "Less than a second ago");
  else if (d < 60) snprintf(out, n, "%ld second%s ago", d, d == 1 ? "" : "s");
  else if (d < 3600) snprintf(out, n, "%ld minute%s ago", d / 60, d / 60 == 1 ? "" : "s");
  else if (d < 86400) snprintf(out, n, "%ld hour%s ago", d / 3600, d / 3600 == 1 ? "" : "s");
  else snprintf(out, n, "%ld days ago", d / 86400);
}

void human_size(char *out, size_t n, double b) {
  if (b < 1000) snprintf(out, n, "%.0fB", b);
  else if (b < 1e6) snprintf(out, n, "%.3gkB", b / 1e3);
  else if (b < 1e9) snprintf(out, n, "%.3gMB", b / 1e6);
  else snprintf(out, n, "%.3gGB", b / 1e9);
}

int usage_error(const char *verb, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "docker: ");
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\nSee 'docker %s --help'.\n", verb);
  va_end(ap);
  return 125;
}

void split_ref(const char *ref, char *name, size_t n, const char **tag) {
  snprintf(name, n, "%s", ref);
  *tag = NULL;
  char *at = strchr(name, '@');
  if (at) {
    *at = 0;
    *tag = ref + (at - name) + 1;
    return;
  }
  /* A colon after the last slash is a tag; one before it belongs to a registry host:port. */
  char *colon = strrchr(name, ':');
  if (colon && !strchr(colon, '/')) {
    *colon = 0;
    *tag = ref + (colon - name) + 1;
  }
}

void repo_tag_query(struct buf *q, const char *ref) {
  char repo[512];
  const char *tag;
  split_ref(ref, repo, sizeof repo, &tag);
  if (tag) {
    char *t = urlenc(tag);
    bprintf(q, "&tag=%s", t);
    free(t);
  }
  char *r = urlenc(repo);
  bprintf(q, "&repo=%s", r);
  free(r);
}
