/* Capabilities, seccomp and masked paths of a container (security.c). */
#ifndef VM_SECURITY_H
#define VM_SECURITY_H
#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>

/* A capability's number from its name, with or without CAP_, any case; -1 if unknown. */
int cap_number(const char *name);
/* "CAP_CHOWN,CAP_KILL" (or "ALL", or "" for none) as a bit mask; NULL means Docker's default 14. */
int caps_parse(const char *list, uint64_t *mask);
int has_cap(uint64_t mask, int cap);
int caps_drop_bounding(uint64_t keep);
int caps_apply(uint64_t keep);

/* Docker's default seccomp profile for i386, with its capability-conditional rules for `caps`. */
int seccomp_build(uint64_t caps, struct sock_fprog *out, int *rules);
int seccomp_load(uint64_t caps);

/* Docker's masked paths (hidden) and read-only paths, in the container's mount namespace after pivot_root. */
int mask_paths(char *err, size_t errlen);
#endif
