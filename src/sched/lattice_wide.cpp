// The ideal-lattice DP of sched/lattice.h for graphs of more than 64 nodes:
// sets are fixed-size multi-word bitsets, every down-set (inside the global
// window bounds) is enumerated once up front with its figures (so the graph's
// lattice must be small: DNN graphs made of blocks in series have few
// down-sets, e.g. a few hundred to a few thousand for the Table I zoo), and
// the step from a boundary set s to its successors walks the covering
// relation of that table upwards from s, pruned by the parameter band.
// Same layers, labels, bounds and targets as the narrow solver.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <unordered_map>
#include <vector>

#include "cost/crossing.h"
#include "core/deadline.h"
#include "cost/evaluate.h"
#include "sched/lattice.h"
#include "sched/lattice_common.h"

namespace respect {

namespace lattice_internal {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

template <int W>
struct Bits {
  std::array<uint64_t, W> w{};
  bool test(int v) const { return (w[v >> 6] >> (v & 63)) & 1u; }
  void set(int v) { w[v >> 6] |= uint64_t{1} << (v & 63); }
  bool subset_of(const Bits& o) const {
    for (int i = 0; i < W; ++i)
      if (w[i] & ~o.w[i]) return false;
    return true;
  }
  bool intersects(const Bits& o) const {
    for (int i = 0; i < W; ++i)
      if (w[i] & o.w[i]) return true;
    return false;
  }
  Bits operator&(const Bits& o) const {
    Bits r;
    for (int i = 0; i < W; ++i) r.w[i] = w[i] & o.w[i];
    return r;
  }
  bool empty() const {
    for (int i = 0; i < W; ++i)
      if (w[i]) return false;
    return true;
  }
  int count() const {
    int c = 0;
    for (int i = 0; i < W; ++i) c += __builtin_popcountll(w[i]);
    return c;
  }
  bool operator==(const Bits& o) const { return w == o.w; }
};

template <int W>
struct BitsHash {
  size_t operator()(const Bits<W>& b) const {
    uint64_t h = 0x9E3779B97F4A7C15ULL;
    for (int i = 0; i < W; ++i) {
      h ^= b.w[i] + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
      h *= 0xff51afd7ed558ccdULL;
    }
    return static_cast<size_t>(h ^ (h >> 33));
  }
};

struct LNode {
  int ideal = -1;
  std::vector<Label> labels;
};

template <int W>
class WideSolver : SolverCore {
 public:
  WideSolver(const Problem& p, const LatticeOptions& o) : SolverCore(p, o) {}
  LatticeResult Run(const Windows* windows, const Schedule* start);

 private:
  struct Ideal {
    Bits<W> set;
    int64_t p = 0, macs = 0, x = 0, max_p_out = 0;
    int count = 0;        // operator nodes in set
    std::vector<int> up;  // covering down-sets: set + one node
  };

  // Run's steps before the search: the figures and sets, the layers' ideals
  // (false: a layer has none).
  void Prepare(const Windows& win);
  bool IndexLayers(LatticeResult* res);
  bool Enumerate();
  void Fill(Ideal* id) const;
  void Extend(const Ideal& t, int v, Ideal* u) const;
  void ExtendFrontier(const std::vector<int>& from, int v, const Bits<W>& u, std::vector<int>* out) const;
  bool CanJoin(int v, const Bits<W>& set) const;
  int64_t Sends(int u, const Bits<W>& set) const;  // what u in set sends across its boundary
  int64_t MaxParamOutside(const Bits<W>& set) const;
  bool Admissible(const Ideal& t, int k) const;
  double LowerBound(double m, int64_t x, const Ideal& t, int k) const;
  Pass Search(double target);
  void Relax(int k, int si, int ti);

  std::vector<Bits<W>> parents_, children_;
  std::vector<int> by_param_;  // nodes by param_ descending (MaxParamOutside)
  std::vector<Bits<W>> must_in_, must_out_;
  std::vector<Bits<W>> same_groups_;
  std::vector<Ideal> ideals_;
  std::vector<std::vector<int>> layer_ideals_;  // admissible ideals per layer

