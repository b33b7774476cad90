/*
 * Layers between overlayfs and OCI tars, both ways.
 *
 *   vmctr layer-tar DIR [--mtime N] [--shift N]   an overlay upper dir as an OCI layer tar on stdout
 *   vmctr whiteouts DIR                            an unpacked OCI layer's .wh. files as overlay whiteouts
 *   vmctr shift-ids DIR N                          every owner in DIR moved up by N (a --userns copy of a layer)
 *
 * Overlayfs records a deletion as a 0/0 character device and a directory that
 * hides everything below it with the xattr trusted.overlay.opaque=y; the OCI
 * image spec says `.wh.<name>` and `.wh..wh..opq`. Busybox's tar knows
 * neither, and its archives follow readdir order, so the layer tar is written
 * here: entries sorted bytewise, so the same tree always gives the same bytes.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/xattr.h>
#include <unistd.h>

#define OPAQUE_XATTR "trusted.overlay.opaque"
#define WH_PREFIX ".wh."
#define WH_OPAQUE ".wh..wh..opq"

static long long clamp_mtime = -1;
static long shift_ids;
static int had_error;

static void out(const void *p, size_t n) {
  if (fwrite(p, 1, n, stdout) != n) {
    perror("layer-tar: write");
    exit(1);
  }
}

static void octal(char *field, size_t width, unsigned long long v) {
  snprintf(field, width, "%0*llo", (int)width - 1, v);
}

/* A PAX record is "<len> key=value\n" where <len> counts itself. */
static void pax_record(char *buf, size_t *len, const char *key, const char *value) {
  size_t body = strlen(key) + strlen(value) + 3;
  size_t n = body + 1;
  char tmp[32];
  while ((size_t)snprintf(tmp, sizeof tmp, "%zu", n) + body != n) n = strlen(tmp) + body;
  *len += (size_t)sprintf(buf + *len, "%zu %s=%s\n", n, key, value);
}

static void block(char *h) {
  unsigned sum = 0;
  memset(h + 148, ' ', 8);
  for (int i = 0; i < 512; i++) sum += (unsigned char)h[i];
  snprintf(h + 148, 8, "%06o", sum);
  h[155] = ' ';
  out(h, 512);
}

static void pad(unsigned long long size) {
  static const char zero[512];
  if (size % 512) out(zero, 512 - size % 512);
}

static void header(const char *name, const char *link, char type, mode_t mode, long uid, long gid,
                   unsigned long long size, long long mtime, unsigned dmaj, unsigned dmin) {
  size_t nl = strlen(name), ll = link ? strlen(link) : 0;
  if (nl > 99 || ll > 99) {
    static char pax[8192];
    size_t plen = 0;
    if (nl > 99) pax_record(pax, &plen, "path", name);
    if (ll > 99) pax_record(pax, &plen, "linkpath", link);
    header("PaxHeader", NULL, 'x', 0644, 0, 0, plen, mtime, 0, 0);
    out(pax, plen);
    pad(plen);
  }
  char h[512] = {0};
  memcpy(h, name, nl > 99 ? 99 : nl);
  octal(h + 100, 8, mode & 07777);
  octal(h + 108, 8, (unsigned long)uid);
  octal(h + 116, 8, (unsigned long)gid);
  octal(h + 124, 12, size);
  octal(h + 136, 12, (unsigned long long)(mtime < 0 ? 0 : mtime));
  h[156] = type;
  if (link) memcpy(h + 157, link, ll > 99 ? 99 : ll);
  memcpy(h + 257, "ustar", 6);
  memcpy(h + 263, "00", 2);
  if (type == '3' || type == '4') {
    octal(h + 329, 8, dmaj);
    octal(h + 337, 8, dmin);
  }
  block(h);
}

static long unshift(long id) {
  return shift_ids && id >= shift_ids && id < shift_ids + 65536 ? id - shift_ids : id;
}

static long long when(const struct stat *st) {
  return clamp_mtime >= 0 && st->st_mtime > clamp_mtime ? clamp_mtime : st->st_mtime;
}

/* Regular files linked more than once inside the layer become hard link entries. */
struct seen { dev_t dev; ino_t ino; char *path; };
static struct seen *seen;
static size_t nseen, capseen;

