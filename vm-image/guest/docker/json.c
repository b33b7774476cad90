/*
 * A small JSON reader: enough for the API's answers, and safe on any bytes
 * (the fuzzer in tests/fuzz feeds it garbage): it never reads past the end it
 * was given, and nesting is bounded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_DEPTH 64

struct parser { const char *p, *end; int depth; };

static void *xcalloc(size_t n, size_t s) {
  void *p = calloc(n, s);
  if (!p) { perror("docker"); exit(1); }
  return p;
}

static void ws(struct parser *ps) {
  while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\r' || *ps->p == '\t')) ps->p++;
}

static int hex4(const char *s, const char *end, unsigned *v) {
  if (end - s < 4) return -1;
  *v = 0;
  for (int i = 0; i < 4; i++) {
    char c = s[i];
    unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
               : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16;
    if (d > 15) return -1;
    *v = *v << 4 | d;
  }
  return 0;
}

static void put_utf8(struct buf *b, unsigned cp) {
  char u[4];
  if (cp < 0x80) { u[0] = (char)cp; bput(b, u, 1); }
  else if (cp < 0x800) { u[0] = (char)(0xc0 | cp >> 6); u[1] = (char)(0x80 | (cp & 63)); bput(b, u, 2); }
  else if (cp < 0x10000) {
    u[0] = (char)(0xe0 | cp >> 12); u[1] = (char)(0x80 | (cp >> 6 & 63)); u[2] = (char)(0x80 | (cp & 63));
    bput(b, u, 3);
  } else {
    u[0] = (char)(0xf0 | cp >> 18); u[1] = (char)(0x80 | (cp >> 12 & 63));
    u[2] = (char)(0x80 | (cp >> 6 & 63)); u[3] = (char)(0x80 | (cp & 63));
    bput(b, u, 4);
  }
}

/* At the opening quote; returns the string, the cursor after the closing quote (or at the end). */
static char *string(struct parser *ps) {
  struct buf b = {0};
  bputs(&b, "");
  ps->p++;
  while (ps->p < ps->end && *ps->p != '"') {
    if (*ps->p != '\\') { bput(&b, ps->p++, 1); continue; }
    if (++ps->p >= ps->end) break;
    char c = *ps->p++;
    unsigned cp;
    switch (c) {
    case 'n': bputs(&b, "\n"); break;
    case 't': bputs(&b, "\t"); break;
    case 'r': bputs(&b, "\r"); break;
    case 'b': bputs(&b, "\b"); break;
    case 'f': bputs(&b, "\f"); break;
    case 'u':
      if (hex4(ps->p, ps->end, &cp) < 0) { bputs(&b, "?"); break; }
      ps->p += 4;
      /* A surrogate pair makes one code point; a lone half becomes U+FFFD. */
      if (cp >= 0xd800 && cp < 0xdc00) {
        unsigned lo;
        if (ps->end - ps->p >= 6 && ps->p[0] == '\\' && ps->p[1] == 'u' && hex4(ps->p + 2, ps->end, &lo) == 0 &&
            lo >= 0xdc00 && lo < 0xe000) {
          ps->p += 6;
          cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        } else cp = 0xfffd;
      } else if (cp >= 0xdc00 && cp < 0xe000) cp = 0xfffd;
      /* NUL would cut the C string short: shown as U+FFFD too. */
      put_utf8(&b, cp ? cp : 0xfffd);
      break;
    default: bput(&b, &c, 1);
    }
  }
  if (ps->p < ps->end) ps->p++;
  return b.p;
}

static int word(struct parser *ps, const char *w) {
  size_t n = strlen(w);
  if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, w, n)) return 0;
  ps->p += n;
  return 1;
}

