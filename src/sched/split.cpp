#include "sched/split.h"

#include "core/deadline.h"
#include "cost/activation.h"
#include "cost/crossing.h"
#include "cost/evaluate.h"
#include "cost/pins.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

namespace respect {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Everything the DPs need about one order.
struct OrderData {
  int n = 0;
  std::vector<int64_t> param;   // prefix sums of param_bytes along the order (n+1)
  std::vector<int64_t> macs;    // prefix sums of macs (n+1)
  std::vector<int64_t> x;       // crossing bytes at cut c (n+1), x[0] = x[n] = 0
  std::vector<char> cut_ok;     // cut c allowed (children_same_stage); [0] and [n] true
  std::vector<int64_t> suffix_max_param;  // max param_bytes in order[c..n-1] (n+1)
  std::vector<int> ops;         // prefix counts of operator nodes along the order (n+1)
  bool nonempty = false;        // every segment needs an operator (nonempty_stages)
  PinCuts pins;                 // where each cut may go under constraints.pin
  SegmentActivationFits act;    // which segments keep max_stage_activation_bytes (BestSplit sets it)
  // May the first k segments end at position j (pins)?
  bool EndOk(int k, int j) const { return pins.EndOk(k, j); }
  // May order[i..j-1] be one segment (it holds an operator, if it must, and
  // its activations fit)?
  bool SegmentOk(int i, int j) const { return (!nonempty || ops[j] > ops[i]) && act.Fits(i, j); }
  // On the activation staircase no smaller start fits once i does not.
  bool ActStopsAt(int i, int j) const { return act.staircase() && !act.Fits(i, j); }
  // Operators from position j on.
  int OpsAfter(int j) const { return ops[n] - ops[j]; }
};

OrderData Prepare(const Problem& p, const std::vector<int>& order) {
  const Graph& g = p.g();
  OrderData d;
  const int n = d.n = g.size();
  std::vector<int> pos(n);
  for (int i = 0; i < n; ++i) pos[order[i]] = i;
  d.param.assign(n + 1, 0);
  d.macs.assign(n + 1, 0);
  d.ops.assign(n + 1, 0);
  d.nonempty = p.constraints.nonempty_stages;
  d.pins = ComputePinCuts(p, order);
  for (int i = 0; i < n; ++i) {
    d.param[i + 1] = d.param[i] + g.node(order[i]).param_bytes;
    d.macs[i + 1] = d.macs[i] + g.node(order[i]).macs;
    d.ops[i + 1] = d.ops[i] + (g.is_operator(order[i]) ? 1 : 0);
  }
  d.suffix_max_param.assign(n + 1, 0);
  for (int i = n - 1; i >= 0; --i)
    d.suffix_max_param[i] = std::max(d.suffix_max_param[i + 1], g.node(order[i]).param_bytes);
  // Crossings: u at position a with last consumer at b crosses cuts a+1..b.
  std::vector<int64_t> diff(n + 2, 0);
  CrossingWeights(g, p.objective).AddToDiff(g, pos, 1, &diff);
  d.x.assign(n + 1, 0);
  int64_t run = 0;
  for (int c = 0; c <= n; ++c) {
    run += diff[c];
    d.x[c] = run;
  }
  d.x[0] = d.x[n] = 0;
  d.cut_ok.assign(n + 1, 1);
  if (p.constraints.children_same_stage) {
    std::vector<int> bad(n + 2, 0);
    for (int u = 0; u < n; ++u) {
      if (g.children(u).size() < 2) continue;
      int lo = n, hi = -1;
      for (int c : g.children(u)) {
        lo = std::min(lo, pos[c]);
        hi = std::max(hi, pos[c]);
      }
      if (hi > lo) {  // cuts lo+1..hi separate two consumers
        bad[lo + 1] += 1;
        bad[hi + 1] -= 1;
      }
    }
    int open = 0;
    for (int c = 0; c <= n; ++c) {
      open += bad[c];
      if (c > 0 && c < n && open > 0) d.cut_ok[c] = 0;
    }
  }
  return d;
}

Schedule FromCuts(const std::vector<int>& order, const std::vector<int>& starts, int stages) {
  // starts: start position of each used segment, ascending, starts[0] = 0.
  Schedule s;
  const int n = static_cast<int>(order.size());
  s.stage.assign(n, 0);
  int seg = 0;
  for (int i = 0; i < n; ++i) {
    while (seg + 1 < static_cast<int>(starts.size()) && starts[seg + 1] <= i) ++seg;
    s.stage[order[i]] = std::min(seg, stages - 1);
  }
  return s;
}

// A split that was found.
SplitOutcome Found(Schedule s) {
  SplitOutcome out;
  out.schedule = std::move(s);
  return out;
}

// No split, and why.
SplitOutcome NotFound(std::string why) {
  SplitOutcome out;
  out.found = false;
  out.why = std::move(why);
  return out;
}

SplitOutcome NoSplit(const Problem& p) {
  std::string why = "no contiguous split of the order into " + std::to_string(p.stages) + " stages satisfies";
  std::string sep = " ";
  if (p.constraints.nonempty_stages) { why += sep + "nonempty_stages"; sep = ", "; }
  if (p.constraints.children_same_stage) { why += sep + "children_same_stage"; sep = ", "; }
  if (p.constraints.max_stage_param_bytes > 0)
    { why += sep + "max_stage_param_bytes " + std::to_string(p.constraints.max_stage_param_bytes); sep = ", "; }
  if (p.constraints.max_stage_activation_bytes > 0)
    { why += sep + "max_stage_activation_bytes " + std::to_string(p.constraints.max_stage_activation_bytes); sep = ", "; }
  if (!p.constraints.pin.empty()) why += sep + "constraints.pin";
  return NotFound(std::move(why));
}

// --- memory_comm: Pareto DP over (max P, sum X).
struct Label {
  int64_t m;   // max stage parameter bytes so far
  int64_t x;   // crossing bytes of the cuts so far
  int from;    // previous segment end (position)
  int idx;     // label index in the previous front
};

// Min total crossing over the contiguous splits whose segments all weigh at
// most `m_cap` bytes (S segments with nonempty_stages, else 1..S), by a DP over
// (segments, end) whose admissible starts form a sliding window: O(S n).
// Returns the segment starts, or an empty vector when no split fits.
std::vector<int> CappedSplit(const Problem& p, const OrderData& d, int64_t m_cap) {
  // The admissible starts must form a sliding window: with an activation
  // cap off the staircase the incumbent comes from the greedy split alone.
  if (!d.act.staircase()) return {};
  const int n = d.n;
  const int S = std::min(p.stages, n);
  const bool nonempty = p.constraints.nonempty_stages;
  constexpr int64_t kNone = std::numeric_limits<int64_t>::max();
  // f[k][j]: min crossing of order[0..j-1] in k segments, the cut at j included.
  std::vector<std::vector<int64_t>> f(S + 1, std::vector<int64_t>(n + 1, kNone));
  std::vector<std::vector<int>> arg(S + 1, std::vector<int>(n + 1, -1));
  f[0][0] = 0;
  std::vector<int> dq(n + 1);  // indices i, f[k-1][i] increasing from front to back
  // last_op[j]: the last position before j holding an operator (-1 if none);
  // with nonempty_stages a segment ending at j starts at or before it.
  std::vector<int> last_op(n + 1, -1);
  for (int j = 1; j <= n; ++j) last_op[j] = d.ops[j] > d.ops[j - 1] ? j - 1 : last_op[j - 1];
  for (int k = 1; k <= S; ++k) {
    int head = 0, tail = 0, next_i = k - 1, lo = 0;
    for (int j = k; j <= n; ++j) {
      // Admit the starts up to j-1 (or up to the last operator before j, for
      // a segment that must hold one), then drop those that make the segment
      // too heavy.
      const int last_start = nonempty ? last_op[j] : j - 1;
      for (; next_i <= last_start; ++next_i) {
        const int i = next_i;
        if (f[k - 1][i] == kNone || (i > 0 && !d.cut_ok[i])) continue;
        while (tail > head && f[k - 1][dq[tail - 1]] >= f[k - 1][i]) --tail;
        dq[tail++] = i;
      }
      while (lo < j && (d.param[j] - d.param[lo] > m_cap || !d.act.Fits(lo, j))) ++lo;
      while (tail > head && dq[head] < lo) ++head;
      if (j < n && (!d.cut_ok[j] || k == S)) continue;
      if (tail == head || !d.EndOk(k, j)) continue;
      f[k][j] = f[k - 1][dq[head]] + (j < n ? d.x[j] : 0);
      arg[k][j] = dq[head];
    }
  }
  int best_k = -1;
  for (int k = nonempty ? S : 1; k <= S; ++k)
    if (f[k][n] != kNone && (best_k < 0 || f[k][n] < f[best_k][n])) best_k = k;
  if (best_k < 0) return {};
  std::vector<int> starts;
  for (int k = best_k, j = n; k >= 1; --k) {
    starts.push_back(arg[k][j]);
    j = arg[k][j];
  }
  std::reverse(starts.begin(), starts.end());
  return starts;
}

// J of a split given by its segment starts; NaN when a segment breaks the cap.
double SplitCost(const Problem& p, const OrderData& d, const std::vector<int>& starts) {
  int64_t m = 0, x = 0;
  for (size_t s = 0; s < starts.size(); ++s) {
    const int a = starts[s], b = s + 1 < starts.size() ? starts[s + 1] : d.n;
    if (!d.SegmentOk(a, b) || !d.EndOk(static_cast<int>(s) + 1, b)) return std::nan("");
    const int64_t ps = d.param[b] - d.param[a];
    if (p.constraints.max_stage_param_bytes > 0 && ps > p.constraints.max_stage_param_bytes) return std::nan("");
    m = std::max(m, ps);
    if (a > 0) x += d.x[a];
  }
  return static_cast<double>(m) + p.objective.comm_weight * static_cast<double>(x);
}

// SplitMemoryComm's incumbent: the best of the equal-parameter greedy split
// and min-crossing splits under a ladder of caps on the heaviest segment
// (each O(S n)). A tight incumbent is what keeps the exact DP small on long
// orders, and it is the answer when the time limit stops that DP.
struct SplitIncumbent {
  double ub = kInf;
  std::vector<int> starts;  // empty: none

