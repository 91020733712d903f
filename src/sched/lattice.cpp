#include "sched/lattice.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/deadline.h"
#include "cost/crossing.h"
#include "cost/evaluate.h"
#include "sched/lattice_common.h"

namespace respect {

namespace {

using Mask = uint64_t;
constexpr double kInf = std::numeric_limits<double>::infinity();

inline Mask Bit(int v) { return Mask{1} << v; }
inline int Pop(Mask m) { return __builtin_popcountll(m); }

using lattice_internal::AddParetoLabel;
using lattice_internal::BeginSearch;
using lattice_internal::Label;
using lattice_internal::Pass;
using lattice_internal::RebuildChain;
using lattice_internal::SearchBelowTargets;

// A down-set reached at one layer, with its Pareto labels.
struct LNode {
  Mask set = 0;
  int64_t p = 0, macs = 0, x = 0;
  std::vector<Label> labels;
};

struct MaskHash {
  size_t operator()(Mask m) const {
    m ^= m >> 33;
    m *= 0xff51afd7ed558ccdULL;
    m ^= m >> 33;
    return static_cast<size_t>(m);
  }
};

class LatticeSolver : lattice_internal::SolverCore {
 public:
  LatticeSolver(const Problem& p, const LatticeOptions& o) : SolverCore(p, o) {}
  LatticeResult Run(const Windows* windows, const Schedule* start);

 private:
  // All schedules with objective < target: the best one into best_/best_j_.
  Pass Search(double target);
  void Expand(int k, int si);
  void Leaf(int k, int si, Mask t, int64_t pt, int64_t mt);
  void Rec(int k, int si, int i, Mask t, int64_t pt, int64_t mt);
  int64_t CrossingOf(Mask t) const;
  int64_t MaxParamOutside(Mask t) const;
  double LowerBound(double m, int64_t x, int64_t pt, int64_t mt, Mask t, int k) const;
  void MinCrossingPerLayer();
  void MinCrossingRec(int i, Mask t);

  Mask all_ = 0;
  Mask ops_ = 0;    // operator nodes (nonempty_stages counts these)
  std::vector<Mask> parents_, children_;
  std::vector<int> topo_;
  std::vector<Mask> must_in_, must_out_;  // per layer k = 0..S-2
  std::vector<Mask> same_groups_;         // children_same_stage: consumer sets of size >= 2

  // Search state.
  std::vector<std::vector<LNode>> layer_;
  std::vector<std::unordered_map<Mask, int, MaskHash>> index_;
  std::vector<int64_t> suffix_p_;         // per expansion: params of undecided nodes from topo position i on
  int64_t p_hi_ = 0, p_lo_ = 0;           // band of p(t) for the expansion at hand

