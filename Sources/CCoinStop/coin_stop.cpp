// The Cbc_Model and Clp_Simplex structures are published by Coin_C_defines.h for C++ code that
// defines CBC_EXTERN_C and CLP_EXTERN_C.
#define CBC_EXTERN_C
#define CLP_EXTERN_C
#include <coin/CbcEventHandler.hpp>
#include <coin/CbcModel.hpp>
#include <coin/CbcSolver.hpp>
#include <coin/ClpEventHandler.hpp>
#include <coin/ClpSimplex.hpp>
#include <coin/OsiClpSolverInterface.hpp>
#include <coin/Coin_C_defines.h>

#include "milpkit_coin_stop.h"

#include <cstring>

namespace {

bool shouldStop(milpkit_coin_stop *stop, int where) {
    if (!stop->should_stop(stop->context, where)) return false;
    stop->fired = 1;
    return true;
}

// Branch and bound: CBC copies the model (and clones this handler) for its search.
class SearchStop : public CbcEventHandler {
public:
    explicit SearchStop(milpkit_coin_stop *stop) : stop_(stop) {}
    CbcAction event(CbcEvent which) override {
        reportIncumbent();
        if (which == node || which == treeStatus) reportProgress();
        if (which == endSearch && model_ != nullptr && model_->parentModel() == nullptr) stop_->search_ended = 1;
        if (stop_->search_ended) return noAction;
        alignTimeLimit();
        // Return `stop` only at events where it means "end the search" (solution events would read
        // it as a verdict on the solution).
        switch (which) {
        case node: case treeStatus: case afterHeuristic: case heuristicPass: case smallBranchAndBound:
            return shouldStop(stop_, MILPKIT_COIN_SEARCH) ? stop : noAction;
        default:
            return noAction;
        }
    }
    CbcEventHandler *clone() const override { return new SearchStop(*this); }
private:
    milpkit_coin_stop *stop_;
    int solutions_ = 0;

    // A new incumbent shows in the solution count at the events after it was accepted. Heuristics'
    // sub-searches (models with a parent) have incumbents of their own sub-problems: skipped.
    void reportIncumbent() {
        if (model_ == nullptr || model_->parentModel() != nullptr || model_->solver() == nullptr) return;
        const int count = model_->getSolutionCount();
        if (count == solutions_ || model_->bestSolution() == nullptr) return;
        solutions_ = count;
        if (stop_->incumbent != nullptr && model_->getNumCols() == stop_->incumbent_columns) {
            std::memcpy(stop_->incumbent, model_->bestSolution(), sizeof(double) * stop_->incumbent_columns);
            stop_->incumbent_kept = 1;
        }
        if (stop_->on_incumbent == nullptr) return;
        stop_->on_incumbent(stop_->context, incumbentValue());
        reportProgress();
    }

    // The incumbent's objective in minimization form (CBC's preprocessed copy of a maximization
    // minimizes the negated objective, so a sense-adjusted value would flip sign between the
    // copies), computed from the solution: CBC stores a MIP start's value in the model's own sense
    // (CbcSolver's computeCompleteSolution), so getMinimizationObjValue() has the wrong sign for a
    // maximization until the search finds the start again.
    double incumbentValue() const {
        const OsiSolverInterface *solver = model_->solver();
        const double *x = model_->bestSolution(), *c = solver->getObjCoefficients();
        double offset = 0.0, value = 0.0;
        solver->getDblParam(OsiObjOffset, offset);
        for (int j = 0; j < solver->getNumCols(); ++j) value += c[j] * x[j];
        return solver->getObjSense() * (value - offset);
    }

    // The root's cut loop, the heuristics and their sub-searches consult no event, only CBC's own
    // time limit (CbcModel::maximumSecondsReached): keep it at the stop's deadline, on each model's
    // own clock (it has passed once a stop is requested). The main model's limit is set outright
    // (with preprocessing, CBC takes the preprocessing time off it twice); a heuristic's sub-search
    // keeps its own when that is earlier. (Of the 9.5 s a window of n500 ran past its limit, 2.4 s
    // were in the root's dive heuristic.)
    void alignTimeLimit() {
        if (stop_->seconds_left == nullptr || model_ == nullptr) return;
        const double left = stop_->seconds_left(stop_->context);
        if (left >= 1e12) return;  // no deadline and no interrupt
        for (CbcModel *m = model_; m != nullptr; m = m->parentModel()) {
            const double limit = m->getCurrentSeconds() + left;
            if (m->parentModel() == nullptr || limit < m->getMaximumSeconds()) m->setMaximumSeconds(limit);
        }
    }

    void reportProgress() {
        if (stop_->on_progress == nullptr || model_ == nullptr || model_->parentModel() != nullptr
            || model_->solver() == nullptr) return;
        const bool incumbent = model_->bestSolution() != nullptr;
        // getBestPossibleObjValue() is in the solver's sense: times that sense, minimization form.
        stop_->on_progress(stop_->context, incumbent ? 1 : 0, incumbent ? incumbentValue() : 0.0,
                           model_->getBestPossibleObjValue() * model_->solver()->getObjSense(),
                           model_->getNodeCount() + model_->getExtraNodeCount());
    }
};

// Simplex iterations of every LP CBC solves (the root LP included).
class SimplexStop : public ClpEventHandler {
public:
    explicit SimplexStop(milpkit_coin_stop *stop) : stop_(stop) {}
    int event(Event which) override {
        // Every 8th iteration only: the check reads the clock, and B&B runs millions of iterations.
        if (which != endOfIteration || (++iterations_ & 7) != 0) return -1;
        if (stop_->on_iteration != nullptr && model_ != nullptr) stop_->on_iteration(stop_->context, model_->numberIterations());
        const bool mayCut = !stop_->search_ended || stop_->incumbent != nullptr;
        return mayCut && shouldStop(stop_, MILPKIT_COIN_SIMPLEX) ? 0 : -1;
    }
    ClpEventHandler *clone() const override { return new SimplexStop(*this); }
private:
    milpkit_coin_stop *stop_;
    unsigned iterations_ = 0;
};

}  // namespace

extern "C" void milpkit_clp_attach_stop(void *clp_model, milpkit_coin_stop *stop) {
    SimplexStop simplex(stop);
    static_cast<Clp_Simplex *>(clp_model)->model_->passInEventHandler(&simplex);  // stores a clone
}

extern "C" void milpkit_cbc_attach_stop(void *cbc_model, milpkit_coin_stop *stop) {
    Cbc_Model *model = static_cast<Cbc_Model *>(cbc_model);
    SearchStop search(stop);
    model->model_->passInEventHandler(&search);  // stores a clone
    OsiClpSolverInterface *lp = dynamic_cast<OsiClpSolverInterface *>(model->model_->solver());
    if (lp != nullptr) {
        SimplexStop simplex(stop);
        lp->getModelPtr()->passInEventHandler(&simplex);  // stores a clone
    }
}
