#include "cost/activation.h"

#include <algorithm>

namespace respect {

namespace {

// A non-member position of ActivationProfile's tree sits this far below any
// sum of tensor bytes (totals stay below 2^53), so the root's maximum is the
// maximum over members.
constexpr int64_t kAbsent = int64_t{1} << 61;

}  // namespace

std::vector<int64_t> StageActivationBytes(const Graph& g, const std::vector<int>& stage, int stages) {
  const int n = g.size();
  std::vector<int64_t> peak(std::max(0, stages), 0);
  if (stages <= 0 || static_cast<int>(stage.size()) != n) return peak;
  // Each stage's steps get consecutive slots (its nodes in topological
  // order), so every live interval is a slot range of one stage.
  std::vector<int> offset(stages + 1, 0), slot(n, 0);
  for (int v = 0; v < n; ++v) ++offset[stage[v] + 1];
  for (int k = 0; k < stages; ++k) offset[k + 1] += offset[k];
  std::vector<int> next(offset.begin(), offset.end() - 1);
  for (int v : g.topo_order()) slot[v] = next[stage[v]]++;
  std::vector<int64_t> diff(n + 1, 0);
  auto live = [&diff](int lo, int hi, int64_t bytes) { diff[lo] += bytes; diff[hi + 1] -= bytes; };
  // last[b]: the latest slot among u's consumers in stage b, valid where
  // seen[b] == u (no clearing between producers).
  std::vector<int> last(stages, -1), seen(stages, -1), stages_hit;
  for (int u = 0; u < n; ++u) {
    const int64_t bytes = g.node(u).output_bytes;
    if (bytes == 0) continue;
    const int a = stage[u];
    stages_hit.clear();
    for (int c : g.children(u)) {
      const int b = stage[c];
      if (seen[b] != u) { seen[b] = u; last[b] = slot[c]; stages_hit.push_back(b); }
      last[b] = std::max(last[b], slot[c]);
    }
    bool leaves = false;
    int end = slot[u];
    for (int b : stages_hit) {
      if (b == a) end = std::max(end, last[b]);
      else if (b > a) { leaves = true; live(offset[b], last[b], bytes); }  // incoming to stage b
    }
    live(slot[u], leaves ? offset[a + 1] - 1 : end, bytes);
  }
  int64_t run = 0;
  for (int k = 0; k < stages; ++k)
    for (int s = offset[k]; s < offset[k + 1]; ++s) {
      run += diff[s];
      peak[k] = std::max(peak[k], run);
    }
  return peak;
}

int64_t RunFloorBytes(const Graph& g, int v) {
  int64_t bytes = g.node(v).output_bytes;
  for (int u : g.parents(v)) bytes += g.node(u).output_bytes;
  return bytes;
}

std::string ActivationConflict(const Problem& p) {
  const int64_t cap = p.constraints.max_stage_activation_bytes;
  if (cap <= 0) return "";
  const Graph& g = p.g();
  int worst = -1;
  int64_t worst_bytes = 0;
  for (int v = 0; v < g.size(); ++v) {
    const int64_t b = RunFloorBytes(g, v);
    if (b > cap && b > worst_bytes) { worst = v; worst_bytes = b; }
  }
  if (worst < 0) return "";
  return "max_stage_activation_bytes " + std::to_string(cap) + " is below node '" + g.node(worst).name +
         "' with its inputs (" + std::to_string(worst_bytes) + " bytes live while it runs)";
}

std::string ActivationViolation(const Problem& p, const std::vector<int64_t>& act) {
  const int64_t cap = p.constraints.max_stage_activation_bytes;
  if (cap <= 0) return "";
  for (int k = 0; k < static_cast<int>(act.size()); ++k)
    if (act[k] > cap)
      return "stage " + std::to_string(k) + " holds " + std::to_string(act[k]) +
             " activation bytes at its peak, above max_stage_activation_bytes " + std::to_string(cap);
  return "";
}

// --- ActivationProfile

ActivationProfile::ActivationProfile(const Graph& g) : g_(g), n_(g.size()) {
  pos_.assign(n_, 0);
  for (int i = 0; i < n_; ++i) pos_[g.topo_order()[i]] = i;
  in_.assign(n_, 0);
  readers_.assign(n_, 0);
  last_reader_.assign(n_, -1);
  lo_.assign(n_, 1);
  hi_.assign(n_, 0);
  max_.assign(4 * std::max(1, n_), -kAbsent);
  lazy_.assign(4 * std::max(1, n_), 0);
}

void ActivationProfile::Add(int node, int lo, int hi, int l, int r, int64_t delta) {
  if (r < lo || hi < l) return;
  if (l <= lo && hi <= r) {
    max_[node] += delta;
    lazy_[node] += delta;
    return;
  }
  const int mid = (lo + hi) / 2;
  Add(2 * node, lo, mid, l, r, delta);
  Add(2 * node + 1, mid + 1, hi, l, r, delta);
  max_[node] = std::max(max_[2 * node], max_[2 * node + 1]) + lazy_[node];
}

void ActivationProfile::RangeAdd(int lo, int hi, int64_t delta) {
  if (lo <= hi && delta != 0) Add(1, 0, n_ - 1, lo, hi, delta);
}

void ActivationProfile::Refresh(int u) {
  // u's tensor as StageActivationBytes counts it for T: from u's step while
  // a reader in T or a consumer outside T needs it, or as an incoming tensor
  // (from T's first step: every run position before it is a non-member).
  int lo = 1, hi = 0;
  const int consumers = static_cast<int>(g_.children(u).size());
  if (in_[u]) {
    lo = pos_[u];
    hi = readers_[u] < consumers ? n_ - 1 : std::max(pos_[u], last_reader_[u]);
  } else if (readers_[u] > 0) {
    lo = 0;
    hi = last_reader_[u];
  }
  if (lo == lo_[u] && hi == hi_[u]) return;
  const int64_t bytes = g_.node(u).output_bytes;
  RangeAdd(lo_[u], hi_[u], -bytes);
  RangeAdd(lo, hi, bytes);
  lo_[u] = lo;
  hi_[u] = hi;
  touched_.push_back(u);
}

void ActivationProfile::Append(int w) {
  in_[w] = 1;
  ++members_;
  RangeAdd(pos_[w], pos_[w], kAbsent);
  for (int u : g_.parents(w)) {
    ++readers_[u];
    last_reader_[u] = std::max(last_reader_[u], pos_[w]);
    Refresh(u);
  }
  Refresh(w);
  touched_.push_back(w);
}

void ActivationProfile::PopFront(int w) {
  // w runs first in T and no parent of w is in T: for each parent, w is its
  // earliest reader in T, so the latest reader only changes when w was the
  // last one.
  in_[w] = 0;
  --members_;
  RangeAdd(pos_[w], pos_[w], -kAbsent);
  for (int u : g_.parents(w)) {
    if (--readers_[u] == 0) last_reader_[u] = -1;
    Refresh(u);
  }
  Refresh(w);
}

void ActivationProfile::Clear() {
  for (int u : touched_) {
    RangeAdd(lo_[u], hi_[u], -g_.node(u).output_bytes);
    lo_[u] = 1;
    hi_[u] = 0;
    if (in_[u]) RangeAdd(pos_[u], pos_[u], -kAbsent);
    in_[u] = 0;
    readers_[u] = 0;
    last_reader_[u] = -1;
  }
  touched_.clear();
  members_ = 0;
}

int64_t ActivationProfile::Peak() const { return members_ > 0 ? std::max<int64_t>(0, max_[1]) : 0; }

// --- SegmentActivationFits

SegmentActivationFits::SegmentActivationFits(const Problem& problem, const std::vector<int>& order,
                                             int64_t append_budget)
    : capped_(problem.constraints.max_stage_activation_bytes > 0), n_(static_cast<int>(order.size())) {
  if (!capped_) return;
  staircase_ = order == problem.g().topo_order();
  if (staircase_) SweepRunOrder(problem, order);
  else SweepEachStart(problem, order, append_budget);
}

void SegmentActivationFits::SweepRunOrder(const Problem& problem, const std::vector<int>& order) {
  // Two pointers: a segment of the run order fits when every segment
  // containing it does (docs/design.md), so the longest fitting segment from
  // each start ends no earlier than the one before.
  const int64_t cap = problem.constraints.max_stage_activation_bytes;
  ActivationProfile prof(problem.g());
  max_end_.assign(n_, 0);
  int j = 0;
  bool over = false;  // T = order[i..j) exceeds the cap (then only with its last node)
  for (int i = 0; i < n_; ++i) {
    while (!over && j < n_) {
      prof.Append(order[j++]);
      over = prof.Peak() > cap;
    }
    max_end_[i] = over ? j - 1 : j;
    prof.PopFront(order[i]);
    over = over && prof.Peak() > cap;
  }
}

void SegmentActivationFits::SweepEachStart(const Problem& problem, const std::vector<int>& order, int64_t budget) {
  // Another order runs each segment in the run order, not its own: a longer
  // segment may fit where a shorter one does not, so every end is tried.
  const int64_t cap = problem.constraints.max_stage_activation_bytes;
  const int64_t per_start = std::max<int64_t>(1, budget / std::max(1, n_));
  ActivationProfile prof(problem.g());
  max_end_.assign(n_, 0);
  rows_.assign(n_, {});
  for (int i = 0; i < n_; ++i) {
    prof.Clear();
    max_end_[i] = i;
    const int stop = static_cast<int>(std::min<int64_t>(n_, i + per_start));
    for (int j = i; j < stop; ++j) {
      prof.Append(order[j]);
      const bool fits = prof.Peak() <= cap;
      rows_[i].push_back(fits ? 1 : 0);
      if (fits) max_end_[i] = j + 1;
    }
  }
}

bool SegmentActivationFits::Fits(int i, int j) const {
  if (!capped_ || j <= i) return true;  // an empty segment holds nothing
  if (staircase_) return j <= max_end_[i];
  const int k = j - i - 1;
  return k >= 0 && k < static_cast<int>(rows_[i].size()) && rows_[i][k] != 0;
}

int SegmentActivationFits::MinStart(int j) const {
  if (!capped_) return 0;
  const auto first = std::lower_bound(max_end_.begin(), max_end_.begin() + j, j);
  return static_cast<int>(first - max_end_.begin());
}

int SegmentActivationFits::MaxEnd(int i) const { return capped_ ? max_end_[i] : n_; }

}  // namespace respect
