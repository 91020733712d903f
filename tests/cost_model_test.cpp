// evaluate() against objectives computed by hand on tiny graphs.
#include <gtest/gtest.h>

#include <memory>

#include "cost/evaluate.h"

namespace respect {
namespace {

// a(p=4, out=10) -> b(p=2, out=20) -> c(p=6, out=5), and a -> c (skip).
std::shared_ptr<const Graph> Skip() {
  GraphBuilder b("skip");
  auto add = [&b](const char* id, int64_t p, int64_t out, int64_t macs) {
    Node n;
    n.id = id;
    n.param_bytes = p;
    n.output_bytes = out;
    n.macs = macs;
    b.AddNode(n);
  };
  add("a", 4, 10, 100);
  add("b", 2, 20, 200);
  add("c", 6, 5, 300);
  b.AddEdge("a", "b");
  b.AddEdge("b", "c");
  b.AddEdge("a", "c");
  auto g = b.Build();
  EXPECT_TRUE(g.ok());
  return std::make_shared<const Graph>(*g);
}

Problem P(int stages, CommModel m = CommModel::kTensor, double w = 1.0) {
  Problem p;
  p.graph = Skip();
  p.stages = stages;
  p.objective.comm_model = m;
  p.objective.comm_weight = w;
  return p;
}

TEST(Evaluate, MemoryCommTwoStages) {
  Evaluation e = Evaluate(P(2), Schedule{{0, 0, 1}});
  ASSERT_TRUE(e.feasible) << e.violation;
  EXPECT_EQ(e.stage_param_bytes, (std::vector<int64_t>{6, 6}));
  EXPECT_EQ(e.crossing_bytes, (std::vector<int64_t>{30}));  // a (10) + b (20)
  EXPECT_DOUBLE_EQ(e.objective, 6 + 30);
}

TEST(Evaluate, TensorCountsOncePerBoundaryEdgeCountsPerConsumer) {
  // s = [0,1,1]: a's tensor crosses once (tensor) but feeds two consumers (edge).
  Evaluation t = Evaluate(P(2, CommModel::kTensor), Schedule{{0, 1, 1}});
  Evaluation e = Evaluate(P(2, CommModel::kEdge), Schedule{{0, 1, 1}});
  EXPECT_EQ(t.crossing_bytes, (std::vector<int64_t>{10}));
  EXPECT_EQ(e.crossing_bytes, (std::vector<int64_t>{20}));
  EXPECT_DOUBLE_EQ(t.objective, 8 + 10);
  EXPECT_DOUBLE_EQ(e.objective, 8 + 20);
}

TEST(Evaluate, SkippingTensorCountsAtEveryBoundary) {
  Evaluation t = Evaluate(P(3), Schedule{{0, 1, 2}});
  ASSERT_TRUE(t.feasible);
  EXPECT_EQ(t.crossing_bytes, (std::vector<int64_t>{10, 30}));
  EXPECT_DOUBLE_EQ(t.objective, 6 + 40);
  Evaluation half = Evaluate(P(3, CommModel::kTensor, 0.5), Schedule{{0, 1, 2}});
  EXPECT_DOUBLE_EQ(half.objective, 6 + 20);
  Evaluation e = Evaluate(P(3, CommModel::kEdge), Schedule{{0, 1, 2}});
  EXPECT_EQ(e.crossing_bytes, (std::vector<int64_t>{20, 30}));
  EXPECT_DOUBLE_EQ(e.objective, 6 + 50);
}

TEST(Evaluate, EdgeModelCountsZeroByteTensorsAsOne) {
  GraphBuilder b("z");
  Node u; u.id = "u"; Node v; v.id = "v"; Node w; w.id = "w";
  b.AddNode(u); b.AddNode(v); b.AddNode(w);
  b.AddEdge("u", "v"); b.AddEdge("u", "w");
  Problem p;
  p.graph = std::make_shared<const Graph>(*b.Build());
  p.stages = 2;
  p.objective.comm_model = CommModel::kEdge;
  Evaluation e = Evaluate(p, Schedule{{0, 1, 1}});
  EXPECT_EQ(e.crossing_bytes, (std::vector<int64_t>{2}));
  EXPECT_DOUBLE_EQ(e.objective, 0 + 2);
  p.objective.comm_model = CommModel::kTensor;
  EXPECT_DOUBLE_EQ(Evaluate(p, Schedule{{0, 1, 1}}).objective, 0);
}

// P(3) under the latency objective with small round rates.
Problem LatencyP3() {
  Problem p = P(3);
  p.objective.kind = ObjectiveKind::kLatency;
  p.edgetpu.sram_bytes = 5;
  p.edgetpu.macs_per_s = 100;
  p.edgetpu.offchip_bytes_per_s = 1;
  p.edgetpu.link_bytes_per_s = 10;
  return p;
}

TEST(Evaluate, LatencyPeriod) {
  Problem p = LatencyP3();
  Evaluation e = Evaluate(p, Schedule{{0, 1, 2}});
  ASSERT_TRUE(e.feasible);
  EXPECT_EQ(e.offchip_bytes, (std::vector<int64_t>{0, 0, 1}));
  // T0 = 1 + 0 + 10/10; T1 = 2 + 0 + (10+30)/10; T2 = 3 + 1 + 30/10.
  EXPECT_DOUBLE_EQ(e.stage_time_s[0], 2.0);
  EXPECT_DOUBLE_EQ(e.stage_time_s[1], 6.0);
  EXPECT_DOUBLE_EQ(e.stage_time_s[2], 7.0);
  EXPECT_DOUBLE_EQ(e.objective, 7.0);
}

// edgetpu.segment_overhead_s is paid by every stage, empty or not, and the
// latency bound keeps it.
TEST(Evaluate, SegmentOverheadInEveryStage) {
  Problem p = LatencyP3();
  p.edgetpu.segment_overhead_s = 0.5;
  Evaluation e = Evaluate(p, Schedule{{0, 1, 2}});
  ASSERT_TRUE(e.feasible);
  EXPECT_DOUBLE_EQ(e.stage_time_s[0], 2.5);
  EXPECT_DOUBLE_EQ(e.stage_time_s[1], 6.5);
  EXPECT_DOUBLE_EQ(e.stage_time_s[2], 7.5);
  EXPECT_DOUBLE_EQ(e.objective, 7.5);
  EXPECT_EQ(StageTimeS(p.edgetpu, 300, 6, 30.0), 0.5 + 3.0 + 1.0 + 3.0);
  EXPECT_NEAR(SimpleLowerBound(p), 0.5 + 600.0 / 3 / 100, 1e-9);  // the MACs spread over 3 stages
}

TEST(Evaluate, BackwardEdgeIsInfeasible) {
  Evaluation e = Evaluate(P(2), Schedule{{1, 0, 1}});
  EXPECT_FALSE(e.feasible);
  EXPECT_NE(e.violation.find("a -> b goes backwards"), std::string::npos) << e.violation;
}

TEST(Evaluate, EmptyStage) {
  Problem p = P(3);
  EXPECT_FALSE(Evaluate(p, Schedule{{0, 0, 2}}).feasible);
  p.constraints.nonempty_stages = false;
  Evaluation e = Evaluate(p, Schedule{{0, 0, 2}});
  ASSERT_TRUE(e.feasible);
  // a's tensor goes to c in stage 2, forwarded through the empty stage 1.
  EXPECT_EQ(e.crossing_bytes, (std::vector<int64_t>{30, 30}));
}

TEST(Evaluate, ChildrenSameStage) {
  Problem p = P(2);
  p.constraints.children_same_stage = true;
  Evaluation bad = Evaluate(p, Schedule{{0, 0, 1}});  // a's children b (0) and c (1) split
  EXPECT_FALSE(bad.feasible);
  EXPECT_NE(bad.violation.find("children of 'a'"), std::string::npos);
  EXPECT_TRUE(Evaluate(p, Schedule{{0, 1, 1}}).feasible);
}

TEST(Evaluate, StageCap) {
  Problem p = P(2);
  p.constraints.max_stage_param_bytes = 7;
  EXPECT_TRUE(Evaluate(p, Schedule{{0, 0, 1}}).feasible);   // 6, 6
  EXPECT_FALSE(Evaluate(p, Schedule{{0, 1, 1}}).feasible);  // 4, 8
}

TEST(Evaluate, MalformedSchedule) {
  EXPECT_FALSE(Evaluate(P(2), Schedule{{0, 1}}).feasible);
  EXPECT_FALSE(Evaluate(P(2), Schedule{{0, 1, 2}}).feasible);
  EXPECT_FALSE(Evaluate(P(2), Schedule{{-1, 0, 1}}).feasible);
}

// Settings without a schedule are seen at once, as a reason (a solve
// outcome), not as a call error; malformed problems are errors.
TEST(ProblemValidate, NoScheduleIsAReasonNotAnError) {
  Problem p = P(4);
  EXPECT_TRUE(p.Validate().ok());
  EXPECT_NE(p.NoScheduleReason().find("fewer than the 4"), std::string::npos) << p.NoScheduleReason();
  EXPECT_FALSE(p.Schedulable());
  p = P(2);
  p.constraints.max_stage_param_bytes = 5;
  EXPECT_TRUE(p.Validate().ok());
  EXPECT_NE(p.NoScheduleReason().find("node 'c'"), std::string::npos) << p.NoScheduleReason();
  EXPECT_EQ(P(3).NoScheduleReason(), "");
  EXPECT_TRUE(P(3).Schedulable());
  p = P(0);
  EXPECT_EQ(p.Validate().code(), StatusCode::kInvalidInput);
  EXPECT_FALSE(p.Schedulable());
}

// A fake cost model plugs in where the standard one goes.
class ConstantCost final : public CostModel {
 public:
  Evaluation Evaluate(const Problem&, const Schedule&) const override {
    Evaluation e;
    e.feasible = true;
    e.objective = 42;
    return e;
  }
};

TEST(CostModelSeam, FakeIsUsedThroughInterface) {
  std::unique_ptr<CostModel> m = std::make_unique<ConstantCost>();
  EXPECT_DOUBLE_EQ(m->Evaluate(P(2), Schedule{{0, 0, 1}}).objective, 42);
  std::unique_ptr<CostModel> s = std::make_unique<StandardCostModel>();
  EXPECT_DOUBLE_EQ(s->Evaluate(P(2), Schedule{{0, 0, 1}}).objective, 36);
}

}  // namespace
}  // namespace respect
