#include "formulations/cut_bound.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <deque>
#include <future>
#include <map>
#include <string>
#include <vector>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/boykov_kolmogorov_max_flow.hpp>

#include "core/deadline.h"
#include "core/time_shares.h"
#include "cost/crossing.h"
#include "cost/evaluate.h"
#include "formulations/crossing_clusters.h"
#include "formulations/reachability.h"
#include "formulations/schedule_ilp.h"
#include "formulations/spectral_floor.h"

namespace respect {
namespace {


// One s-t network on Boost's adjacency list, with the properties
// boykov_kolmogorov_max_flow reads.
class FlowNetwork {
  using Traits = boost::adjacency_list_traits<boost::vecS, boost::vecS, boost::directedS>;
  using Graph = boost::adjacency_list<
      boost::vecS, boost::vecS, boost::directedS,
      boost::property<boost::vertex_color_t, boost::default_color_type,
                      boost::property<boost::vertex_distance_t, int64_t,
                                      boost::property<boost::vertex_predecessor_t, Traits::edge_descriptor>>>,
      boost::property<boost::edge_capacity_t, int64_t,
                      boost::property<boost::edge_residual_capacity_t, int64_t,
                                      boost::property<boost::edge_reverse_t, Traits::edge_descriptor>>>>;

 public:
  static constexpr int kSource = 0, kSink = 1;

  explicit FlowNetwork(int vertices) : g_(vertices) {}

  void AddArc(int from, int to, int64_t capacity) {
    if (from == to || capacity <= 0 || from == kSink || to == kSource) return;  // never in a cut
    auto cap = boost::get(boost::edge_capacity, g_);
    auto rev = boost::get(boost::edge_reverse, g_);
    const auto e = boost::add_edge(from, to, g_).first;
    const auto r = boost::add_edge(to, from, g_).first;
    cap[e] = capacity;
    cap[r] = 0;
    rev[e] = r;
    rev[r] = e;
  }

  int64_t MaxFlow() { return boost::boykov_kolmogorov_max_flow(g_, kSource, kSink); }
  // After MaxFlow: whether vertex v is on the source side of a minimum cut.
  bool SourceSide(int v) const { return boost::get(boost::vertex_color, g_, v) == boost::black_color; }

 private:
  Graph g_;
};

// Least crossings of down-sets between a sure inside and a sure outside, for
// one problem: per boundary under the windows of a peak, and per band of
// down-set weights.
class DownSetCuts {
 public:
  // stop: once requested, Crossing and BandCut return what they
  // have proven so far (still lower bounds) at their next max-flow. A
  // request during the Reachability (46 s at 100,000 nodes and 300,000
  // edges on the loaded VM, where a join waited 63 s for it) abandons it:
  // complete() is false then, and nothing else may be asked.
  explicit DownSetCuts(const Problem& problem, StopToken stop = {})
      : stop_(stop),
        problem_(problem),
        g_(problem.g()),
        reach_(problem.g(), /*with_param_sums=*/true, [stop] { return stop.Requested(); }),
        hard_(FullWindows(problem)),
        weights_(problem.g(), problem.objective) {}

  bool complete() const { return reach_.complete(); }

  // w * sum_k of the least crossing at boundary k over schedules with peak
  // <= m; +inf when the windows of m leave some node no stage.
  double Crossing(int64_t m, int* max_flows) const {
    Windows w = IncumbentWindows(problem_, hard_, reach_, static_cast<double>(m));
    if (!PropagateWindows(g_, &w)) return std::numeric_limits<double>::infinity();
    int64_t sum = 0;
    std::vector<int> vx(g_.size());
    for (int k = 0; k + 1 < problem_.stages && !Stopped(); ++k) {  // a partial sum bounds too
      // Inside D_k: every node whose window ends by k; outside: every node
      // whose window starts after k.
      for (int v = 0; v < g_.size(); ++v)
        vx[v] = w.hi[v] <= k ? FlowNetwork::kSource : (w.lo[v] > k ? FlowNetwork::kSink : kFree);
      sum += std::max(MinCut(&vx), boundary_floor_);
      ++*max_flows;
    }
    return problem_.objective.comm_weight * static_cast<double>(sum);
  }

  // The least crossing of any down-set D with a <= P(D) <= b (+inf: none),
  // or a lower bound of it; *exact (may be null) says it is the least
  // crossing itself (the least cut of the marks weighs a..b, or there is
  // no such D).
  double BandCut(int64_t a, int64_t b, int* max_flows, bool* exact = nullptr) const {
    if (exact) *exact = true;
    std::vector<int> vx;
    if (!BandMarks(a, b, &vx)) return std::numeric_limits<double>::infinity();
    if (exact) *exact = false;
    const int64_t total = g_.total_param_bytes();
    std::vector<int> marks = vx;
    int64_t weight = 0;
    const int64_t plain = MinCut(&marks, {}, true, &weight);
    ++*max_flows;
    // The least cut may weigh far less than a (a few cheap nodes past the
    // sure inside), or more than b. Pricing the weight left out at mu per
    // byte gives, for every D with P(D) >= a, cut(D) >= cut(D) + mu (a - P(D))
    //   >= min_D' [cut(D') + sum_{v not in D'} floor(mu p_v)] - mu (total - a):
    // a bound for every mu >= 0 (the Lagrangian of P(D) >= a), concave in
    // mu with slope a - P(D'), so the best mu is found by bisection on that
    // sign; likewise pricing the weight inside for P(D) <= b. Beyond a few
    // times the cut per byte of the whole graph no mu can pay.
    double best = static_cast<double>(plain);
    const bool light = weight < a;
    if (!light && weight <= b) {
      if (exact) *exact = true;
      return best;
    }
    const double side = light ? static_cast<double>(std::max<int64_t>(1, a)) : static_cast<double>(std::max<int64_t>(1, total - b));
    const double shift = light ? static_cast<double>(total - a) : static_cast<double>(b);
    // Capped so that the priced weights stay far inside int64 (sum <= 1e17).
    double mu_lo = 0.0;
    const double mu_hi_cap = 1e17 / static_cast<double>(std::max<int64_t>(1, total));
    double mu_hi = std::min(4.0 * static_cast<double>(weights_.total()) / side, mu_hi_cap);
    std::vector<int64_t> pay(g_.size());
    for (int it = 0; it < kLagrangeSteps && !Stopped(); ++it) {
      const double mu = 0.5 * (mu_lo + mu_hi);
      for (int v = 0; v < g_.size(); ++v)
        pay[v] = static_cast<int64_t>(std::floor(mu * static_cast<double>(g_.node(v).param_bytes)));
      marks = vx;
      const int64_t value = MinCut(&marks, pay, /*outside=*/light, &weight);
      ++*max_flows;
      best = std::max(best, static_cast<double>(value) - mu * shift);
      const bool push = light ? weight < a : weight > b;  // the slope is still positive
      (push ? mu_lo : mu_hi) = mu;
    }
    return best;
  }

