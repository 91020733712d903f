// Small training sets for the policy trainer suites (tests only): random
// layered DAGs whose target is the ASAP level bucketed into stages, and the
// same graphs unlabelled with dp_topo's objective as the cost reference.
#pragma once

#include <gtest/gtest.h>

#include <limits>
#include <memory>
#include <vector>

#include "cost/evaluate.h"
#include "policy/policy.h"
#include "policy/random_dag.h"
#include "policy/reward.h"
#include "policy/trainer.h"
#include "sched/list_schedule.h"
#include "sched/split.h"

namespace respect {
namespace policy_examples {

inline std::vector<TrainExample> Examples(int count, int nodes, uint64_t seed0) {
  std::vector<TrainExample> out;
  for (int i = 0; i < count; ++i) {
    const uint64_t seed = seed0 + static_cast<uint64_t>(i);
    auto g = RandomLayeredDag(nodes, 4 + static_cast<int>(seed % 3), 3, seed);
    EXPECT_TRUE(g.ok());
    TrainExample ex;
    ex.graph = std::make_shared<const Graph>(std::move(g).value());
    ex.stages = nodes >= 20 ? 5 : 3;
    ex.stage.resize(ex.graph->size());
    for (int v = 0; v < ex.graph->size(); ++v) {
      ex.stage[v] = ex.graph->asap()[v] * ex.stages / ex.graph->depth();
    }
    ex.target_order = TargetOrderFromStages(*ex.graph, ex.stage);
    out.push_back(std::move(ex));
  }
  return out;
}

// The true cost of an order: its optimal split under the default objective.
inline OrderCost SplitCost() {
  return [](const TrainExample& ex, const std::vector<int>& order) {
    Problem p;
    p.graph = ex.graph;
    p.stages = ex.stages;
    auto s = OptimalSplit(p, order);
    return s.ok() && s->found ? Evaluate(p, s->schedule).objective : std::numeric_limits<double>::infinity();
  };
}

// Unlabelled examples with dp_topo's objective as the reference.
inline std::vector<TrainExample> CostExamples(int count, int nodes, uint64_t seed0) {
  std::vector<TrainExample> out = Examples(count, nodes, seed0);
  for (auto& ex : out) {
    ex.stage.clear();
    ex.target_order.clear();
    Problem p;
    p.graph = ex.graph;
    p.stages = ex.stages;
    auto r = DpTopoScheduler().Run(p);
    EXPECT_TRUE(r.ok());
    ex.reference = r->objective;
  }
  return out;
}

// A small network and schedule that trains in well under a second.
inline TrainerOptions Small(uint64_t seed = 3) {
  TrainerOptions o;
  o.hparams.embed = 16;
  o.hparams.hidden = 16;
  o.epochs = 6;
  o.batch_size = 8;
  o.learning_rate = 5e-3;
  o.grad_clip = 1.0;
  o.seed = seed;
  return o;
}

inline TrainerOptions CostOptions(uint64_t seed) {
  TrainerOptions o = Small(seed);
  o.reward = RewardKind::kCost;
  o.rollouts = 4;
  o.order_cost = SplitCost();
  o.epochs = 5;
  return o;
}

}  // namespace policy_examples
}  // namespace respect
