#include "formulations/schedule_ilp.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <utility>

#include "core/deadline.h"
#include "cost/crossing.h"
#include "cost/pins.h"
#include "formulations/reachability.h"

namespace respect {

namespace {

constexpr double kMiB = 1048576.0;

// memory_comm: the least difference between two objective values, in bytes.
// Stage parameters and crossing weights are whole bytes, so J = Mpeak +
// comm_weight * X moves in whole bytes when comm_weight is whole, and in
// steps of 1/q when comm_weight = p/q for whole p, q (q <= 2^16; e.g. the
// ICML'24 setting comm_weight = 1/ratio). 0 when no such q is found. The
// 1e-12 tolerance only forgives the rounding of p/q to a double.
double ObjectiveGranularity(double cw) {
  if (!(cw >= 0.0) || cw >= 1e6) return 0.0;
  for (int q = 1; q <= 65536; ++q) {
    const double x = cw * q;
    if (std::fabs(x - std::round(x)) <= 1e-12 * std::max(1.0, x)) return 1.0 / q;
  }
  return 0.0;
}

// Bytes per model unit: a MiB, or for memory_comm with a step g below a
// byte, the power of two at or below g MiB, so that the step stays at least
// 2^-20 units, as whole bytes are in MiB: a finer step sinks into the LP
// tolerances (see CbcSolver's cutoff increment).
double ByteUnit(const Problem& problem) {
  if (problem.objective.kind != ObjectiveKind::kMemoryComm) return kMiB;
  const double g = ObjectiveGranularity(problem.objective.comm_weight);
  if (!(g > 0.0) || g >= 1.0) return kMiB;
  return std::max(1.0, std::exp2(std::floor(std::log2(kMiB * g))));
}

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
// Narrows `w` to the pins (constraints.pin) propagated along the edges: a
// pinned node's window is its stage, its ancestors' end there, its
// descendants' start there (cost/pins.h PinBounds).
void ApplyPinBounds(const Problem& problem, Windows* w) {
  const PinBounds b = ComputePinBounds(problem, PinnedStages(problem));
  for (size_t v = 0; v < b.lo.size(); ++v) {
    w->lo[v] = std::max(w->lo[v], b.lo[v]);
    w->hi[v] = std::min(w->hi[v], b.hi[v]);
  }
}

// Operators reachable from v (v excluded) along next(u): a search.
template <class Next>
int ReachableOperators(const Graph& g, int v, Next next, std::vector<int>* mark, int stamp) {
  std::vector<int> stack{v};
  int count = 0;
  while (!stack.empty()) {
    const int u = stack.back();
    stack.pop_back();
    for (int w : next(u)) {
      if ((*mark)[w] == stamp) continue;
      (*mark)[w] = stamp;
      count += g.is_operator(w) ? 1 : 0;
      stack.push_back(w);
    }
  }
  return count;
}

// The hard windows of non-empty stages without the closure. lo[v] > 0 only
// when fewer than S - 1 operators are not ancestors of v, and every operator
// after v in a topological order is one of those: only the nodes with fewer
// than S - 1 operators after them (a few near the end) need their ancestors
// counted, by a search each; hi[v] < S - 1 likewise near the start. O(S (n +
// E)) where the counts cost O((n + E) n / 64): 31 s at 200,000 nodes.
Windows NonemptyWindows(const Problem& problem) {
  const Graph& g = problem.g();
  const int n = g.size(), S = problem.stages, ops = g.num_operators();
  const std::vector<int>& topo = g.topo_order();
  Windows w{std::vector<int>(n, 0), std::vector<int>(n, S - 1)};
  std::vector<int> mark(n, -1);
  int before = 0;  // operators before topo[i]
  for (int i = 0; i < n; ++i) {
    const int v = topo[i], self = g.is_operator(v) ? 1 : 0;
    const int after = ops - before - self;
    if (after < S - 1) {
      const int anc = ReachableOperators(g, v, [&](int u) -> const std::vector<int>& { return g.parents(u); }, &mark, 2 * i);
      w.lo[v] = std::max(0, S - 1 - ops + self + anc);
    }
    if (before < S - 1) {
      const int desc =
          ReachableOperators(g, v, [&](int u) -> const std::vector<int>& { return g.children(u); }, &mark, 2 * i + 1);
      w.hi[v] = std::min(S - 1, ops - self - desc);
    }
    before += self;
  }
  return w;
}
}  // namespace

Windows FullWindows(const Problem& problem) {
  const int n = problem.g().size(), S = problem.stages;
  Windows w = problem.constraints.nonempty_stages && S > 1
                  ? NonemptyWindows(problem)
                  : Windows{std::vector<int>(n, 0), std::vector<int>(n, S - 1)};
  ApplyPinBounds(problem, &w);
  return w;
}

namespace {

// The largest stage any schedule of objective <= `objective` can have, or 0
// when that says nothing (latency, a non-finite or non-positive objective).
double IncumbentPeak(const Problem& problem, double objective) {
  double m = objective;
  if (problem.constraints.max_stage_param_bytes > 0)
    m = std::min(m, static_cast<double>(problem.constraints.max_stage_param_bytes));
  if (problem.objective.kind != ObjectiveKind::kMemoryComm || !std::isfinite(m) || m <= 0) return 0.0;
  return m;
}

}  // namespace

namespace {
// Narrows *w to the schedules whose stages weigh at most m: anc_param(v) /
// desc_param(v) are the parameter bytes of v's ancestors / descendants.
template <class AncParam, class DescParam>
void NarrowToPeak(const Problem& problem, double m, AncParam anc_param, DescParam desc_param, Windows* w) {
  const Graph& g = problem.g();
  const int S = problem.stages;
  // A hair of slack so that rounding never drops the incumbent itself.
  const double mm = m * (1 + 1e-12);
  for (int v = 0; v < g.size(); ++v) {
    const double p = static_cast<double>(g.node(v).param_bytes);
    const double a = p + static_cast<double>(anc_param(v));
    const double d = p + static_cast<double>(desc_param(v));
    w->lo[v] = std::max(w->lo[v], static_cast<int>(std::ceil(a / mm)) - 1);
    w->hi[v] = std::min(w->hi[v], S - static_cast<int>(std::ceil(d / mm)));
  }
}
}  // namespace

Windows IncumbentWindows(const Problem& problem, double objective) {
  // Without a peak the windows are the hard ones: no closure with sums needed.
  const double m = IncumbentPeak(problem, objective);
  if (m <= 0) return FullWindows(problem);
  const ClosureSums* c = problem.closure.get();
  if (!c || c->ancestor_param_bytes.size() != static_cast<size_t>(problem.g().size()))
    return IncumbentWindows(problem, FullWindows(problem), Reachability(problem.g(), /*with_param_sums=*/true),
                            objective);
  Windows w = FullWindows(problem);
  NarrowToPeak(
      problem, m, [c](int v) { return c->ancestor_param_bytes[v]; },
      [c](int v) { return c->descendant_param_bytes[v]; }, &w);
  return w;
}

Windows IncumbentWindows(const Problem& problem, const Windows& hard, const Reachability& reach, double objective) {
  const double m = IncumbentPeak(problem, objective);
  Windows w = hard;
  if (m <= 0) return w;
  NarrowToPeak(
      problem, m, [&reach](int v) { return reach.ancestor_param_bytes(v); },
      [&reach](int v) { return reach.descendant_param_bytes(v); }, &w);
  return w;
}

bool PropagateWindows(const Graph& g, Windows* w) {
  const std::vector<int>& topo = g.topo_order();
  for (int u : topo)
    for (int c : g.children(u)) w->lo[c] = std::max(w->lo[c], w->lo[u]);
  for (auto it = topo.rbegin(); it != topo.rend(); ++it)
    for (int c : g.children(*it)) w->hi[*it] = std::min(w->hi[*it], w->hi[c]);
  for (int v = 0; v < g.size(); ++v)
    if (w->lo[v] > w->hi[v]) return false;
  return true;
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
  PropagateWindows(g, &w);
  return w;
}

std::string EmptyWindowReason(const Problem& problem, const Windows& w) {
  const Graph& g = problem.g();
  for (int v = 0; v < g.size() && v < static_cast<int>(std::min(w.lo.size(), w.hi.size())); ++v)
    if (w.lo[v] > w.hi[v])
      return "the stage windows leave node '" + g.node(v).name + "' no stage (needs >= " + std::to_string(w.lo[v]) +
             " and <= " + std::to_string(w.hi[v]) + " given its ancestors and descendants)";
  return "";
}

bool WithinWindows(const Windows& windows, const Schedule& schedule) {
  if (windows.lo.size() != schedule.stage.size() || windows.hi.size() != schedule.stage.size()) return false;
  for (size_t v = 0; v < schedule.stage.size(); ++v)
    if (schedule.stage[v] < windows.lo[v] || schedule.stage[v] > windows.hi[v]) return false;
  return true;
}

namespace {

// The steps of BuildScheduleIlp over one model under construction. z
// references are columns or IlpModel::kFixedZero / kFixedOne.
class IlpAssembly {
 public:
  IlpAssembly(const Problem& problem, IlpModel* ilp, EdgeReduction reduction, double reduce_within_s)
      : p_(problem), g_(problem.g()), n_(g_.size()), S_(problem.stages), unit_(ByteUnit(problem)), ilp_(ilp),
        m_(ilp->milp), lo_(ilp->windows.lo), hi_(ilp->windows.hi), b_(ilp) {
    if (Reduces(reduction, reduce_within_s)) MakeReachability(reduction, reduce_within_s);
    ilp_->edges_reduced = reach_ != nullptr;
  }

