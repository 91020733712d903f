// Checks the exact-scheduler suites share (tests only): options with a
// generous limit, a relative difference, and agreement with brute force.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sched/brute_force.h"
#include "sched/exact.h"
#include "sched/list_schedule.h"
#include "sched/start_provider.h"

#include "test_graphs.h"

namespace respect {
namespace exact_checks {

// A start provider (sched/start_provider.h) that hands over a given
// schedule, counting its calls; *seconds (may be null) gets the limit of the
// context it was asked with.
class FixedStart final : public StartProvider {
 public:
  FixedStart(Schedule give, int* calls, double* seconds = nullptr)
      : give_(std::move(give)), calls_(calls), seconds_(seconds) {}
  std::string name() const override { return "fixed"; }
  StatusOr<Schedule> Start(const Problem&, const SolveContext& ctx) override {
    ++*calls_;
    if (seconds_) *seconds_ = ctx.limit_s();
    return give_;
  }

 private:
  Schedule give_;
  int* calls_;
  double* seconds_;
};

// ExactStarts whose start search is a FixedStart (the first start stays dp_topo).
inline ExactStarts SearchGives(const Schedule& give, int* calls, double* seconds = nullptr) {
  ExactStarts starts;
  starts.search = std::make_shared<FixedStart>(give, calls, seconds);
  return starts;
}

inline ExactOptions Fast(ExactEngine engine = ExactEngine::kAuto) {
  ExactOptions o;
  o.time_limit_s = 120;
  o.engine = engine;
  return o;
}

// exact's objective on p is no worse than dp_topo's (within `tol`) where
// dp_topo finds a schedule; with `dp_feasible`, it must find one.
inline void ExpectAtMostDpTopo(const Problem& p, double objective, double tol, const std::string& what = "",
                               bool dp_feasible = false) {
  DpTopoScheduler dp;
  auto h = dp.Run(p);
  ASSERT_TRUE(h.ok());
  if (dp_feasible) {
    EXPECT_EQ(h->status, SolveStatus::kFeasible) << what;
  }
  if (h->status == SolveStatus::kFeasible) {
    EXPECT_LE(objective, h->objective * (1 + tol)) << what;
  }
}

// Latency problems: 6 random graphs of n nodes (seed 321) on 3-5 stages,
// each with both comm models.
inline std::vector<Problem> LatencyProblems(int n) {
  std::mt19937_64 rng(321);
  std::vector<Problem> out;
  for (int t = 0; t < 6; ++t) {
    auto g = test_graphs::RandomGraph(rng, n, 3, "lat" + std::to_string(t));
    for (CommModel cm : {CommModel::kTensor, CommModel::kEdge})
      out.push_back(test_graphs::MakeProblem(g, 3 + t % 3, ObjectiveKind::kLatency, cm));
  }
  return out;
}

inline double Rel(double a, double b) { return std::fabs(a - b) / std::max(1.0, std::max(std::fabs(a), std::fabs(b))); }

// Brute-force agreement: how many problems were compared, proven optimal
// and infeasible.
struct Tally {
  int compared = 0, optimal = 0, infeasible = 0;
};

// exact (with `engine`) and brute force agree on p: both infeasible, or
// exact proven optimal at the brute-force optimum, no worse than dp_topo.
inline void CompareWithBruteForce(const Problem& p, const std::string& what, Tally* tally,
                                  ExactEngine engine = ExactEngine::kAuto) {
  ExactScheduler exact(Fast(engine));
  BruteForceScheduler brute;
  auto e = exact.Run(p);
  auto b = brute.Run(p);
  ASSERT_TRUE(e.ok()) << what << ": " << e.status().message();
  ASSERT_TRUE(b.ok()) << what << ": " << b.status().message();
  ++tally->compared;
  ASSERT_EQ(e->status == SolveStatus::kInfeasible, b->status == SolveStatus::kInfeasible)
      << what << ": exact " << ToString(e->status) << " (" << e->message << "), brute " << ToString(b->status);
  if (b->status == SolveStatus::kInfeasible) {
    ++tally->infeasible;
    EXPECT_FALSE(e->message.empty()) << what;
    return;
  }
  ASSERT_EQ(e->status, SolveStatus::kOptimal) << what << ": " << e->message;
  ++tally->optimal;
  if (engine == ExactEngine::kLattice) {
    EXPECT_FALSE(e->stats.exact.ilp_cols.has_value()) << what << ": the lattice fell back to the ILP";
  } else if (engine != ExactEngine::kAuto) {
    EXPECT_FALSE(e->stats.lattice.steps.has_value()) << what;
  }
  EXPECT_TRUE(e->eval.feasible) << what;
  EXPECT_LE(Rel(e->objective, b->objective), 1e-9) << what << ": exact " << e->objective << " brute " << b->objective;
  EXPECT_EQ(e->objective, e->bound) << what;
  // The exact optimum is never worse than a heuristic.
  ExpectAtMostDpTopo(p, e->objective, 1e-12, what);
}

}  // namespace exact_checks
}  // namespace respect
