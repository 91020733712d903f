#include "sched/split.h"

#include <algorithm>
#include <cmath>
#include <limits>

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
};

OrderData Prepare(const Problem& p, const std::vector<int>& order) {
  const Graph& g = p.g();
  OrderData d;
  const int n = d.n = g.size();
  std::vector<int> pos(n);
  for (int i = 0; i < n; ++i) pos[order[i]] = i;
  d.param.assign(n + 1, 0);
  d.macs.assign(n + 1, 0);
  for (int i = 0; i < n; ++i) {
    d.param[i + 1] = d.param[i] + g.node(order[i]).param_bytes;
    d.macs[i + 1] = d.macs[i] + g.node(order[i]).macs;
  }
  d.suffix_max_param.assign(n + 1, 0);
  for (int i = n - 1; i >= 0; --i)
    d.suffix_max_param[i] = std::max(d.suffix_max_param[i + 1], g.node(order[i]).param_bytes);
  // Crossings: u at position a with last consumer at b crosses cuts a+1..b.
  std::vector<int64_t> diff(n + 2, 0);
  const CommModel cm = p.objective.comm_model;
  for (int u = 0; u < n; ++u) {
    const int64_t w = CrossingWeight(g.node(u), cm);
    if (w == 0 || g.children(u).empty()) continue;
    const int a = pos[u];
    if (cm == CommModel::kTensor) {
      int b = a;
      for (int c : g.children(u)) b = std::max(b, pos[c]);
      diff[a + 1] += w;
      diff[b + 1] -= w;
    } else {
      for (int c : g.children(u)) {
        diff[a + 1] += w;
        diff[pos[c] + 1] -= w;
      }
    }
  }
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

Status NoSplit(const Problem& p) {
  std::string why = "no contiguous split of the order into " + std::to_string(p.stages) + " stages satisfies";
  std::string sep = " ";
  if (p.constraints.nonempty_stages) { why += sep + "nonempty_stages"; sep = ", "; }
  if (p.constraints.children_same_stage) { why += sep + "children_same_stage"; sep = ", "; }
  if (p.constraints.max_stage_param_bytes > 0)
    why += sep + "max_stage_param_bytes " + std::to_string(p.constraints.max_stage_param_bytes);
  return Status::Infeasible(why);
}

// --- memory_comm: Pareto DP over (max P, sum X).
struct Label {
  int64_t m;   // max stage parameter bytes so far
  int64_t x;   // crossing bytes of the cuts so far
  int from;    // previous segment end (position)
  int idx;     // label index in the previous front
};

StatusOr<Schedule> SplitMemoryComm(const Problem& p, const std::vector<int>& order, const OrderData& d) {
  const int n = d.n;
  const int S = p.stages;
  const bool nonempty = p.constraints.nonempty_stages;
  const int64_t cap = p.constraints.max_stage_param_bytes;
  const double cw = p.objective.comm_weight;
  const int kmax = std::min(S, n);
  auto J = [cw](int64_t m, int64_t x) { return static_cast<double>(m) + cw * static_cast<double>(x); };

  // Incumbent bound from the equal-parameter greedy split (when feasible).
  double ub = kInf;
  {
    const double target = static_cast<double>(d.param[n]) / S;
    std::vector<int> starts{0};
    int64_t seg_start_param = 0;
    for (int i = 1; i < n && static_cast<int>(starts.size()) < S; ++i) {
      const int left_nodes = n - i, left_stages = S - static_cast<int>(starts.size());
      const bool must = nonempty && left_nodes <= left_stages;
      const bool want = static_cast<double>(d.param[i] - seg_start_param) >= target;
      if ((must || want) && d.cut_ok[i]) {
        starts.push_back(i);
        seg_start_param = d.param[i];
      }
    }
    bool ok = !nonempty || static_cast<int>(starts.size()) == S;
    int64_t m = 0, x = 0;
    for (size_t s = 0; s < starts.size() && ok; ++s) {
      const int a = starts[s], b = s + 1 < starts.size() ? starts[s + 1] : n;
      const int64_t ps = d.param[b] - d.param[a];
      if (cap > 0 && ps > cap) ok = false;
      m = std::max(m, ps);
      if (a > 0) x += d.x[a];
    }
    if (ok) ub = J(m, x);
  }

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
      if (j < n && after_max == 0) continue;
      // Lower bound of what the rest (order[j..n-1]) adds to max P.
      int64_t rest_lb = 0;
      if (j < n) {
        const int64_t rest = d.param[n] - d.param[j];
        rest_lb = std::max(d.suffix_max_param[j], (rest + after_max - 1) / after_max);
      }
      const int64_t x_here = j < n ? d.x[j] : 0;
      cand.clear();
      for (int i = j - 1; i >= k - 1; --i) {
        const int64_t pij = d.param[j] - d.param[i];
        if (cap > 0 && pij > cap) break;
        if (J(std::max(pij, rest_lb), 0) > ub) break;  // heavier for every smaller i
        if (i > 0 && !d.cut_ok[i]) continue;
        const std::vector<Label>& prev = fronts[k - 1][i];
        if (prev.empty()) continue;
        // prev is sorted by m ascending, x strictly descending. Labels with
        // m <= pij all become m = pij: only the last of them matters.
        int last_le = -1;
        {
          int lo = 0, hi = static_cast<int>(prev.size()) - 1;
          while (lo <= hi) {
            const int mid = (lo + hi) / 2;
            if (prev[mid].m <= pij) { last_le = mid; lo = mid + 1; } else { hi = mid - 1; }
          }
        }
        // A label (m, x) here costs at least max(m, rest_lb) + w (x + X(j)).
        auto consider = [&](int64_t m, int64_t x, int idx) {
          if (J(std::max(m, rest_lb), x + x_here) > ub) return;
          cand.push_back({m, x, i, idx});
        };
        const int64_t x_cut = d.x[i];  // the cut opening this segment (0 at i = 0)
        if (last_le >= 0) consider(pij, prev[last_le].x + x_cut, last_le);
        for (int t = last_le + 1; t < static_cast<int>(prev.size()); ++t)
          consider(prev[t].m, prev[t].x + x_cut, t);
      }
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
  // Best final label.
  int best_k = -1, best_idx = -1;
  double best = kInf;
  for (int k = nonempty ? kmax : 1; k <= kmax; ++k) {
    if (nonempty && k != S) continue;
    const std::vector<Label>& f = fronts[k][n];
    for (int t = 0; t < static_cast<int>(f.size()); ++t) {
      const double v = J(f[t].m, f[t].x);
      if (v < best) { best = v; best_k = k; best_idx = t; }
    }
  }
  if (best_k < 0) return NoSplit(p);
  std::vector<int> starts;
  int j = n, idx = best_idx;
  for (int k = best_k; k >= 1; --k) {
    const Label& l = fronts[k][j][idx];
    starts.push_back(l.from);
    j = l.from;
    idx = l.idx;
  }
  std::reverse(starts.begin(), starts.end());
  return FromCuts(order, starts, S);
}

// --- latency: bottleneck DP.
StatusOr<Schedule> SplitLatency(const Problem& p, const std::vector<int>& order, const OrderData& d) {
  const int n = d.n;
  const int S = p.stages;
  const bool nonempty = p.constraints.nonempty_stages;
  const int64_t cap = p.constraints.max_stage_param_bytes;
  const EdgeTpuParams& tp = p.edgetpu;
  const int kmax = std::min(S, n);
  // Same arithmetic as evaluate(): M/macs + O/offchip + (xin + xout)/link.
  auto base = [&](int i, int j) {
    const int64_t pij = d.param[j] - d.param[i];
    const int64_t off = std::max<int64_t>(0, pij - tp.sram_bytes);
    return static_cast<double>(d.macs[j] - d.macs[i]) / tp.macs_per_s +
           static_cast<double>(off) / tp.offchip_bytes_per_s;
  };
  auto T = [&](int i, int j) {
    const double xin = i > 0 ? static_cast<double>(d.x[i]) : 0.0;
    const double xout = j < n ? static_cast<double>(d.x[j]) : 0.0;
    return base(i, j) + (xin + xout) / tp.link_bytes_per_s;
  };
  std::vector<std::vector<double>> gval(kmax + 1, std::vector<double>(n + 1, kInf));
  std::vector<std::vector<int>> arg(kmax + 1, std::vector<int>(n + 1, -1));
  gval[0][0] = 0.0;
  for (int k = 1; k <= kmax; ++k) {
    const int jmax = nonempty ? n - (S - k) : n;
    for (int j = k; j <= jmax; ++j) {
      if (j < n && (!d.cut_ok[j] || k == S)) continue;
      double best = kInf;
      int besti = -1;
      for (int i = j - 1; i >= k - 1; --i) {
        if (cap > 0 && d.param[j] - d.param[i] > cap) break;
        if (base(i, j) >= best) break;  // grows as i decreases
        if (i > 0 && !d.cut_ok[i]) continue;
        if (gval[k - 1][i] == kInf) continue;
        const double v = std::max(gval[k - 1][i], T(i, j));
        if (v < best) { best = v; besti = i; }
      }
      gval[k][j] = best;
      arg[k][j] = besti;
    }
  }
  int best_k = -1;
  double best = kInf;
  for (int k = 1; k <= kmax; ++k) {
    if (nonempty && k != S) continue;
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
  return FromCuts(order, starts, S);
}

}  // namespace

std::vector<int64_t> CutCrossingBytes(const Problem& problem, const std::vector<int>& order) {
  if (!problem.graph || !problem.g().IsTopologicalOrder(order)) return {};
  return Prepare(problem, order).x;
}

StatusOr<Schedule> OptimalSplit(const Problem& problem, const std::vector<int>& order) {
  RESPECT_RETURN_IF_ERROR(problem.Validate());
  const Graph& g = problem.g();
  if (!g.IsTopologicalOrder(order))
    return Status::Invalid("the order given to the split is not a topological order of graph '" + g.name() + "'");
  const OrderData d = Prepare(problem, order);
  if (problem.objective.kind == ObjectiveKind::kLatency) return SplitLatency(problem, order, d);
  return SplitMemoryComm(problem, order, d);
}

}  // namespace respect
