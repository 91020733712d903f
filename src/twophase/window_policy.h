// Where two_phase opens its windows (docs/design.md "Learned windows"): the
// seam between the coarse schedule and Cbc. A WindowPolicy gets the hard
// windows (FullWindows), the center schedule of the round and the round's
// width w, and returns the windows Cbc closes. Every policy's windows hold
// the center (so it stays a valid MIP start) and lie inside the hard ones.
//
//  - UniformWindows: [c(v) - w, c(v) + w] for every node (the design's rule).
//  - LearnedWindows: the window network (policy/stage_net.h) gives each node
//    a distribution over stage offsets; AllocateWindows spends the same number
//    of free binaries as the uniform windows of width w would, on the stages
//    the network finds most likely: a node it is sure of is fixed, an
//    uncertain one gets room on the side the network points to.
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

class WindowPolicy {
 public:
  virtual ~WindowPolicy() = default;
  virtual std::string name() const = 0;
  virtual StatusOr<Windows> Open(const Problem& problem, const Windows& hard, const Schedule& center,
                                 int w) const = 0;
};

// Width-w windows around center's stages, inside the hard windows.
Windows WindowsAround(const Windows& hard, const Schedule& center, int w);
// Free binaries of windows (sum of hi - lo), the budget measure.
int64_t FreeBinaries(const Windows& w);

class UniformWindows final : public WindowPolicy {
 public:
  std::string name() const override { return "uniform"; }
  StatusOr<Windows> Open(const Problem& problem, const Windows& hard, const Schedule& center,
                         int w) const override;
};

// Greedy allocation under a budget: starting from [c(v), c(v)] for every node,
// repeatedly extend the window of the node and side whose next stage has the
// largest probability logp(offset + kMaxOffset, v) (stages past kMaxOffset count
// 0), until sum(hi - lo) reaches `budget` or no extension is left. logp is
// [kOffsetClasses x n] of log-probabilities. Ties go to the smaller offset,
// then the smaller node index (deterministic).
Windows AllocateWindows(const Windows& hard, const Schedule& center, const Eigen::MatrixXd& logp,
                        int64_t budget);

class LearnedWindows final : public WindowPolicy {
 public:
  // budget_fraction in (0, 1]: the share of the uniform windows' free
  // binaries the learned windows may use (1 = the same number).
  explicit LearnedWindows(std::shared_ptr<const StageNet> net, double budget_fraction = 1.0)
      : net_(std::move(net)), budget_fraction_(budget_fraction) {}
  std::string name() const override { return "learned"; }
  // The budget is the free binaries of UniformWindows(w) after propagation
  // along the edges; the learned windows are the largest allocation whose
  // own propagated windows stay within it (bisection on AllocateWindows'
  // budget). Returned windows are already consistent along the edges.
  StatusOr<Windows> Open(const Problem& problem, const Windows& hard, const Schedule& center,
                         int w) const override;
  // The network's log-probabilities [kOffsetClasses x n] around `center`.
  Eigen::MatrixXd Predict(const Problem& problem, const Windows& hard, const Schedule& center) const;

 private:
  std::shared_ptr<const StageNet> net_;
  double budget_fraction_;
};

// The window network a run uses: "default" -> the shipped file; "random" ->
// InitStageNetParams of the shipped shape from `seed`; else a path.
StatusOr<std::shared_ptr<const StageNet>> LoadWindowNet(const std::string& weights, uint64_t seed);

// The policy for a mode (net may be null for kUniform; budget_fraction as
// LearnedWindows').
std::shared_ptr<const WindowPolicy> MakeWindowPolicy(WindowMode mode, std::shared_ptr<const StageNet> net,
                                                     double budget_fraction = 1.0);

}  // namespace respect
