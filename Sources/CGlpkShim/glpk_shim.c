#include "milpkit_glpk.h"

#include <glpk.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

/* Per-call state, reachable from GLPK's hooks (GLPK itself is per-thread). */
typedef struct {
    jmp_buf jump;
    const milpkit_glpk_problem *problem;
    const milpkit_glpk_options *options;
    milpkit_glpk_result *result;
    char log_tail[512];      /* last lines GLPK printed, for error messages */
    int start_offered;
    double started_ms;       /* glp_time() at the start of the call */
} call_state;

static void append_tail(call_state *s, const char *text) {
    size_t have = strlen(s->log_tail), add = strlen(text), cap = sizeof(s->log_tail) - 1;
    if (add >= cap) { memcpy(s->log_tail, text + add - cap, cap); s->log_tail[cap] = 0; return; }
    if (have + add > cap) {
        size_t drop = have + add - cap;
        memmove(s->log_tail, s->log_tail + drop, have - drop + 1);
        have -= drop;
    }
    memcpy(s->log_tail + have, text, add + 1);
}

static int on_terminal_output(void *info, const char *text) {
    call_state *s = info;
    append_tail(s, text);
    return s->options->log_level > 0 ? 0 : 1; /* 1 = swallow */
}

static void on_error(void *info) {
    call_state *s = info;
    /* The environment is unusable after an error: free it (this frees the problem too). */
    glp_free_env();
    longjmp(s->jump, 1);
}

static int bound_type(double lo, double up) {
    int has_lo = lo > -HUGE_VAL, has_up = up < HUGE_VAL;
    if (has_lo && has_up) return lo == up ? GLP_FX : GLP_DB;
    if (has_lo) return GLP_LO;
    if (has_up) return GLP_UP;
    return GLP_FR;
}

static double finite_or_zero(double v) { return isfinite(v) ? v : 0.0; }

static void on_search_event(glp_tree *tree, void *info) {
    call_state *s = info;
    milpkit_glpk_result *r = s->result;
    const milpkit_glpk_options *o = s->options;
    int best = glp_ios_best_node(tree);
    if (best != 0) r->bound = glp_ios_node_bound(tree, best);

    int reason = glp_ios_reason(tree);
    if (reason == GLP_IBINGO) r->solutions++;
    /* Each subproblem is preprocessed once: count nodes there, and stop before the one past the limit. */
    if (reason == GLP_IPREPRO && ++r->nodes > o->node_limit && o->node_limit >= 0) {
        r->nodes--;
        r->stop_reason = MILPKIT_STOP_NODES;
        glp_ios_terminate(tree);
        return;
    }
    if (o->on_progress != NULL) {
        glp_prob *p = glp_ios_get_prob(tree);
        int has_incumbent = glp_mip_status(p) == GLP_FEAS || glp_mip_status(p) == GLP_OPT;
        o->on_progress(o->stop_context, has_incumbent, has_incumbent ? glp_mip_obj_val(p) : 0.0, r->bound, r->nodes);
    }
    if (reason == GLP_IHEUR && s->problem->start != NULL && !s->start_offered) {
        s->start_offered = 1;
        glp_ios_heur_sol(tree, s->problem->start - 1); /* GLPK reads x[1..n] */
    }
    if (o->should_stop != NULL && o->should_stop(o->stop_context)) {
        r->stop_reason = MILPKIT_STOP_INTERRUPT;
        glp_ios_terminate(tree);
    } else if (o->solution_limit >= 0 && r->solutions >= o->solution_limit) {
        r->stop_reason = MILPKIT_STOP_SOLUTIONS;
        glp_ios_terminate(tree);
    } else if (o->absolute_gap >= 0 && r->solutions > 0 && best != 0) {
        glp_prob *p = glp_ios_get_prob(tree);
        if (fabs(glp_mip_obj_val(p) - r->bound) <= o->absolute_gap) {
            r->stop_reason = MILPKIT_STOP_ABSOLUTE_GAP;
            glp_ios_terminate(tree);
        }
    }
}

static void build(glp_prob *lp, const milpkit_glpk_problem *p) {
    glp_set_obj_dir(lp, p->maximize ? GLP_MAX : GLP_MIN);
    glp_set_obj_coef(lp, 0, p->objective_constant);
    if (p->rows > 0) glp_add_rows(lp, p->rows);
    if (p->cols > 0) glp_add_cols(lp, p->cols);
    for (int i = 0; i < p->rows; i++)
        glp_set_row_bnds(lp, i + 1, bound_type(p->row_lower[i], p->row_upper[i]),
                         finite_or_zero(p->row_lower[i]), finite_or_zero(p->row_upper[i]));
    for (int j = 0; j < p->cols; j++) {
        glp_set_col_bnds(lp, j + 1, bound_type(p->col_lower[j], p->col_upper[j]),
                         finite_or_zero(p->col_lower[j]), finite_or_zero(p->col_upper[j]));
        glp_set_obj_coef(lp, j + 1, p->objective[j]);
        if (p->is_integer[j]) glp_set_col_kind(lp, j + 1, GLP_IV);
    }
    int nonzeros = p->col_starts[p->cols];
    int *ia = glp_alloc(nonzeros + 1, sizeof(int));
    int *ja = glp_alloc(nonzeros + 1, sizeof(int));
    double *ar = glp_alloc(nonzeros + 1, sizeof(double));
    for (int j = 0; j < p->cols; j++)
        for (int k = p->col_starts[j]; k < p->col_starts[j + 1]; k++) {
            ia[k + 1] = p->row_index[k] + 1;
            ja[k + 1] = j + 1;
            ar[k + 1] = p->values[k];
        }
    glp_load_matrix(lp, nonzeros, ia, ja, ar);
    glp_free(ia);
    glp_free(ja);
    glp_free(ar);
}