  void AddStageColumns();
  void AddOrderRows();
  void AddSameStageRows();
  void AddNonemptyRows();
  void BuildStageParams();
  void BuildCrossings();
  void AddMemoryCommObjective();
  void AddLatencyObjective();
  const std::string& infeasible() const { return b_.infeasible(); }

 private:
  int Z(int v, int k) const {
    if (k < 0) return IlpModel::kFixedZero;
    if (k >= S_ - 1) return IlpModel::kFixedOne;
    return ilp_->z[v][k];
  }
  // x[v][k] = [s(v) = k] = z[v][k] - z[v][k-1]
  void AddX(Lin* e, int v, int k, double coef) const {
    e->AddZ(Z(v, k), coef);
    e->AddZ(Z(v, k - 1), -coef);
  }
  bool Reduces(EdgeReduction reduction, double reduce_within_s) const;
  // reach_, or none when kAuto's pass outlasts reduce_within_s.
  void MakeReachability(EdgeReduction reduction, double reduce_within_s);
  // The edges that get precedence rows / the consumers of u that may be last.
  std::vector<Edge> OrderEdges() const;
  std::vector<int> LastCandidates(int u) const;
  void AddEdgeCrossings(const CrossingWeights& w);
  void AddTensorCrossings(const CrossingWeights& w);
  // comm_model tensor: X_k terms of u's tensor (weight wt MiB) at boundary k,
  // given its possibly-latest consumers `last`.
  void AddTensorCrossing(int u, int k, double wt, const std::vector<int>& last);

