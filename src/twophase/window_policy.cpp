#include "twophase/window_policy.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <queue>
#include <tuple>

#include "policy/stage_features.h"

namespace respect {

const char* ToString(WindowMode m) { return m == WindowMode::kLearned ? "learned" : "uniform"; }

StatusOr<WindowMode> ParseWindowMode(const std::string& name) {
  if (name == "uniform") return WindowMode::kUniform;
  if (name == "learned") return WindowMode::kLearned;
  return Status::Invalid("policy.windows: unknown value '" + name + "' (expected uniform or learned)");
}

Windows WindowsAround(const Windows& hard, const Schedule& center, int w) {
  Windows win;
  const int n = static_cast<int>(center.stage.size());
  win.lo.resize(n);
  win.hi.resize(n);
  for (int u = 0; u < n; ++u) {
    win.lo[u] = std::max(hard.lo[u], center.stage[u] - w);
    win.hi[u] = std::min(hard.hi[u], center.stage[u] + w);
  }
  return win;
}

int64_t FreeBinaries(const Windows& w) {
  int64_t b = 0;
  for (size_t v = 0; v < w.lo.size(); ++v) b += std::max(0, w.hi[v] - w.lo[v]);
  return b;
}

void RoundHistory::Record(const Windows& opened) {
  if (visits.size() < opened.lo.size()) visits.resize(opened.lo.size(), 0);
  for (size_t v = 0; v < opened.lo.size(); ++v) visits[v] += opened.hi[v] > opened.lo[v] ? 1 : 0;
}

StatusOr<Windows> UniformWindows::Open(const Problem&, const Windows& hard, const Schedule& center, int w,
                                       const RoundHistory&) const {
  return WindowsAround(hard, center, w);
}

namespace {

// A candidate extension: node v's window grows by one stage on `side` (-1
// down, +1 up) to reach offset `offset` from its center.
struct Extension {
  double gain;
  int offset;
  int v;
  int side;
  bool operator<(const Extension& o) const {  // max-heap: larger gain, then smaller |offset|, then smaller v
    return std::make_tuple(gain, -std::abs(offset), -v) < std::make_tuple(o.gain, -std::abs(o.offset), -o.v);
  }
};

double Gain(const Eigen::MatrixXd& logp, int v, int offset) {
  if (std::abs(offset) > kMaxOffset) return 0.0;
  return std::exp(logp(offset + kMaxOffset, v));
}

}  // namespace

namespace {
// Connected groups of open windows (union-find over the edges between open
// nodes), for AllocateWindows' group cap.
class OpenGroups {
 public:
  explicit OpenGroups(int n) : parent_(n), size_(n, 1) {
    for (int v = 0; v < n; ++v) parent_[v] = v;
  }
  int Find(int v) {
    while (parent_[v] != v) v = parent_[v] = parent_[parent_[v]];
    return v;
  }
  // Opens v (its open neighbours join its group) unless the group would
  // pass max_size; returns whether it did.
  bool TryOpen(const Graph& g, const std::vector<char>& open, int v, int max_size) {
    std::vector<int> roots;
    auto add = [&](int u) {
      if (!open[u]) return;
      const int r = Find(u);
      if (std::find(roots.begin(), roots.end(), r) == roots.end()) roots.push_back(r);
    };
    for (int u : g.parents(v)) add(u);
    for (int u : g.children(v)) add(u);
    int total = 1;
    for (int r : roots) total += size_[r];
    if (total > max_size) return false;
    for (int r : roots) {
      parent_[r] = v;
      size_[v] += size_[r];
    }
    return true;
  }

