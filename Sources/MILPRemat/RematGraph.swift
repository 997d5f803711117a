// Tensor rematerialization (issue 6): computation graphs, the Checkmate MILP, schedules.