  // Takes `candidate` (segment starts) when it is a valid, cheaper split.
  void Offer(const Problem& p, const OrderData& d, const std::vector<int>& candidate) {
    if (candidate.empty() || (p.constraints.nonempty_stages && static_cast<int>(candidate.size()) != p.stages))
      return;
    const double v = SplitCost(p, d, candidate);
    if (std::isfinite(v) && v < ub) {
      ub = v;
      starts = candidate;
    }
  }
  void OfferGreedy(const Problem& p, const OrderData& d) {
    const int n = d.n, S = p.stages;
    const double target = static_cast<double>(d.param[n]) / S;
    std::vector<int> cuts{0};
    int64_t seg_start_param = 0;
    for (int i = 1; i < n && static_cast<int>(cuts.size()) < S; ++i) {
      const int left_stages = S - static_cast<int>(cuts.size());
      const bool must = p.constraints.nonempty_stages && d.OpsAfter(i) <= left_stages;
      const bool want = static_cast<double>(d.param[i] - seg_start_param) >= target;
      if ((must || want) && d.cut_ok[i] && d.SegmentOk(cuts.back(), i)) {
        cuts.push_back(i);
        seg_start_param = d.param[i];
      }
    }
    Offer(p, d, cuts);
  }
  void OfferCapLadder(const Problem& p, const OrderData& d) {
    const int64_t total = d.param[d.n];
    const int kmax = std::min(p.stages, d.n);
    const int64_t cap = p.constraints.max_stage_param_bytes;
    const int64_t m_lo = std::max(d.suffix_max_param[0], (total + kmax - 1) / kmax);
    int64_t m_hi = std::isfinite(ub) ? static_cast<int64_t>(ub) : total;
    if (cap > 0) m_hi = std::min(m_hi, cap);
    constexpr int kRungs = 24;
    for (int r = 0; r <= kRungs && m_hi >= m_lo; ++r) {
      const int64_t m = m_lo + (m_hi - m_lo) * r / kRungs;
      Offer(p, d, CappedSplit(p, d, m));
      // A cheaper split must keep every segment below ub: nothing above it helps.
      if (std::isfinite(ub)) m_hi = std::min<int64_t>(m_hi, static_cast<int64_t>(ub));
    }
  }
};

// The best split the DP's fronts hold (or the incumbent's starts when they
// cost at most as much, or every label was pruned against the bound).
SplitOutcome SplitFromFronts(const Problem& p, const std::vector<int>& order, const OrderData& d,
                             const std::vector<std::vector<std::vector<Label>>>& fronts,
                             const SplitIncumbent& inc) {
  const int S = p.stages, kmax = static_cast<int>(fronts.size()) - 1, n = static_cast<int>(fronts[0].size()) - 1;
  const bool nonempty = p.constraints.nonempty_stages;
  const double cw = p.objective.comm_weight;
  int best_k = -1, best_idx = -1;
  double best = kInf;
  for (int k = nonempty ? kmax : 1; k <= kmax; ++k) {
    if (nonempty && k != S) continue;
    const std::vector<Label>& f = fronts[k][n];
    for (int t = 0; t < static_cast<int>(f.size()); ++t) {
      const double v = static_cast<double>(f[t].m) + cw * static_cast<double>(f[t].x);
      if (v < best) { best = v; best_k = k; best_idx = t; }
    }
  }
  if (best_k < 0) {
    // Every label was pruned against ub: the incumbent is optimal.
    if (!inc.starts.empty()) return Found(FromCuts(order, inc.starts, S));
    return NoSplit(p);
  }
  if (!inc.starts.empty() && SplitCost(p, d, inc.starts) <= best) return Found(FromCuts(order, inc.starts, S));
  std::vector<int> starts;
  int j = n, idx = best_idx;
  for (int k = best_k; k >= 1; --k) {
    const Label& l = fronts[k][j][idx];
    starts.push_back(l.from);
    j = l.from;
    idx = l.idx;
  }
  std::reverse(starts.begin(), starts.end());
  return Found(FromCuts(order, starts, S));
}

// Where a segment ends in SplitMemoryComm's DP, with what the rest of the
// order adds at least: rest_lb to the heaviest segment, x_here + x_rest to
// the crossings.
struct SegmentEnd {
  int k, j;
  int64_t rest_lb, x_here;
  double x_rest;
};

// The index of the last label with m <= bytes in `front` (sorted by m
// ascending), -1 when none.
int LastAtMost(const std::vector<Label>& front, int64_t bytes) {
  int last = -1, lo = 0, hi = static_cast<int>(front.size()) - 1;
  while (lo <= hi) {
    const int mid = (lo + hi) / 2;
    if (front[mid].m <= bytes) { last = mid; lo = mid + 1; } else { hi = mid - 1; }
  }
  return last;
}

// *cand = every label of prev_fronts[i] (k - 1 segments over order[0..i-1])
// extended by the segment [i, e.j), except those whose least cost passes ub.
void ExtendFronts(const Problem& p, const OrderData& d, const std::vector<std::vector<Label>>& prev_fronts,
                  const SegmentEnd& e, double ub, std::vector<Label>* cand) {
  const int64_t cap = p.constraints.max_stage_param_bytes;
  const double cw = p.objective.comm_weight;
  auto J = [cw](int64_t m, int64_t x) { return static_cast<double>(m) + cw * static_cast<double>(x); };
  cand->clear();
  for (int i = e.j - 1; i >= e.k - 1; --i) {
    const int64_t pij = d.param[e.j] - d.param[i];
    if (cap > 0 && pij > cap) break;
    if (J(std::max(pij, e.rest_lb), 0) + e.x_rest > ub) break;  // heavier for every smaller i
    if (d.ActStopsAt(i, e.j)) break;
    if (i > 0 && !d.cut_ok[i]) continue;
    if (!d.SegmentOk(i, e.j)) continue;
    const std::vector<Label>& prev = prev_fronts[i];
    if (prev.empty()) continue;
    // prev is sorted by m ascending, x strictly descending. Labels with
    // m <= pij all become m = pij: only the last of them matters.
    const int last_le = LastAtMost(prev, pij);
    // A label (m, x) here costs at least max(m, rest_lb) + w (x + X(j)).
    auto consider = [&](int64_t m, int64_t x, int idx) {
      if (J(std::max(m, e.rest_lb), x + e.x_here) + e.x_rest > ub) return;
      cand->push_back({m, x, i, idx});
    };
    const int64_t x_cut = d.x[i];  // the cut opening this segment (0 at i = 0)
    if (last_le >= 0) consider(pij, prev[last_le].x + x_cut, last_le);
    for (int t = last_le + 1; t < static_cast<int>(prev.size()); ++t) consider(prev[t].m, prev[t].x + x_cut, t);
  }
}

SplitOutcome SplitMemoryComm(const Problem& p, const std::vector<int>& order, const OrderData& d,
                             const SplitOptions& options) {
  const Stopwatch clock;
  const int n = d.n;
  const int S = p.stages;
  const bool nonempty = p.constraints.nonempty_stages;
  const double cw = p.objective.comm_weight;
  const int kmax = std::min(S, n);
  auto J = [cw](int64_t m, int64_t x) { return static_cast<double>(m) + cw * static_cast<double>(x); };

  SplitIncumbent inc;
  inc.OfferGreedy(p, d);
  inc.OfferCapLadder(p, d);
  double& ub = inc.ub;
  const std::vector<int>& ub_starts = inc.starts;
  // Least crossing any later cut can add: suffix minimum over allowed cuts.
  std::vector<int64_t> min_x_after(n + 2, std::numeric_limits<int64_t>::max());
  for (int c = n - 1; c >= 1; --c) min_x_after[c] = std::min(min_x_after[c + 1], d.cut_ok[c] ? d.x[c] : min_x_after[c + 1]);

  // fronts[k][j]: labels for order[0..j-1] split into k segments (k = 1..kmax).
  std::vector<std::vector<std::vector<Label>>> fronts(kmax + 1, std::vector<std::vector<Label>>(n + 1));
  fronts[0][0].push_back({0, 0, -1, -1});
  std::vector<Label> cand;
  for (int k = 1; k <= kmax; ++k) {
    // Segments left after this one (at most); the end j must leave room.
    const int after_max = S - k;
    const int jmin = k;
    const int jmax = nonempty ? n - (S - k) : n;
    for (int j = jmin; j <= jmax; ++j) {
      if (j < n && !d.cut_ok[j]) continue;
      // The segments after this one need an operator each.
      if (nonempty && (d.ops[j] < k || d.OpsAfter(j) < S - k)) continue;
      if ((j < n && after_max == 0) || !d.EndOk(k, j)) continue;
      // Lower bound of what the rest (order[j..n-1]) adds to max P.
      int64_t rest_lb = 0;
      if (j < n) {
        const int64_t rest = d.param[n] - d.param[j];
        rest_lb = std::max(d.suffix_max_param[j], (rest + after_max - 1) / after_max);
      }
      const int64_t x_here = j < n ? d.x[j] : 0;
      if (((j & 63) == 0) && ((std::isfinite(options.time_limit_s) && clock.Seconds() > options.time_limit_s) ||
                                options.stop.Requested())) {
        SplitOutcome cut = ub_starts.empty() ? NotFound("the split ran out of time before finding a split")
                                             : Found(FromCuts(order, ub_starts, S));
        cut.optimal = false;
        return cut;
      }
      // Cuts still to come with nonempty stages, each crossing at least the
      // least crossing after j.
      const int cuts_left = nonempty && j < n ? S - k - 1 : 0;
      const double x_rest =
          cuts_left > 0 && min_x_after[j + 1] != std::numeric_limits<int64_t>::max()
              ? cw * static_cast<double>(cuts_left) * static_cast<double>(min_x_after[j + 1])
              : 0.0;
      ExtendFronts(p, d, fronts[k - 1], {k, j, rest_lb, x_here, x_rest}, ub, &cand);
      if (cand.empty()) continue;
      std::sort(cand.begin(), cand.end(), [](const Label& a, const Label& b) {
        return a.m != b.m ? a.m < b.m : (a.x != b.x ? a.x < b.x : a.from > b.from);
      });
      std::vector<Label>& out = fronts[k][j];
      for (const Label& c : cand)
        if (out.empty() || c.x < out.back().x) {
          if (!out.empty() && out.back().m == c.m) continue;  // same m, larger-or-equal x
          out.push_back(c);
        }
      if (j == n)
        for (const Label& c : out) ub = std::min(ub, J(c.m, c.x));
    }
  }
  return SplitFromFronts(p, order, d, fronts, inc);
}

// --- latency: bottleneck DP.
// g[k][j] = min over i of max(g[k-1][i], T(i, j)), column by column (j), so
// that with edgetpu.activation_spill one sweep of i per j builds the
// activation peak of every segment [i, j) the stages ask for.
struct LatencyDp {
  const Problem& p;
  const std::vector<int>& order;
  const OrderData& d;
  int n, S, kmax;
  std::vector<std::vector<double>> gval;
  std::vector<std::vector<int>> arg;

