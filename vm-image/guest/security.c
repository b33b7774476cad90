/*
 * What a container may not do, as Docker (through runc) sets it up:
 * capabilities, the seccomp filter of Docker's default profile, and the
 * masked and read-only paths of /proc and /sys.
 *
 * The engine decides the capability list (Docker's defaults, --cap-add,
 * --cap-drop, --privileged) as dockerd does; vmctr applies it as runc does.
 * Read against moby's oci/caps, profiles/seccomp/default.json and
 * oci/defaults.go, and runc's libcontainer (capabilities, seccomp, rootfs);
 * written here from those descriptions.
 */
#define _GNU_SOURCE
#include "security.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

/* ---- capabilities */

/* Bit numbers as in linux/capability.h; the kernel this image boots knows 0..40. */
static const char *const CAP_NAMES[] = {
  "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
  "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
  "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
  "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD",
  "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG",
  "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
};
#define NCAPS ((int)(sizeof CAP_NAMES / sizeof *CAP_NAMES))

/* The 14 Docker keeps (moby oci/caps/defaults.go): 0x00000000a80425fb. */
static const char *const DOCKER_DEFAULT_CAPS =
  "CAP_CHOWN,CAP_DAC_OVERRIDE,CAP_FSETID,CAP_FOWNER,CAP_MKNOD,CAP_NET_RAW,CAP_SETGID,CAP_SETUID,"
  "CAP_SETFCAP,CAP_SETPCAP,CAP_NET_BIND_SERVICE,CAP_SYS_CHROOT,CAP_KILL,CAP_AUDIT_WRITE";

int cap_number(const char *name) {
  if (!strncasecmp(name, "CAP_", 4)) name += 4;
  for (int i = 0; i < NCAPS; i++)
    if (!strcasecmp(name, CAP_NAMES[i])) return i;
  return -1;
}

int caps_parse(const char *list, uint64_t *mask) {
  *mask = 0;
  if (!list) list = DOCKER_DEFAULT_CAPS;
  if (!strcasecmp(list, "ALL")) { *mask = (NCAPS >= 64 ? ~0ull : (1ull << NCAPS) - 1); return 0; }
  char *copy = strdup(list), *save = NULL;
  int rc = 0;
  for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
    int n = cap_number(t);
    if (n < 0) {
      fprintf(stderr, "vmctr: unknown capability %s\n", t);
      rc = -1;
      break;
    }
    *mask |= 1ull << n;
  }
  free(copy);
  return rc;
}

int has_cap(uint64_t mask, int cap) { return cap >= 0 && cap < 64 && (mask >> cap & 1); }

/*
 * runc's order: the bounding set first (needs CAP_SETPCAP, still held), so no
 * later exec can regain what is dropped; the other sets after the user
 * switch (done by the caller, with keep-caps on).
 */
int caps_drop_bounding(uint64_t keep) {
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) return -1;
  for (int c = 0; c < NCAPS; c++) {
    if (has_cap(keep, c)) continue;
    if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL) return -1;
  }
  return 0;
}

int caps_apply(uint64_t keep) {
  struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
  struct __user_cap_data_struct d[2];
  memset(d, 0, sizeof d);
  for (int k = 0; k < 2; k++) {
    uint32_t bits = (uint32_t)(keep >> (32 * k));
    d[k].effective = bits;
    d[k].permitted = bits;
    /* Docker 23 and later leave the inheritable set empty (CVE-2022-24769). */
    d[k].inheritable = 0;
  }
  if (syscall(SYS_capset, &h, d) < 0) return -1;
  prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
  /* Ambient capabilities would survive an exec by a non-root user: none. */
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL) return -1;
  return 0;
}

/* ---- seccomp: Docker's default profile for i386 */

/* i386 syscall numbers, generated at build time from the kernel's syscall_32.tbl. */
struct sysent { const char *name; int nr; };
static const struct sysent SYSCALLS[] = {
#include "syscalls_i386.h"
};
#define NSYSCALLS ((int)(sizeof SYSCALLS / sizeof *SYSCALLS))

enum { NOCAP = -1 };
enum act { A_ERRNO = 0, A_ALLOW, A_CLONE, A_CLONE3, A_PERSONALITY, A_SOCKET, A_ENOSYS };

/*
 * The profile, as in moby's profiles/seccomp/default.json: defaultAction
 * SCMP_ACT_ERRNO (EPERM); these names are allowed; a name only for another
 * architecture is simply not in i386's table and skipped, as libseccomp does.
 */
