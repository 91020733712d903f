// constraints.max_stage_activation_bytes and edgetpu.activation_spill in
// the scheduling ILP, by lazy rows (docs/design.md "Activation memory"). The ILP of schedule_ilp.h does not
// model activations; instead the solution is evaluated, and for a stage
// whose peak exceeds the cap a cut is added that excludes every schedule
// with the same reason for that peak, then the model is solved again.
//
// The cut. Let w be the step of the violating stage k where the peak is
// reached, and L a set of tensors live there whose bytes exceed the cap
// (the largest first). With x[v][k] = z[v][k] - z[v][k-1] ("v is in stage
// k"), each tensor of L is live at w in every schedule meeting its literals:
//   * w itself: x[w][k] = 1;
//   * u of stage k: x[u][k] = 1 (u runs no later than w in the run order);
//     if no consumer of u runs at or after w in the run order, u is live
//     only through a consumer c in a later stage: also x[c][k] = 0;
//   * u of an earlier stage, read at or after w by c: x[u][k] = 0, x[c][k] = 1.
// So sum of the literals <= (their count) - 1 cuts off no schedule that
// keeps the cap, and it cuts off the current one. The same literals hold
// for every stage, so the cut is added for every stage k'. Each round cuts
// off the solution found, so the loop ends; its final solution is optimal
// for the capped problem when the solver proves optimality.
#pragma once

#include "core/status.h"
#include "cost/problem.h"
#include "formulations/schedule_ilp.h"
#include "solver/milp.h"

namespace respect {

// Adds the cuts for every stage of `schedule` whose activation peak exceeds
// the cap to ilp->milp; returns how many rows were added (0: no stage
// exceeds it, or there is no cap). Sets *impossible when a cut fixed by the
// windows alone is violated (no schedule within them keeps the cap).
int AddActivationCuts(IlpModel* ilp, const Schedule& schedule, bool* impossible);

// Latency with edgetpu.activation_spill (the ILP's T >= T_k rows leave the
// spill out): for each stage whose true T_k (evaluate()) exceeds `period`
// (the solution's T, seconds), with the literals of all tensors live at its
// peak step (B = A_k bytes), adds for every stage k'
//   T >= (T_k' row without o_k') + (P_k' - sram + B [literals hold]) / offchip_bytes_per_s:
// true T_k' is at least M/macs + X/link + (A_k' + P_k' - sram)/offchip, equal
// when the stage spills, and A_k' >= B where the literals hold; where one
// fails the row is implied by T >= T_k' (o_k' >= P_k' - sram). The solution
// is cut off (its stage k is now priced at its true T_k). Returns the rows
// added (0 without spill or under another objective).
int AddSpillCuts(IlpModel* ilp, const Schedule& schedule, double period);

// solver->Solve on ilp->milp, and while the cap is set and the solution
// breaks it, or the spill is priced and the solution's T is below its
// evaluate() objective: rows (AddActivationCuts, AddSpillCuts), the MIP
// start re-encoded, then solve again within what is left of
// options.time_limit_s. The result is the last solve's, except when the
// time is up or options.stop was requested: a solution breaking the cap becomes kTimeLimit without
// values, one priced low becomes kFeasible at its evaluate() objective
// (the bound stays valid: the rows remove only schedules over the cap and
// raise T to at most its true value); infeasible after cuts names the cap
// in `message`. *rounds counts the extra solves. Errors: the solver's.
StatusOr<MilpResult> SolveWithActivationCuts(MilpSolver* solver, IlpModel* ilp, MilpOptions options, int* rounds);

}  // namespace respect