  LatencyDp(const Problem& problem, const std::vector<int>& o, const OrderData& data)
      : p(problem), order(o), d(data), n(data.n), S(problem.stages), kmax(std::min(problem.stages, data.n)),
        gval(kmax + 1, std::vector<double>(n + 1, kInf)), arg(kmax + 1, std::vector<int>(n + 1, -1)) {
    gval[0][0] = 0.0;
  }
  // May the first k segments end at j?
  bool Active(int k, int j) const {
    const bool nonempty = p.constraints.nonempty_stages;
    if (j < k || (nonempty && j > n - (S - k))) return false;
    if (j < n && (!d.cut_ok[j] || k == S)) return false;
    if (nonempty && (d.ops[j] < k || d.OpsAfter(j) < S - k)) return false;
    return d.EndOk(k, j);
  }
  // Same arithmetic as evaluate(): StageTimeS without the link term (and
  // without the spill: a lower bound that grows as i decreases), then with.
  double Base(int i, int j) const {
    return StageTimeS(p.edgetpu, d.macs[j] - d.macs[i], d.param[j] - d.param[i], 0.0);
  }
  double T(int i, int j, const ActivationProfile* prof) const {
    const EdgeTpuParams& tp = p.edgetpu;
    const int64_t pij = d.param[j] - d.param[i];
    const int64_t spill = prof ? ActivationSpillBytes(prof->Peak(), pij, tp.sram_bytes) : 0;
    const double xin = i > 0 ? static_cast<double>(d.x[i]) : 0.0;
    const double xout = j < n ? static_cast<double>(d.x[j]) : 0.0;
    return StageTimeS(tp, d.macs[j] - d.macs[i], pij, 0.0, spill) + (xin + xout) / tp.link_bytes_per_s;
  }
  void Column(int j, ActivationProfile* prof);
  SplitOutcome Result() const;
};

void LatencyDp::Column(int j, ActivationProfile* prof) {
  std::vector<double> best(kmax + 1, kInf);
  std::vector<int> ks;
  for (int k = 1; k <= kmax; ++k)
    if (Active(k, j)) ks.push_back(k);
  if (ks.empty()) return;
  if (prof) prof->Clear();
  const int64_t cap = p.constraints.max_stage_param_bytes;
  for (int i = j - 1; i >= ks.front() - 1; --i) {
    if (cap > 0 && d.param[j] - d.param[i] > cap) break;
    // Base grows as i decreases: a stage whose best it reaches is done.
    bool open = false;
    for (int k : ks) open = open || (i >= k - 1 && Base(i, j) < best[k]);
    if (!open || d.ActStopsAt(i, j)) break;
    if (prof) prof->Append(order[i]);  // the segment [i, j), inserted at its front
    if ((i > 0 && !d.cut_ok[i]) || !d.SegmentOk(i, j)) continue;
    const double t = T(i, j, prof);
    for (int k : ks) {
      if (i < k - 1 || Base(i, j) >= best[k] || gval[k - 1][i] == kInf) continue;
      const double v = std::max(gval[k - 1][i], t);
      if (v < best[k]) { best[k] = v; arg[k][j] = i; }
    }
  }
  for (int k : ks) gval[k][j] = best[k];
}

SplitOutcome LatencyDp::Result() const {
  int best_k = -1;
  double best = kInf;
  for (int k = 1; k <= kmax; ++k) {
    if (p.constraints.nonempty_stages && k != S) continue;
    if (gval[k][n] < best) { best = gval[k][n]; best_k = k; }
  }
  if (best_k < 0) return NoSplit(p);
  std::vector<int> starts;
  int j = n;
  for (int k = best_k; k >= 1; --k) {
    const int i = arg[k][j];
    starts.push_back(i);
    j = i;
  }
  std::reverse(starts.begin(), starts.end());
  return Found(FromCuts(order, starts, S));
}

SplitOutcome SplitLatency(const Problem& p, const std::vector<int>& order, const OrderData& d) {
  LatencyDp dp(p, order, d);
  std::unique_ptr<ActivationProfile> prof;
  if (p.edgetpu.activation_spill) prof = std::make_unique<ActivationProfile>(p.g());
  for (int j = 1; j <= d.n; ++j) dp.Column(j, prof.get());
  return dp.Result();
}

}  // namespace

