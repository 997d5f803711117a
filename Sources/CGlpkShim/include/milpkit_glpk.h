#ifndef MILPKIT_GLPK_H
#define MILPKIT_GLPK_H

/* A guarded, one-call interface to GLPK.
 *
 * GLPK calls abort() on invalid input and keeps its environment in thread-local storage.
 * milpkit_glpk_solve() builds, solves and frees a problem in one call on the calling thread,
 * with an error hook that longjmps back and reports the error instead of aborting. */

#include <glpk.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int rows, cols;
    /* Column-major matrix, 0-based: column j has entries col_starts[j] .. col_starts[j+1]-1. */
    const int *col_starts;
    const int *row_index;
    const double *values;
    const double *col_lower, *col_upper; /* +-HUGE_VAL for none */
    const double *objective;
    double objective_constant;
    const char *is_integer;              /* 1 for integer columns */
    const double *row_lower, *row_upper; /* +-HUGE_VAL for none */
    int maximize;
    int is_mip;
    const double *start;                 /* full MIP start (cols values) or NULL */
} milpkit_glpk_problem;

typedef struct {
    double time_limit;      /* seconds; < 0 for none */
    double relative_gap;    /* < 0 for GLPK's default */
    double absolute_gap;    /* < 0 for none */
    long node_limit;        /* < 0 for none */
    long solution_limit;    /* < 0 for none */
    int log_level;          /* 0 silent */
    /* 0: the second path — no scaling, the standard initial basis, MIPs from the root LP
     * without the MIP presolver; nonzero: scaling, the trivial basis and, for MIPs,
     * glp_intopt's presolver. */
    int presolve;
    /* Polled during branch and bound; nonzero stops the search. May be NULL. */
    int (*should_stop)(void *context);
    void *stop_context;
    /* Called (when not NULL) at every branch-and-bound event: the incumbent's objective
     * (has_incumbent 0 before the first), the best bound (+-HUGE_VAL-signed while unknown), the
     * nodes so far. Shares stop_context. */
    void (*on_progress)(void *context, int has_incumbent, double incumbent, double bound, long nodes);
    /* Called (when not NULL) about every 100 ms of a simplex solve with the iterations so far.
     * Shares stop_context. */
    void (*on_iteration)(void *context, int iterations);
} milpkit_glpk_options;

enum {
    MILPKIT_STOP_NONE = 0,
    MILPKIT_STOP_NODES = 1,
    MILPKIT_STOP_SOLUTIONS = 2,
    MILPKIT_STOP_ABSOLUTE_GAP = 3,
    MILPKIT_STOP_INTERRUPT = 4
};

typedef struct {
    int error;              /* 1 when GLPK reported an error (message holds it) */
    char message[512];
    int return_code;        /* glp_simplex / glp_intopt return code */
    int status;             /* glp_get_status / glp_mip_status */
    int primal_status, dual_status;
    int stop_reason;        /* MILPKIT_STOP_* when the callback ended the search */
    int has_solution;
    int lp_presolve_infeasible; /* MIP: root LP infeasible / unbounded detection */
    double objective;
    double bound;           /* best bound (MIP); HUGE_VAL-signed when unknown */
    long nodes;
    long solutions;
    /* Outputs, caller-allocated: cols, rows, cols, cols, rows entries. */
    double *x;
    double *row_dual;
    double *col_dual;
    int *col_stat;
    int *row_stat;
} milpkit_glpk_result;

/* Solves the problem; never aborts. */
void milpkit_glpk_solve(const milpkit_glpk_problem *problem, const milpkit_glpk_options *options,
                        milpkit_glpk_result *result);

/* GLPK's version string. */
const char *milpkit_glpk_version(void);

#ifdef __cplusplus
}
#endif
#endif