static const char *first_link(const struct stat *st, const char *path) {
  for (size_t i = 0; i < nseen; i++)
    if (seen[i].dev == st->st_dev && seen[i].ino == st->st_ino) return seen[i].path;
  if (nseen == capseen) {
    capseen = capseen ? capseen * 2 : 64;
    seen = realloc(seen, capseen * sizeof *seen);
  }
  seen[nseen++] = (struct seen){st->st_dev, st->st_ino, strdup(path)};
  return NULL;
}

/* Paths longer than PATH_MAX cannot be opened anyway; say so instead of cutting them. */
#define PATHF(dst, ...)                                                              \
  do {                                                                               \
    if ((size_t)snprintf(dst, sizeof dst, __VA_ARGS__) >= sizeof dst) {              \
      fprintf(stderr, "vmctr: path too long under %s\n", root_dir);                 \
      exit(1);                                                                       \
    }                                                                                \
  } while (0)
static const char *root_dir = "";

static int bytewise(const struct dirent **a, const struct dirent **b) { return strcmp((*a)->d_name, (*b)->d_name); }

static void copy_file(const char *full, unsigned long long size) {
  int fd = open(full, O_RDONLY | O_CLOEXEC);
  if (fd < 0) { perror(full); exit(1); }
  char buf[65536];
  unsigned long long left = size;
  while (left) {
    ssize_t n = read(fd, buf, left < sizeof buf ? left : sizeof buf);
    if (n <= 0) { fprintf(stderr, "layer-tar: %s changed while it was read\n", full); exit(1); }
    out(buf, (size_t)n);
    left -= (unsigned long long)n;
  }
  close(fd);
  pad(size);
}

static void walk(const char *root, const char *rel) {
  root_dir = root;
  char dir[4096];
  PATHF(dir, "%s%s%s", root, *rel ? "/" : "", rel);
  struct dirent **names;
  int n = scandir(dir, &names, NULL, bytewise);
  if (n < 0) { perror(dir); had_error = 1; return; }
  for (int i = 0; i < n; i++) {
    const char *nm = names[i]->d_name;
    if (!strcmp(nm, ".") || !strcmp(nm, "..")) { free(names[i]); continue; }
    char path[4096], full[4096];
    PATHF(path, "%s%s%s", rel, *rel ? "/" : "", nm);
    PATHF(full, "%s/%s", root, path);
    free(names[i]);
    struct stat st;
    if (lstat(full, &st) < 0) { perror(full); had_error = 1; continue; }
    long uid = unshift((long)st.st_uid), gid = unshift((long)st.st_gid);
    long long mt = when(&st);
    if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
      char wh[4096];
      PATHF(wh, "%s%s" WH_PREFIX "%s", rel, *rel ? "/" : "", nm);
      header(wh, NULL, '0', 0600, 0, 0, 0, mt, 0, 0);
    } else if (S_ISDIR(st.st_mode)) {
      char d[4096];
      PATHF(d, "%s/", path);
      header(d, NULL, '5', st.st_mode, uid, gid, 0, mt, 0, 0);
      char v[8];
      ssize_t k = lgetxattr(full, OPAQUE_XATTR, v, sizeof v);
      if (k == 1 && v[0] == 'y') {
        char opq[4096];
        PATHF(opq, "%s/" WH_OPAQUE, path);
        header(opq, NULL, '0', 0600, 0, 0, 0, mt, 0, 0);
      }
      walk(root, path);
    } else if (S_ISLNK(st.st_mode)) {
      char target[4096];
      ssize_t k = readlink(full, target, sizeof target - 1);
      if (k < 0) { perror(full); had_error = 1; continue; }
      target[k] = 0;
      header(path, target, '2', st.st_mode, uid, gid, 0, mt, 0, 0);
    } else if (S_ISREG(st.st_mode)) {
      const char *first = st.st_nlink > 1 ? first_link(&st, path) : NULL;
      if (first) {
        header(path, first, '1', st.st_mode, uid, gid, 0, mt, 0, 0);
      } else {
        header(path, NULL, '0', st.st_mode, uid, gid, (unsigned long long)st.st_size, mt, 0, 0);
        copy_file(full, (unsigned long long)st.st_size);
      }
    } else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
      header(path, NULL, S_ISCHR(st.st_mode) ? '3' : '4', st.st_mode, uid, gid, 0, mt, major(st.st_rdev),
             minor(st.st_rdev));
    } else if (S_ISFIFO(st.st_mode)) {
      header(path, NULL, '6', st.st_mode, uid, gid, 0, mt, 0, 0);
    }
    /* Sockets have no place in a tar; like Docker, leave them out. */
  }
  free(names);
}

