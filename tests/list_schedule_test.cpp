// Order-based baselines (sched/list_schedule.h): the peeled order, and
// dp_topo taking it where crossings dominate under the non-empty rule.
#include "sched/list_schedule.h"

#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "cost/evaluate.h"
#include "sched/brute_force.h"
#include "test_graphs.h"

namespace respect {
namespace {

using test_graphs::N;

// A chain c0 -> c1 -> c2 -> c3 (10 bytes each, 100-byte tensors) and two
// light sources e1, e2 (1 byte each, 1-byte tensors) feeding c2.
std::shared_ptr<const Graph> ChainWithLightSources() {
  return test_graphs::BuildGraph("chain+light",
                                 {N("c0", 10, 100), N("c1", 10, 100), N("c2", 10, 100), N("c3", 10, 100),
                                  N("e1", 1, 1), N("e2", 1, 1)},
                                 {{"c0", "c1"}, {"c1", "c2"}, {"c2", "c3"}, {"e1", "c2"}, {"e2", "c2"}});
}

TEST(PeeledOrder, TheCheapestSourcesLeadAndTheCheapestSinksClose) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 30; ++i) {
    auto g = test_graphs::RandomGraph(rng, 12, 2, "r" + std::to_string(i));
    Problem p = test_graphs::StagesProblem(g, 3);
    const CrossingWeights w(*g, p.objective);
    const std::vector<int> order = PeeledOrder(p, w, g->topo_order());
    ASSERT_TRUE(g->IsTopologicalOrder(order)) << g->name();
    // The first two are sources, the last two sinks (unless the graph has
    // fewer), each pair cheapest first / last.
    auto out = [&](int v) { return w.OutgoingAll(*g, v); };
    if (g->parents(order[0]).empty() && g->parents(order[1]).empty()) EXPECT_LE(out(order[0]), out(order[1]));
    int64_t least = -1;
    for (int v = 0; v < g->size(); ++v)
      if (g->parents(v).empty() && (least < 0 || out(v) < least)) least = out(v);
    EXPECT_EQ(out(order[0]), least) << g->name();
  }
}

TEST(DpTopo, ThePeeledOrderGivesLightSourcesStagesOfTheirOwn) {
  Problem p = test_graphs::StagesProblem(ChainWithLightSources(), 3);
  p.objective.comm_model = CommModel::kTensor;
  p.objective.comm_weight = 10;
  auto best = BruteForceScheduler().Run(p);
  ASSERT_TRUE(best.ok());
  ASSERT_EQ(best->status, SolveStatus::kOptimal);
  // e1 | e2 | the chain: peak 40, e1's tensor crosses two boundaries and
  // e2's one, 10 x 3.
  EXPECT_DOUBLE_EQ(best->objective, 70);
  auto r = DpTopoScheduler().Run(p);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_DOUBLE_EQ(r->objective, 70) << r->message;
  EXPECT_NE(r->message.find("peeled"), std::string::npos) << r->message;
  EXPECT_TRUE(Evaluate(p, r->schedule).feasible);
  // Without the non-empty rule the chain alone in one stage is best, and
  // no peeled order is tried.
  p.constraints.nonempty_stages = false;
  auto free = DpTopoScheduler().Run(p);
  ASSERT_TRUE(free.ok());
  EXPECT_DOUBLE_EQ(free->objective, 42);
  EXPECT_EQ(free->message.find("peeled"), std::string::npos) << free->message;
}

}  // namespace
}  // namespace respect
