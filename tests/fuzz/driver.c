/*
 * Without clang's libFuzzer: a small stand-in that feeds the harness every
 * seed and then random mutations of them (byte flips, inserts, cuts, splices)
 * until the time is up. Coverage-blind, so weaker than libFuzzer; used only
 * where clang is not installed.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

void __sanitizer_set_report_fd(void *fd);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: driver SECONDS CORPUS_DIR\n"); return 2; }
  int secs = atoi(argv[1]);
  /* Usage errors go to stderr for every bad input; a sanitizer's report still reaches the real one. */
  int err = dup(2), null = open("/dev/null", O_WRONLY);
  if (null >= 0) dup2(null, 2);
  if (err >= 0) __sanitizer_set_report_fd((void *)(intptr_t)err);
  uint8_t *seeds[256];
  size_t sizes[256];
  int n = 0;
  DIR *d = opendir(argv[2]);
  for (struct dirent *e; d && (e = readdir(d)) && n < 256;) {
    if (e->d_name[0] == '.') continue;
    char p[4096];
    snprintf(p, sizeof p, "%s/%s", argv[2], e->d_name);
    FILE *f = fopen(p, "rb");
    if (!f) continue;
    seeds[n] = malloc(1 << 16);
    sizes[n] = fread(seeds[n], 1, 1 << 16, f);
    fclose(f);
    LLVMFuzzerTestOneInput(seeds[n], sizes[n]);
    n++;
  }
  if (d) closedir(d);
  if (!n) { fprintf(stderr, "no seeds\n"); return 2; }
  srand(1);
  time_t end = time(NULL) + secs;
  unsigned long runs = 0;
  uint8_t buf[1 << 17];
  while (time(NULL) < end) {
    for (int k = 0; k < 1000; k++, runs++) {
      int s = rand() % n;
      size_t len = sizes[s];
      memcpy(buf, seeds[s], len);
      for (int m = 1 + rand() % 8; m > 0; m--) {
        size_t at = len ? (size_t)rand() % len : 0;
        switch (rand() % 4) {
        case 0: if (len) buf[at] ^= (uint8_t)(1 << (rand() % 8)); break;
        case 1: if (len + 1 < sizeof buf) { memmove(buf + at + 1, buf + at, len - at); buf[at] = (uint8_t)rand(); len++; } break;
        case 2: if (len) len = at; break;
        case 3: {
          int o = rand() % n;
          size_t take = sizes[o] / 2;
          if (len + take < sizeof buf) { memcpy(buf + len, seeds[o] + sizes[o] - take, take); len += take; }
        }
        }
      }
      LLVMFuzzerTestOneInput(buf, len);
    }
  }
  printf("driver: %lu runs over %d seeds\n", runs, n);
  return 0;
}