  const Problem& p_;
  const Graph& g_;
  const int n_, S_;
  const double unit_;  // bytes per model unit (ByteUnit)
  IlpModel* ilp_;
  MilpModel& m_;
  const std::vector<int>& lo_;
  const std::vector<int>& hi_;
  std::unique_ptr<Reachability> reach_;  // null: no reduction (EdgeReduction)
  Builder b_;
  std::vector<Lin> P_;  // P_k (units of unit_ bytes)
  std::vector<Lin> X_;  // X_k (units of unit_ bytes)
  int64_t crossing_total_ = 0;  // CrossingWeights::total(), for the latency time unit (edge model)
};

bool IlpAssembly::Reduces(EdgeReduction reduction, double reduce_within_s) const {
  if (reduction != EdgeReduction::kAuto) return reduction == EdgeReduction::kAlways;
  if (n_ <= kReduceAllNodes) return true;
  int free_nodes = 0;
  for (int v = 0; v < n_; ++v) free_nodes += lo_[v] < hi_[v] ? 1 : 0;
  return 2 * free_nodes >= n_ && ReductionFits(g_, reduce_within_s);
}

void IlpAssembly::MakeReachability(EdgeReduction reduction, double reduce_within_s) {
  if (reduction != EdgeReduction::kAuto || n_ <= kReduceAllNodes || !std::isfinite(reduce_within_s)) {
    reach_ = std::make_unique<Reachability>(g_);
    return;
  }
  // The estimate is for a loaded machine, but a heavier load (or a graph
  // unlike the ones it was measured on) can outlast it: past its time the
  // pass is dropped and the rows stay unreduced.
  const Stopwatch clock;
  reach_ = std::make_unique<Reachability>(g_, /*with_param_sums=*/false,
                                          [&clock, reduce_within_s] { return clock.Seconds() > reduce_within_s; });
  if (!reach_->complete()) reach_.reset();
}

std::vector<Edge> IlpAssembly::OrderEdges() const {
  if (reach_) return reach_->ReducedEdges(g_);
  return g_.edges();
}

std::vector<int> IlpAssembly::LastCandidates(int u) const {
  if (reach_) return reach_->LatestChildren(g_, u);
  return g_.children(u);
}

// z[v][k] is a column only for lo[v] <= k < hi[v].
void IlpAssembly::AddStageColumns() {
  ilp_->z.assign(n_, std::vector<int>(std::max(0, S_ - 1), IlpModel::kFixedZero));
  for (int v = 0; v < n_; ++v)
    for (int k = 0; k + 1 < S_; ++k) {
      if (k < lo_[v]) ilp_->z[v][k] = IlpModel::kFixedZero;
      else if (k >= hi_[v]) ilp_->z[v][k] = IlpModel::kFixedOne;
      else ilp_->z[v][k] = m_.AddCol(0.0, 1.0, 0.0, true, "z_v" + Num(v) + "_k" + Num(k));
    }
}

// Monotone staircases, and precedence on the transitive reduction.
void IlpAssembly::AddOrderRows() {
  for (int v = 0; v < n_; ++v)
    for (int k = lo_[v]; k + 1 < hi_[v]; ++k) {
      Lin e;
      e.AddZ(Z(v, k), 1.0);
      e.AddZ(Z(v, k + 1), -1.0);
      b_.AddRow(std::move(e), -kMilpInf, 0.0, "mono_v" + Num(v) + "_k" + Num(k), "");
    }
  for (const Edge& ed : OrderEdges()) {
    const int u = ed.src, w = ed.dst;
    for (int k = 0; k + 1 < S_; ++k) {
      // Both ends fixed: a constant row; the windows are propagated along
      // edges, so it holds (z[w][k] = 1 with z[u][k] = 0 cannot happen).
      if (Z(w, k) < 0 && Z(u, k) < 0 && !(Z(w, k) == IlpModel::kFixedOne && Z(u, k) == IlpModel::kFixedZero)) continue;
      Lin e;
      e.AddZ(Z(w, k), 1.0);
      e.AddZ(Z(u, k), -1.0);
      b_.AddRow(std::move(e), -kMilpInf, 0.0, "prec_v" + Num(u) + "_v" + Num(w) + "_k" + Num(k),
                "edge " + g_.node(u).name + " -> " + g_.node(w).name + " cannot be kept forward within the windows");
    }
  }
}

// children_same_stage: every consumer of u in the stage of the first.
void IlpAssembly::AddSameStageRows() {
  if (!p_.constraints.children_same_stage) return;
  for (int u = 0; u < n_; ++u) {
    const std::vector<int>& ch = g_.children(u);
    for (size_t i = 1; i < ch.size(); ++i)
      for (int k = 0; k + 1 < S_; ++k) {
        Lin e;
        e.AddZ(Z(ch[i], k), 1.0);
        e.AddZ(Z(ch[0], k), -1.0);
        b_.AddRow(std::move(e), 0.0, 0.0, "same_v" + Num(u) + "_c" + Num(static_cast<int>(i)) + "_k" + Num(k),
                  "the consumers of '" + g_.node(u).name + "' cannot share a stage within the windows");
      }
  }
}

void IlpAssembly::AddNonemptyRows() {
  if (!p_.constraints.nonempty_stages) return;
  for (int k = 0; k < S_; ++k) {
    Lin e;
    for (int v = 0; v < n_; ++v)
      if (p_.g().is_operator(v) && lo_[v] <= k && k <= hi_[v]) AddX(&e, v, k, 1.0);
    b_.AddRow(std::move(e), 1.0, kMilpInf, "nonempty_k" + Num(k),
              "no operator node can be placed in stage " + std::to_string(k) + " within the windows");
  }
}

void IlpAssembly::BuildStageParams() {
  P_.assign(S_, Lin());
  for (int k = 0; k < S_; ++k)
    for (int v = 0; v < n_; ++v)
      if (g_.node(v).param_bytes > 0 && lo_[v] <= k && k <= hi_[v])
        AddX(&P_[k], v, k, static_cast<double>(g_.node(v).param_bytes) / unit_);
}

// X_k as expressions; none when the objective gives crossings no weight.
void IlpAssembly::BuildCrossings() {
  X_.assign(std::max(0, S_ - 1), Lin());
  const bool latency = p_.objective.kind == ObjectiveKind::kLatency;
  const CrossingWeights w(g_, p_.objective);
  crossing_total_ = w.total();
  if (!latency && !(p_.objective.comm_weight > 0.0)) return;  // zero weight: drop y
  if (w.per_tensor()) AddTensorCrossings(w);
  else AddEdgeCrossings(w);
}

// comm_model edge: exact in z, no variables.
void IlpAssembly::AddEdgeCrossings(const CrossingWeights& w) {
  for (int u = 0; u < n_; ++u) {
    const std::vector<int>& ch = g_.children(u);
    for (size_t i = 0; i < ch.size(); ++i) {
      const double wt = static_cast<double>(w.edge(u, static_cast<int>(i))) / unit_;
      if (wt == 0.0) continue;
      for (int k = 0; k + 1 < S_; ++k) {
        X_[k].AddZ(Z(u, k), wt);
        X_[k].AddZ(Z(ch[i], k), -wt);
      }
    }
  }
}

void IlpAssembly::AddTensorCrossings(const CrossingWeights& w) {
  for (int u = 0; u < n_; ++u) {
    if (w.silent(u)) continue;
    const double wt = static_cast<double>(w.tensor(u)) / unit_;
    std::vector<int> last = LastCandidates(u);
    if (p_.constraints.children_same_stage) last.resize(1);
    for (int k = 0; k + 1 < S_; ++k) AddTensorCrossing(u, k, wt, last);
  }
}

void IlpAssembly::AddTensorCrossing(int u, int k, double wt, const std::vector<int>& last) {
  const int zu = Z(u, k);
  if (zu == IlpModel::kFixedZero) return;  // u is after boundary k
  // Consumers that may still be after boundary k.
  std::vector<int> open;
  bool surely = false;
  for (int w : last) {
    const int zw = Z(w, k);
    if (zw == IlpModel::kFixedOne) continue;
    if (zw == IlpModel::kFixedZero) surely = true;
    open.push_back(w);
  }
  if (open.empty()) return;
  if (surely) {
    // Some consumer is surely after k: crossing = z[u][k] (a constant if fixed).
    X_[k].AddZ(zu, wt);
    return;
  }
  if (open.size() == 1) {
    // One consumer may be last: crossing = z[u][k] - z[w][k] exactly.
    X_[k].AddZ(zu, wt);
    X_[k].AddZ(Z(open[0], k), -wt);
    return;
  }
  const int y = m_.AddCol(0.0, 1.0, 0.0, false, "y_v" + Num(u) + "_k" + Num(k));
  ++ilp_->num_crossing_cols;
  ilp_->aux_cols.push_back(y);
  for (int w : open) {
    Lin e;
    e.AddCol(y, 1.0);
    e.AddZ(zu, -1.0);
    e.AddZ(Z(w, k), 1.0);
    b_.AddRow(std::move(e), 0.0, kMilpInf, "cross_v" + Num(u) + "_v" + Num(w) + "_k" + Num(k), "");
  }
  X_[k].AddCol(y, wt);
}

// memory_comm: min Mpeak + w * sum_k X_k (units of unit_ bytes).
void IlpAssembly::AddMemoryCommObjective() {
  const int64_t cap = p_.constraints.max_stage_param_bytes;
  const double max_p = static_cast<double>(g_.max_param_bytes()) / unit_;
  const double ub = cap > 0 ? static_cast<double>(cap) / unit_ : kMilpInf;
  ilp_->peak_col = m_.AddCol(max_p, ub, 1.0, false, "Mpeak");
  ilp_->aux_cols.push_back(ilp_->peak_col);
  for (int k = 0; k < S_; ++k) {
    Lin e = P_[k];
    e.AddCol(ilp_->peak_col, -1.0);
    b_.AddRow(std::move(e), -kMilpInf, 0.0, "mem_k" + Num(k), "");
  }
  const double cw = p_.objective.comm_weight;
  Lin objective;
  for (int k = 0; k + 1 < S_; ++k) objective.Add(X_[k], cw);
  objective.Normalize();
  for (const auto& t : objective.terms()) m_.cols[t.first].obj += t.second;
  m_.obj_offset = objective.constant();
  ilp_->objective_scale = unit_;
  const double step = ObjectiveGranularity(cw) / unit_;
  if (step >= 1.0 / kMiB) m_.objective_step = step;
}

// latency: min T, T >= T_k. Time unit: a power of ten with the upper
// estimate t_upper in [1000, 10000) units, so solver tolerances
// (1e-7..1e-5 absolute) stay far below 1e-6 of T.
void IlpAssembly::AddLatencyObjective() {
  const EdgeTpuParams& tp = p_.edgetpu;
  const int64_t cap = p_.constraints.max_stage_param_bytes;
  double total_macs = 0, total_out = 0;
  for (const Node& nd : g_.nodes()) {
    total_macs += static_cast<double>(nd.macs);
    total_out += static_cast<double>(nd.output_bytes);
  }
  const double total_params = static_cast<double>(g_.total_param_bytes());
  // What a stage can receive and send: tensor model, every tensor times the
  // widest fan-in; edge model, every edge's weight.
  const double link_upper = p_.objective.comm_model == CommModel::kTensor
                                ? total_out * std::max(1, g_.max_in_degree())
                                : static_cast<double>(crossing_total_);
  const double t_upper = tp.segment_overhead_s + total_macs / tp.macs_per_s + total_params / tp.offchip_bytes_per_s +
                         2.0 * link_upper / tp.link_bytes_per_s;
  double unit = 1e-3;
  if (t_upper > 0) unit = std::pow(10.0, std::floor(std::log10(t_upper)) - 3);
  ilp_->objective_scale = unit;
  if (cap > 0)
    for (int k = 0; k < S_; ++k)
      b_.AddRow(P_[k], -kMilpInf, static_cast<double>(cap) / unit_, "cap_k" + Num(k),
                "stage " + std::to_string(k) + " cannot stay under max_stage_param_bytes within the windows");
  ilp_->offchip_col.assign(S_, -1);
  const bool can_spill = total_params > static_cast<double>(tp.sram_bytes);
  ilp_->period_col = m_.AddCol(0.0, kMilpInf, 1.0, false, "T");
  if (can_spill) {
    for (int k = 0; k < S_; ++k) {
      const int oc = m_.AddCol(0.0, kMilpInf, 0.0, false, "o_k" + Num(k));
      ilp_->offchip_col[k] = oc;
      ilp_->aux_cols.push_back(oc);
      Lin e;
      e.AddCol(oc, 1.0);
      e.Add(P_[k], -1.0);
      b_.AddRow(std::move(e), -static_cast<double>(tp.sram_bytes) / unit_, kMilpInf, "offchip_k" + Num(k), "");
    }
  }
  ilp_->aux_cols.push_back(ilp_->period_col);
  const double c_macs = 1.0 / tp.macs_per_s / unit;
  const double c_off = unit_ / tp.offchip_bytes_per_s / unit;
  const double c_link = unit_ / tp.link_bytes_per_s / unit;
  for (int k = 0; k < S_; ++k) {
    Lin e;
    e.AddCol(ilp_->period_col, 1.0);
    for (int v = 0; v < n_; ++v)
      if (g_.node(v).macs > 0 && lo_[v] <= k && k <= hi_[v])
        AddX(&e, v, k, -c_macs * static_cast<double>(g_.node(v).macs));
    if (ilp_->offchip_col[k] >= 0) e.AddCol(ilp_->offchip_col[k], -c_off);
    if (k > 0) e.Add(X_[k - 1], -c_link);
    if (k + 1 < S_) e.Add(X_[k], -c_link);
    // T >= segment_overhead_s + the stage's terms (StageTimeS).
    b_.AddRow(std::move(e), tp.segment_overhead_s / unit, kMilpInf, "period_k" + Num(k), "");
  }
}

}  // namespace

bool ReductionFits(const Graph& g, double seconds) { return EstimatedReachabilitySeconds(g) <= seconds; }

StatusOr<IlpModel> BuildScheduleIlp(const Problem& problem, const Windows* windows, EdgeReduction reduction,
                                    double reduce_within_s) {
  RESPECT_RETURN_IF_ERROR(problem.Validate());
  // An evident infeasibility: the problem and why, no model.
  auto none = [&problem](std::string why) {
    IlpModel out;
    out.problem = problem;
    out.infeasible = std::move(why);
    return out;
  };
  if (std::string why = problem.NoScheduleReason(); !why.empty()) return none(std::move(why));
  const Graph& g = problem.g();
  const bool latency = problem.objective.kind == ObjectiveKind::kLatency;
  if (latency && (!(problem.edgetpu.macs_per_s > 0) || !(problem.edgetpu.link_bytes_per_s > 0) ||
                  !(problem.edgetpu.offchip_bytes_per_s > 0)))
    return Status::Invalid("latency objective needs positive macs_per_s, link_bytes_per_s and offchip_bytes_per_s");

  IlpModel ilp;
  ilp.problem = problem;
  ilp.milp.name = g.name().empty() ? "schedule" : g.name();
  auto w = TightenWindows(problem, windows ? *windows : FullWindows(problem));
  if (!w.ok()) return w.status();
  if (std::string why = EmptyWindowReason(problem, *w); !why.empty()) return none(std::move(why));
  ilp.windows = std::move(*w);

  IlpAssembly a(problem, &ilp, reduction, reduce_within_s);
  a.AddStageColumns();
  a.AddOrderRows();
  a.AddSameStageRows();
  a.AddNonemptyRows();
  a.BuildStageParams();
  a.BuildCrossings();
  if (latency) a.AddLatencyObjective();
  else a.AddMemoryCommObjective();
  if (!a.infeasible().empty()) return none(a.infeasible());
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
