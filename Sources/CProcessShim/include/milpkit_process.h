#ifndef MILPKIT_PROCESS_H
#define MILPKIT_PROCESS_H

/* Asks the kernel to SIGKILL this process when its parent dies (Linux; no-op elsewhere).
 * prctl() is variadic, so Swift cannot call it directly. */
void milpkit_die_with_parent(void);

#endif
