// The solver boundary: a plain MILP model (data only, no solver headers) and a
// value-type result. formulations/ fills MilpModel; solver/ solves it.
//
// Contract: MilpSolver::Solve is stateless with respect to the model (it may be
// called repeatedly and concurrently on distinct solver objects); it never
// throws — Coin/Cbc exceptions are caught and returned as a Status.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"

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
  Status Validate() const;  // index ranges, lb <= ub, finite coefficients
};

struct MilpOptions {
  double time_limit_s = 600.0;
  int threads = 1;
  double relative_gap = 0.0;
  bool verbose = false;
  std::vector<double> mip_start;  // a full column vector, or empty
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
};

class MilpSolver {
 public:
  virtual ~MilpSolver() = default;
  virtual std::string name() const = 0;
  // Status is an error only when the call itself failed (invalid model,
  // solver exception); what the solver found is in MilpResult::status.
  virtual StatusOr<MilpResult> Solve(const MilpModel& model, const MilpOptions& options) = 0;
};

// COIN-OR Cbc through its C++ libraries. Caller owns the returned object.
std::unique_ptr<MilpSolver> MakeCbcSolver();

// Writes the model as CPLEX-LP or MPS (chosen by the path's extension .lp/.mps).
Status WriteModelFile(const MilpModel& model, const std::string& path);

}  // namespace respect