static int time_limit_ms(double seconds) {
    if (seconds < 0) return 0x7fffffff;
    double ms = seconds * 1000.0;
    return ms > 2e9 ? 0x7fffffff : (int)ms;
}

/* glp_simplex with the interrupt and progress: glp_simplex has no callback, so with a stop or
 * iteration callback it runs in slices of at most 100 ms, each resuming from the basis the last one
 * left, reporting and checking should_stop between them. Returns glp_simplex's code, or GLP_ESTOP
 * (stop_reason MILPKIT_STOP_INTERRUPT) when stopped. The whole keeps parm->tm_lim. */
static int simplex_interruptible(glp_prob *lp, glp_smcp *parm, call_state *s) {
    const milpkit_glpk_options *o = s->options;
    if (o->should_stop == NULL && o->on_iteration == NULL) return glp_simplex(lp, parm);
    const int limit = parm->tm_lim;
    const double started = glp_time();
    for (;;) {
        double left = limit - (glp_time() - started);
        parm->tm_lim = left < 100 ? (left < 1 ? 1 : (int)left) : 100;
        int code = glp_simplex(lp, parm);
        if (code != GLP_ETMLIM || glp_time() - started >= limit) {
            parm->tm_lim = limit;
            return code;
        }
        if (o->on_iteration != NULL) o->on_iteration(o->stop_context, glp_get_it_cnt(lp));
        if (o->should_stop != NULL && o->should_stop(o->stop_context)) {
            parm->tm_lim = limit;
            s->result->stop_reason = MILPKIT_STOP_INTERRUPT;
            return GLP_ESTOP;
        }
    }
}

static void read_lp_solution(glp_prob *lp, const milpkit_glpk_problem *p, milpkit_glpk_result *r) {
    r->objective = glp_get_obj_val(lp);
    for (int j = 0; j < p->cols; j++) {
        r->x[j] = glp_get_col_prim(lp, j + 1);
        r->col_dual[j] = glp_get_col_dual(lp, j + 1);
        r->col_stat[j] = glp_get_col_stat(lp, j + 1);
    }
    for (int i = 0; i < p->rows; i++) {
        r->row_dual[i] = glp_get_row_dual(lp, i + 1);
        r->row_stat[i] = glp_get_row_stat(lp, i + 1);
    }
}

/* glp_intopt's continuous values can violate rows by 1e-4 after its presolve (dsbmip). Fix the
 * integer columns at the incumbent's values and re-solve the LP without presolve: the continuous
 * part then satisfies the rows to simplex tolerances, with an objective no worse than before. */
static void polish(glp_prob *lp, const call_state *s) {
    const milpkit_glpk_problem *p = s->problem;
    milpkit_glpk_result *r = s->result;
    int continuous = 0;
    for (int j = 0; j < p->cols; j++) continuous += !p->is_integer[j];
    if (continuous == 0) return;
    for (int j = 0; j < p->cols; j++)
        if (p->is_integer[j]) glp_set_col_bnds(lp, j + 1, GLP_FX, round(r->x[j]), round(r->x[j]));
    glp_smcp simplex;
    glp_init_smcp(&simplex);
    simplex.msg_lev = GLP_MSG_OFF;
    simplex.presolve = GLP_OFF;
    /* Within what is left of the time limit, but never less than half a second. */
    double left = s->options->time_limit < 0 ? 1e9 : s->options->time_limit * 1000.0 - (glp_time() - s->started_ms);
    simplex.tm_lim = left < 500 ? 500 : (left > 2e9 ? 0x7fffffff : (int)left);
    if (glp_simplex(lp, &simplex) != 0 || glp_get_status(lp) != GLP_OPT) return;
    double objective = glp_get_obj_val(lp);
    double tolerance = 1e-9 * (1 + fabs(r->objective));
    if (p->maximize ? objective < r->objective - tolerance : objective > r->objective + tolerance) return;
    r->objective = objective;
    for (int j = 0; j < p->cols; j++)
        r->x[j] = p->is_integer[j] ? round(r->x[j]) : glp_get_col_prim(lp, j + 1);
}

