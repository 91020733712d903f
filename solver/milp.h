// The solver boundary: a plain MILP model (data only, no solver headers) and a
// value-type result. formulations/ fills MilpModel; solver/ solves it.
//
// Contract: MilpSolver::Solve is stateless with respect to the model (it may be
// called repeatedly and concurrently on distinct solver objects); it never
// throws — Coin/Cbc exceptions are caught and returned as a Status.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/stop_token.h"

namespace respect {

constexpr double kMilpInf = std::numeric_limits<double>::infinity();

struct MilpModel {
  struct Column {
    double lb = 0.0, ub = kMilpInf, obj = 0.0;
    bool integer = false;
    std::string name;
  };
  struct Row {
    std::vector<int> idx;      // column indices
    std::vector<double> val;   // coefficients
    double lb = -kMilpInf, ub = kMilpInf;
    std::string name;
  };
  std::vector<Column> cols;
  std::vector<Row> rows;
  double obj_offset = 0.0;     // constant added to the objective (minimise)
  std::string name = "respect";
  // Optional: > 0 promises that the objective values (minus obj_offset) of
  // any two feasible points differ by 0 or by at least this much (e.g. integer
  // bytes measured in MiB: 2^-20). The solver may then use a cutoff increment
  // just below it, which is exact and faster than its own default (Cbc's 1e-5
  // would otherwise accept solutions up to 1e-5 above the optimum).
  double objective_step = 0.0;

  int AddCol(double lb, double ub, double obj, bool integer, std::string name) {
    cols.push_back({lb, ub, obj, integer, std::move(name)});
    return static_cast<int>(cols.size()) - 1;
  }
  int AddRow(std::vector<int> idx, std::vector<double> val, double lb, double ub, std::string name) {
    rows.push_back({std::move(idx), std::move(val), lb, ub, std::move(name)});
    return static_cast<int>(rows.size()) - 1;
  }
  int num_cols() const { return static_cast<int>(cols.size()); }
  int num_rows() const { return static_cast<int>(rows.size()); }
  // Index ranges, matching idx/val sizes, no repeated column in a row,
  // lb <= ub, finite coefficients and objective, integer bounds sane.
  Status Validate() const;
  // Objective (incl. offset) of a full column vector; no feasibility check.
  double ObjectiveOf(const std::vector<double>& x) const;
  // Largest violation of a row or column bound (0 if feasible), and the
  // largest distance of an integer column from an integer. x must be full.
  double MaxViolation(const std::vector<double>& x, std::string* where = nullptr) const;
};

// What a solver reports while it runs (objective values incl. offset).
struct MilpProgress {
  double seconds = 0.0;          // since Solve was called
  double incumbent = kMilpInf;   // best known solution (the MIP start counts), +inf if none
  double bound = -kMilpInf;      // best proven lower bound, -inf if none yet
  int64_t nodes = 0;             // branch-and-bound nodes so far
  const char* phase = "";        // "root" (the root LP and cut loop) or "tree"
};

struct MilpOptions {
  // Wall-clock limit of the whole Solve call, root LP, cut loop and
  // heuristics included: the solver returns within a fraction of a second of
  // it (an LP interrupted by the limit proves nothing; see MilpResult).
  double time_limit_s = 600.0;
  int threads = 1;
  double relative_gap = 0.0;
  bool verbose = false;
  std::vector<double> mip_start;  // a full column vector, or empty
  // Objective value (incl. offset) that only strictly better solutions beat:
  // the solver may discard everything at or above it (e.g. the value of a
  // schedule known from elsewhere). +inf = none. When nothing better exists
  // the result is infeasible unless a feasible mip_start is returned.
  double cutoff = kMilpInf;
  // Stop the branch-and-bound tree (status feasible, with the bound so far)
  // once, after finding an incumbent better than the start (any incumbent
  // when there is no start), it has gone max(stall_s, the seconds it took
  // to reach the tree) without a better one; +inf = never. A search that
  // has gained nothing is never stopped by it. Large-neighbourhood search
  // uses it to move on from a window that stopped paying.
  double stall_s = kMilpInf;
  // Called from the solving thread(s) about every half second while the
  // solver runs, and at once when the incumbent improves (never
  // concurrently); may be empty. Must be cheap.
  std::function<void(const MilpProgress&)> progress;
  // Requested from any thread (a user's Ctrl-C, the solve context's token),
  // it ends the solve as its time limit would, within a fraction of a
  // second: the incumbent (or a feasible start) with status feasible, else
  // time_limit, and the bound proven before the request; never optimal
  // unless the proof was complete. MilpResult::stopped says it happened.
  // Default: none.
  StopToken stop;

