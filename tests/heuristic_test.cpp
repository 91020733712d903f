#include <gtest/gtest.h>

#include <memory>

#include "sched/heuristic.h"

#include "test_graphs.h"

namespace respect {
namespace {

// A chain of 6 nodes with parameter bytes 1,1,1,1,1,1 and tensors of 1 byte.
std::shared_ptr<const Graph> Chain(const std::vector<int64_t>& params) {
  GraphBuilder b("chain");
  for (size_t i = 0; i < params.size(); ++i) {
    Node n;
    n.id = std::to_string(i);
    n.param_bytes = params[i];
    n.output_bytes = 1;
    b.AddNode(n);
    if (i > 0) b.AddEdge(std::to_string(i - 1), std::to_string(i));
  }
  return std::make_shared<const Graph>(*b.Build());
}

using test_graphs::BuildGraph;
using test_graphs::N;
using test_graphs::StagesProblem;

TEST(Heuristic, EqualParameterCuts) {
  Problem p = StagesProblem(Chain({1, 1, 1, 1, 1, 1}), 3);
  HeuristicScheduler h;
  auto r = h.Run(p);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->status, SolveStatus::kFeasible);
  EXPECT_EQ(r->schedule.stage, (std::vector<int>{0, 0, 1, 1, 2, 2}));
  Evaluation e = Evaluate(p, r->schedule);
  ASSERT_TRUE(e.feasible);
  EXPECT_DOUBLE_EQ(r->objective, e.objective);
  EXPECT_DOUBLE_EQ(r->objective, 2 + 2);  // max P = 2, two 1-byte crossings
}

TEST(Heuristic, HeavyNodeAndZeroRuns) {
  // Targets at 5 and 10: cut where the running sum is closest.
  Problem p = StagesProblem(Chain({0, 0, 9, 1, 0, 5}), 3);
  auto s = EqualParamSplit(p, p.g().topo_order());
  ASSERT_TRUE(s.ok());
  // prefix: 0 0 0 9 10 10 15; cut1 nearest 5 -> position 0..3 gives |0-5|=5 or |9-5|=4 -> 3.
  // cut2 nearest 10 -> position 4 (earliest with sum 10).
  ASSERT_TRUE(s->found);
  EXPECT_EQ(s->schedule.stage, (std::vector<int>{0, 0, 0, 1, 2, 2}));
  Evaluation e = Evaluate(p, s->schedule);
  EXPECT_TRUE(e.feasible) << e.violation;
}

TEST(Heuristic, KeepsStagesNonEmpty) {
  Problem p = StagesProblem(Chain({100, 0, 0, 0}), 4);
  auto s = EqualParamSplit(p, p.g().topo_order());
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(s->found);
  EXPECT_EQ(s->schedule.stage, (std::vector<int>{0, 1, 2, 3}));
}

TEST(Heuristic, RespectsChildrenSameStage) {
  // a -> b, a -> c, b -> d, c -> d; equal split of 4 into 2 would cut after b,
  // separating a's children; the only valid cuts are after a or after c.
  Problem p = StagesProblem(BuildGraph("fork", {N("a", 1, 1), N("b", 1, 1), N("c", 1, 1), N("d", 1, 1)},
                                      {{"a", "b"}, {"a", "c"}, {"b", "d"}, {"c", "d"}}),
                            2);
  p.constraints.children_same_stage = true;
  HeuristicScheduler h;
  auto r = h.Run(p);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status, SolveStatus::kFeasible);
  EXPECT_TRUE(Evaluate(p, r->schedule).feasible);
  EXPECT_EQ(r->schedule.stage, (std::vector<int>{0, 1, 1, 1}));
}

TEST(Heuristic, InfeasibleProblemIsReported) {
  Problem p = StagesProblem(Chain({1, 1}), 3);
  HeuristicScheduler h;
  auto r = h.Run(p);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, SolveStatus::kInfeasible);
  EXPECT_NE(r->message.find("fewer than the 3"), std::string::npos);
}

TEST(Heuristic, CapViolationIsNotCalledFeasible) {
  Problem p = StagesProblem(Chain({5, 1, 1, 5}), 2);
  p.constraints.max_stage_param_bytes = 6;  // equal split gives 6 | 6: fine
  HeuristicScheduler h;
  auto r = h.Run(p);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, SolveStatus::kFeasible);
  p.constraints.max_stage_param_bytes = 5;  // no 2-split fits under 5 except none
  r = h.Run(p);
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->status, SolveStatus::kFeasible);
  EXPECT_NE(r->status, SolveStatus::kOptimal);
}

}  // namespace
}  // namespace respect
