/* The runtime's steps around a container's process (steps.c). */
#ifndef STEPS_H
#define STEPS_H

/* Carries out one item; 0, or -1 with the reason on stderr. */
int step_run(const char *item);
/* Prints "WHAT TIME" (the guest's clock, as $EPOCHREALTIME), or with NULL "ok N TIME" for the next step. */
void steps_stamp(const char *what);
/* vmctr do ITEM... */
int steps_main(int argc, char **argv);

#endif
