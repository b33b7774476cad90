/* Attached sessions: this terminal raw with keystrokes to the container, or a pipe to its stdin. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"

static struct termios saved_tio;
static int raw_on;
static volatile sig_atomic_t winch;
static void restore_tty(void) {
  if (raw_on) tcsetattr(0, TCSADRAIN, &saved_tio);
  raw_on = 0;
}
static void on_winch(int sig) {
  (void)sig;
  winch = 1;
}

/* kind: "containers" or "exec", the resource whose terminal is resized. */
void send_resize(const char *kind, const char *id) {
  struct winsize ws;
  if (ioctl(1, TIOCGWINSZ, &ws) < 0 || !ws.ws_row) return;
  char path[512];
  snprintf(path, sizeof path, "/%s/%s/resize?h=%u&w=%u", kind, id, ws.ws_row, ws.ws_col);
  struct resp r = call("POST", path, NULL);
  free(r.body.p);
}

/* docker attach's detach keys (ctrl-p ctrl-q by default): typed in a row, they leave without stopping anything. */
const char *detach_keys;
int detached;

void terminal_session(int sock, struct buf *pre, const char *kind, const char *id, int interactive) {
  if (isatty(0) && tcgetattr(0, &saved_tio) == 0) {
    struct termios raw = saved_tio;
    cfmakeraw(&raw);
    tcsetattr(0, TCSADRAIN, &raw);
    raw_on = 1;
    atexit(restore_tty);
  }
  signal(SIGWINCH, on_winch);
  if (pre->len && write(1, pre->p, pre->len) < 0) {}
  /* Without -i nothing is typed into the container: stdin stays here. */
  struct pollfd p[2] = {{sock, POLLIN, 0}, {interactive ? 0 : -1, POLLIN, 0}};
  char b[8192];
  size_t matched = 0;
  for (;;) {
    if (winch) { winch = 0; send_resize(kind, id); }
    if (poll(p, 2, -1) < 0) { if (errno == EINTR) continue; break; }
    if (p[0].revents) {
      ssize_t n = read(sock, b, sizeof b);
      if (n <= 0) break;
      if (write(1, b, n) < 0) break;
    }
    if (p[1].fd >= 0 && p[1].revents) {
      ssize_t n = read(0, b, sizeof b);
      if (n <= 0) { p[1].fd = -1; shutdown(sock, SHUT_WR); continue; }
      if (detach_keys) {
        for (ssize_t k = 0; k < n && !detached; k++) {
          matched = b[k] == detach_keys[matched] ? matched + 1 : b[k] == detach_keys[0];
          if (!detach_keys[matched]) detached = 1;
        }
        if (detached) break;
      }
      if (write(sock, b, n) < 0) break;
    }
  }
  restore_tty();
}

/*
 * docker run -i without -t: what we read goes to the container's stdin (a
 * pipe), and at our end of input the connection is half-closed so the
 * container reads end of file; its output comes back multiplexed meanwhile.
 */
void piped_session(int sock, struct buf *pre) {
  struct buf b = *pre;
  struct pollfd p[2] = {{sock, POLLIN, 0}, {0, POLLIN, 0}};
  char c[8192];
  for (;;) {
    demux_frames(&b);
    if (poll(p, 2, -1) < 0) { if (errno == EINTR) continue; break; }
    if (p[0].revents) {
      ssize_t n = read(sock, c, sizeof c);
      if (n <= 0) break;
      bput(&b, c, n);
    }
    if (p[1].fd >= 0 && p[1].revents) {
      ssize_t n = read(0, c, sizeof c);
      if (n <= 0) { p[1].fd = -1; shutdown(sock, SHUT_WR); }
      else if (write(sock, c, n) < 0) break;
    }
  }
}

/* "ctrl-p,ctrl-q" as bytes; NULL when the spec is not Docker's form. */
char *parse_detach_keys(const char *spec) {
  static char keys[16];
  size_t n = 0;
  char copy[128], *save = NULL;
  snprintf(copy, sizeof copy, "%s", spec);
  for (char *tok = strtok_r(copy, ",", &save); tok && n < sizeof keys - 1; tok = strtok_r(NULL, ",", &save)) {
    if (!strncmp(tok, "ctrl-", 5) && tok[5] && !tok[6]) {
      char c = tok[5];
      if (c >= 'a' && c <= 'z') keys[n++] = c - 'a' + 1;
      else if (c == '@') keys[n++] = 0;
      else if (c >= '[' && c <= '_') keys[n++] = c - '[' + 27;
      else return NULL;
    } else if (strlen(tok) == 1) keys[n++] = tok[0];
    else return NULL;
  }
  keys[n] = 0;
  return n ? keys : NULL;
}
