/* A growable buffer, JSON string writing, and the encodings requests need. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void bput(struct buf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    b->cap = (b->len + n + 1) * 2;
    b->p = realloc(b->p, b->cap);
    if (!b->p) { perror("docker"); exit(1); }
  }
  if (n) memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = 0;
}

void bputs(struct buf *b, const char *s) { bput(b, s, strlen(s)); }

void bprintf(struct buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  bput(b, "", 0);
  if (b->len + n + 1 > b->cap) {
    b->cap = (b->len + n + 1) * 2;
    b->p = realloc(b->p, b->cap);
    if (!b->p) { perror("docker"); exit(1); }
  }
  va_start(ap, fmt);
  vsnprintf(b->p + b->len, n + 1, fmt, ap);
  va_end(ap);
  b->len += n;
}

void bjson_str(struct buf *b, const char *s) {
  bput(b, "\"", 1);
  for (; *s; s++) {
    unsigned char c = *s;
    if (c == '"' || c == '\\') { bput(b, "\\", 1); bput(b, (char *)&c, 1); }
    else if (c == '\n') bput(b, "\\n", 2);
    else if (c == '\t') bput(b, "\\t", 2);
    else if (c < 0x20) bprintf(b, "\\u%04x", c);
    else bput(b, (char *)&c, 1);
  }
  bput(b, "\"", 1);
}

void bjson_arr(struct buf *b, char **v, int n) {
  bput(b, "[", 1);
  for (int i = 0; i < n; i++) {
    if (i) bput(b, ",", 1);
    bjson_str(b, v[i]);
  }
  bput(b, "]", 1);
}

char *urlenc(const char *s) {
  struct buf b = {0};
  bputs(&b, "");
  for (; *s; s++) {
    unsigned char c = *s;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-_.~", c))
      bput(&b, (char *)&c, 1);
    else bprintf(&b, "%%%02X", c);
  }
  return b.p;
}

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void b64enc(struct buf *out, const char *s, size_t n, int url) {
  const unsigned char *u = (const unsigned char *)s;
  bput(out, "", 0);
  for (size_t i = 0; i < n; i += 3) {
    unsigned v = u[i] << 16 | (i + 1 < n ? u[i + 1] << 8 : 0) | (i + 2 < n ? u[i + 2] : 0);
    char q[4] = {B64[v >> 18 & 63], B64[v >> 12 & 63], i + 1 < n ? B64[v >> 6 & 63] : '=', i + 2 < n ? B64[v & 63] : '='};
    for (int k = 0; k < 4; k++) {
      if (url && q[k] == '+') q[k] = '-';
      else if (url && q[k] == '/') q[k] = '_';
    }
    bput(out, q, 4);
  }
}

void b64dec(struct buf *out, const char *s) {
  unsigned v = 0;
  int bits = 0;
  bput(out, "", 0);
  for (; *s && *s != '='; s++) {
    const char *p = strchr(B64, *s);
    if (!p) continue;
    v = v << 6 | (unsigned)(p - B64);
    bits += 6;
    if (bits >= 8) {
      char c = (char)(v >> (bits - 8));
      bput(out, &c, 1);
      bits -= 8;
    }
  }
}