  // A lower bound of the least crossing of a down-set D with a <= P(D) <=
  // b, as an ILP: a binary z_v per node the marks leave free, a knapsack
  // row for the weight, the crossings as in MinCut (a y column per tensor
  // with several free consumers). The solver's proven bound, rounded up
  // to whole bytes (crossings are whole), or -inf when it fails or proves
  // nothing; +inf when no such D exists. *optimal: the bound is the least
  // crossing.
  double BandIlp(int64_t a, int64_t b, MilpSolver* solver, double seconds, bool* optimal) const;
  // BandIlp's model for the marks vx, before its weight row: a binary z_v
  // (*col, -1: none) per free node, the precedence rows, the crossings in
  // the objective (in units of `unit` bytes). Returns the bytes of the sure
  // inside.
  int64_t BandModel(const std::vector<int>& vx, double unit, MilpModel* model, std::vector<int>* col) const;
  double BandIlpMargin() const { return 1e-6 * static_cast<double>(weights_.total()) + 1.0; }
  const CrossingWeights& weights() const { return weights_; }

  // With the non-empty rule every D_k holds an operator and leaves one out,
  // so X_k >= LeastProperCut(true): Crossing uses it per boundary.
  void set_boundary_floor(int64_t floor) { boundary_floor_ = std::max<int64_t>(0, floor); }

  // The least crossing of a down-set that holds an operator node and leaves
  // one out (with operators_only false: any node), over every such
  // down-set; -1 when the stop came first (a partial minimum bounds
  // nothing). Fix an operator r: a down-set without r holds a minimal
  // operator s (one with no operator ancestor) and s's ancestors, one with
  // r leaves out a maximal operator t and t's descendants, so one max-flow
  // per such s and t. *max_flows counts them. -1 too once clock passes
  // until_s.
  int64_t LeastProperCut(bool operators_only, const Stopwatch& clock, double until_s, int* max_flows) const;
  // An upper bound of LeastProperCut (the least crossing of a source
  // alone), without max-flows; -1 when no source is one of its down-sets.
  int64_t LeastSourceCut(bool operators_only) const {
    int operators = 0;
    for (int v = 0; v < g_.size(); ++v) operators += !operators_only || g_.is_operator(v);
    int64_t least = -1;
    for (int v = 0; v < g_.size() && operators > 1; ++v) {
      if (!g_.parents(v).empty() || (operators_only && !g_.is_operator(v))) continue;
      const int64_t out = weights_.OutgoingAll(g_, v);
      if (least < 0 || out < least) least = out;
    }
    return least;
  }

 private:
  static constexpr int kFree = -1;
  static constexpr int kLagrangeSteps = 12;

  // Per node: kSource when every down-set weighing a..b holds it (the
  // nodes that are not it or its descendants weigh < a), kSink when none
  // does (it and its ancestors weigh > b), else kFree. False when no
  // down-set can weigh a..b by these marks.
  bool BandMarks(int64_t a, int64_t b, std::vector<int>* vx_out) const {
    const int64_t total = g_.total_param_bytes();
    std::vector<int>& vx = *vx_out;
    vx.assign(g_.size(), kFree);
    int64_t inside = 0, outside = 0;
    for (int v = 0; v < g_.size(); ++v) {
      const int64_t p = g_.node(v).param_bytes;
      const bool in = total - p - reach_.descendant_param_bytes(v) < a;
      const bool out = p + reach_.ancestor_param_bytes(v) > b;
      if (in && out) return false;
      vx[v] = in ? FlowNetwork::kSource : (out ? FlowNetwork::kSink : kFree);
      inside += in ? p : 0;
      outside += out ? p : 0;
    }
    return inside <= b && total - outside >= a;
  }

  // The least crossing of a down-set that holds every node marked
  // kSource and none marked kSink; *vx (kSource, kSink or kFree per node)
  // is overwritten with flow vertices. Such a down-set exists: the marks are
  // closed along edges (sources' parents are sources, sinks' children sinks).
  // pay (empty: none) adds pay[v] for every v left out of the down-set when
  // `outside`, else for every v in it.
  // inside_bytes (null: not wanted): the parameter bytes of the minimising
  // down-set.
  int64_t MinCut(std::vector<int>* vx_in, const std::vector<int64_t>& pay = {}, bool outside = true,
                 int64_t* inside_bytes = nullptr) const {
    std::vector<int>& vx = *vx_in;
    const int n = g_.size();
    int count = 2;
    for (int v = 0; v < n; ++v)
      if (vx[v] == kFree) vx[v] = count++;
    // Auxiliary vertices for tensors with several free consumers.
    std::vector<int> aux(n, -1);
    if (weights_.per_tensor())
      for (int u = 0; u < n; ++u)
        if (vx[u] != FlowNetwork::kSink && !weights_.silent(u) &&
            std::any_of(g_.children(u).begin(), g_.children(u).end(), [&](int c) { return vx[c] >= 2; }))
          aux[u] = count++;
    FlowNetwork net(count);
    // Any cut through an "infinite" arc costs more than cutting every tensor.
    int64_t finite = weights_.total();
    for (int64_t x : pay) finite += x;
    const int64_t inf = finite + 1;
    int64_t fixed = 0;  // crossings between the two sure sides
    for (size_t v = 0; v < pay.size(); ++v) {
      const int sure = outside ? FlowNetwork::kSink : FlowNetwork::kSource;
      if (vx[v] == sure) fixed += pay[v];
      else if (outside) net.AddArc(FlowNetwork::kSource, vx[v], pay[v]);
      else net.AddArc(vx[v], FlowNetwork::kSink, pay[v]);
    }
    for (int u = 0; u < n; ++u) {
      const std::vector<int>& ch = g_.children(u);
      for (int c : ch)  // precedence: c inside D_k puts u inside
        if (vx[c] >= 2 && vx[u] >= 2) net.AddArc(vx[c], vx[u], inf);
      if (vx[u] == FlowNetwork::kSink || weights_.silent(u)) continue;
      if (weights_.per_tensor()) {
        // u inside with aux[u] outside pays u's tensor once; aux[u] can sit
        // inside only when every consumer does.
        const bool sink_child =
            std::any_of(ch.begin(), ch.end(), [&](int c) { return vx[c] == FlowNetwork::kSink; });
        if (sink_child) {  // u inside pays: for sure when u is, else by the cut
          if (vx[u] == FlowNetwork::kSource) fixed += weights_.tensor(u);
          else net.AddArc(vx[u], FlowNetwork::kSink, weights_.tensor(u));
        } else if (aux[u] >= 0) {  // some consumer is free (else all are inside: nothing to pay)
          net.AddArc(vx[u], aux[u], weights_.tensor(u));
          for (int c : ch) net.AddArc(aux[u], vx[c], inf);
        }
      } else {
        for (size_t i = 0; i < ch.size(); ++i) {
          const int64_t c_uw = weights_.edge(u, static_cast<int>(i));
          if (vx[u] == FlowNetwork::kSource && vx[ch[i]] == FlowNetwork::kSink) fixed += c_uw;
          else net.AddArc(vx[u], vx[ch[i]], c_uw);
        }
      }
    }
    const int64_t flow = net.MaxFlow();
    if (inside_bytes) {
      *inside_bytes = 0;
      for (int v = 0; v < n; ++v)
        if (vx[v] == FlowNetwork::kSource || (vx[v] >= 2 && net.SourceSide(vx[v])))
          *inside_bytes += g_.node(v).param_bytes;
    }
    return fixed + flow;
  }