  std::vector<std::vector<LNode>> layer_;
  std::vector<std::unordered_map<int, int>> node_of_;  // per layer: ideal -> node
  std::vector<int> mark_;
  int epoch_ = 0;
  std::vector<int> queue_;
};

// The figures of the root set, node by node.
template <int W>
void WideSolver<W>::Fill(Ideal* id) const {
  for (int v = 0; v < n_; ++v) {
    if (!id->set.test(v)) continue;
    if (g_.is_operator(v)) ++id->count;
    id->p += param_[v];
    id->macs += macs_[v];
    id->x += Sends(v, id->set);
  }
  id->max_p_out = MaxParamOutside(id->set);
}

template <int W>
int64_t WideSolver<W>::Sends(int u, const Bits<W>& set) const {
  if (!set.test(u) || xw_.silent(u) || children_[u].subset_of(set)) return 0;
  return xw_.Outgoing(g_, u, [&set](int c) { return !set.test(c); });
}

template <int W>
int64_t WideSolver<W>::MaxParamOutside(const Bits<W>& set) const {
  for (int v : by_param_)
    if (!set.test(v)) return param_[v];
  return 0;
}

// The figures of u = t + {v} from t's: only v and its producers change what
// they send, so the step costs v's neighbourhood, not the graph.
template <int W>
void WideSolver<W>::Extend(const Ideal& t, int v, Ideal* u) const {
  u->count = t.count + (g_.is_operator(v) ? 1 : 0);
  u->p = t.p + param_[v];
  u->macs = t.macs + macs_[v];
  int64_t x = t.x + Sends(v, u->set);
  for (int w : g_.parents(v)) x += Sends(w, u->set) - Sends(w, t.set);
  u->x = x;
  u->max_p_out = t.max_p_out == param_[v] ? MaxParamOutside(u->set) : t.max_p_out;
}

// The nodes that can join down-set u = t + {v}: t's, less v, plus the
// consumers of v whose producers are now all in.
template <int W>
void WideSolver<W>::ExtendFrontier(const std::vector<int>& from, int v, const Bits<W>& u,
                                   std::vector<int>* out) const {
  out->clear();
  for (int w : from)
    if (w != v) out->push_back(w);
  for (int c : g_.children(v))  // (find: a consumer reached over two edges)
    if (CanJoin(c, u) && std::find(out->begin(), out->end(), c) == out->end()) out->push_back(c);
}

// Whether down-set `set` plus v is a down-set some boundary set may be.
template <int W>
bool WideSolver<W>::CanJoin(int v, const Bits<W>& set) const {
  return !set.test(v) && !must_out_[S_ - 2].test(v) && parents_[v].subset_of(set);
}

// Breadth-first over the covering relation from the least set (the nodes
// every boundary set holds), adding one node whose parents are all in and
// that may be in some boundary set. Each down-set keeps its frontier (the
// nodes that can join it) until it is expanded, so a step looks at the
// frontier and the new node's consumers, not at every node.
template <int W>
bool WideSolver<W>::Enumerate() {
  by_param_.resize(n_);
  for (int v = 0; v < n_; ++v) by_param_[v] = v;
  std::stable_sort(by_param_.begin(), by_param_.end(), [this](int a, int b) { return param_[a] > param_[b]; });
  std::unordered_map<Bits<W>, int, BitsHash<W>> index;
  Ideal root;
  root.set = must_in_[0];
  Fill(&root);
  std::vector<std::vector<int>> frontier(1);
  for (int v = 0; v < n_; ++v)
    if (CanJoin(v, root.set)) frontier[0].push_back(v);
  ideals_.push_back(root);
  index.emplace(root.set, 0);
  int64_t work = 0;
  for (size_t i = 0; i < ideals_.size(); ++i) {
    // Bounded like the search: each candidate node counts as a step.
    work += 1 + static_cast<int64_t>(frontier[i].size());
    if (work > o_.max_steps) return false;
    if ((i & 255) == 0 && (clock_.Seconds() > o_.time_limit_s || o_.stop.Requested())) return false;
    for (int v : frontier[i]) {
      Bits<W> u = ideals_[i].set;
      u.set(v);
      auto [it, fresh] = index.try_emplace(u, static_cast<int>(ideals_.size()));
      if (fresh) {
        if (static_cast<int64_t>(ideals_.size()) >= o_.max_ideals) return false;
        Ideal id;
        id.set = u;
        Extend(ideals_[i], v, &id);
        ideals_.push_back(std::move(id));
        frontier.emplace_back();
        ExtendFrontier(frontier[i], v, u, &frontier.back());
      }
      ideals_[i].up.push_back(it->second);
    }
    std::vector<int>().swap(frontier[i]);
  }
  return true;
}

template <int W>
bool WideSolver<W>::Admissible(const Ideal& t, int k) const {
  if (!must_in_[k].subset_of(t.set) || must_out_[k].intersects(t.set)) return false;
  if (nonempty_ && (t.count < k + 1 || nops_ - t.count < S_ - 1 - k)) return false;
  for (const Bits<W>& grp : same_groups_) {
    const Bits<W> in = t.set & grp;
    if (!in.empty() && !(in == grp)) return false;
  }
  return true;
}

template <int W>
double WideSolver<W>::LowerBound(double m, int64_t x, const Ideal& t, int k) const {
  const int rest_stages = S_ - 1 - k;
  if (latency_) {
    const int64_t rest = total_macs_ - t.macs;
    const int64_t per = (rest + rest_stages - 1) / rest_stages;
    return std::max(m, static_cast<double>(per) / p_.edgetpu.macs_per_s);
  }
  const int64_t rest = total_p_ - t.p;
  const int64_t per = (rest + rest_stages - 1) / rest_stages;
  const double mm = std::max(m, static_cast<double>(std::max(per, t.max_p_out)));
  return mm + w_ * static_cast<double>(x + min_x_after_[k]);
}

// Labels of node si of layer k-1 (si < 0: the empty set) onto ideal ti of layer k.
template <int W>
void WideSolver<W>::Relax(int k, int si, int ti) {
  ++steps_;
  const Ideal& t = ideals_[ti];
  static const Ideal kEmpty{};
  const Ideal& s = si < 0 ? kEmpty : ideals_[layer_[k - 1][si].ideal];
  if (nonempty_ && s.count == t.count) return;
  const double a = StageTerm(t.p - s.p, t.macs - s.macs, s.x, t.x, false);
  if (!(a < target_)) return;
  static const std::vector<Label> kRoot = {Label{0.0, 0, -1, -1}};
  const std::vector<Label>& from = si < 0 ? kRoot : layer_[k - 1][si].labels;
  LNode* node = nullptr;
  for (int q = 0; q < static_cast<int>(from.size()); ++q) {
    const Label& l = from[q];
    Label nl{std::max(l.m, a), latency_ ? 0 : l.x + t.x, si, q};
    if (!(LowerBound(nl.m, nl.x, t, k) < target_)) continue;
    if (!node) {
      auto [it, fresh] = node_of_[k].try_emplace(ti, static_cast<int>(layer_[k].size()));
      if (fresh) {
        LNode nd;
        nd.ideal = ti;
        layer_[k].push_back(std::move(nd));
      }
      node = &layer_[k][it->second];
    }
    AddParetoLabel(&node->labels, nl);
  }
}

template <int W>
Pass WideSolver<W>::Search(double target) {
  target_ = target;
  layer_.assign(S_ - 1, {});
  node_of_.assign(S_ - 1, {});
  best_j_ = kInf;
  best_node_ = best_label_ = -1;
  int64_t stage_max = cap_ > 0 ? cap_ : std::numeric_limits<int64_t>::max();
  if (!latency_ && std::isfinite(target_)) {
    const double lim = std::ceil(target_);
    if (lim < 9e18) stage_max = std::min<int64_t>(stage_max, static_cast<int64_t>(lim));
  }
  // Layer 0: every admissible ideal, from the empty set.
  for (int ti : layer_ideals_[0]) {
    if (ideals_[ti].p > stage_max) continue;
    Relax(0, -1, ti);
  }
  for (int k = 1; k + 1 < S_; ++k) {
    for (int si = 0; si < static_cast<int>(layer_[k - 1].size()); ++si) {
      if (over_budget_ || OutOfTime()) break;
      if (layer_[k - 1][si].labels.empty()) continue;
      const int start = layer_[k - 1][si].ideal;
      const int64_t ps = ideals_[start].p;
      // p(t) >= total - (stages after t) * stage_max.
      int64_t p_lo = 0;
      if (stage_max < std::numeric_limits<int64_t>::max()) {
        const double lo = static_cast<double>(total_p_) - static_cast<double>(S_ - 1 - k) * static_cast<double>(stage_max);
        if (lo > 0) p_lo = static_cast<int64_t>(lo);
      }
      // Supersets of s, upwards through the covering relation.
      ++epoch_;
      queue_.clear();
      queue_.push_back(start);
      mark_[start] = epoch_;
      for (size_t qi = 0; qi < queue_.size(); ++qi) {
        const int ti = queue_[qi];
        const Ideal& t = ideals_[ti];
        if (t.p >= p_lo && Admissible(t, k)) Relax(k, si, ti);
        for (int ui : t.up) {
          if (mark_[ui] == epoch_) continue;
          const Ideal& u = ideals_[ui];
          if (u.p - ps > stage_max || u.set.intersects(must_out_[k])) continue;
          mark_[ui] = epoch_;
          queue_.push_back(ui);
        }
      }
      if (steps_ > o_.max_steps) over_budget_ = true;
    }
  }
  for (const auto& l : layer_) labels_ += static_cast<int64_t>(l.size());
  if (over_budget_) return Pass::kBudget;
  if (timed_out_) return Pass::kTime;
  const int k = S_ - 2;
  for (int si = 0; si < static_cast<int>(layer_[k].size()); ++si) {
    const Ideal& s = ideals_[layer_[k][si].ideal];
    if (nonempty_ && s.count == nops_) continue;
    const double a = StageTerm(total_p_ - s.p, total_macs_ - s.macs, s.x, 0, true);
    if (!(a < target_)) continue;
    const std::vector<Label>& ls = layer_[k][si].labels;
    for (int q = 0; q < static_cast<int>(ls.size()); ++q) {
      const double j = std::max(ls[q].m, a) + w_ * static_cast<double>(ls[q].x);
      if (j < target_ && j < best_j_) {
        best_j_ = j;
        best_node_ = si;
        best_label_ = q;
      }
    }
  }
  return best_node_ >= 0 ? Pass::kFound : Pass::kNone;
}

// The objective's figures and the nodes' sets, sizes and window sets.
template <int W>
void WideSolver<W>::Prepare(const Windows& win) {
  ReadObjectiveAndSizes();
  parents_.assign(n_, {});
  children_.assign(n_, {});
  for (int v = 0; v < n_; ++v) {
    for (int u : g_.parents(v)) parents_[v].set(u);
    for (int c : g_.children(v)) children_[v].set(c);
  }
  if (p_.constraints.children_same_stage)
    for (int v = 0; v < n_; ++v)
      if (children_[v].count() >= 2) same_groups_.push_back(children_[v]);
  must_in_.assign(S_ - 1, {});
  must_out_.assign(S_ - 1, {});
  for (int k = 0; k + 1 < S_; ++k)
    for (int v = 0; v < n_; ++v) {
      if (win.hi[v] <= k) must_in_[k].set(v);
      if (win.lo[v] > k) must_out_[k].set(v);
    }
}

// The admissible ideals of each boundary layer and the least crossing over
// each; false (with *res final) when a layer has none.
template <int W>
bool WideSolver<W>::IndexLayers(LatticeResult* res) {
  mark_.assign(ideals_.size(), 0);
  layer_ideals_.assign(S_ - 1, {});
  min_x_layer_.assign(S_ - 1, 0);
  for (int k = 0; k + 1 < S_; ++k) {
    int64_t mx = std::numeric_limits<int64_t>::max();
    for (int i = 0; i < static_cast<int>(ideals_.size()); ++i)
      if (Admissible(ideals_[i], k)) {
        layer_ideals_[k].push_back(i);
        mx = std::min(mx, ideals_[i].x);
      }
    if (layer_ideals_[k].empty()) {
      res->outcome = LatticeResult::Outcome::kInfeasible;
      res->message = "no set of nodes can end at stage " + std::to_string(k) +
                     " (precedence, windows, non-empty stages or children_same_stage)";
      res->schedule = Schedule();
      return false;
    }
    min_x_layer_[k] = mx;
  }
  min_x_after_.assign(S_, 0);
  for (int k = S_ - 3; k >= 0; --k) min_x_after_[k] = min_x_after_[k + 1] + min_x_layer_[k + 1];
  return true;
}

template <int W>
LatticeResult WideSolver<W>::Run(const Windows* windows, const Schedule* start) {
  clock_.Restart();
  LatticeResult res;
  n_ = g_.size();
  nops_ = g_.num_operators();
  S_ = p_.stages;
  Windows win;
  double U = kInf;
  if (BeginSearch(p_, windows, start, &win, &U, &res)) return res;
  Prepare(win);
  if (!Enumerate()) {
    res.outcome = LatticeResult::Outcome::kTooLarge;
    res.message = "more than " + std::to_string(o_.max_ideals) + " down-sets (or " + std::to_string(o_.max_steps) +
                  " steps, or the time limit, enumerating them)";
    res.ideals = static_cast<int64_t>(ideals_.size());
    res.schedule = Schedule();
    return res;
  }
  res.ideals = static_cast<int64_t>(ideals_.size());
  if (!IndexLayers(&res)) return res;
  return SearchBelowTargets(
      p_, o_.max_steps, RootLowerBound(), U, [this](double t) { return Search(t); },
      [this] {
        return RebuildChain(layer_, n_, S_, best_node_, best_label_,
                            [this](const LNode& nd, int v) { return ideals_[nd.ideal].set.test(v); });
      },
      steps_, labels_, std::move(res));
}

}  // namespace

LatticeResult SolveWide(const Problem& problem, const Windows* windows, const Schedule* start,
                        const LatticeOptions& options) {
  const int n = problem.g().size();
  if (n <= 64) return WideSolver<1>(problem, options).Run(windows, start);  // tests (wide_only)
  if (n <= 128) return WideSolver<2>(problem, options).Run(windows, start);
  if (n <= 256) return WideSolver<4>(problem, options).Run(windows, start);
  if (n <= 512) return WideSolver<8>(problem, options).Run(windows, start);
  if (n <= 1024) return WideSolver<16>(problem, options).Run(windows, start);
  if (n <= kLatticeWideMaxNodes) return WideSolver<32>(problem, options).Run(windows, start);
  LatticeResult r;
  r.message = "graph has more than " + std::to_string(kLatticeWideMaxNodes) + " nodes";
  return r;
}

}  // namespace lattice_internal

}  // namespace respect
