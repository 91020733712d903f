// MilpModel checks and model-file writing (CPLEX-LP through CoinLpIO, MPS
// through CoinMpsIO). No Cbc here; the solver lives in cbc_solver.cpp.
#include "solver/milp.h"

#include <algorithm>
#include <cmath>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unordered_set>

#include "CoinError.hpp"
#include "CoinFinite.hpp"
#include "CoinLpIO.hpp"
#include "CoinMpsIO.hpp"
#include "io/output_guard.h"
#include "solver/coin_arrays.h"
#include "solver/model_names.h"

namespace respect {

namespace {

std::string RowLabel(const MilpModel& m, int r) {
  return m.rows[r].name.empty() ? "row #" + std::to_string(r) : "row '" + m.rows[r].name + "'";
}
std::string ColLabel(const MilpModel& m, int c) {
  return m.cols[c].name.empty() ? "column #" + std::to_string(c)
                                : "column '" + m.cols[c].name + "'";
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  if (s.size() < suffix.size()) return false;
  std::string tail = s.substr(s.size() - suffix.size());
  std::transform(tail.begin(), tail.end(), tail.begin(), [](unsigned char c) { return std::tolower(c); });
  return tail == suffix;
}

// Writes `model` as LP (lp) or MPS to `path` directly.
Status WriteCoinFile(const MilpModel& model, const std::string& path, bool lp);

// The bounds of a column or row (what() names it, in the MILP `model`): no
// NaN, lb <= ub, neither infinite on the wrong side.
template <class What>
Status CheckBounds(double lb, double ub, const std::string& model, What what) {
  if (std::isnan(lb) || std::isnan(ub)) return Status::Invalid("MILP '" + model + "': " + what() + " has a NaN bound");
  if (lb > ub)
    return Status::Invalid("MILP '" + model + "': " + what() + " has lb " + std::to_string(lb) + " > ub " +
                           std::to_string(ub));
  if (lb == kMilpInf || ub == -kMilpInf)
    return Status::Invalid("MILP '" + model + "': " + what() + " has an infinite bound on the wrong side");
  return Status::Ok();
}

}  // namespace

Status MilpModel::Validate() const {
  const int nc = num_cols();
  if (!std::isfinite(obj_offset)) return Status::Invalid("MILP '" + name + "': objective offset is not finite");
  if (!(objective_step >= 0.0) || !std::isfinite(objective_step))
    return Status::Invalid("MILP '" + name + "': objective_step must be finite and >= 0");
  for (int c = 0; c < nc; ++c) {
    const Column& col = cols[c];
    RESPECT_RETURN_IF_ERROR(CheckBounds(col.lb, col.ub, name, [&] { return ColLabel(*this, c); }));
    if (!std::isfinite(col.obj))
      return Status::Invalid("MILP '" + name + "': " + ColLabel(*this, c) + " has a non-finite objective coefficient");
    if (col.integer && std::isfinite(col.lb) && std::isfinite(col.ub) &&
        std::ceil(col.lb - 1e-9) > std::floor(col.ub + 1e-9))
      return Status::Invalid("MILP '" + name + "': integer " + ColLabel(*this, c) +
                             " has no integer value in [" + std::to_string(col.lb) + ", " +
                             std::to_string(col.ub) + "]");
  }
  std::vector<int> seen(nc, -1);
  for (int r = 0; r < num_rows(); ++r) {
    const Row& row = rows[r];
    if (row.idx.size() != row.val.size())
      return Status::Invalid("MILP '" + name + "': " + RowLabel(*this, r) + " has " +
                             std::to_string(row.idx.size()) + " indices but " +
                             std::to_string(row.val.size()) + " coefficients");
    RESPECT_RETURN_IF_ERROR(CheckBounds(row.lb, row.ub, name, [&] { return RowLabel(*this, r); }));
    for (size_t i = 0; i < row.idx.size(); ++i) {
      const int c = row.idx[i];
      if (c < 0 || c >= nc)
        return Status::Invalid("MILP '" + name + "': " + RowLabel(*this, r) + " refers to column " +
                               std::to_string(c) + " of " + std::to_string(nc));
      if (!std::isfinite(row.val[i]))
        return Status::Invalid("MILP '" + name + "': " + RowLabel(*this, r) + " has a non-finite coefficient");
      if (seen[c] == r)
        return Status::Invalid("MILP '" + name + "': " + RowLabel(*this, r) + " repeats " + ColLabel(*this, c));
      seen[c] = r;
    }
  }
  return Status::Ok();
}

double MilpModel::ObjectiveOf(const std::vector<double>& x) const {
  double s = obj_offset;
  for (int c = 0; c < num_cols() && c < static_cast<int>(x.size()); ++c) s += cols[c].obj * x[c];
  return s;
}

double MilpModel::MaxViolation(const std::vector<double>& x, std::string* where) const {
  double worst = 0.0;
  auto note = [&](double v, const std::string& what) {
    if (v > worst) {
      worst = v;
      if (where) *where = what;
    }
  };
  if (static_cast<int>(x.size()) != num_cols()) {
    if (where) *where = "vector has " + std::to_string(x.size()) + " entries for " + std::to_string(num_cols()) + " columns";
    return kMilpInf;
  }
  for (int c = 0; c < num_cols(); ++c) {
    if (!std::isfinite(x[c])) { note(kMilpInf, ColLabel(*this, c) + " is not finite"); continue; }
    note(cols[c].lb - x[c], ColLabel(*this, c) + " below its lower bound");
    note(x[c] - cols[c].ub, ColLabel(*this, c) + " above its upper bound");
    if (cols[c].integer) note(std::fabs(x[c] - std::round(x[c])), ColLabel(*this, c) + " fractional");
  }
  for (int r = 0; r < num_rows(); ++r) {
    double a = 0.0;
    for (size_t i = 0; i < rows[r].idx.size(); ++i) a += rows[r].val[i] * x[rows[r].idx[i]];
    note(rows[r].lb - a, RowLabel(*this, r) + " below its lower bound");
    note(a - rows[r].ub, RowLabel(*this, r) + " above its upper bound");
  }
  return worst;
}

namespace {

// The columns as the model file has them. Readers disagree on objective
// constants (the cbc program drops an LP constant; MPS puts it on the
// right-hand side with the opposite sign), so a constant is written as a
// column fixed at 1 (`objective_constant`, after the model's columns).
constexpr char kConstantColumn[] = "objective_constant";
std::vector<std::string> FileColumnNames(const MilpModel& model) {
  std::vector<std::string> names = MakeColumnNames(model);
  if (model.obj_offset != 0.0) names.push_back(kConstantColumn);
  return names;
}

// Writes through `write` to a fresh temporary (never an input) renamed into
// place; `what` names the file in errors.
template <class Write>
Status WriteReplacing(const std::string& path, const std::string& what, Write write) {
  RESPECT_RETURN_IF_ERROR(CheckWritable(path));
  const std::string tmp = TempPathFor(path);
  RESPECT_RETURN_IF_ERROR(CheckWritable(tmp));
  Status st = write(tmp);
  if (st.ok() && std::rename(tmp.c_str(), path.c_str()) != 0)
    st = Status::Io("cannot write " + what + " '" + path + "': " + std::strerror(errno));
  if (!st.ok()) std::remove(tmp.c_str());
  return st;
}

}  // namespace

Status WriteModelFile(const MilpModel& model_in, const std::string& path) {
  RESPECT_RETURN_IF_ERROR(model_in.Validate().WithContext("cannot write " + path));
  MilpModel with_const;
  const MilpModel* mp = &model_in;
  if (model_in.obj_offset != 0.0) {
    with_const = model_in;
    with_const.AddCol(1.0, 1.0, model_in.obj_offset, false, kConstantColumn);
    with_const.obj_offset = 0.0;
    mp = &with_const;
  }
  const MilpModel& model = *mp;
  const bool lp = EndsWith(path, ".lp");
  const bool mps = EndsWith(path, ".mps");
  if (!lp && !mps) return Status::Invalid("model file '" + path + "' must end in .lp or .mps");
  return WriteReplacing(path, "model file", [&](const std::string& tmp) { return WriteCoinFile(model, tmp, lp); });
}

Status WriteMipStartFile(const MilpModel& model, const std::vector<double>& values, const std::string& path) {
  RESPECT_RETURN_IF_ERROR(model.Validate().WithContext("cannot write " + path));
  if (!EndsWith(path, ".mst") && !EndsWith(path, ".sol"))
    return Status::Invalid("MIP start file '" + path + "' must end in .mst or .sol");
  if (static_cast<int>(values.size()) != model.num_cols())
    return Status::Invalid("MIP start for '" + path + "' has " + std::to_string(values.size()) + " values for " +
                           std::to_string(model.num_cols()) + " columns");
  for (int c = 0; c < model.num_cols(); ++c)
    if (!std::isfinite(values[c]))
      return Status::Invalid("MIP start for '" + path + "': " + ColLabel(model, c) + " is not finite");
  const std::vector<std::string> names = FileColumnNames(model);
  return WriteReplacing(path, "MIP start file", [&](const std::string& tmp) {
    FILE* f = std::fopen(tmp.c_str(), "w");
    if (!f) return Status::Io("cannot write MIP start file '" + path + "': " + std::strerror(errno));
    // Cbc reads the lines whose first word starts with a digit: the header
    // (and anything else starting with a letter) is skipped. Its numbers
    // admit digits, '.', '-', '+' and 'e' only: %.17g of a finite double.
    bool ok = std::fprintf(f, "respect-opt MIP start - objective value %.17g\n", model.ObjectiveOf(values)) > 0;
    for (size_t c = 0; ok && c < names.size(); ++c) {
      const double v = c < values.size() ? values[c] : 1.0;  // past the model's columns: the constant
      ok = std::fprintf(f, "%zu %s %.17g\n", c, names[c].c_str(), v == 0.0 ? 0.0 : v) > 0;
    }
    ok = std::fclose(f) == 0 && ok;
    return ok ? Status::Ok() : Status::Io("cannot write MIP start file '" + path + "'");
  });
}

namespace {

Status WriteCoinFile(const MilpModel& model, const std::string& path, bool lp) {
  try {
    const int nc = model.num_cols(), nr = model.num_rows();
    const CoinArrays arr = ToCoinArrays(model, /*extra_constant_col=*/false);  // the constant is a column already
    const std::vector<std::string> cnames = MakeColumnNames(model);
    const std::vector<std::string> rnames = MakeRowNames(model);
    std::vector<const char*> cptr(nc), rptr(nr + 1);
    for (int c = 0; c < nc; ++c) cptr[c] = cnames[c].c_str();
    for (int r = 0; r < nr; ++r) rptr[r] = rnames[r].c_str();
    const std::string objname = "obj";
    rptr[nr] = objname.c_str();
    int rc = 0;
    if (lp) {
      CoinLpIO io;
      io.messageHandler()->setLogLevel(0);
      io.setLpDataWithoutRowAndColNames(arr.matrix, arr.collb.data(), arr.colub.data(), arr.obj.data(),
                                        arr.integer.data(), arr.rowlb.data(), arr.rowub.data());
      io.setLpDataRowAndColNames(rptr.data(), cptr.data());
      io.setDecimals(15);
      io.setEpsilon(1e-12);
      io.setNumberAcross(8);
      rc = io.writeLp(path.c_str(), true);
    } else {
      CoinMpsIO io;
      io.messageHandler()->setLogLevel(0);
      io.setMpsData(arr.matrix, COIN_DBL_MAX, arr.collb.data(), arr.colub.data(), arr.obj.data(),
                    arr.integer.data(), arr.rowlb.data(), arr.rowub.data(), cptr.data(), rptr.data());
      io.setProblemName(SanitizeName(model.name, "respect").c_str());
      rc = io.writeMps(path.c_str(), 0, 1, 2);  // no compression, extra accuracy
    }
    if (rc != 0) return Status::Io("cannot write model file '" + path + "'");
    // CoinLpIO/CoinMpsIO report open failures only through messages; check.
    if (FILE* f = std::fopen(path.c_str(), "r")) {
      std::fclose(f);
    } else {
      return Status::Io("cannot write model file '" + path + "'");
    }
  } catch (const CoinError& e) {
    return Status::Io("cannot write model file '" + path + "': " + e.message());
  } catch (const std::exception& e) {
    return Status::Io("cannot write model file '" + path + "': " + e.what());
  } catch (...) {
    return Status::Io("cannot write model file '" + path + "': unknown error");
  }
  return Status::Ok();
}

}  // namespace

Status MilpOptions::Validate() const {
  if (!(time_limit_s > 0.0)) return Status::Invalid("solver time limit must be > 0 seconds");
  if (threads < 1) return Status::Invalid("solver threads must be >= 1");
  if (!(relative_gap >= 0.0) || !std::isfinite(relative_gap))
    return Status::Invalid("solver relative gap must be a finite number >= 0");
  if (std::isnan(cutoff) || cutoff == -kMilpInf) return Status::Invalid("solver cutoff must be a number or +inf");
  if (!(stall_s >= 0.0)) return Status::Invalid("solver stall_s must be >= 0 seconds (+inf: never)");
  return Status::Ok();
}

}  // namespace respect