  bool Stopped() const { return stop_.Requested(); }

  int64_t boundary_floor_ = 0;
  StopToken stop_;
  const Problem& problem_;
  const Graph& g_;
  const Reachability reach_;
  const Windows hard_;  // FullWindows(problem_), the same for every peak
  const CrossingWeights weights_;
};

int64_t DownSetCuts::LeastProperCut(bool operators_only, const Stopwatch& clock, double until_s,
                                    int* max_flows) const {
  const int n = g_.size();
  auto op = [&](int v) { return !operators_only || g_.is_operator(v); };
  // Operators with no operator ancestor / descendant, in topological order
  // (an operator's operator ancestors come first).
  std::vector<char> below(n, 0), above(n, 0);  // an operator lies strictly above / below
  for (int v : g_.topo_order())
    for (int p : g_.parents(v)) below[v] |= below[p] || op(p);
  for (auto it = g_.topo_order().rbegin(); it != g_.topo_order().rend(); ++it)
    for (int c : g_.children(*it)) above[*it] |= above[c] || op(c);
  int r = -1;
  for (int v = 0; v < n && r < 0; ++v)
    if (op(v)) r = v;
  if (r < 0) return 0;
  std::vector<int> r_down = g_.Descendants(r), r_up = g_.Ancestors(r);
  r_down.push_back(r);
  r_up.push_back(r);
  std::vector<char> in_down(n, 0), in_up(n, 0);
  for (int v : r_down) in_down[v] = 1;
  for (int v : r_up) in_up[v] = 1;
  int64_t least = std::numeric_limits<int64_t>::max();
  std::vector<int> vx(n);
  for (int v = 0; v < n; ++v) {
    if (Stopped() || clock.Seconds() > until_s) return -1;
    const bool minimal = op(v) && !below[v] && !in_down[v];  // s: with its ancestors in, r out
    const bool maximal = op(v) && !above[v] && !in_up[v];    // t: with its descendants out, r in
    for (int side = 0; side < 2; ++side) {
      if (!(side == 0 ? minimal : maximal)) continue;
      std::fill(vx.begin(), vx.end(), kFree);
      const int near = side == 0 ? FlowNetwork::kSource : FlowNetwork::kSink;
      const int far = side == 0 ? FlowNetwork::kSink : FlowNetwork::kSource;
      for (int u : side == 0 ? g_.Ancestors(v) : g_.Descendants(v)) vx[u] = near;
      vx[v] = near;
      for (int u : side == 0 ? r_down : r_up) vx[u] = far;
      least = std::min(least, MinCut(&vx));
      ++*max_flows;
    }
  }
  return least == std::numeric_limits<int64_t>::max() ? -1 : least;
}

int64_t DownSetCuts::BandModel(const std::vector<int>& vx, double unit, MilpModel* model,
                               std::vector<int>* col_out) const {
  const int n = g_.size();
  MilpModel& m = *model;
  m.name = "band_cut";
  m.objective_step = unit;
  std::vector<int>& col = *col_out;
  col.assign(n, -1);
  int64_t inside = 0;
  for (int v = 0; v < n; ++v) {
    if (vx[v] == kFree) col[v] = m.AddCol(0, 1, 0, true, "z" + std::to_string(v));
    if (vx[v] == FlowNetwork::kSource) inside += g_.node(v).param_bytes;
  }
  auto in = [&](int v) { return vx[v] == FlowNetwork::kSource; };
  auto out = [&](int v) { return vx[v] == FlowNetwork::kSink; };
  auto pay = [&](int v, double bytes) {  // bytes per unit of z_v (v free) or a constant
    if (col[v] >= 0) m.cols[col[v]].obj += bytes * unit;
    else if (in(v)) m.obj_offset += bytes * unit;
  };
  for (int u = 0; u < n; ++u) {
    const std::vector<int>& ch = g_.children(u);
    for (int c : ch)  // c inside puts u inside
      if (col[u] >= 0 && col[c] >= 0) m.AddRow({col[u], col[c]}, {1, -1}, 0, kMilpInf, "");
    if (out(u) || weights_.silent(u)) continue;
    if (!weights_.per_tensor()) {
      // u -> c crosses when u is inside and c is not: z_u - z_c (z of a
      // sure node is its constant).
      for (size_t i = 0; i < ch.size(); ++i) {
        const double w = static_cast<double>(weights_.edge(u, static_cast<int>(i)));
        if (in(ch[i])) continue;
        pay(u, w);
        if (col[ch[i]] >= 0) m.cols[col[ch[i]]].obj -= w * unit;
      }
      continue;
    }
    const double t = static_cast<double>(weights_.tensor(u));
    if (std::any_of(ch.begin(), ch.end(), out)) {  // crosses whenever u is inside
      pay(u, t);
      continue;
    }
    std::vector<int> free_ch;
    for (int c : ch)
      if (col[c] >= 0) free_ch.push_back(c);
    if (free_ch.empty()) continue;  // every consumer inside with u
    if (free_ch.size() == 1) {
      pay(u, t);
      m.cols[col[free_ch[0]]].obj -= t * unit;
      continue;
    }
    // y >= z_u - z_c for every free consumer c (z_u = 1 when u is sure).
    const int y = m.AddCol(0, 1, t * unit, false, "y" + std::to_string(u));
    for (int c : free_ch) {
      if (col[u] >= 0) m.AddRow({y, col[u], col[c]}, {1, -1, 1}, 0, kMilpInf, "");
      else m.AddRow({y, col[c]}, {1, 1}, 1, kMilpInf, "");
    }
  }
  return inside;
}

double DownSetCuts::BandIlp(int64_t a, int64_t b, MilpSolver* solver, double seconds, bool* optimal) const {
  *optimal = false;
  std::vector<int> vx;
  if (!BandMarks(a, b, &vx)) {
    *optimal = true;
    return std::numeric_limits<double>::infinity();
  }
  // Bytes in MiB: the weights and crossings are whole bytes, exact in a
  // double at 2^-20, and the model stays well scaled.
  constexpr double kUnit = 1.0 / 1048576.0;
  const int n = g_.size();
  MilpModel m;
  std::vector<int> col;
  const int64_t inside = BandModel(vx, kUnit, &m, &col);
  std::vector<int> idx;
  std::vector<double> val;
  for (int v = 0; v < n; ++v)
    if (col[v] >= 0 && g_.node(v).param_bytes > 0) {
      idx.push_back(col[v]);
      val.push_back(static_cast<double>(g_.node(v).param_bytes) * kUnit);
    }
  const double lo = static_cast<double>(a - inside) * kUnit, hi = static_cast<double>(b - inside) * kUnit;
  if (m.num_cols() == 0) {  // the marks decide every node
    *optimal = true;
    return lo <= 0 && 0 <= hi ? m.obj_offset / kUnit : std::numeric_limits<double>::infinity();
  }
  m.AddRow(idx, val, lo, hi, "weight");
  MilpOptions o;
  o.time_limit_s = seconds;
  o.stop = stop_;  // the run's stop (or its owner's) ends the band ILP under way, keeping its bound
  auto r = solver->Solve(m, o);
  if (!r.ok()) return -std::numeric_limits<double>::infinity();
  if (r->status == SolveStatus::kInfeasible) {
    *optimal = true;
    return std::numeric_limits<double>::infinity();
  }
  if (!std::isfinite(r->bound)) return -std::numeric_limits<double>::infinity();
  *optimal = r->status == SolveStatus::kOptimal;
  // Whole bytes: round up what the solver proved, less its tolerance. The
  // costs span 1 byte to megabytes in MiB units, and Cbc's LP tolerances
  // (1e-7 on scaled costs) let a claimed optimum sit a byte or so above
  // the true one: a margin of a millionth of all weights and a byte.
  const double bytes = r->bound / kUnit;
  return std::max(0.0, std::ceil(bytes - BandIlpMargin()));
}

// A band of down-set weights: the dyadic interval [Edge(total, res, i),
// Edge(total, res, i + 1)] (neighbours share an end: a weight there lies
// in both, and either bound holds for it), with a lower bound of the
// crossing of any down-set weighing that much (+inf: none exists).
struct Band {
  int64_t lo = 0, hi = 0;
  int64_t res = 1, index = 0;  // resolution (64 x 2^t, or 1 for [0, total]) and index
  double bound = 0.0;
  // The resolution of the band whose ILP bound this one inherits (its own
  // res: the ILP closed this very band; a stopped solve counts too), 0:
  // none yet. `exact` (no ILP needed): its bound is its least crossing.
  int64_t closed = 0;
  bool exact = false;
};

int64_t Edge(int64_t total, int64_t bands, int64_t j) {
  return static_cast<int64_t>((static_cast<__int128>(total) * j) / bands);
}

// The chain bound: the down-sets D_0 c D_1 c ... c D_{stages-2} of a
// schedule with peak <= m have P(D_0) <= m, P(D_k) - P(D_{k-1}) <= m and
// total - P(D_last) <= m. Each P(D_k) lies in one of the bands (sorted,
// covering [0, total]), and D_k crosses at least that band's bound, so
// the least sum of band bounds over chains of bands that can satisfy
// those inequalities bounds sum_k X_k. Unlike the per-boundary cuts, the
// boundaries cannot all use one cheap cut: they must be spread over the
// whole weight, at most m apart.
class BandChain {
 public:
  BandChain(int64_t total, const std::vector<Band>& bands) : total_(total), bands_(bands) {}

