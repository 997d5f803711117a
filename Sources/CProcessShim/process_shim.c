#include "milpkit_process.h"

#ifdef __linux__
#include <signal.h>
#include <sys/prctl.h>
void milpkit_die_with_parent(void) { prctl(PR_SET_PDEATHSIG, SIGKILL); }
#else
void milpkit_die_with_parent(void) {}
#endif
