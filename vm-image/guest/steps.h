/* The runtime's steps around a container's process (steps.c). */
#ifndef STEPS_H
#define STEPS_H

#include <sys/types.h>

/* mkdir -p with this mode for each directory made; 0 or an errno (one already there is no error). */
int mkdir_p(const char *path, mode_t mode);
/* Carries out one item; 0, or -1 with the reason on stderr. */
int step_run(const char *item);
/* Prints "WHAT TIME" (the guest's clock, as $EPOCHREALTIME), or with NULL "ok N TIME" for the next step. */
void steps_stamp(const char *what);
/* vmctr do ITEM... */
int steps_main(int argc, char **argv);

#endif