  // The least sum of band bounds over chains of `boundaries` bands for peak
  // m; `path` (may be null) receives the band indices of one least chain.
  double Crossing(int64_t m, int boundaries, std::vector<int>* path = nullptr) const {
    const int count = static_cast<int>(bands_.size());
    const double inf = std::numeric_limits<double>::infinity();
    auto lo = [&](int j) { return bands_[j].lo; };
    auto hi = [&](int j) { return bands_[j].hi; };
    std::vector<double> prev(count, inf), cur(count);
    std::vector<std::vector<int>> from;  // from[k][j]: the band before j in a least chain
    for (int j = 0; j < count; ++j)
      if (lo(j) <= m) prev[j] = bands_[j].bound;
    std::deque<int> window;  // indices of prev, increasing, values increasing
    for (int k = 1; k < boundaries; ++k) {
      // Band i can precede band j (i <= j) when lo(j) - hi(i) <= m; the
      // least such i only grows with j, so a sliding-window minimum.
      window.clear();
      if (path) from.emplace_back(count, -1);
      int first = 0;
      for (int j = 0; j < count; ++j) {
        while (!window.empty() && prev[window.back()] >= prev[j]) window.pop_back();
        window.push_back(j);
        while (lo(j) - hi(first) > m) ++first;
        while (window.front() < first) window.pop_front();
        cur[j] = prev[window.front()] + bands_[j].bound;
        if (path) from.back()[j] = window.front();
      }
      prev.swap(cur);
    }
    double best = inf;
    int last = -1;
    for (int j = 0; j < count; ++j)
      if (total_ - hi(j) <= m && prev[j] < best) {
        best = prev[j];
        last = j;
      }
    if (path) {
      path->clear();
      for (int k = boundaries - 1; last >= 0 && k >= 0; --k) {
        path->push_back(last);
        last = k > 0 ? from[k - 1][last] : -1;
      }
    }
    return best;
  }