  // time_limit_s > 0, threads >= 1, relative_gap finite and >= 0, cutoff a
  // number or +inf, stall_s >= 0 (+inf allowed); else InvalidInput naming the
  // field. Solvers call it before they start (mip_start's length is theirs
  // to check: it needs the model).
  Status Validate() const;
};

struct MilpResult {
  SolveStatus status = SolveStatus::kInvalid;
  double objective = kMilpInf;   // best incumbent (incl. offset), +inf if none
  double bound = -kMilpInf;      // best proven lower bound (incl. offset)
  double gap = kMilpInf;         // (objective - bound) / max(1e-9, |objective|)
  double seconds = 0.0;
  int64_t nodes = 0;             // branch-and-bound nodes
  std::vector<double> values;    // incumbent column values (empty if none)
  std::string message;           // solver detail (e.g. why infeasible)
  bool start_given = false;      // options.mip_start was passed to the solver
  bool start_feasible = false;   // ... and it satisfied every row and bound (checked by us)
  double start_objective = kMilpInf;  // its objective (incl. offset), when given
  // The solver itself holds the start as its first incumbent (checked after
  // handing it over; the direct Cbc driver only, the main driver logs it).
  bool start_accepted = false;
  bool stalled = false;  // stopped by MilpOptions::stall_s (status feasible, bound valid)
  bool stopped = false;  // ended by MilpOptions::stop (status feasible or time_limit, bound valid)
};

class MilpSolver {
 public:
  virtual ~MilpSolver() = default;
  virtual std::string name() const = 0;
  // Status is an error only when the call itself failed (invalid model,
  // solver exception); what the solver found is in MilpResult::status.
  virtual StatusOr<MilpResult> Solve(const MilpModel& model, const MilpOptions& options) = 0;
};

// How the Cbc libraries are driven (solver/cbc_solver.h):
//   kMain    CbcMain0/CbcMain1, the `cbc` program's defaults; one solve at a
//            time per process (a lock);
//   kDirect  CbcModel::branchAndBound with a fixed set of cuts and
//            heuristics; solves on distinct solver objects run concurrently.
enum class CbcDriver { kMain, kDirect };

// COIN-OR Cbc through its C++ libraries. Caller owns the returned object.
std::unique_ptr<MilpSolver> MakeCbcSolver(CbcDriver driver = CbcDriver::kMain);

// Writes the model as CPLEX-LP or MPS (chosen by the path's extension .lp/.mps).
// Names are sanitised for LP readers; a nonzero obj_offset is written as a
// column "objective_constant" fixed at 1 (readers disagree on constants), so
// `cbc file.lp -solve` reports the same objective as MilpSolver::Solve.
Status WriteModelFile(const MilpModel& model, const std::string& path);

// Writes `values` (a full column vector of `model`, e.g. MilpOptions::
// mip_start) as a MIP start that the `cbc` program reads with
// `cbc model.lp mipstart start.mst` (Cbc's CbcMipStartIO): a header line
// ("respect-opt MIP start - objective value V"), then one line per column,
// `index name value`, in the names WriteModelFile gives the columns (and
// `objective_constant` at 1 when the model has an objective offset), values
// with 17 significant digits (they read back to the same doubles). The path
// must end in .mst or .sol. Cbc matches the lines by name, so the file
// belongs to the model file written from the same `model`.
// Errors: InvalidInput for a bad model, a vector of the wrong length or with
// a non-finite value, or a bad extension; Io when the file cannot be
// written (a fresh temporary renamed into place, never an input).
Status WriteMipStartFile(const MilpModel& model, const std::vector<double>& values, const std::string& path);

}  // namespace respect