  // Layer minimum enumeration.
  int64_t enum_count_ = 0;
  bool enum_abort_ = false;
};

int64_t LatticeSolver::CrossingOf(Mask t) const {
  int64_t x = 0;
  for (Mask r = t; r; r &= r - 1) {
    const int u = __builtin_ctzll(r);
    if (xw_.silent(u) || (children_[u] & ~t) == 0) continue;
    x += xw_.Outgoing(g_, u, [t](int c) { return !(t & Bit(c)); });
  }
  return x;
}

int64_t LatticeSolver::MaxParamOutside(Mask t) const {
  int64_t m = 0;
  for (Mask r = all_ & ~t; r; r &= r - 1) m = std::max(m, param_[__builtin_ctzll(r)]);
  return m;
}

// Valid in floating point too: every figure of the final objective is at
// least the matching figure here, and rounding is monotone.
double LatticeSolver::LowerBound(double m, int64_t x, int64_t pt, int64_t mt, Mask t, int k) const {
  const int rest_stages = S_ - 1 - k;  // stages after boundary k
  if (latency_) {
    const int64_t rest = total_macs_ - mt;
    const int64_t per = (rest + rest_stages - 1) / rest_stages;
    return std::max(m, static_cast<double>(per) / p_.edgetpu.macs_per_s);
  }
  const int64_t rest = total_p_ - pt;
  const int64_t per = (rest + rest_stages - 1) / rest_stages;
  const double mm = std::max(m, static_cast<double>(std::max(per, MaxParamOutside(t))));
  return mm + w_ * static_cast<double>(x + min_x_after_[k]);
}

void LatticeSolver::MinCrossingRec(int i, Mask t) {
  if (enum_abort_) return;
  if (i == n_) {
    if (++enum_count_ > o_.max_ideals) {
      enum_abort_ = true;
      return;
    }
    for (Mask grp : same_groups_) {
      const Mask in = t & grp;
      if (in != 0 && in != grp) return;
    }
    const int c = Pop(t & ops_);
    int64_t x = -1;
    for (int k = 0; k + 1 < S_; ++k) {
      if ((must_in_[k] & ~t) || (must_out_[k] & t)) continue;
      if (nonempty_ && (c < k + 1 || nops_ - c < S_ - 1 - k)) continue;
      if (x < 0) x = CrossingOf(t);
      min_x_layer_[k] = std::min(min_x_layer_[k], x);
    }
    return;
  }
  const int v = topo_[i];
  const Mask b = Bit(v);
  if (!(must_in_[0] & b)) MinCrossingRec(i + 1, t);
  if ((parents_[v] & ~t) == 0 && !(must_out_[S_ - 2] & b)) MinCrossingRec(i + 1, t | b);
}

// min_x_layer_ by enumerating every down-set once (when there are at most
// max_ideals of them; otherwise the bound stays 0).
void LatticeSolver::MinCrossingPerLayer() {
  min_x_layer_.assign(S_ - 1, std::numeric_limits<int64_t>::max());
  MinCrossingRec(0, 0);
  for (auto& v : min_x_layer_)
    if (enum_abort_ || v == std::numeric_limits<int64_t>::max()) v = 0;
  min_x_after_.assign(S_, 0);
  for (int k = S_ - 2; k >= 0; --k) min_x_after_[k] = min_x_after_[k + 1] + (k + 1 <= S_ - 2 ? min_x_layer_[k + 1] : 0);
}

void LatticeSolver::Leaf(int k, int si, Mask t, int64_t pt, int64_t mt) {
  ++steps_;
  if (nonempty_) {
    const int c = Pop(t & ops_);
    if (c < k + 1 || nops_ - c < S_ - 1 - k) return;
  }
  for (Mask grp : same_groups_) {
    const Mask in = t & grp;
    if (in != 0 && in != grp) return;
  }
  const bool from_root = si < 0;
  const Mask s_set = from_root ? 0 : layer_[k - 1][si].set;
  if (nonempty_ && ((t & ~s_set) & ops_) == 0) return;  // the stage must add an operator
  const int64_t ps = from_root ? 0 : layer_[k - 1][si].p;
  const int64_t ms = from_root ? 0 : layer_[k - 1][si].macs;
  const int64_t xs = from_root ? 0 : layer_[k - 1][si].x;
  const int64_t xt = CrossingOf(t);
  const double a = StageTerm(pt - ps, mt - ms, xs, xt, false);
  if (!(a < target_)) return;
  static const std::vector<Label> kRoot = {Label{0.0, 0, -1, -1}};
  const std::vector<Label>& from = from_root ? kRoot : layer_[k - 1][si].labels;
  LNode* node = nullptr;
  for (int q = 0; q < static_cast<int>(from.size()); ++q) {
    const Label& l = from[q];
    Label nl{std::max(l.m, a), latency_ ? 0 : l.x + xt, si, q};
    if (!(LowerBound(nl.m, nl.x, pt, mt, t, k) < target_)) continue;
    if (!node) {
      auto [it, fresh] = index_[k].try_emplace(t, static_cast<int>(layer_[k].size()));
      if (fresh) {
        LNode nd;
        nd.set = t;
        nd.p = pt;
        nd.macs = mt;
        nd.x = xt;
        layer_[k].push_back(std::move(nd));
      }
      node = &layer_[k][it->second];
    }
    AddParetoLabel(&node->labels, nl);
  }
}

// Every down-set t of layer k containing the set of node si of layer k-1
// (si < 0: the empty set), walking the topological order: include/exclude
// each node not yet in, pruned by the band of p(t) the target allows.
void LatticeSolver::Rec(int k, int si, int i, Mask t, int64_t pt, int64_t mt) {
  if (over_budget_ || timed_out_) return;
  if (pt > p_hi_ || pt + suffix_p_[i] < p_lo_) return;
  if (i == n_) {
    Leaf(k, si, t, pt, mt);
    if (steps_ > o_.max_steps) over_budget_ = true;
    if ((steps_ & 1023) == 0) OutOfTime();
    return;
  }
  const int v = topo_[i];
  const Mask b = Bit(v);
  if (t & b) {
    Rec(k, si, i + 1, t, pt, mt);
    return;
  }
  if (!(must_in_[k] & b)) Rec(k, si, i + 1, t, pt, mt);
  if ((parents_[v] & ~t) == 0 && !(must_out_[k] & b)) Rec(k, si, i + 1, t | b, pt + param_[v], mt + macs_[v]);
}

void LatticeSolver::Expand(int k, int si) {
  const Mask s = si < 0 ? 0 : layer_[k - 1][si].set;
  const int64_t ps = si < 0 ? 0 : layer_[k - 1][si].p;
  const int64_t ms = si < 0 ? 0 : layer_[k - 1][si].macs;
  suffix_p_.assign(n_ + 1, 0);
  for (int i = n_ - 1; i >= 0; --i) {
    const int v = topo_[i];
    suffix_p_[i] = suffix_p_[i + 1] + ((s & Bit(v)) ? 0 : param_[v]);
  }
  // Band of p(t): the stage after s holds p(t) - p(s), at most the cap and,
  // for memory_comm, below the target; the stages after t hold the rest, so
  // p(t) >= total - (stages after t) * (largest stage allowed).
  p_hi_ = std::numeric_limits<int64_t>::max();
  p_lo_ = 0;
  int64_t stage_max = cap_ > 0 ? cap_ : std::numeric_limits<int64_t>::max();
  if (!latency_ && std::isfinite(target_)) {
    const double lim = std::ceil(target_);  // a stage term < target is <= ceil(target) - 0
    if (lim < 9e18) stage_max = std::min<int64_t>(stage_max, static_cast<int64_t>(lim));
  }
  if (stage_max < std::numeric_limits<int64_t>::max()) {
    p_hi_ = ps + stage_max;
    const int after = S_ - 1 - k;
    const double lo = static_cast<double>(total_p_) - static_cast<double>(after) * static_cast<double>(stage_max);
    if (lo > 0) p_lo_ = static_cast<int64_t>(lo);
  }
  Rec(k, si, 0, s, ps, ms);
}

Pass LatticeSolver::Search(double target) {
  target_ = target;
  layer_.assign(S_ - 1, {});
  index_.assign(S_ - 1, {});
  best_j_ = kInf;
  best_node_ = best_label_ = -1;
  Expand(0, -1);
  for (int k = 1; k + 1 < S_ && !over_budget_ && !timed_out_; ++k) {
    for (int si = 0; si < static_cast<int>(layer_[k - 1].size()) && !over_budget_ && !timed_out_; ++si) {
      if (layer_[k - 1][si].labels.empty()) continue;
      Expand(k, si);
    }
  }
  for (const auto& l : layer_) labels_ += static_cast<int64_t>(l.size());
  if (over_budget_) return Pass::kBudget;
  if (timed_out_) return Pass::kTime;
  // The last stage: from each label of layer S-2 to V.
  const int k = S_ - 2;
  for (int si = 0; si < static_cast<int>(layer_[k].size()); ++si) {
    const LNode& s = layer_[k][si];
    if (nonempty_ && ((all_ & ~s.set) & ops_) == 0) continue;
    const double a = StageTerm(total_p_ - s.p, total_macs_ - s.macs, s.x, 0, true);
    if (!(a < target_)) continue;
    for (int q = 0; q < static_cast<int>(s.labels.size()); ++q) {
      const Label& l = s.labels[q];
      const double j = std::max(l.m, a) + w_ * static_cast<double>(l.x);
      if (j < target_ && j < best_j_) {
        best_j_ = j;
        best_node_ = si;
        best_label_ = q;
      }
    }
  }
  return best_node_ >= 0 ? Pass::kFound : Pass::kNone;
}

LatticeResult LatticeSolver::Run(const Windows* windows, const Schedule* start) {
  clock_.Restart();
  LatticeResult res;
  n_ = g_.size();
  S_ = p_.stages;
  if (n_ > kLatticeMaxNodes) {
    res.message = "graph has more than " + std::to_string(kLatticeMaxNodes) + " nodes";
    return res;
  }
  Windows win;
  double U = kInf;
  if (BeginSearch(p_, windows, start, &win, &U, &res)) return res;

  ReadObjectiveAndSizes();
  all_ = n_ == 64 ? ~Mask{0} : (Bit(n_) - 1);
  parents_.assign(n_, 0);
  children_.assign(n_, 0);
  for (int v = 0; v < n_; ++v) {
    for (int u : g_.parents(v)) parents_[v] |= Bit(u);
    for (int c : g_.children(v)) children_[v] |= Bit(c);
    if (g_.is_operator(v)) ops_ |= Bit(v);
  }
  nops_ = Pop(ops_);
  topo_ = g_.topo_order();
  if (p_.constraints.children_same_stage)
    for (int v = 0; v < n_; ++v)
      if (Pop(children_[v]) >= 2) same_groups_.push_back(children_[v]);

  must_in_.assign(S_ - 1, 0);
  must_out_.assign(S_ - 1, 0);
  for (int k = 0; k + 1 < S_; ++k)
    for (int v = 0; v < n_; ++v) {
      if (win.hi[v] <= k) must_in_[k] |= Bit(v);
      if (win.lo[v] > k) must_out_[k] |= Bit(v);
    }
  MinCrossingPerLayer();
  res.ideals = enum_abort_ ? -1 : enum_count_;

  // Root lower bound, then the searches below rising targets up to the
  // incumbent's value (SearchBelowTargets).
  return SearchBelowTargets(
      p_, o_.max_steps, RootLowerBound(), U, [this](double t) { return Search(t); },
      [this] {
        return RebuildChain(layer_, n_, S_, best_node_, best_label_,
                            [](const LNode& nd, int v) { return (nd.set & Bit(v)) != 0; });
      },
      steps_, labels_, std::move(res));
}

}  // namespace

namespace lattice_internal {
LatticeResult SolveWide(const Problem& problem, const Windows* windows, const Schedule* start,
                        const LatticeOptions& options);  // lattice_wide.cpp
}  // namespace lattice_internal

LatticeResult SolveOnIdealLattice(const Problem& problem, const Windows* windows, const Schedule* start,
                                  const LatticeOptions& options) {
  if (!problem.graph) {
    LatticeResult r;
    r.message = "problem has no graph";
    return r;
  }
  const bool spill = problem.edgetpu.activation_spill && problem.objective.kind == ObjectiveKind::kLatency;
  if (problem.constraints.max_stage_activation_bytes > 0 || spill) {
    // Bypassed: a step's activation peak would sweep the stage and its edges
    // at every (set, successor) step; the ILP's lazy rows model both.
    LatticeResult r;
    r.message = spill ? "the lattice DP does not model edgetpu.activation_spill"
                      : "the lattice DP does not model max_stage_activation_bytes";
    return r;
  }
  if (options.wide_only) return lattice_internal::SolveWide(problem, windows, start, options);
  if (problem.g().size() > kLatticeMaxNodes) {
    if (!options.wide) {
      LatticeResult r;
      r.message = "graph has more than " + std::to_string(kLatticeMaxNodes) + " nodes";
      return r;
    }
    return lattice_internal::SolveWide(problem, windows, start, options);
  }
  LatticeSolver s(problem, options);
  return s.Run(windows, start);
}

}  // namespace respect