static struct json *value(struct parser *ps) {
  struct json *j = xcalloc(1, sizeof *j);
  ws(ps);
  if (ps->p >= ps->end) return j;
  char c = *ps->p;
  if (c == '{' || c == '[') {
    int obj = c == '{';
    j->t = obj ? J_OBJ : J_ARR;
    ps->p++;
    /* Deeper than any answer of the API: the rest is skipped, not recursed into. */
    if (++ps->depth > MAX_DEPTH) { ps->p = ps->end; ps->depth--; return j; }
    for (;;) {
      ws(ps);
      if (ps->p >= ps->end) break;
      if (*ps->p == '}' || *ps->p == ']') { ps->p++; break; }
      if (*ps->p == ',') { ps->p++; continue; }
      const char *before = ps->p;
      char *key = NULL;
      if (obj) {
        if (*ps->p != '"') { ps->p++; continue; } /* not a key: skipped */
        key = string(ps);
        ws(ps);
        if (ps->p < ps->end && *ps->p == ':') ps->p++;
      }
      j->items = realloc(j->items, sizeof *j->items * (j->n + 1));
      j->keys = realloc(j->keys, sizeof *j->keys * (j->n + 1));
      if (!j->items || !j->keys) { perror("docker"); exit(1); }
      j->keys[j->n] = key;
      j->items[j->n++] = value(ps);
      if (ps->p == before) ps->p++; /* always forward */
    }
    ps->depth--;
  } else if (c == '"') {
    j->t = J_STR;
    j->str = string(ps);
  } else if (word(ps, "true")) { j->t = J_BOOL; j->num = 1; }
  else if (word(ps, "false")) j->t = J_BOOL;
  else if (word(ps, "null")) j->t = J_NULL;
  else {
    /* strtod wants a terminated string: the number's characters, copied. */
    char num[64];
    size_t n = 0;
    while (ps->p + n < ps->end && n < sizeof num - 1 && strchr("+-0123456789.eE", ps->p[n]) && ps->p[n]) n++;
    memcpy(num, ps->p, n);
    num[n] = 0;
    j->t = J_NUM;
    j->num = n ? strtod(num, NULL) : 0;
    ps->p += n ? n : 1;
  }
  return j;
}

struct json *json_parse_n(const char *s, size_t n) {
  struct parser ps = {s, s + n, 0};
  return value(&ps);
}

struct json *json_parse(const char *s) { return json_parse_n(s ? s : "", s ? strlen(s) : 0); }

struct json *jget(struct json *j, const char *key) {
  if (!j || j->t != J_OBJ) return NULL;
  for (int i = 0; i < j->n; i++)
    if (j->keys[i] && !strcmp(j->keys[i], key)) return j->items[i];
  return NULL;
}

const char *jstr(struct json *j, const char *key) {
  struct json *v = jget(j, key);
  return v && v->t == J_STR ? v->str : "";
}

double jnum(struct json *j, const char *key) {
  struct json *v = jget(j, key);
  return v && (v->t == J_NUM || v->t == J_BOOL) ? v->num : 0;
}

void jdump(struct buf *b, struct json *j, int indent, int depth) {
  if (!j) { bputs(b, "null"); return; }
  switch (j->t) {
  case J_NULL: bputs(b, "null"); return;
  case J_BOOL: bputs(b, j->num ? "true" : "false"); return;
  case J_NUM:
    if (j->num > -9.2e18 && j->num < 9.2e18 && (double)(long long)j->num == j->num) bprintf(b, "%lld", (long long)j->num);
    else bprintf(b, "%.17g", j->num);
    return;
  case J_STR: bjson_str(b, j->str); return;
  case J_ARR:
  case J_OBJ: {
    int obj = j->t == J_OBJ;
    if (!j->n) { bputs(b, obj ? "{}" : "[]"); return; }
    bputs(b, obj ? "{" : "[");
    for (int i = 0; i < j->n; i++) {
      if (i) bputs(b, ",");
      if (indent) bprintf(b, "\n%*s", indent * (depth + 1), "");
      if (obj) { bjson_str(b, j->keys[i] ? j->keys[i] : ""); bputs(b, indent ? ": " : ":"); }
      jdump(b, j->items[i], indent, depth + 1);
    }
    if (indent) bprintf(b, "\n%*s", indent * depth, "");
    bputs(b, obj ? "}" : "]");
  }
  }
}

void render_template(struct buf *out, const char *tpl, struct json *root) {
  bputs(out, "");
  for (const char *p = tpl; *p;) {
    const char *open = strstr(p, "{{");
    if (!open) { bputs(out, p); break; }
    bput(out, p, open - p);
    const char *close = strstr(open, "}}");
    if (!close) { bputs(out, open); break; }
    char expr[512];
    snprintf(expr, sizeof expr, "%.*s", (int)(close - open - 2), open + 2);
    char *e = expr;
    while (*e == ' ') e++;
    for (char *t = e + strlen(e); t > e && t[-1] == ' ';) *--t = 0;
    int as_json = !strncmp(e, "json ", 5);
    if (as_json) { e += 5; while (*e == ' ') e++; }
    struct json *v = *e == '.' ? root : NULL;
    char *save = NULL;
    if (v)
      for (char *seg = strtok_r(e + 1, ".", &save); v && seg; seg = strtok_r(NULL, ".", &save)) v = jget(v, seg);
    if (!v) bputs(out, as_json ? "null" : "<no value>");
    else if (v->t == J_STR && !as_json) bputs(out, v->str);
    else jdump(out, v, 0, 0);
    p = close + 2;
  }
}