static int layer_tar(const char *root) {
  walk(root, "");
  static const char end[1024];
  out(end, sizeof end);
  if (fflush(stdout) != 0) { perror("layer-tar"); return 1; }
  return had_error;
}

/* Calls fn for each entry of dir (not . or ..), with its path and lstat; ORs their results. */
static int each_entry(const char *dir, int (*fn)(const char *dir, const char *name, const char *full, struct stat *st, long arg),
                      long arg) {
  struct dirent **names;
  int n = scandir(dir, &names, NULL, bytewise);
  if (n < 0) { perror(dir); return 1; }
  int rc = 0;
  for (int i = 0; i < n; i++) {
    const char *nm = names[i]->d_name;
    char full[4096];
    PATHF(full, "%s/%s", dir, nm);
    struct stat st;
    if (strcmp(nm, ".") && strcmp(nm, "..")) {
      if (lstat(full, &st) < 0) { perror(full); rc = 1; }
      else rc |= fn(dir, nm, full, &st, arg);
    }
    free(names[i]);
  }
  free(names);
  return rc;
}

/* Marker files of an unpacked OCI layer → what overlayfs reads as whiteouts. */
static int whiteout_entry(const char *dir, const char *nm, const char *full, struct stat *st, long unused) {
  (void)unused;
  if (!strcmp(nm, WH_OPAQUE)) {
    if (setxattr(dir, OPAQUE_XATTR, "y", 1, 0) < 0 || unlink(full) < 0) { perror(full); return 1; }
  } else if (!strncmp(nm, WH_PREFIX, strlen(WH_PREFIX))) {
    char target[4096];
    PATHF(target, "%s/%s", dir, nm + strlen(WH_PREFIX));
    if (unlink(full) < 0 || mknod(target, S_IFCHR | 0600, makedev(0, 0)) < 0) { perror(target); return 1; }
  } else if (S_ISDIR(st->st_mode)) {
    return each_entry(full, whiteout_entry, 0);
  }
  return 0;
}

static int whiteouts(const char *dir) {
  root_dir = dir;
  return each_entry(dir, whiteout_entry, 0);
}

/*
 * For --userns: the container's root is host uid N, and overlayfs shows lower
 * files with their host owners, so (as Docker's userns-remap does) the layers
 * a remapped container uses are copies whose owners are moved up by N.
 */
static int shift_entry(const char *dir, const char *nm, const char *full, struct stat *st, long by) {
  (void)dir;
  (void)nm;
  /* A whiteout is a 0/0 device owned by root; overlayfs reads it whoever owns it. */
  if (lchown(full, st->st_uid + by, st->st_gid + by) < 0) { perror(full); return 1; }
  /* chown clears set-id bits; put them back as they were. */
  if (!S_ISLNK(st->st_mode) && !S_ISDIR(st->st_mode) && (st->st_mode & 06000)) chmod(full, st->st_mode & 07777);
  return S_ISDIR(st->st_mode) ? each_entry(full, shift_entry, by) : 0;
}

static int shift_tree(const char *dir, long by) {
  root_dir = dir;
  struct stat st;
  if (lstat(dir, &st) < 0 || lchown(dir, st.st_uid + by, st.st_gid + by) < 0) { perror(dir); return 1; }
  return S_ISDIR(st.st_mode) ? each_entry(dir, shift_entry, by) : 0;
}

int layer_main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: vmctr layer-tar DIR [--mtime N] [--shift N] | vmctr whiteouts DIR\n");
    return 125;
  }
  for (int i = 3; i + 1 < argc && strcmp(argv[1], "shift-ids"); i += 2) {
    if (!strcmp(argv[i], "--mtime")) clamp_mtime = atoll(argv[i + 1]);
    else if (!strcmp(argv[i], "--shift")) shift_ids = atol(argv[i + 1]);
    else { fprintf(stderr, "vmctr %s: unknown option %s\n", argv[1], argv[i]); return 125; }
  }
  if (!strcmp(argv[1], "whiteouts")) return whiteouts(argv[2]);
  if (!strcmp(argv[1], "shift-ids")) return argc == 4 ? shift_tree(argv[2], atol(argv[3])) : 125;
  return layer_tar(argv[2]);
}