 private:
  std::vector<int> parent_, size_;
};

// One extension of a window: node v grows by one stage on `side`.
struct Step {
  int v;
  int side;
};

// The extensions AllocateWindows makes, in order, up to `budget` of them: the
// allocation of any smaller budget is a prefix (the loop is the same until it
// stops), so LearnedWindows' bisection replays prefixes instead of
// re-running the heap (2-6 s a round at 100,000 nodes).
std::vector<Step> AllocationSteps(const Windows& hard, const Schedule& center, const Eigen::MatrixXd& logp,
                                  int64_t budget, const Graph* g, int max_group) {
  const int n = static_cast<int>(center.stage.size());
  std::vector<int> lo = center.stage, hi = center.stage;
  std::priority_queue<Extension> heap;
  auto push = [&](int v, int side) {
    const int stage = side < 0 ? lo[v] - 1 : hi[v] + 1;
    if (stage < hard.lo[v] || stage > hard.hi[v]) return;
    const int offset = stage - center.stage[v];
    heap.push(Extension{Gain(logp, v, offset), offset, v, side});
  };
  for (int v = 0; v < n; ++v) {
    push(v, -1);
    push(v, +1);
  }
  std::unique_ptr<OpenGroups> groups;
  std::vector<char> open;
  if (g != nullptr && max_group > 0) {
    groups = std::make_unique<OpenGroups>(n);
    open.assign(n, 0);
  }
  std::vector<Step> steps;
  while (static_cast<int64_t>(steps.size()) < budget && !heap.empty()) {
    const Extension e = heap.top();
    heap.pop();
    if (groups && !open[e.v]) {
      if (!groups->TryOpen(*g, open, e.v, max_group)) continue;  // its group is full: the node stays fixed
      open[e.v] = 1;
    }
    steps.push_back(Step{e.v, e.side});
    if (e.side < 0) {
      --lo[e.v];
    } else {
      ++hi[e.v];
    }
    push(e.v, e.side);
  }
  return steps;
}

// The windows of the first k steps around the center.
Windows ApplySteps(const Schedule& center, const std::vector<Step>& steps, size_t k) {
  Windows win{center.stage, center.stage};
  for (size_t i = 0; i < std::min(k, steps.size()); ++i) {
    if (steps[i].side < 0) --win.lo[steps[i].v];
    else ++win.hi[steps[i].v];
  }
  return win;
}
}  // namespace

Windows AllocateWindows(const Windows& hard, const Schedule& center, const Eigen::MatrixXd& logp,
                        int64_t budget, const Graph* g, int max_group) {
  const std::vector<Step> steps = AllocationSteps(hard, center, logp, budget, g, max_group);
  return ApplySteps(center, steps, steps.size());
}

Eigen::MatrixXd LearnedWindows::Predict(const Problem& problem, const Windows& hard, const Schedule& center) const {
  const Eigen::MatrixXd x = StageFeatures(problem, center, hard);
  StageNetTape tape;
  StageNetForward(net_->hparams, net_->params, MakeGraphMeans(problem.g()), x, &tape);
  return std::move(tape.logp);
}

StatusOr<Windows> LearnedWindows::Open(const Problem& problem, const Windows& hard, const Schedule& center,
                                       int w, const RoundHistory& history) const {
  Windows uniform = WindowsAround(hard, center, w);
  PropagateWindows(problem.g(), &uniform);
  const int64_t target =
      static_cast<int64_t>(std::llround(budget_fraction_ * history.scale * FreeBinaries(uniform)));
  const int max_group = max_group_ > 0 ? std::max(2, static_cast<int>(std::lround(max_group_ * history.scale))) : 0;
  Eigen::MatrixXd logp = Predict(problem, hard, center);
  const double decay = std::log(kRevisitDecay);
  for (size_t v = 0; v < history.visits.size() && static_cast<Eigen::Index>(v) < logp.cols(); ++v)
    logp.col(v).array() += decay * history.visits[v];
  // Propagation along the edges only narrows windows (a node cannot open
  // below a producer's lowest stage), and what survives it grows with the
  // budget (a larger budget allocates a superset): bisect for the largest
  // budget whose propagated windows stay within the uniform ones' binaries.
  const std::vector<Step> steps =
      AllocationSteps(hard, center, logp, std::max<int64_t>(target, FreeBinaries(hard)), &problem.g(), max_group);
  auto fit = [&](int64_t budget) {
    Windows win = ApplySteps(center, steps, static_cast<size_t>(budget));
    PropagateWindows(problem.g(), &win);
    return win;
  };
  int64_t lo = 0, hi = static_cast<int64_t>(steps.size());
  Windows best = fit(0);
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo + 1) / 2;
    Windows win = fit(mid);
    if (FreeBinaries(win) <= target) {
      lo = mid;
      best = std::move(win);
    } else {
      hi = mid - 1;
    }
  }
  return best;
}

StatusOr<std::shared_ptr<const StageNet>> LoadWindowNet(const std::string& weights, uint64_t seed) {
  if (weights == "random") {
    auto net = std::make_shared<StageNet>();
    net->hparams = StageNetHParams{kStageFeatureDim, 32, 3};
    auto shipped = LoadStageNet(DefaultStageNetPath());
    if (shipped.ok()) net->hparams = shipped->hparams;  // the shipped shape
    net->params = InitStageNetParams(net->hparams, seed);
    net->note = "random (seed " + std::to_string(seed) + ")";
    return std::shared_ptr<const StageNet>(std::move(net));
  }
  const std::string path = (weights.empty() || weights == "default") ? DefaultStageNetPath() : weights;
  auto net = LoadStageNet(path);
  if (!net.ok()) return net.status();
  return std::shared_ptr<const StageNet>(std::make_shared<StageNet>(std::move(*net)));
}

std::shared_ptr<const WindowPolicy> MakeWindowPolicy(WindowMode mode, std::shared_ptr<const StageNet> net,
                                                     double budget_fraction, int max_group) {
  if (mode == WindowMode::kLearned && net)
    return std::make_shared<LearnedWindows>(std::move(net), budget_fraction, max_group);
  return std::make_shared<UniformWindows>();
}

}  // namespace respect