static const char *const ALLOW[] = {
  "accept", "accept4", "access", "adjtimex", "alarm", "bind", "brk", "capget", "capset", "chdir",
  "chmod", "chown", "chown32", "clock_adjtime", "clock_adjtime64", "clock_getres",
  "clock_getres_time64", "clock_gettime", "clock_gettime64", "clock_nanosleep",
  "clock_nanosleep_time64", "close", "close_range", "connect", "copy_file_range", "creat", "dup",
  "dup2", "dup3", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_pwait",
  "epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd", "eventfd2", "execve", "execveat",
  "exit", "exit_group", "faccessat", "faccessat2", "fadvise64", "fadvise64_64", "fallocate",
  "fanotify_mark", "fchdir", "fchmod", "fchmodat", "fchown", "fchown32", "fchownat", "fcntl",
  "fcntl64", "fdatasync", "fgetxattr", "flistxattr", "flock", "fork", "fremovexattr", "fsetxattr",
  "fstat", "fstat64", "fstatat64", "fstatfs", "fstatfs64", "fsync", "ftruncate", "ftruncate64",
  "futex", "futex_time64", "futex_waitv", "futimesat", "getcpu", "getcwd", "getdents",
  "getdents64", "getegid", "getegid32", "geteuid", "geteuid32", "getgid", "getgid32", "getgroups",
  "getgroups32", "getitimer", "getpeername", "getpgid", "getpgrp", "getpid", "getppid",
  "getpriority", "getrandom", "getresgid", "getresgid32", "getresuid", "getresuid32", "getrlimit",
  "get_robust_list", "getrusage", "getsid", "getsockname", "getsockopt", "get_thread_area",
  "gettid", "gettimeofday", "getuid", "getuid32", "getxattr", "inotify_add_watch", "inotify_init",
  "inotify_init1", "inotify_rm_watch", "io_cancel", "ioctl", "io_destroy", "io_getevents",
  "io_pgetevents", "io_pgetevents_time64", "ioprio_get", "ioprio_set", "io_setup", "io_submit",
  "io_uring_enter", "io_uring_register", "io_uring_setup", "ipc", "kill", "landlock_add_rule",
  "landlock_create_ruleset", "landlock_restrict_self", "lchown", "lchown32", "lgetxattr", "link",
  "linkat", "listen", "listxattr", "llistxattr", "_llseek", "lremovexattr", "lseek", "lsetxattr",
  "lstat", "lstat64", "madvise", "membarrier", "memfd_create", "memfd_secret", "mincore", "mkdir",
  "mkdirat", "mknod", "mknodat", "mlock", "mlock2", "mlockall", "mmap", "mmap2", "mprotect",
  "mq_getsetattr", "mq_notify", "mq_open", "mq_timedreceive", "mq_timedreceive_time64",
  "mq_timedsend", "mq_timedsend_time64", "mq_unlink", "mremap", "msgctl", "msgget", "msgrcv",
  "msgsnd", "msync", "munlock", "munlockall", "munmap", "name_to_handle_at", "nanosleep",
  "newfstatat", "_newselect", "open", "openat", "openat2", "pause", "pidfd_open",
  "pidfd_send_signal", "pipe", "pipe2", "pkey_alloc", "pkey_free", "pkey_mprotect", "poll", "ppoll",
  "ppoll_time64", "prctl", "pread64", "preadv", "preadv2", "prlimit64", "process_mrelease",
  "pselect6", "pselect6_time64", "pwrite64", "pwritev", "pwritev2", "read", "readahead",
  "readlink", "readlinkat", "readv", "recv", "recvfrom", "recvmmsg", "recvmmsg_time64", "recvmsg",
  "remap_file_pages", "removexattr", "rename", "renameat", "renameat2", "restart_syscall", "rmdir",
  "rseq", "rt_sigaction", "rt_sigpending", "rt_sigprocmask", "rt_sigqueueinfo", "rt_sigreturn",
  "rt_sigsuspend", "rt_sigtimedwait", "rt_sigtimedwait_time64", "rt_tgsigqueueinfo",
  "sched_getaffinity", "sched_getattr", "sched_getparam", "sched_get_priority_max",
  "sched_get_priority_min", "sched_getscheduler", "sched_rr_get_interval",
  "sched_rr_get_interval_time64", "sched_setaffinity", "sched_setattr", "sched_setparam",
  "sched_setscheduler", "sched_yield", "seccomp", "select", "semctl", "semget", "semop",
  "semtimedop", "semtimedop_time64", "send", "sendfile", "sendfile64", "sendmmsg", "sendmsg",
  "sendto", "setfsgid", "setfsgid32", "setfsuid", "setfsuid32", "setgid", "setgid32", "setgroups",
  "setgroups32", "setitimer", "setpgid", "setpriority", "setregid", "setregid32", "setresgid",
  "setresgid32", "setresuid", "setresuid32", "setreuid", "setreuid32", "setrlimit",
  "set_robust_list", "setsid", "setsockopt", "set_thread_area", "set_tid_address", "setuid",
  "setuid32", "setxattr", "shmat", "shmctl", "shmdt", "shmget", "shutdown", "sigaltstack",
  "signalfd", "signalfd4", "sigprocmask", "sigreturn", "socketcall", "socketpair", "splice",
  "stat", "stat64", "statfs", "statfs64", "statx", "symlink", "symlinkat", "sync",
  "sync_file_range", "syncfs", "sysinfo", "tee", "tgkill", "time", "timer_create", "timer_delete",
  "timer_getoverrun", "timer_gettime", "timer_gettime64", "timer_settime", "timer_settime64",
  "timerfd_create", "timerfd_gettime", "timerfd_gettime64", "timerfd_settime",
  "timerfd_settime64", "times", "tkill", "truncate", "truncate64", "ugetrlimit", "umask", "uname",
  "unlink", "unlinkat", "utime", "utimensat", "utimensat_time64", "utimes", "vfork", "vmsplice",
  "wait4", "waitid", "waitpid", "write", "writev",
  /* minKernel 4.8: allowed without CAP_SYS_PTRACE on any kernel this old or newer */
  "process_vm_readv", "process_vm_writev", "ptrace",
  /* arches amd64, x32, x86 */
  "modify_ldt",
};

