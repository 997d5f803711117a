#ifndef MILPKIT_COIN_STOP_H
#define MILPKIT_COIN_STOP_H

/* A cooperative stop, and progress reports, for CBC solves started with Cbc_solve() and CLP
 * solves started with Clp_initialSolve().
 *
 * The C interfaces of CBC 2.10 and CLP 1.17 have no way to stop a running solve, and CBC's own
 * time limit is not checked inside the root LP. milpkit_cbc_attach_stop() gives the model event
 * handlers that CBC consults at every branch-and-bound event (node, solution, heuristic pass, cut
 * round) and that its LP solver (Clp) consults at every simplex iteration. When `should_stop`
 * returns nonzero for the search, the solve winds down as after its own limits, keeping the
 * incumbent; when it returns nonzero for a simplex iteration, that LP stops where it is. The same
 * handler reports each new incumbent of the main search (not of heuristics' sub-searches) and the
 * search's state. milpkit_clp_attach_stop() attaches the simplex part to a CLP model. */

#ifdef __cplusplus
extern "C" {
#endif

enum { MILPKIT_COIN_SEARCH = 0, MILPKIT_COIN_SIMPLEX = 1 };

typedef struct {
    /* Polled very often (`where` is MILPKIT_COIN_SEARCH or MILPKIT_COIN_SIMPLEX): keep it cheap. */
    int (*should_stop)(void *context, int where);
    /* Called (when not NULL) at the first search event after the main search's incumbent changed,
     * with its objective value in minimization form (the negated objective of a maximization). */
    void (*on_incumbent)(void *context, double objective);
    /* Called (when not NULL) at every node event of the main search, in minimization form: the
     * incumbent's objective (has_incumbent 0 before the first), the best bound (>= 1e50 in
     * magnitude while unknown), the nodes processed. */
    void (*on_progress)(void *context, int has_incumbent, double incumbent, double bound, int nodes);
    /* Called (when not NULL) with the simplex iterations so far, at every 8th iteration of a CLP
     * solve (not of CBC's LPs). */
    void (*on_iteration)(void *context, int iterations);
    /* Called (when not NULL) at search events: seconds until the search should end (0 once a stop
     * was requested, 1e12 or more for no deadline). CBC's own time limit is kept there, so that
     * the parts of CBC that consult no event (root cut loop, heuristics) end too. */
    double (*seconds_left)(void *context);
    void *context;
    int fired;                         /* set to 1 once should_stop returned nonzero */
    int search_ended;                  /* set to 1 when the main search ended: LPs after it (the
                                          one that maps the incumbent back to the unpresolved
                                          model) are cut short only when `incumbent` is set */
    /* When not NULL (a solve without CBC's preprocessing, whose search has the model's own
     * columns): the main search's incumbent is copied here at the first search event after it
     * changed, when it has `incumbent_columns` values, and `incumbent_kept` is set to 1. Then the
     * LPs after the search (CBC's re-solves of the incumbent and of the relaxation) are cut short
     * too: the copy is the answer. */
    double *incumbent;
    int incumbent_columns;
    int incumbent_kept;
} milpkit_coin_stop;

/* `cbc_model` is a Cbc_Model * from Cbc_newModel(), with its problem loaded. `stop` must outlive
 * the solve. */
void milpkit_cbc_attach_stop(void *cbc_model, milpkit_coin_stop *stop);

/* `clp_model` is a Clp_Simplex * from Clp_newModel(). `should_stop` (with MILPKIT_COIN_SIMPLEX)
 * and `on_iteration` are used. `stop` must outlive the solve. */
void milpkit_clp_attach_stop(void *clp_model, milpkit_coin_stop *stop);

#ifdef __cplusplus
}
#endif

#endif
