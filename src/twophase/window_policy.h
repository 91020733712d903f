// Where two_phase opens its windows (docs/design.md "Learned windows"): the
// seam between the coarse schedule and Cbc. A WindowPolicy gets the hard
// windows (FullWindows), the center schedule of the round and the round's
// width w, and returns the windows Cbc closes. Every policy's windows hold
// the center (so it stays a valid MIP start) and lie inside the hard ones.
//
//  - UniformWindows: [c(v) - w, c(v) + w] for every node (the design's rule).
//  - LearnedWindows: the window network (policy/stage_net.h) gives each node
//    a distribution over stage offsets; AllocateWindows spends a share
//    (budget_fraction x RoundHistory::scale) of the free binaries the uniform
//    windows of width w would have, on the stages the network finds most
//    likely, in connected groups of at most max_group nodes: a node it is
//    sure of is fixed, an uncertain one gets room on the side the network
//    points to.
//
// Learned LNS: a policy that Diversifies() gets the history of the rounds
// (how often each node's window was open) and steers away from what it has
// searched, so two_phase goes on after a round without a gain with a fresh
// neighbourhood around the same center instead of stopping or widening.
//
// Thread-safe: Open is const and keeps no state.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "core/status.h"
#include "cost/problem.h"
#include "formulations/schedule_ilp.h"
#include "policy/stage_net.h"

namespace respect {

enum class WindowMode { kUniform, kLearned };
const char* ToString(WindowMode m);
// "uniform" | "learned"; Invalid naming the value otherwise.
StatusOr<WindowMode> ParseWindowMode(const std::string& name);

// What the rounds so far did, for policies that diversify.
struct RoundHistory {
  // visits[v]: rounds in which v's window was open (hi > lo); empty before
  // the first round.
  std::vector<int> visits;
  // The neighbourhood's size against the policy's own budget: grows after a
  // round closed without a gain (its neighbourhood is locally optimal),
  // shrinks after one stalled without a gain (too hard to close).
  double scale = 1.0;
  // Adds one visit for every node whose window in `opened` is open.
  void Record(const Windows& opened);
};

class WindowPolicy {
 public:
  virtual ~WindowPolicy() = default;
  virtual std::string name() const = 0;
  virtual StatusOr<Windows> Open(const Problem& problem, const Windows& hard, const Schedule& center, int w,
                                 const RoundHistory& history) const = 0;
  // The first round's windows (no history).
  StatusOr<Windows> Open(const Problem& problem, const Windows& hard, const Schedule& center, int w) const {
    return Open(problem, hard, center, w, RoundHistory{});
  }
  // True when Open reads the history to open a different neighbourhood
  // each round (see the header comment).
  virtual bool Diversifies() const { return false; }
};

// Width-w windows around center's stages, inside the hard windows.
Windows WindowsAround(const Windows& hard, const Schedule& center, int w);
// Free binaries of windows (sum of hi - lo), the budget measure.
int64_t FreeBinaries(const Windows& w);

class UniformWindows final : public WindowPolicy {
 public:
  using WindowPolicy::Open;
  std::string name() const override { return "uniform"; }
  StatusOr<Windows> Open(const Problem& problem, const Windows& hard, const Schedule& center, int w,
                         const RoundHistory& history) const override;
};

// Greedy allocation under a budget: starting from [c(v), c(v)] for every node,
// repeatedly extend the window of the node and side whose next stage has the
// largest probability logp(offset + kMaxOffset, v) (stages past kMaxOffset count
// 0), until sum(hi - lo) reaches `budget` or no extension is left. logp is
// [kOffsetClasses x n] of log-probabilities. Ties go to the smaller offset,
// then the smaller node index (deterministic).
// With g and max_group > 0, a node's window opens only while the connected
// group of open windows it joins (edges of g) holds at most max_group nodes:
// many small independent moves instead of a few large coupled ones.
Windows AllocateWindows(const Windows& hard, const Schedule& center, const Eigen::MatrixXd& logp,
                        int64_t budget, const Graph* g = nullptr, int max_group = 0);

class LearnedWindows final : public WindowPolicy {
 public:
  // budget_fraction in (0, 1]: the share of the uniform windows' free
  // binaries the learned windows may use (1 = the same number).
  // max_group: AllocateWindows' group cap (0: none).
  explicit LearnedWindows(std::shared_ptr<const StageNet> net, double budget_fraction = 1.0, int max_group = 0)
      : net_(std::move(net)), budget_fraction_(budget_fraction), max_group_(max_group) {}
  using WindowPolicy::Open;
  std::string name() const override { return "learned"; }
  // The budget is the free binaries of UniformWindows(w) after propagation
  // along the edges; the learned windows are the largest allocation whose
  // own propagated windows stay within it (bisection on AllocateWindows'
  // budget). Returned windows are already consistent along the edges.
  // A node's probabilities count kRevisitDecay^visits[v]: what earlier
  // rounds searched yields to what they did not. history.scale multiplies
  // the budget and the group cap.
  StatusOr<Windows> Open(const Problem& problem, const Windows& hard, const Schedule& center, int w,
                         const RoundHistory& history) const override;
  bool Diversifies() const override { return true; }
  static constexpr double kRevisitDecay = 0.5;
  // The network's log-probabilities [kOffsetClasses x n] around `center`.
  Eigen::MatrixXd Predict(const Problem& problem, const Windows& hard, const Schedule& center) const;

 private:
  std::shared_ptr<const StageNet> net_;
  double budget_fraction_;
  int max_group_;
};

// The window network a run uses: "default" -> the shipped file; "random" ->
// InitStageNetParams of the shipped shape from `seed`; else a path.
StatusOr<std::shared_ptr<const StageNet>> LoadWindowNet(const std::string& weights, uint64_t seed);

// The policy for a mode (net may be null for kUniform; budget_fraction and
// max_group as LearnedWindows').
std::shared_ptr<const WindowPolicy> MakeWindowPolicy(WindowMode mode, std::shared_ptr<const StageNet> net,
                                                     double budget_fraction = 1.0, int max_group = 0);

}  // namespace respect