/* Entries the profile includes only when the container holds a capability. */
static const struct { int cap; const char *name; } BY_CAP[] = {
  {CAP_DAC_READ_SEARCH, "open_by_handle_at"},
  {CAP_SYS_ADMIN, "bpf"}, {CAP_SYS_ADMIN, "clone"}, {CAP_SYS_ADMIN, "clone3"},
  {CAP_SYS_ADMIN, "fanotify_init"}, {CAP_SYS_ADMIN, "fsconfig"}, {CAP_SYS_ADMIN, "fsmount"},
  {CAP_SYS_ADMIN, "fsopen"}, {CAP_SYS_ADMIN, "fspick"}, {CAP_SYS_ADMIN, "lookup_dcookie"},
  {CAP_SYS_ADMIN, "mount"}, {CAP_SYS_ADMIN, "mount_setattr"}, {CAP_SYS_ADMIN, "move_mount"},
  {CAP_SYS_ADMIN, "open_tree"}, {CAP_SYS_ADMIN, "perf_event_open"}, {CAP_SYS_ADMIN, "quotactl"},
  {CAP_SYS_ADMIN, "quotactl_fd"}, {CAP_SYS_ADMIN, "setdomainname"}, {CAP_SYS_ADMIN, "sethostname"},
  {CAP_SYS_ADMIN, "setns"}, {CAP_SYS_ADMIN, "syslog"}, {CAP_SYS_ADMIN, "umount"},
  {CAP_SYS_ADMIN, "umount2"}, {CAP_SYS_ADMIN, "unshare"},
  {CAP_SYS_BOOT, "reboot"},
  {CAP_SYS_CHROOT, "chroot"},
  {CAP_SYS_MODULE, "delete_module"}, {CAP_SYS_MODULE, "init_module"}, {CAP_SYS_MODULE, "finit_module"},
  {CAP_SYS_PACCT, "acct"},
  {CAP_SYS_PTRACE, "kcmp"}, {CAP_SYS_PTRACE, "pidfd_getfd"}, {CAP_SYS_PTRACE, "process_madvise"},
  {CAP_SYS_RAWIO, "iopl"}, {CAP_SYS_RAWIO, "ioperm"},
  {CAP_SYS_TIME, "settimeofday"}, {CAP_SYS_TIME, "stime"}, {CAP_SYS_TIME, "clock_settime"},
  {CAP_SYS_TIME, "clock_settime64"},
  {CAP_SYS_TTY_CONFIG, "vhangup"},
  {CAP_SYS_NICE, "get_mempolicy"}, {CAP_SYS_NICE, "mbind"}, {CAP_SYS_NICE, "set_mempolicy"},
  {CAP_SYS_NICE, "set_mempolicy_home_node"},
  {CAP_SYSLOG, "syslog"},
  {CAP_BPF, "bpf"},
  {CAP_PERFMON, "perf_event_open"},
};