 private:
  int64_t total_;
  const std::vector<Band>& bands_;
};

// The bands of the chain: Lagrangian bounds at doubling resolutions (64,
// 128, ... bands) while time lasts; then, where a chain needs it, band
// ILPs from coarse to fine, and bands split in two once closed (the
// chain's steps are only as sharp as its bands are narrow: at 10,000
// nodes the least cell's peak is within 0.1% of total / stages). A band
// lies inside its parent, so a parent's bound holds for it.
class BandTable {
 public:
  static constexpr int kFirstBands = 64;

  BandTable(const DownSetCuts& cuts, int64_t total) : cuts_(cuts), total_(total) {
    Band all;
    all.hi = total;
    bands_.push_back(all);
  }

  const std::vector<Band>& bands() const { return bands_; }

  // Every band that holds no down-set cheaper than `floor` gets it as its
  // bound, now and at every later level: all bands (inner_only false) or
  // those that hold neither the empty set nor the whole graph (0 < lo, hi <
  // total). LeastProperCut gives such floors.
  void SetFloor(double floor, bool inner_only) {
    floor_ = std::max(0.0, floor);
    inner_only_ = inner_only;
    for (Band& b : bands_) ApplyFloor(&b);
  }

  // Every band, now and later, crosses at least the spectral floor of its
  // weights (formulations/spectral_floor.h).
  void SetSpectral(const SpectralFloor& spectral) {
    spectral_ = spectral;
    for (Band& b : bands_) ApplyFloor(&b);
  }

  // Lagrangian levels up to max_bands while clock.Seconds() < seconds.
  void Lagrangian(int max_bands, double seconds, const Stopwatch& clock, const StopToken& stop,
                  CutBoundResult* out) {
    if (max_bands <= 0) return;
    auto go = [&] { return clock.Seconds() < seconds && !stop.Requested(); };
    for (int res = kFirstBands; res <= std::max(kFirstBands, max_bands); res *= 2) {
      std::vector<Band> next(res);
      const int64_t parent = static_cast<int64_t>(bands_.size());
      for (int j = 0; j < res; ++j) {
        Band& b = next[j];
        b.res = res;
        b.index = j;
        b.lo = Edge(total_, res, j);
        b.hi = Edge(total_, res, j + 1);
        b.bound = bands_[static_cast<int64_t>(j) * parent / res].bound;
        b.exact = std::isinf(b.bound);  // its parent holds no down-set
        ApplyFloor(&b);
      }
      for (int j = 0; j < res && go(); ++j) {
        if (next[j].exact) continue;
        bool exact = false;
        next[j].bound = std::max(next[j].bound, cuts_.BandCut(next[j].lo, next[j].hi, &out->max_flows, &exact));
        next[j].exact = exact;
        ++out->bands_evaluated;
      }
      bands_.swap(next);
      out->bands = res;
      if (!go()) break;
    }
  }

  // One step for a band of `path` whose bound may still rise, the least
  // closed one (the heaviest among those): an ILP over the band of the
  // next resolution that holds it, or when it is closed itself, a split
  // into halves (which then ask for ILPs of their own). False when every
  // band of the path is exact, or as narrow as it gets.
  bool Refine(const std::vector<int>& path, MilpSolver* solver, double seconds, CutBoundResult* out) {
    if (bands_.size() < static_cast<size_t>(kFirstBands)) return false;  // CutBoundOptions::bands = 0
    // A band's level: the resolution its bound is as good as (its own res
    // once exact or closed by its own ILP: then only a split can help).
    auto level = [](const Band& b) { return b.exact ? b.res : b.closed; };
    int pick = -1;
    for (int j : path) {
      const Band& b = bands_[j];
      if (std::isinf(b.bound) || (level(b) == b.res && b.hi - b.lo < 2)) continue;
      if (pick < 0 || level(b) < level(bands_[pick]) ||
          (level(b) == level(bands_[pick]) && b.bound > bands_[pick].bound))
        pick = j;
    }
    if (pick < 0) return false;
    if (level(bands_[pick]) == bands_[pick].res) {
      Split(pick);
      ++out->band_splits;
      return true;
    }
    const Band& b = bands_[pick];
    const int64_t res = std::max<int64_t>(kFirstBands, 2 * b.closed);
    const int64_t index = b.index / (b.res / res);  // of the band at res that holds b
    const int64_t lo = Edge(total_, res, index), hi = Edge(total_, res, index + 1);
    const Stopwatch ts;
    bool optimal = false;
    const double bound = cuts_.BandIlp(lo, hi, solver, seconds, &optimal);
    out->band_ilp_seconds += ts.Seconds();
    ++out->band_ilps;
    for (Band& inside : bands_)
      if (inside.lo >= lo && inside.hi <= hi && inside.res >= res) {
        inside.bound = std::max(inside.bound, bound);
        inside.closed = std::max(inside.closed, res);
      }
    return true;
  }

 private:
  // The halves keep the bound and count as closed at the parent's
  // resolution (their next ILP is their own).
  void Split(int j) {
    Band left = bands_[j], right = bands_[j];
    left.exact = right.exact = false;
    left.closed = right.closed = bands_[j].res;
    left.res = right.res = 2 * bands_[j].res;
    left.index = 2 * bands_[j].index;
    right.index = left.index + 1;
    left.hi = right.lo = Edge(total_, left.res, right.index);
    ApplyFloor(&left);  // narrower: the spectral floor may rise
    ApplyFloor(&right);
    bands_[j] = left;
    bands_.insert(bands_.begin() + j + 1, right);
  }

  void ApplyFloor(Band* b) const {
    if (!inner_only_ || (b->lo > 0 && b->hi < total_)) b->bound = std::max(b->bound, floor_);
    b->bound = std::max(b->bound, spectral_.Floor(b->lo, b->hi));
  }