std::vector<int64_t> CutCrossingBytes(const Problem& problem, const std::vector<int>& order) {
  if (!problem.graph || !problem.g().IsTopologicalOrder(order)) return {};
  return Prepare(problem, order).x;
}

StatusOr<SplitOutcome> OptimalSplit(const Problem& problem, const std::vector<int>& order) {
  return BestSplit(problem, order, SplitOptions{});
}

StatusOr<SplitOutcome> BestSplit(const Problem& problem, const std::vector<int>& order, const SplitOptions& options) {
  RESPECT_RETURN_IF_ERROR(problem.Validate());
  const Graph& g = problem.g();
  if (!g.IsTopologicalOrder(order))
    return Status::Invalid("the order given to the split is not a topological order of graph '" + g.name() + "'");
  if (std::string why = problem.NoScheduleReason(); !why.empty()) return NotFound(std::move(why));
  OrderData d = Prepare(problem, order);
  d.act = SegmentActivationFits(problem, order);
  if (problem.objective.kind == ObjectiveKind::kLatency) return SplitLatency(problem, order, d);
  return SplitMemoryComm(problem, order, d, options);
}

StatusOr<OrdersSplit> BestSplitOfOrders(const Problem& problem, const std::vector<const std::vector<int>*>& orders,
                                        double time_limit_s, const StopToken& stop) {
  const Stopwatch clock;
  OrdersSplit out;
  for (size_t i = 0; i < orders.size(); ++i) {
    SplitOptions so;
    so.stop = stop;
    if (stop.Requested() && out.best >= 0) {
      out.all_optimal = false;
      break;
    }
    if (std::isfinite(time_limit_s)) {
      const double used = clock.Seconds();
      // Each split's seeding passes run before its clock starts: once the
      // time is gone and a split is in hand, the other orders are skipped.
      if (used >= time_limit_s && out.best >= 0) {
        out.all_optimal = false;
        break;
      }
      so.time_limit_s = std::max(0.0, time_limit_s - used) / static_cast<double>(orders.size() - i);
    }
    auto s = BestSplit(problem, PinConsistentOrder(problem, *orders[i]), so);
    if (!s.ok()) return s.status();
    if (!s->found) {
      out.last_infeasible = s->why;
      continue;
    }
    out.all_optimal = out.all_optimal && s->optimal;
    const Evaluation ev = Evaluate(problem, s->schedule);
    if (ev.feasible && ev.objective < out.objective) {
      out.objective = ev.objective;
      out.schedule = std::move(s->schedule);
      out.best = static_cast<int>(i);
    }
  }
  return out;
}

}  // namespace respect