/* clone's namespace flags (moby's 2114060288): without CAP_SYS_ADMIN no new namespace. */
#define CLONE_NS_MASK 0x7E020000u
/* personality(2) values the profile lets through: Linux, UNAME26, ADDR_NO_RANDOMIZE, both, query. */
static const uint32_t PERSONALITIES[] = {0x0, 0x8, 0x20000, 0x20008, 0xffffffff};
#define AF_VSOCK_NR 40

/* The table comes sorted by name (build.sh), so each of the profile's ~400 names is a binary search:
 * this runs at every container start, in an emulator. A table out of order is sorted here once. */
static struct sysent by_name[NSYSCALLS];
static const struct sysent *table;
static int cmp_name(const void *a, const void *b) {
  return strcmp(((const struct sysent *)a)->name, ((const struct sysent *)b)->name);
}
static int sys_nr(const char *name) {
  if (!table) {
    table = SYSCALLS;
    for (int i = 1; i < NSYSCALLS; i++)
      if (strcmp(SYSCALLS[i - 1].name, SYSCALLS[i].name) > 0) {
        memcpy(by_name, SYSCALLS, sizeof by_name);
        qsort(by_name, NSYSCALLS, sizeof *by_name, cmp_name);
        table = by_name;
        break;
      }
  }
  struct sysent key = {name, 0};
  const struct sysent *e = bsearch(&key, table, NSYSCALLS, sizeof *table, cmp_name);
  return e ? e->nr : -1;
}

struct prog { struct sock_filter *f; int n, cap; };
static void emit(struct prog *p, struct sock_filter ins) {
  if (p->n == p->cap) { p->cap = p->cap ? p->cap * 2 : 512; p->f = realloc(p->f, p->cap * sizeof *p->f); }
  p->f[p->n++] = ins;
}
#define STMT(c, k) ((struct sock_filter)BPF_STMT(c, k))
#define JUMP(c, k, t, f) ((struct sock_filter)BPF_JUMP(c, k, t, f))
#define RET(v) STMT(BPF_RET | BPF_K, v)
#define RET_ERRNO(e) RET(SECCOMP_RET_ERRNO | (e))
/* The low word of argument i (i386 passes 32-bit values, zero-extended in seccomp_data). */
#define ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i))

static void emit_leaf(struct prog *p, enum act a) {
  switch (a) {
  case A_ALLOW: emit(p, RET(SECCOMP_RET_ALLOW)); break;
  case A_ERRNO: emit(p, RET_ERRNO(EPERM)); break;
  case A_ENOSYS: emit(p, RET_ERRNO(ENOSYS)); break;
  case A_CLONE3: emit(p, RET_ERRNO(ENOSYS)); break; /* so glibc falls back to clone */
  case A_CLONE:
    emit(p, STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(0)));
    emit(p, JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_NS_MASK, 0, 1));
    emit(p, RET_ERRNO(EPERM));
    emit(p, RET(SECCOMP_RET_ALLOW));
    break;
  case A_PERSONALITY: {
    int n = sizeof PERSONALITIES / sizeof *PERSONALITIES;
    emit(p, STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(0)));
    for (int i = 0; i < n; i++) emit(p, JUMP(BPF_JMP | BPF_JEQ | BPF_K, PERSONALITIES[i], n - i, 0));
    emit(p, RET_ERRNO(EPERM));
    emit(p, RET(SECCOMP_RET_ALLOW));
    break;
  }
  case A_SOCKET:
    emit(p, STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(0)));
    emit(p, JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_VSOCK_NR, 0, 1));
    emit(p, RET_ERRNO(EPERM));
    emit(p, RET(SECCOMP_RET_ALLOW));
    break;
  }
}

/* A run of syscall numbers with one action: the leaves of a binary search on the number. */
struct range { int lo; enum act a; };

static void emit_tree(struct prog *p, const struct range *r, int lo, int hi) {
  if (lo == hi) { emit_leaf(p, r[lo].a); return; }
  int mid = (lo + hi + 1) / 2;
  /* nr >= start of mid: fall through to a long jump to the upper half; else skip it. */
  emit(p, JUMP(BPF_JMP | BPF_JGE | BPF_K, (uint32_t)r[mid].lo, 0, 1));
  int ja = p->n;
  emit(p, STMT(BPF_JMP | BPF_JA, 0));
  emit_tree(p, r, lo, mid - 1);
  p->f[ja].k = (uint32_t)(p->n - ja - 1);
  emit_tree(p, r, mid, hi);
}