  const DownSetCuts& cuts_;
  int64_t total_;
  std::vector<Band> bands_;  // sorted, covering [0, total]
  double floor_ = 0.0;
  bool inner_only_ = true;
  SpectralFloor spectral_;
};

// The least proper cut of `cuts`' graph (0: not computed or none), when it
// can matter: each of `boundaries` boundaries gains at most w x the least
// source cut, which must reach a thousandth of `peak` (on DNN-like graphs a
// tensor is tiny against the stage bytes). It costs a max-flow per minimal
// and per maximal node, about n (n + E) steps: skipped beyond 2e8 or past
// until_s.
int64_t UsefulProperCut(const DownSetCuts& cuts, const Problem& problem, bool operators_only, int64_t peak,
                        const Stopwatch& clock, double until_s, int* max_flows) {
  const Graph& g = problem.g();
  const double n = static_cast<double>(g.size());
  if (n * (n + static_cast<double>(g.num_edges())) > 2e8) return 0;
  const int64_t upper = cuts.LeastSourceCut(operators_only);
  const double gain = problem.objective.comm_weight * (problem.stages - 1) * static_cast<double>(upper);
  if (upper >= 0 && gain < 1e-3 * static_cast<double>(peak)) return 0;
  return std::max<int64_t>(0, cuts.LeastProperCut(operators_only, clock, until_s, max_flows));
}

// Gives `table` the spectral floor of `problem`, when its piece is small
// enough for the dense eigenvalues to take a fifth of `seconds` (0.25 s
// for 851 nodes on one core), and when it can matter: the
// most it could add over the boundaries, comm_weight x an upper bound of
// lambda_2 x sum_k (k / stages)(1 - k / stages) x the table's weight, must
// reach a thousandth of `peak` (not on DNN-like graphs).
// Returns the floor (none when skipped).
SpectralFloor SetSpectralFloor(const Problem& problem, const CrossingWeights& weights, double seconds, int64_t peak,
                               BandTable* table, CutBoundResult* out) {
  double spread = 0.0;
  for (int k = 1; k < problem.stages; ++k) {
    const double a = static_cast<double>(k) / problem.stages;
    spread += a * (1 - a);
  }
  const double most_gain = problem.objective.comm_weight * SpectralUpperEstimate(problem, weights) * spread *
                           static_cast<double>(problem.g().total_param_bytes());
  if (most_gain < 1e-3 * static_cast<double>(peak)) return {};
  const SpectralFloor f = ComputeSpectralFloor(problem, weights, kSpectralMaxNodes, /*peels=*/4, 0.2 * seconds);
  out->spectral_seconds += f.seconds;
  if (!(f.lambda() > 0)) return {};
  table->SetSpectral(f);
  out->spectral_floors += 1;
  return f;
}

// The cluster chains: the crossing of a schedule is at least the sum over
// its crossing clusters (formulations/crossing_clusters.h) of the crossing
// of the links inside each, and the stages of a cluster hold at most the
// peak, so C(M) >= the sum over clusters heavier than M of the chain bound
// of the cluster alone. Built only where clusters differ from the whole
// graph (graphs whose zero-weight links leave the crossing in pieces).
class ClusterChains {
 public:
  // Clusters heavier than `lightest_peak` (no lighter peak is asked for);
  // `weights` are problem's.
  ClusterChains(const Problem& problem, const CrossingWeights& weights, int64_t lightest_peak,
                const StopToken& stop) {
    const std::vector<CrossingCluster> clusters = CrossingClusters(problem.g(), weights);
    if (clusters.size() < 2) return;  // one cluster: the whole graph's chain
    for (const CrossingCluster& c : clusters) {
      if (c.param_bytes <= lightest_peak) break;  // heaviest first
      if (c.nodes.size() < 2) continue;          // nothing to split
      // A cluster of nearly every node (a connected graph but for a few
      // loose nodes) would repeat the whole graph's chain.
      if (static_cast<double>(c.nodes.size()) >= 0.99 * problem.g().size()) continue;
      auto sub = InducedProblem(problem, c.nodes);
      if (!sub.ok()) continue;  // a bound without this cluster is still a bound
      auto part = std::make_unique<Part>();
      part->problem = std::move(*sub);
      part->cuts = std::make_unique<DownSetCuts>(part->problem, stop);
      if (!part->cuts->complete()) break;  // stopped: the bound goes without the rest
      part->table = std::make_unique<BandTable>(*part->cuts, c.param_bytes);
      part->chain = std::make_unique<BandChain>(c.param_bytes, part->table->bands());
      part->weight = c.param_bytes;
      part->nodes = c.nodes;
      nodes_ += static_cast<int64_t>(c.nodes.size());
      parts_.push_back(std::move(part));
    }
  }

  int size() const { return static_cast<int>(parts_.size()); }
  int64_t nodes() const { return nodes_; }

  // The Lagrangian bands of each cluster, its share of `seconds` by size,
  // above the cluster's least proper cut (every band between the empty set
  // and the whole cluster crosses at least that) and its spectral floor
  // (sized by `run_s`, the bound's whole time). The whole graph's floor
  // `whole` serves the cluster that holds its pieces (a linked piece lies
  // in one cluster): the same pieces, the rest of the cluster as rest.
  void Lagrangian(int max_bands, double seconds, double run_s, const SpectralFloor& whole, const Stopwatch& clock,
                  const StopToken& stop, CutBoundResult* out) {
    double until = clock.Seconds();
    for (auto& p : parts_) {
      const int64_t floor = UsefulProperCut(*p->cuts, p->problem, /*operators_only=*/false, p->weight, clock,
                                            until + seconds / 2, &out->max_flows);
      if (floor > 0) p->table->SetFloor(static_cast<double>(floor), /*inner_only=*/true);
      if (!whole.pieces.empty() && std::binary_search(p->nodes.begin(), p->nodes.end(), whole.anchor)) {
        SpectralFloor mine = whole;
        for (SpectralPiece& q : mine.pieces) q.rest = p->weight - q.piece;
        p->table->SetSpectral(mine);
        out->spectral_floors += 1;
      } else {
        SetSpectralFloor(p->problem, p->cuts->weights(), run_s, p->weight, p->table.get(), out);
      }
    }
    until = clock.Seconds();
    for (auto& p : parts_) {
      until += seconds * static_cast<double>(p->problem.g().size()) / static_cast<double>(nodes_);
      const int bands = std::min(max_bands, 4 * p->problem.g().size());
      const int keep = out->bands;
      p->table->Lagrangian(bands, until, clock, stop, out);
      out->bands = keep;  // the whole graph's resolution is the one reported
    }
  }