/* The outcome of glp_intopt: status, incumbent (polished), and the bound when proven optimal. */
static void record_mip(glp_prob *lp, call_state *s) {
    const milpkit_glpk_problem *p = s->problem;
    milpkit_glpk_result *r = s->result;
    r->status = glp_mip_status(lp);
    if (r->status == GLP_OPT || r->status == GLP_FEAS) {
        r->has_solution = 1;
        r->objective = glp_mip_obj_val(lp);
        for (int j = 0; j < p->cols; j++) r->x[j] = glp_mip_col_val(lp, j + 1);
        polish(lp, s);
    }
    if (r->status == GLP_OPT && r->return_code == 0) r->bound = r->objective;
}

static void solve_guarded(glp_prob *lp, call_state *s) {
    const milpkit_glpk_problem *p = s->problem;
    const milpkit_glpk_options *o = s->options;
    milpkit_glpk_result *r = s->result;
    build(lp, p);
    /* As glpsol does by default: models with coefficients far apart (bytes beside unit costs)
     * fail in an unscaled simplex (glp_simplex returned GLP_EFAIL on Checkmate's MILP). The
     * second path is unscaled: scaled, GLPK calls some badly scaled unbounded LPs optimal. */
    if (o->presolve) glp_scale_prob(lp, GLP_SF_AUTO);
    /* The second path starts from the standard basis (all structurals nonbasic, as glpsol --std):
     * from the trivial one, GLPK 5.0 calls some unbounded LPs with free columns optimal. */
    else glp_std_basis(lp);

    glp_smcp simplex;
    glp_init_smcp(&simplex);
    simplex.msg_lev = o->log_level > 0 ? GLP_MSG_ON : GLP_MSG_OFF;
    simplex.tm_lim = time_limit_ms(o->time_limit);

    if (!p->is_mip) {
        r->return_code = simplex_interruptible(lp, &simplex, s);
        r->status = glp_get_status(lp);
        r->primal_status = glp_get_prim_stat(lp);
        r->dual_status = glp_get_dual_stat(lp);
        if (r->return_code == 0 && r->status == GLP_OPT) {
            r->has_solution = 1;
            read_lp_solution(lp, p, r);
        }
        return;
    }

    glp_iocp search;
    glp_init_iocp(&search);
    search.msg_lev = o->log_level > 0 ? GLP_MSG_ON : GLP_MSG_OFF;
    search.tm_lim = time_limit_ms(o->time_limit);
    if (o->relative_gap >= 0) search.mip_gap = o->relative_gap;
    search.cb_func = on_search_event;
    search.cb_info = s;
    if (p->start == NULL && o->presolve) {
        search.presolve = GLP_ON;
    } else {
        /* The start is offered to the original problem (and the second path takes no presolver):
         * solve the root LP first. */
        r->return_code = simplex_interruptible(lp, &simplex, s);
        if (r->return_code != 0 && r->return_code != GLP_ETMLIM && r->return_code != GLP_ESTOP) {
            /* The simplex failed (numerics): leave the start and let the presolver's LP decide. */
            s->start_offered = 1;
            search.presolve = GLP_ON;
            r->return_code = glp_intopt(lp, &search);
            record_mip(lp, s);
            return;
        }
        if (r->return_code != 0 || glp_get_status(lp) != GLP_OPT) {
            r->status = glp_get_status(lp);
            r->primal_status = glp_get_prim_stat(lp);
            r->dual_status = glp_get_dual_stat(lp);
            r->lp_presolve_infeasible = 1;
            return;
        }
        search.presolve = GLP_OFF;
        search.tm_lim = time_limit_ms(o->time_limit); /* glp_intopt has its own clock */
    }
    r->return_code = glp_intopt(lp, &search);
    record_mip(lp, s);
}

void milpkit_glpk_solve(const milpkit_glpk_problem *problem, const milpkit_glpk_options *options,
                        milpkit_glpk_result *result) {
    call_state state;
    memset(&state, 0, sizeof state);
    state.problem = problem;
    state.options = options;
    state.result = result;
    state.started_ms = glp_time();
    result->error = 0;
    result->message[0] = 0;
    result->has_solution = 0;
    result->stop_reason = MILPKIT_STOP_NONE;
    result->nodes = 0;
    result->solutions = 0;
    result->lp_presolve_infeasible = 0;
    result->bound = problem->maximize ? HUGE_VAL : -HUGE_VAL;

    glp_term_hook(on_terminal_output, &state);
    glp_error_hook(on_error, &state);
    if (setjmp(state.jump)) {
        /* on_error freed the environment (and with it the problem and hooks). */
        result->error = 1;
        result->has_solution = 0;
        snprintf(result->message, sizeof result->message, "GLPK error: %s", state.log_tail);
        return;
    }
    glp_prob *lp = glp_create_prob();
    solve_guarded(lp, &state);
    glp_delete_prob(lp);
    glp_error_hook(NULL, NULL);
    glp_term_hook(NULL, NULL);
}

const char *milpkit_glpk_version(void) { return glp_version(); }
