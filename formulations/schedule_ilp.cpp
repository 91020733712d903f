#include "formulations/schedule_ilp.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include "formulations/reachability.h"

namespace respect {

namespace {

constexpr double kMiB = 1048576.0;

// A linear expression over columns plus a constant; z entries may be fixed.
class Lin {
 public:
  void AddCol(int col, double coef) {
    if (coef != 0.0) terms_.emplace_back(col, coef);
  }
  void AddConst(double c) { constant_ += c; }
  // z reference: a column, or kFixedZero / kFixedOne.
  void AddZ(int zref, double coef) {
    if (zref == IlpModel::kFixedOne) constant_ += coef;
    else if (zref >= 0) AddCol(zref, coef);
  }
  void Add(const Lin& other, double scale) {
    for (const auto& t : other.terms_) AddCol(t.first, t.second * scale);
    constant_ += other.constant_ * scale;
  }
  // Merges repeated columns and drops zeros.
  void Normalize() {
    std::sort(terms_.begin(), terms_.end());
    std::vector<std::pair<int, double>> out;
    for (const auto& t : terms_) {
      if (!out.empty() && out.back().first == t.first) out.back().second += t.second;
      else out.push_back(t);
    }
    out.erase(std::remove_if(out.begin(), out.end(), [](const auto& t) { return t.second == 0.0; }),
              out.end());
    terms_ = std::move(out);
  }
  bool is_constant() const { return terms_.empty(); }
  double constant() const { return constant_; }
  const std::vector<std::pair<int, double>>& terms() const { return terms_; }

 private:
  std::vector<std::pair<int, double>> terms_;
  double constant_ = 0.0;
};

class Builder {
 public:
  explicit Builder(IlpModel* ilp) : ilp_(ilp) {}

  // lb <= expr <= ub. A constant expression is checked, not added; a
  // violated one records `why` as the reason the model is infeasible.
  void AddRow(Lin expr, double lb, double ub, const std::string& name, const std::string& why) {
    expr.Normalize();
    const double c = expr.constant();
    if (expr.is_constant()) {
      const double tol = 1e-9 * (1.0 + std::fabs(c));
      if ((lb > -kMilpInf && c < lb - tol) || (ub < kMilpInf && c > ub + tol)) {
        if (infeasible_.empty()) infeasible_ = why;
      }
      return;
    }
    std::vector<int> idx;
    std::vector<double> val;
    for (const auto& t : expr.terms()) {
      idx.push_back(t.first);
      val.push_back(t.second);
    }
    ilp_->milp.AddRow(std::move(idx), std::move(val), lb == -kMilpInf ? lb : lb - c,
                      ub == kMilpInf ? ub : ub - c, name);
  }
  const std::string& infeasible() const { return infeasible_; }