int seccomp_build(uint64_t caps, struct sock_fprog *out, int *rules) {
  int max = 0;
  for (int i = 0; i < NSYSCALLS; i++) if (SYSCALLS[i].nr > max) max = SYSCALLS[i].nr;
  /* Numbers past the kernel's last known syscall answer ENOSYS, as runc's filter does for newer ones. */
  enum act *act = calloc(max + 2, sizeof *act);
  act[max + 1] = A_ENOSYS;
  int count = 0;
  for (size_t i = 0; i < sizeof ALLOW / sizeof *ALLOW; i++) {
    int nr = sys_nr(ALLOW[i]);
    if (nr >= 0) { act[nr] = A_ALLOW; count++; }
  }
  int nr;
  if ((nr = sys_nr("socket")) >= 0) { act[nr] = A_SOCKET; count++; }
  if ((nr = sys_nr("personality")) >= 0) { act[nr] = A_PERSONALITY; count++; }
  for (size_t i = 0; i < sizeof BY_CAP / sizeof *BY_CAP; i++) {
    if (!has_cap(caps, BY_CAP[i].cap) || (nr = sys_nr(BY_CAP[i].name)) < 0) continue;
    act[nr] = A_ALLOW;
    count++;
  }
  if (!has_cap(caps, CAP_SYS_ADMIN)) {
    if ((nr = sys_nr("clone")) >= 0) { act[nr] = A_CLONE; count++; }
    if ((nr = sys_nr("clone3")) >= 0) { act[nr] = A_CLONE3; count++; }
  }
  struct range *r = malloc((max + 2) * sizeof *r);
  int nr_ranges = 0;
  for (int i = 0; i <= max + 1; i++) {
    /* Argument checks are per syscall: never merged with a neighbour. */
    int special = act[i] == A_CLONE || act[i] == A_PERSONALITY || act[i] == A_SOCKET;
    if (nr_ranges && r[nr_ranges - 1].a == act[i] && !special) continue;
    r[nr_ranges++] = (struct range){i, act[i]};
  }
  struct prog p = {0};
  emit(&p, STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)));
  emit(&p, JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_I386, 1, 0));
  emit(&p, RET(SECCOMP_RET_KILL_PROCESS));
  emit(&p, STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)));
  emit_tree(&p, r, 0, nr_ranges - 1);
  free(r);
  free(act);
  out->len = (unsigned short)p.n;
  out->filter = p.f;
  if (rules) *rules = count;
  return p.n <= BPF_MAXINSNS ? 0 : -1;
}

int seccomp_load(uint64_t caps) {
  struct sock_fprog prog;
  if (seccomp_build(caps, &prog, NULL) < 0) { errno = E2BIG; return -1; }
  /* Without no_new_privs this needs CAP_SYS_ADMIN, still held: runc loads it at this point too. */
  int rc = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
  free(prog.filter);
  return rc;
}

/* ---- masked and read-only paths (moby oci/defaults.go) */

static const char *const MASKED[] = {
  "/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
  "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
  "/sys/devices/virtual/powercap",
};
static const char *const READONLY[] = {
  "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

/* Flags a bind remount must keep (nosuid, nodev, noexec are locked in a user namespace). */
static unsigned long locked_flags(const char *path) {
  struct statvfs s;
  unsigned long f = 0;
  if (statvfs(path, &s) < 0) return 0;
  if (s.f_flag & ST_NOSUID) f |= MS_NOSUID;
  if (s.f_flag & ST_NODEV) f |= MS_NODEV;
  if (s.f_flag & ST_NOEXEC) f |= MS_NOEXEC;
  return f;
}

int mask_paths(char *err, size_t errlen) {
  for (size_t i = 0; i < sizeof MASKED / sizeof *MASKED; i++) {
    struct stat st;
    const char *p = MASKED[i];
    if (lstat(p, &st) < 0) continue; /* not in this kernel: nothing to hide */
    int rc = S_ISDIR(st.st_mode) ? mount("tmpfs", p, "tmpfs", MS_RDONLY, "size=0")
                                 : mount("/dev/null", p, NULL, MS_BIND, NULL);
    if (rc < 0) { snprintf(err, errlen, "mask %s", p); return -1; }
  }
  for (size_t i = 0; i < sizeof READONLY / sizeof *READONLY; i++) {
    const char *p = READONLY[i];
    if (access(p, F_OK) < 0) continue;
    if (mount(p, p, NULL, MS_BIND | MS_REC, NULL) < 0 ||
        mount(NULL, p, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC | locked_flags(p), NULL) < 0) {
      snprintf(err, errlen, "make %s read-only", p);
      return -1;
    }
  }
  return 0;
}
