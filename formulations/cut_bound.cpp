#include "formulations/cut_bound.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <map>
#include <vector>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/boykov_kolmogorov_max_flow.hpp>

#include "cost/crossing.h"
#include "cost/evaluate.h"
#include "formulations/reachability.h"
#include "formulations/schedule_ilp.h"

namespace respect {
namespace {

using Clock = std::chrono::steady_clock;

double Secs(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

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

 private:
  Graph g_;
};

// C(M) for one problem: the windows of a peak, then one cut per boundary.
class BoundaryCuts {
 public:
  explicit BoundaryCuts(const Problem& problem)
      : problem_(problem),
        g_(problem.g()),
        reach_(problem.g(), /*with_param_sums=*/true),
        weights_(problem.g(), problem.objective) {}

  // w * sum_k of the least crossing at boundary k over schedules with peak
  // <= m; +inf when the windows of m leave some node no stage.
  double Crossing(int64_t m, int* max_flows) const {
    Windows w = IncumbentWindows(problem_, reach_, static_cast<double>(m));
    if (!PropagateWindows(g_, &w)) return std::numeric_limits<double>::infinity();
    int64_t sum = 0;
    for (int k = 0; k + 1 < problem_.stages; ++k) {
      sum += BoundaryCut(w, k);
      ++*max_flows;
    }
    return problem_.objective.comm_weight * static_cast<double>(sum);
  }

 private:
  // The least crossing at boundary k of a down-set that holds every node
  // with hi <= k and none with lo > k.
  int64_t BoundaryCut(const Windows& w, int k) const {
    const int n = g_.size();
    // Vertex of each node: the source (inside D_k for sure), the sink
    // (outside for sure), or its own.
    std::vector<int> vx(n);
    int count = 2;
    for (int v = 0; v < n; ++v) {
      if (w.hi[v] <= k) vx[v] = FlowNetwork::kSource;
      else if (w.lo[v] > k) vx[v] = FlowNetwork::kSink;
      else vx[v] = count++;
    }
    // Auxiliary vertices for tensors with several free consumers.
    std::vector<int> aux(n, -1);
    if (weights_.per_tensor())
      for (int u = 0; u < n; ++u)
        if (vx[u] != FlowNetwork::kSink && !weights_.silent(u)) aux[u] = count++;
    FlowNetwork net(count);
    // Any cut through an "infinite" arc costs more than cutting every tensor.
    const int64_t inf = weights_.total() + 1;
    int64_t fixed = 0;  // crossings between the two sure sides
    for (int u = 0; u < n; ++u) {
      const std::vector<int>& ch = g_.children(u);
      for (int c : ch)  // precedence: c inside D_k puts u inside
        if (vx[c] >= 2 && vx[u] >= 2) net.AddArc(vx[c], vx[u], inf);
      if (vx[u] == FlowNetwork::kSink || weights_.silent(u)) continue;
      if (weights_.per_tensor()) {
        // u inside with aux[u] outside pays u's tensor once; aux[u] can sit
        // inside only when every consumer does.
        if (vx[u] == FlowNetwork::kSource &&
            std::any_of(ch.begin(), ch.end(), [&](int c) { return vx[c] == FlowNetwork::kSink; })) {
          fixed += weights_.tensor(u);
          continue;
        }
        net.AddArc(vx[u], aux[u], weights_.tensor(u));
        for (int c : ch) net.AddArc(aux[u], vx[c], inf);
      } else {
        for (size_t i = 0; i < ch.size(); ++i) {
          const int64_t c_uw = weights_.edge(u, static_cast<int>(i));
          if (vx[u] == FlowNetwork::kSource && vx[ch[i]] == FlowNetwork::kSink) fixed += c_uw;
          else net.AddArc(vx[u], vx[ch[i]], c_uw);
        }
      }
    }
    return fixed + net.MaxFlow();
  }

  const Problem& problem_;
  const Graph& g_;
  const Reachability reach_;
  const CrossingWeights weights_;
};

}  // namespace

CutBoundResult CutLowerBound(const Problem& problem, double incumbent, const CutBoundOptions& options) {
  CutBoundResult out;
  const auto t0 = Clock::now();
  if (problem.objective.kind != ObjectiveKind::kMemoryComm || problem.stages < 2) return out;
  const Graph& g = problem.g();
  const int64_t lo = static_cast<int64_t>(SimpleLowerBound(problem));
  int64_t hi = g.total_param_bytes();
  if (std::isfinite(incumbent)) hi = std::min<int64_t>(hi, static_cast<int64_t>(std::floor(incumbent)));
  if (problem.constraints.max_stage_param_bytes > 0) hi = std::min(hi, problem.constraints.max_stage_param_bytes);
  const double ceiling = std::isfinite(incumbent) ? incumbent : std::numeric_limits<double>::infinity();
  auto finish = [&](double bound, double peak, bool converged) {
    out.bound = std::max(static_cast<double>(lo), std::min(bound, ceiling));
    out.peak = peak;
    out.converged = converged;
    out.seconds = Secs(t0);
    return out;
  };
  if (hi < lo) return finish(ceiling, ceiling, true);  // no schedule beats the incumbent

  const BoundaryCuts cuts(problem);
  std::map<int64_t, double> c;  // peak -> C(peak)
  auto eval = [&](int64_t m) {
    if (c.count(m)) return;
    c[m] = cuts.Crossing(m, &out.max_flows);
    ++out.peaks_evaluated;
  };
  // Peaks in [lo, hi]; the first cell is {lo} itself, then (m_i, m_{i+1}].
  // A coarse grid first: C(M) falls fastest just above lo.
  eval(lo);
  constexpr int kGrid = 8;
  for (int i = 1; i <= kGrid; ++i) {
    const double f = static_cast<double>(i) / kGrid;
    eval(lo + static_cast<int64_t>(std::llround(f * f * static_cast<double>(hi - lo))));
  }
  // The least cell's value, and where it is.
  auto least = [&](int64_t* left, int64_t* right) {
    double best = static_cast<double>(lo) + c.at(lo);
    *left = *right = lo;
    for (auto it = std::next(c.begin()); it != c.end(); ++it) {
      const auto prev = std::prev(it);
      const double v = static_cast<double>(prev->first + 1) + it->second;
      if (v < best) {
        best = v;
        *left = prev->first;
        *right = it->first;
      }
    }
    return best;
  };
  for (;;) {
    int64_t left = 0, right = 0;
    const double best = least(&left, &right);
    const bool narrow = right - left <= 1;
    if (!std::isfinite(best)) return finish(best, ceiling, true);  // no peak up to hi has a schedule
    if (narrow || out.peaks_evaluated >= options.max_peaks || Secs(t0) >= options.time_limit_s)
      return finish(best, static_cast<double>(left == right ? left : left + 1), narrow);
    eval(left + (right - left) / 2);
  }
}

}  // namespace respect