 private:
  IlpModel* ilp_;
  std::string infeasible_;
};

std::string Num(int v) { return std::to_string(v); }

}  // namespace

namespace {
// FullWindows from a transitive closure the caller already has.
Windows FullWindowsFrom(const Problem& problem, const Reachability& reach) {
  const int n = problem.g().size();
  const int S = problem.stages;
  Windows w;
  w.lo.assign(n, 0);
  w.hi.assign(n, S - 1);
  if (problem.constraints.nonempty_stages && S > 1) {
    // The stages after s(v) need operators that are neither v nor its
    // ancestors; the stages before it, operators that are neither v nor its
    // descendants.
    const Graph& g = problem.g();
    const int ops = g.num_operators();
    for (int v = 0; v < n; ++v) {
      const int self = g.is_operator(v) ? 1 : 0;
      w.lo[v] = std::max(0, S - 1 - ops + self + reach.num_ancestor_operators(v));
      w.hi[v] = std::min(S - 1, ops - self - reach.num_descendant_operators(v));
    }
  }
  return w;
}
}  // namespace

Windows FullWindows(const Problem& problem) {
  const int S = problem.stages;
  if (!(problem.constraints.nonempty_stages && S > 1)) {
    const int n = problem.g().size();
    return Windows{std::vector<int>(n, 0), std::vector<int>(n, S - 1)};
  }
  return FullWindowsFrom(problem, Reachability(problem.g()));
}

Windows IncumbentWindows(const Problem& problem, double objective) {
  double m = objective;
  if (problem.constraints.max_stage_param_bytes > 0)
    m = std::min(m, static_cast<double>(problem.constraints.max_stage_param_bytes));
  if (problem.objective.kind != ObjectiveKind::kMemoryComm || !std::isfinite(m) || m <= 0)
    return FullWindows(problem);
  const Graph& g = problem.g();
  const int S = problem.stages;
  const Reachability reach(g, /*with_param_sums=*/true);
  Windows w = FullWindowsFrom(problem, reach);
  // A hair of slack so that rounding never drops the incumbent itself.
  const double mm = m * (1 + 1e-12);
  for (int v = 0; v < g.size(); ++v) {
    const double p = static_cast<double>(g.node(v).param_bytes);
    const double a = p + static_cast<double>(reach.ancestor_param_bytes(v));
    const double d = p + static_cast<double>(reach.descendant_param_bytes(v));
    w.lo[v] = std::max(w.lo[v], static_cast<int>(std::ceil(a / mm)) - 1);
    w.hi[v] = std::min(w.hi[v], S - static_cast<int>(std::ceil(d / mm)));
  }
  return w;
}

StatusOr<Windows> TightenWindows(const Problem& problem, const Windows& windows) {
  const Graph& g = problem.g();
  const int n = g.size();
  if (static_cast<int>(windows.lo.size()) != n || static_cast<int>(windows.hi.size()) != n)
    return Status::Invalid("windows have " + std::to_string(windows.lo.size()) + "/" +
                           std::to_string(windows.hi.size()) + " entries for " + std::to_string(n) +
                           " nodes");
  Windows w = FullWindows(problem);
  for (int v = 0; v < n; ++v) {
    w.lo[v] = std::max(w.lo[v], windows.lo[v]);
    w.hi[v] = std::min(w.hi[v], windows.hi[v]);
  }
  const std::vector<int>& topo = g.topo_order();
  for (int u : topo)
    for (int c : g.children(u)) w.lo[c] = std::max(w.lo[c], w.lo[u]);
  for (int i = n - 1; i >= 0; --i) {
    const int u = topo[i];
    for (int c : g.children(u)) w.hi[u] = std::min(w.hi[u], w.hi[c]);
  }
  for (int v = 0; v < n; ++v)
    if (w.lo[v] > w.hi[v])
      return Status::Infeasible("the stage windows leave node '" + g.node(v).name +
                                "' no stage (needs >= " + std::to_string(w.lo[v]) + " and <= " +
                                std::to_string(w.hi[v]) + " given its ancestors and descendants)");
  return w;
}

bool WithinWindows(const Windows& windows, const Schedule& schedule) {
  if (windows.lo.size() != schedule.stage.size() || windows.hi.size() != schedule.stage.size()) return false;
  for (size_t v = 0; v < schedule.stage.size(); ++v)
    if (schedule.stage[v] < windows.lo[v] || schedule.stage[v] > windows.hi[v]) return false;
  return true;
}

StatusOr<IlpModel> BuildScheduleIlp(const Problem& problem, const Windows* windows) {
  RESPECT_RETURN_IF_ERROR(problem.Validate());
  const Graph& g = problem.g();
  const int n = g.size();
  const int S = problem.stages;
  const bool latency = problem.objective.kind == ObjectiveKind::kLatency;
  const CommModel cm = problem.objective.comm_model;
  if (latency && (!(problem.edgetpu.macs_per_s > 0) || !(problem.edgetpu.link_bytes_per_s > 0) ||
                  !(problem.edgetpu.offchip_bytes_per_s > 0)))
    return Status::Invalid("latency objective needs positive macs_per_s, link_bytes_per_s and offchip_bytes_per_s");

  IlpModel ilp;
  ilp.problem = problem;
  ilp.milp.name = g.name().empty() ? "schedule" : g.name();
  if (windows) {
    auto w = TightenWindows(problem, *windows);
    if (!w.ok()) return w.status();
    ilp.windows = std::move(*w);
  } else {
    auto w = TightenWindows(problem, FullWindows(problem));
    if (!w.ok()) return w.status();
    ilp.windows = std::move(*w);
  }
  const std::vector<int>& lo = ilp.windows.lo;
  const std::vector<int>& hi = ilp.windows.hi;
  Reachability reach(g);
  Builder b(&ilp);
  MilpModel& m = ilp.milp;

  // --- z columns: z[v][k] free only for lo[v] <= k < hi[v].
  ilp.z.assign(n, std::vector<int>(std::max(0, S - 1), IlpModel::kFixedZero));
  for (int v = 0; v < n; ++v)
    for (int k = 0; k + 1 < S; ++k) {
      if (k < lo[v]) ilp.z[v][k] = IlpModel::kFixedZero;
      else if (k >= hi[v]) ilp.z[v][k] = IlpModel::kFixedOne;
      else ilp.z[v][k] = m.AddCol(0.0, 1.0, 0.0, true, "z_v" + Num(v) + "_k" + Num(k));
    }
  auto Z = [&](int v, int k) -> int {
    if (k < 0) return IlpModel::kFixedZero;
    if (k >= S - 1) return IlpModel::kFixedOne;
    return ilp.z[v][k];
  };
  // x[v][k] = [s(v) = k] = z[v][k] - z[v][k-1]
  auto AddX = [&](Lin* e, int v, int k, double coef) {
    e->AddZ(Z(v, k), coef);
    e->AddZ(Z(v, k - 1), -coef);
  };

  // --- Monotonicity and precedence.
  for (int v = 0; v < n; ++v)
    for (int k = lo[v]; k + 1 < hi[v]; ++k) {
      Lin e;
      e.AddZ(Z(v, k), 1.0);
      e.AddZ(Z(v, k + 1), -1.0);
      b.AddRow(std::move(e), -kMilpInf, 0.0, "mono_v" + Num(v) + "_k" + Num(k), "");
    }
  for (const Edge& ed : reach.ReducedEdges(g)) {
    const int u = ed.src, w = ed.dst;
    for (int k = 0; k + 1 < S; ++k) {
      Lin e;
      e.AddZ(Z(w, k), 1.0);
      e.AddZ(Z(u, k), -1.0);
      b.AddRow(std::move(e), -kMilpInf, 0.0, "prec_v" + Num(u) + "_v" + Num(w) + "_k" + Num(k),
               "edge " + g.node(u).name + " -> " + g.node(w).name + " cannot be kept forward within the windows");
    }
  }

  // --- children_same_stage: every consumer of u in the stage of the first.
  if (problem.constraints.children_same_stage) {
    for (int u = 0; u < n; ++u) {
      const std::vector<int>& ch = g.children(u);
      for (size_t i = 1; i < ch.size(); ++i)
        for (int k = 0; k + 1 < S; ++k) {
          Lin e;
          e.AddZ(Z(ch[i], k), 1.0);
          e.AddZ(Z(ch[0], k), -1.0);
          b.AddRow(std::move(e), 0.0, 0.0, "same_v" + Num(u) + "_c" + Num(static_cast<int>(i)) + "_k" + Num(k),
                   "the consumers of '" + g.node(u).name + "' cannot share a stage within the windows");
        }
    }
  }

  // --- Non-empty stages.
  if (problem.constraints.nonempty_stages) {
    for (int k = 0; k < S; ++k) {
      Lin e;
      for (int v = 0; v < n; ++v)
        if (g.is_operator(v) && lo[v] <= k && k <= hi[v]) AddX(&e, v, k, 1.0);
      b.AddRow(std::move(e), 1.0, kMilpInf, "nonempty_k" + Num(k),
               "no operator node can be placed in stage " + std::to_string(k) + " within the windows");
    }
  }

  // --- Stage parameter bytes P_k (MiB).
  std::vector<Lin> P(S);
  for (int k = 0; k < S; ++k)
    for (int v = 0; v < n; ++v)
      if (g.node(v).param_bytes > 0 && lo[v] <= k && k <= hi[v])
        AddX(&P[k], v, k, static_cast<double>(g.node(v).param_bytes) / kMiB);
  const int64_t cap = problem.constraints.max_stage_param_bytes;

  // --- Crossing bytes X_k (MiB), as expressions.
  std::vector<Lin> X(std::max(0, S - 1));
  double crossing_factor = latency ? 1.0 : problem.objective.comm_weight;  // zero weight: drop y
  if (crossing_factor > 0.0) {
    if (cm == CommModel::kEdge) {
      for (const Edge& ed : g.edges()) {
        const double wt = static_cast<double>(CrossingWeight(g.node(ed.src), cm)) / kMiB;
        if (wt == 0.0) continue;
        for (int k = 0; k + 1 < S; ++k) {
          X[k].AddZ(Z(ed.src, k), wt);
          X[k].AddZ(Z(ed.dst, k), -wt);
        }
      }
    } else {
      for (int u = 0; u < n; ++u) {
        const double wt = static_cast<double>(CrossingWeight(g.node(u), cm)) / kMiB;
        if (wt == 0.0 || g.children(u).empty()) continue;
        std::vector<int> last = reach.LatestChildren(g, u);
        if (problem.constraints.children_same_stage) last.resize(1);
        for (int k = 0; k + 1 < S; ++k) {
          const int zu = Z(u, k);
          if (zu == IlpModel::kFixedZero) continue;  // u is after boundary k
          // Consumers that may still be after boundary k.
          std::vector<int> open;
          bool surely = false;
          for (int w : last) {
            const int zw = Z(w, k);
            if (zw == IlpModel::kFixedOne) continue;
            if (zw == IlpModel::kFixedZero) surely = true;
            open.push_back(w);
          }
          if (open.empty()) continue;
          if (surely && zu == IlpModel::kFixedOne) {
            X[k].AddConst(wt);
            continue;
          }
          if (surely) {
            // Some consumer is surely after k: crossing = z[u][k].
            X[k].AddZ(zu, wt);
            continue;
          }
          if (open.size() == 1) {
            // One consumer may be last: crossing = z[u][k] - z[w][k] exactly.
            X[k].AddZ(zu, wt);
            X[k].AddZ(Z(open[0], k), -wt);
            continue;
          }
          const int y = m.AddCol(0.0, 1.0, 0.0, false, "y_v" + Num(u) + "_k" + Num(k));
          ++ilp.num_crossing_cols;
          ilp.aux_cols.push_back(y);
          for (int w : open) {
            Lin e;
            e.AddCol(y, 1.0);
            e.AddZ(zu, -1.0);
            e.AddZ(Z(w, k), 1.0);
            b.AddRow(std::move(e), 0.0, kMilpInf, "cross_v" + Num(u) + "_v" + Num(w) + "_k" + Num(k), "");
          }
          X[k].AddCol(y, wt);
        }
      }
    }
  }

  if (!latency) {
    // --- memory_comm: min Mpeak + w * sum_k X_k (MiB).
    const double max_p = static_cast<double>(g.max_param_bytes()) / kMiB;
    const double ub = cap > 0 ? static_cast<double>(cap) / kMiB : kMilpInf;
    ilp.peak_col = m.AddCol(max_p, ub, 1.0, false, "Mpeak");
    ilp.aux_cols.push_back(ilp.peak_col);
    for (int k = 0; k < S; ++k) {
      Lin e = P[k];
      e.AddCol(ilp.peak_col, -1.0);
      b.AddRow(std::move(e), -kMilpInf, 0.0, "mem_k" + Num(k), "");
    }
    Lin objective;
    for (int k = 0; k + 1 < S; ++k) objective.Add(X[k], problem.objective.comm_weight);
    objective.Normalize();
    for (const auto& t : objective.terms()) m.cols[t.first].obj += t.second;
    m.obj_offset = objective.constant();
    ilp.objective_scale = kMiB;
    const double cw = problem.objective.comm_weight;
    if (cw == std::floor(cw) && cw < 1e6) m.objective_step = 1.0 / kMiB;  // integer bytes
  } else {
    // --- latency: min T, T >= T_k. Time unit: a power of ten with the upper
    // estimate t_upper in [1000, 10000) units, so solver tolerances
    // (1e-7..1e-5 absolute) stay far below 1e-6 of T.
    const EdgeTpuParams& tp = problem.edgetpu;
    double total_macs = 0, total_out = 0;
    for (const Node& nd : g.nodes()) {
      total_macs += static_cast<double>(nd.macs);
      total_out += static_cast<double>(CrossingWeight(nd, cm));
    }
    const double total_params = static_cast<double>(g.total_param_bytes());
    const double t_upper = total_macs / tp.macs_per_s + total_params / tp.offchip_bytes_per_s +
                           2.0 * total_out * std::max(1, g.max_in_degree()) / tp.link_bytes_per_s;
    double unit = 1e-3;
    if (t_upper > 0) unit = std::pow(10.0, std::floor(std::log10(t_upper)) - 3);
    ilp.objective_scale = unit;
    if (cap > 0)
      for (int k = 0; k < S; ++k)
        b.AddRow(P[k], -kMilpInf, static_cast<double>(cap) / kMiB, "cap_k" + Num(k),
                 "stage " + std::to_string(k) + " cannot stay under max_stage_param_bytes within the windows");
    ilp.offchip_col.assign(S, -1);
    const bool can_spill = total_params > static_cast<double>(tp.sram_bytes);
    ilp.period_col = m.AddCol(0.0, kMilpInf, 1.0, false, "T");
    std::vector<int> oc(S, -1);
    if (can_spill) {
      for (int k = 0; k < S; ++k) {
        oc[k] = m.AddCol(0.0, kMilpInf, 0.0, false, "o_k" + Num(k));
        ilp.offchip_col[k] = oc[k];
        ilp.aux_cols.push_back(oc[k]);
        Lin e;
        e.AddCol(oc[k], 1.0);
        e.Add(P[k], -1.0);
        b.AddRow(std::move(e), -static_cast<double>(tp.sram_bytes) / kMiB, kMilpInf, "offchip_k" + Num(k), "");
      }
    }
    ilp.aux_cols.push_back(ilp.period_col);
    const double c_macs = 1.0 / tp.macs_per_s / unit;
    const double c_off = kMiB / tp.offchip_bytes_per_s / unit;
    const double c_link = kMiB / tp.link_bytes_per_s / unit;
    for (int k = 0; k < S; ++k) {
      Lin e;
      e.AddCol(ilp.period_col, 1.0);
      for (int v = 0; v < n; ++v)
        if (g.node(v).macs > 0 && lo[v] <= k && k <= hi[v])
          AddX(&e, v, k, -c_macs * static_cast<double>(g.node(v).macs));
      if (oc[k] >= 0) e.AddCol(oc[k], -c_off);
      if (k > 0) e.Add(X[k - 1], -c_link);
      if (k + 1 < S) e.Add(X[k], -c_link);
      b.AddRow(std::move(e), 0.0, kMilpInf, "period_k" + Num(k), "");
    }
  }
  if (!b.infeasible().empty()) return Status::Infeasible(b.infeasible());
  return ilp;
}

Schedule DecodeSchedule(const IlpModel& ilp, const std::vector<double>& values) {
  const int n = static_cast<int>(ilp.z.size());
  const int S = ilp.stages();
  Schedule s;
  s.stage.assign(n, S - 1);
  for (int v = 0; v < n; ++v) {
    int ones = 0;
    for (int k = 0; k + 1 < S; ++k) {
      const int zr = ilp.z[v][k];
      bool one = zr == IlpModel::kFixedOne ||
                 (zr >= 0 && zr < static_cast<int>(values.size()) && values[zr] > 0.5);
      ones += one ? 1 : 0;
    }
    s.stage[v] = S - 1 - ones;
  }
  return s;
}

std::vector<double> EncodeStart(const IlpModel& ilp, const Schedule& schedule) {
  const MilpModel& m = ilp.milp;
  std::vector<double> x(m.num_cols(), 0.0);
  const int n = static_cast<int>(ilp.z.size());
  for (int v = 0; v < n && v < static_cast<int>(schedule.stage.size()); ++v)
    for (int k = 0; k < static_cast<int>(ilp.z[v].size()); ++k)
      if (ilp.z[v][k] >= 0) x[ilp.z[v][k]] = schedule.stage[v] <= k ? 1.0 : 0.0;
  // Each auxiliary column at the least value its rows allow, in order.
  std::vector<std::vector<int>> rows_of(m.num_cols());
  std::vector<char> is_aux(m.num_cols(), 0);
  for (int c : ilp.aux_cols) is_aux[c] = 1;
  for (int r = 0; r < m.num_rows(); ++r)
    for (int c : m.rows[r].idx)
      if (is_aux[c]) rows_of[c].push_back(r);
  for (int c : ilp.aux_cols) {
    double need = m.cols[c].lb;
    for (int r : rows_of[c]) {
      const MilpModel::Row& row = m.rows[r];
      double a = 0.0, rest = 0.0;
      for (size_t i = 0; i < row.idx.size(); ++i) {
        if (row.idx[i] == c) a = row.val[i];
        else rest += row.val[i] * x[row.idx[i]];
      }
      if (a > 0 && row.lb > -kMilpInf) need = std::max(need, (row.lb - rest) / a);
      if (a < 0 && row.ub < kMilpInf) need = std::max(need, (row.ub - rest) / a);
    }
    x[c] = need;
  }
  return x;
}

}  // namespace respect