  // Sum over the clusters heavier than m of their chain bounds.
  double Crossing(int64_t m, int boundaries) const {
    double sum = 0.0;
    for (const auto& p : parts_)
      if (p->weight > m) sum += p->chain->Crossing(m, boundaries);
    return sum;
  }

  // One band ILP or split on the chain of peak m of the cluster that adds
  // most there; false when none has anything left to close.
  bool Refine(int64_t m, int boundaries, MilpSolver* solver, double seconds, CutBoundResult* out) {
    std::vector<std::pair<double, Part*>> order;
    for (auto& p : parts_)
      if (p->weight > m) order.emplace_back(p->chain->Crossing(m, boundaries), p.get());
    std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<int> path;
    for (auto& [value, part] : order) {
      part->chain->Crossing(m, boundaries, &path);
      if (part->table->Refine(path, solver, seconds, out)) return true;
    }
    return false;
  }

 private:
  struct Part {
    std::vector<int> nodes;  // of the whole graph, ascending
    Problem problem;
    std::unique_ptr<DownSetCuts> cuts;  // reads problem
    std::unique_ptr<BandTable> table;   // reads cuts
    std::unique_ptr<BandChain> chain;   // reads table's bands
    int64_t weight = 0;
  };
  std::vector<std::unique_ptr<Part>> parts_;
  int64_t nodes_ = 0;
};

}  // namespace

struct CutBoundThread::State {
  Problem problem;
  std::unique_ptr<MilpSolver> band_solver;
  StopToken stop;  // a child of the caller's
  std::future<CutBoundResult> run;
  bool have = false;
  CutBoundResult result;
};

CutBoundThread::CutBoundThread(Problem problem, double incumbent, CutBoundOptions options,
                               std::unique_ptr<MilpSolver> band_solver)
    : state_(std::make_unique<State>()) {
  State* st = state_.get();
  st->problem = std::move(problem);
  st->band_solver = std::move(band_solver);
  options.band_solver = st->band_solver.get();
  st->stop = options.stop.Child();
  options.stop = st->stop;
  st->run = std::async(std::launch::async, [st, incumbent, options] { return CutLowerBound(st->problem, incumbent, options); });
}

CutBoundThread::~CutBoundThread() { Stop(); }

bool CutBoundThread::Finished() const {
  return state_->have || state_->run.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

CutBoundResult CutBoundThread::Stop() {
  if (!state_->have) {
    state_->stop.Request();
    state_->result = state_->run.get();
    state_->have = true;
  }
  return state_->result;
}

double LeastBandCrossing(const Problem& problem, int64_t a, int64_t b, MilpSolver* solver, double seconds,
                         bool* optimal) {
  return DownSetCuts(problem).BandIlp(a, b, solver, seconds, optimal);
}

namespace {

// The peak search of CutLowerBound: C(M) at a grid of peaks M in [lo, hi],
// refined by bisecting the least cell and, once it is one byte wide, by
// closing the bands its chain runs through. One object per run.
class PeakSearch {
 public:
  PeakSearch(const Problem& problem, const DownSetCuts& cuts, BandTable* table, ClusterChains* clusters, int64_t lo,
             int64_t hi, const CutBoundOptions& options, const Stopwatch& clock, CutBoundResult* out)
      : cuts_(cuts),
        table_(table),
        clusters_(clusters),
        chain_(problem.g().total_param_bytes(), table->bands()),
        boundaries_(problem.stages - 1),
        w_(problem.objective.comm_weight),
        lo_(lo),
        hi_(hi),
        o_(options),
        clock_(clock),
        out_(out) {}

  // A coarse grid first (C falls fastest just above lo), then bisect the
  // least cell; once it is one byte wide, close the bands its chain runs
  // through (with a band solver), which raises C, and go on. Returns the
  // bound (+inf: no peak up to hi has a schedule), the lowest peak it allows
  // in *peak (NaN: the incumbent's) and whether it converged.
  double Run(double* peak, bool* converged) {
    constexpr int kGrid = 8;
    for (int i = 0; i <= kGrid && TimeLeft(); ++i) {
      const double f = static_cast<double>(i) / kGrid;
      Eval(lo_ + static_cast<int64_t>(std::llround(f * f * static_cast<double>(hi_ - lo_))));
    }
    for (;;) {
      int64_t left = lo_ - 1, right = hi_;
      const double best = Least(&left, &right);
      *peak = static_cast<double>(left + 1);
      *converged = true;
      if (!std::isfinite(best)) {
        *peak = std::nan("");
        return best;
      }
      const bool narrow = right - left <= 1 && c_.count(right);
      if (!TimeLeft() || Stalled(best)) {
        *converged = narrow && !o_.band_solver;
        return best;
      }
      if (!narrow) {
        Eval(c_.count(right) ? left + (right - left + 1) / 2 : right);
      } else if (!CloseBands(right)) {
        return best;
      }
    }
  }

 private:
  struct Peak {
    double per_boundary, value;  // value = max(per_boundary, the chain's)
  };

  void Eval(int64_t m) {
    if (c_.count(m)) return;
    const double per_boundary = cuts_.Crossing(m, &out_->max_flows);
    c_[m] = {per_boundary, std::max(per_boundary, Chains(m))};
    ++out_->peaks_evaluated;
  }

  bool TimeLeft() const {
    return clock_.Seconds() < o_.time_limit_s && out_->peaks_evaluated < o_.max_peaks && !o_.stop.Requested();
  }

  // Whether the bound has not risen for stall_s (the clock starts at the
  // first finite bound); out_->stalled says so.
  bool Stalled(double best) {
    const double now = clock_.Seconds();
    if (!(best <= last_best_ * (1 + 1e-12))) {
      last_best_ = best;
      last_rise_s_ = now;
    }
    out_->stalled = now - last_rise_s_ > o_.stall_s;
    return out_->stalled;
  }

  // The cells: with p_0 = lo - 1 < p_1 < ... the evaluated peaks and hi, a
  // schedule with its peak in (p_i, p_{i+1}] costs at least
  // p_i + 1 + C(p_{i+1}); C(hi) counts 0 until evaluated (C >= 0), so the
  // cells cover [lo, hi] however early the time runs out. The least value
  // and its cell.
  double Least(int64_t* left, int64_t* right) const {
    double best = std::numeric_limits<double>::infinity();
    int64_t prev = lo_ - 1;
    auto consider = [&](int64_t p, double cp) {
      const double v = static_cast<double>(prev + 1) + cp;
      if (v < best) {
        best = v;
        *left = prev;
        *right = p;
      }
      prev = p;
    };
    for (const auto& [p, cp] : c_) consider(p, cp.value);
    if (!c_.count(hi_)) consider(hi_, 0.0);
    return best;
  }

  // The larger of the two chain bounds of peak m: the whole graph's and
  // the sum of the clusters'.
  double Chains(int64_t m) const {
    return w_ * std::max(chain_.Crossing(m, boundaries_), clusters_->Crossing(m, boundaries_));
  }

  // One band ILP or split on the chain of peak `right` that gives C there
  // (the clusters' when theirs is larger, then the other), then C again at
  // every peak; false when there is nothing left to close.
  bool CloseBands(int64_t right) {
    if (!o_.band_solver) return false;
    const double seconds = std::min(o_.band_ilp_s, o_.time_limit_s - clock_.Seconds());
    auto whole = [&] {
      chain_.Crossing(right, boundaries_, &path_);
      return table_->Refine(path_, o_.band_solver, seconds, out_);
    };
    auto parts = [&] { return clusters_->Refine(right, boundaries_, o_.band_solver, seconds, out_); };
    // Alternately: the Lagrangian bounds of both can sit at the same hull
    // (0 for a cluster whose only free down-sets are empty or whole), so
    // neither value says which chain an ILP would raise.
    clusters_turn_ = !clusters_turn_ && clusters_->size() > 0;
    if (!(clusters_turn_ ? parts() || whole() : whole() || parts())) return false;
    for (auto& [p, cp] : c_) cp.value = std::max(cp.per_boundary, Chains(p));
    return true;
  }

  const DownSetCuts& cuts_;
  BandTable* table_;
  ClusterChains* clusters_;
  const BandChain chain_;
  const int boundaries_;
  const double w_;
  const int64_t lo_, hi_;
  const CutBoundOptions& o_;
  const Stopwatch& clock_;
  CutBoundResult* out_;
  std::map<int64_t, Peak> c_;  // peak -> C(peak), for the peaks evaluated
  std::vector<int> path_;
  bool clusters_turn_ = false;  // CloseBands alternates between the two chains
  double last_best_ = -std::numeric_limits<double>::infinity();
  double last_rise_s_ = 0.0;
};

}  // namespace

CutBoundResult CutLowerBound(const Problem& problem, double incumbent, const CutBoundOptions& options) {
  CutBoundResult out;
  const Stopwatch clock;
  if (problem.objective.kind != ObjectiveKind::kMemoryComm || problem.stages < 2) return out;
  const Graph& g = problem.g();
  const int64_t lo = static_cast<int64_t>(SimpleLowerBound(problem));
  int64_t hi = g.total_param_bytes();
  if (std::isfinite(incumbent)) hi = std::min<int64_t>(hi, static_cast<int64_t>(std::floor(incumbent)));
  if (problem.constraints.max_stage_param_bytes > 0) hi = std::min(hi, problem.constraints.max_stage_param_bytes);
  const double ceiling = std::isfinite(incumbent) ? incumbent : std::numeric_limits<double>::infinity();
  auto finish = [&](double bound, double peak, bool converged) {
    out.bound = std::max(static_cast<double>(lo), std::min(bound, ceiling));
    out.peak = std::isnan(peak) ? ceiling : peak;
    out.converged = converged;
    out.seconds = clock.Seconds();
    return out;
  };
  if (hi < lo) return finish(ceiling, ceiling, true);  // no schedule beats the incumbent

  // The transitive closure alone takes about n^2 / 2.5e8 s (0.4 s at
  // 10,000 nodes): not worth starting when it would eat the whole budget.
  const double n = static_cast<double>(g.size());
  if (n * n * 4e-9 > options.time_limit_s) return out;
  DownSetCuts cuts(problem, options.stop);
  if (!cuts.complete()) return finish(static_cast<double>(lo), std::nan(""), false);  // stopped: the simple bound
  // The Lagrangian band bounds first (time_shares::kLagrangian of the time).
  // Bands much finer than the nodes add little: at most 4 per node.
  const int max_bands = static_cast<int>(std::min<int64_t>(options.bands, 4 * static_cast<int64_t>(g.size())));
  BandTable table(cuts, g.total_param_bytes());
  SpectralFloor spectral;
  if (options.structure) spectral = SetSpectralFloor(problem, cuts.weights(), options.time_limit_s, lo, &table, &out);
  if (options.structure && problem.constraints.nonempty_stages) {
    // Every D_k holds an operator and leaves one out (the non-empty rule).
    const int64_t floor = UsefulProperCut(cuts, problem, /*operators_only=*/true, lo, clock,
                                          time_shares::kLagrangian * options.time_limit_s / 2, &out.max_flows);
    cuts.set_boundary_floor(floor);
    if (floor > 0) table.SetFloor(static_cast<double>(floor), /*inner_only=*/false);
  }
  ClusterChains clusters(problem, cuts.weights(), options.structure ? lo : std::numeric_limits<int64_t>::max(),
                         options.stop);
  out.clusters = clusters.size();
  // The Lagrangian share is split by node counts between the whole graph
  // and the clusters.
  const double lagrangian =
      (options.band_solver ? time_shares::kLagrangianWithIlp : time_shares::kLagrangian) * options.time_limit_s;
  const double whole_share = n / (n + static_cast<double>(clusters.nodes()));
  table.Lagrangian(max_bands, lagrangian * whole_share, clock, options.stop, &out);
  clusters.Lagrangian(max_bands, lagrangian * (1 - whole_share), options.time_limit_s, spectral, clock, options.stop,
                      &out);
  PeakSearch search(problem, cuts, &table, &clusters, lo, hi, options, clock, &out);
  double peak = std::nan("");
  bool converged = false;
  const double bound = search.Run(&peak, &converged);
  return finish(bound, peak, converged);
}

}  // namespace respect
