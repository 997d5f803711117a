#ifndef MILPKIT_CBC_STOP_H
#define MILPKIT_CBC_STOP_H

/* A cooperative stop for CBC solves started with Cbc_solve().
 *
 * CBC 2.10's C interface has no way to stop a running solve, and its own time limit is not
 * checked inside the root LP. milpkit_cbc_attach_stop() gives the model event handlers that
 * CBC consults at every branch-and-bound event (node, solution, heuristic pass, cut round) and
 * that its LP solver (Clp) consults at every simplex iteration. When `should_stop` returns
 * nonzero for the search, the solve winds down as after its own limits, keeping the incumbent;
 * when it returns nonzero for a simplex iteration, that LP stops where it is. The same handler
 * reports each new incumbent of the main search (not of heuristics' sub-searches). */

#ifdef __cplusplus
extern "C" {
#endif

enum { MILPKIT_CBC_SEARCH = 0, MILPKIT_CBC_SIMPLEX = 1 };

typedef struct {
    /* Polled very often (`where` is MILPKIT_CBC_SEARCH or MILPKIT_CBC_SIMPLEX): keep it cheap. */
    int (*should_stop)(void *context, int where);
    /* Called (when not NULL) at the first search event after the main search's incumbent changed,
     * with its objective value in minimization form (the negated objective of a maximization). */
    void (*on_incumbent)(void *context, double objective);
    void *context;
    int fired;                         /* set to 1 once should_stop returned nonzero */
    int search_ended;                  /* set to 1 when the main search ended: LPs after it (the
                                          one that maps the incumbent back to the unpresolved
                                          model) are never cut short */
} milpkit_cbc_stop;

/* `cbc_model` is a Cbc_Model * from Cbc_newModel(), with its problem loaded. `stop` must outlive
 * the solve. */
void milpkit_cbc_attach_stop(void *cbc_model, milpkit_cbc_stop *stop);

#ifdef __cplusplus
}
#endif

#endif
