// nonempty_stages means "every stage holds an operator node": boundary nodes
// (MODEL_INPUT, PIPELINE_START, PIPELINE_END of the TFLite reader) do not
// count. Before, a stage holding only a boundary node was accepted, and the
// exact optimum of small models put the pipeline end alone in the last stage
// (the deploy then refused it). Checked here on a hand-made graph where that
// was the optimum and on random graphs with boundary nodes, for evaluate(),
// Problem::Validate(), the split DP, the ILP windows, every exact engine,
// every scheduler and brute force.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "config/config.h"
#include "cost/evaluate.h"
#include "formulations/schedule_ilp.h"
#include "sched/brute_force.h"
#include "sched/exact.h"
#include "sched/registry.h"
#include "sched/split.h"

#include "test_graphs.h"

namespace respect {
namespace {

using test_graphs::Uni;

Node Op(const std::string& id, int64_t param, int64_t out, const std::string& op = "CONV_2D") {
  Node n;
  n.id = id;
  n.name = id;
  n.op = op;
  n.param_bytes = param;
  n.output_bytes = out;
  n.macs = 1000 * (param + 1);
  return n;
}

// Adds the reader's boundary nodes around operators 0..nops-1: a model input
// read by `input_readers`, a start before every source, an end after every
// sink (and after `output_producers`).
void AddBoundary(GraphBuilder* b, int nops, const std::vector<std::vector<int>>& parents, int64_t input_bytes,
                 const std::vector<int>& input_readers, const std::vector<int>& output_producers) {
  const int s = b->AddNode(Op("start", 0, 0, kPipelineStartOp));
  const int e = b->AddNode(Op("end", 0, 0, kPipelineEndOp));
  const int in = b->AddNode(Op("input:0", 0, input_bytes, kModelInputOp));
  b->AddEdgeIdx(in, s);
  for (int r : input_readers) b->AddEdgeIdx(in, r);
  std::vector<char> has_child(nops, 0);
  for (int v = 0; v < nops; ++v)
    for (int u : parents[v]) has_child[u] = 1;
  for (int v = 0; v < nops; ++v) {
    if (parents[v].empty()) b->AddEdgeIdx(s, v);
    if (!has_child[v]) b->AddEdgeIdx(v, e);
  }
  for (int v : output_producers) b->AddEdgeIdx(v, e);
}

// op0 -> op1 -> op2, light parameters, heavy activations, a 0-byte model
// output: the cheapest 2-stage schedule that counts nodes puts every operator
// in stage 0 and the pipeline end alone in stage 1.
std::shared_ptr<const Graph> EndAloneGraph() {
  GraphBuilder b("end_alone");
  b.AddNode(Op("0", 100, 10000));
  b.AddNode(Op("1", 100, 10000));
  b.AddNode(Op("2", 100, 0));
  b.AddEdgeIdx(0, 1);
  b.AddEdgeIdx(1, 2);
  AddBoundary(&b, 3, {{}, {0}, {1}}, 5000, {0}, {2});
  auto g = b.Build();
  EXPECT_TRUE(g.ok()) << g.status().message();
  return std::make_shared<const Graph>(std::move(*g));
}

// A random DAG of `nops` operators plus the three boundary nodes.
std::shared_ptr<const Graph> RandomWithBoundary(std::mt19937_64& rng, int nops, const std::string& name) {
  GraphBuilder b(name);
  std::vector<std::vector<int>> parents(nops);
  for (int v = 0; v < nops; ++v) {
    const int64_t param = Uni(rng, 0, 9) < 3 ? 0 : 1024 * Uni(rng, 1, 512);
    const int64_t out = Uni(rng, 0, 4) == 0 ? 0 : 1024 * Uni(rng, 1, 1024);
    b.AddNode(Op(std::to_string(v), param, out, Uni(rng, 0, 1) ? "CONV_2D" : "ADD"));
  }
  for (int v = 1; v < nops; ++v) {
    const int k = static_cast<int>(Uni(rng, 0, std::min(v, 2)));
    for (int t = 0; t < k; ++t) {
      const int u = static_cast<int>(Uni(rng, 0, v - 1));
      if (std::find(parents[v].begin(), parents[v].end(), u) == parents[v].end()) parents[v].push_back(u);
    }
    for (int u : parents[v]) b.AddEdgeIdx(u, v);
  }
  std::vector<int> readers{0};
  for (int v = 1; v < nops; ++v)
    if (Uni(rng, 0, 3) == 0) readers.push_back(v);
  std::vector<int> outputs;
  if (Uni(rng, 0, 1)) outputs.push_back(static_cast<int>(Uni(rng, 0, nops - 1)));
  AddBoundary(&b, nops, parents, 1024 * Uni(rng, 1, 2048), readers, outputs);
  auto g = b.Build();
  EXPECT_TRUE(g.ok()) << g.status().message();
  return std::make_shared<const Graph>(std::move(*g));
}

// Operator nodes per stage, counted here from the node ops (not from Graph).
std::vector<int> OperatorsPerStage(const Graph& g, const Schedule& s, int stages) {
  std::vector<int> c(stages, 0);
  for (int v = 0; v < g.size(); ++v)
    if (!IsBoundaryNode(g.node(v))) ++c[s.stage[v]];
  return c;
}

void ExpectOperatorInEveryStage(const Problem& p, const Schedule& s, const std::string& what) {
  ASSERT_EQ(static_cast<int>(s.stage.size()), p.g().size()) << what;
  const std::vector<int> c = OperatorsPerStage(p.g(), s, p.stages);
  for (int k = 0; k < p.stages; ++k) EXPECT_GT(c[k], 0) << what << ": stage " << k << " holds no operator";
}

double Rel(double a, double b) { return std::fabs(a - b) / std::max(1.0, std::max(std::fabs(a), std::fabs(b))); }

TEST(OperatorStages, GraphCountsOperators) {
  auto g = EndAloneGraph();
  EXPECT_EQ(g->size(), 6);
  EXPECT_EQ(g->num_operators(), 3);
  for (int v = 0; v < g->size(); ++v) EXPECT_EQ(g->is_operator(v), !IsBoundaryNode(g->node(v))) << v;
}

TEST(OperatorStages, EvaluateRefusesAStageOfBoundaryNodesOnly) {
  auto g = EndAloneGraph();
  Problem p = test_graphs::MakeProblem(g, 2, ObjectiveKind::kMemoryComm, CommModel::kTensor);
  // Every operator in stage 0, the pipeline end alone in stage 1.
  Schedule end_alone;
  end_alone.stage.assign(g->size(), 0);
  end_alone.stage[g->FindId("end")] = 1;
  const Evaluation ev = Evaluate(p, end_alone);
  EXPECT_FALSE(ev.feasible);
  EXPECT_NE(ev.violation.find("stage 1 holds no operator"), std::string::npos) << ev.violation;
  // ... though it is the cheapest: what the node-counting rule chose.
  auto bf = BruteForceScheduler().Run(p);
  ASSERT_TRUE(bf.ok()) << bf.status().message();
  ASSERT_EQ(bf->status, SolveStatus::kOptimal) << bf->message;
  EXPECT_LT(ev.objective, bf->objective);
  ExpectOperatorInEveryStage(p, bf->schedule, "brute_force");
  // Without the rule the same schedule is fine.
  p.constraints.nonempty_stages = false;
  EXPECT_TRUE(Evaluate(p, end_alone).feasible);
}

TEST(OperatorStages, ValidateCountsOperatorsNotNodes) {
  auto g = EndAloneGraph();  // 6 nodes, 3 operators
  Problem p = test_graphs::MakeProblem(g, 4, ObjectiveKind::kMemoryComm, CommModel::kTensor);
  EXPECT_TRUE(p.Validate().ok());  // no schedule is an outcome, not a call error
  const std::string why = p.NoScheduleReason();
  EXPECT_NE(why.find("3 operator nodes"), std::string::npos) << why;
  EXPECT_FALSE(p.Schedulable());
  p.stages = 3;
  EXPECT_TRUE(p.Schedulable());
  p.stages = 4;
  p.constraints.nonempty_stages = false;
  EXPECT_TRUE(p.Schedulable());
}

TEST(OperatorStages, WindowsHoldEveryFeasibleSchedule) {
  auto g = EndAloneGraph();
  Problem p = test_graphs::MakeProblem(g, 3, ObjectiveKind::kMemoryComm, CommModel::kTensor);
  const Windows w = FullWindows(p);
  // 3 operators in a chain, 3 stages: operator v sits in stage v.
  for (int v = 0; v < 3; ++v) {
    EXPECT_EQ(w.lo[v], v);
    EXPECT_EQ(w.hi[v], v);
  }
  // The boundary nodes are not forced by the count, only by their edges.
  auto t = TightenWindows(p, w);
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->hi[g->FindId("start")], 0);
  EXPECT_EQ(t->lo[g->FindId("end")], 2);
}

ExactOptions Engine(ExactEngine e, bool wide_only = false) {
  ExactOptions o;
  o.time_limit_s = 60;
  o.engine = e;
  o.lattice.wide_only = wide_only;
  return o;
}

struct NamedExact {
  std::string name;
  ExactOptions options;
};

std::vector<NamedExact> ExactEngines() {
  return {{"cbc_main", Engine(ExactEngine::kCbcMain)},
          {"cbc_direct", Engine(ExactEngine::kCbcDirect)},
          {"lattice", Engine(ExactEngine::kLattice)},
          {"lattice_wide", Engine(ExactEngine::kLattice, true)}};
}

// Every exact engine and the split of the topological order agree with
// brute force, and every schedule holds an operator in each stage.
void CheckAgainstBruteForce(const Problem& p, const std::string& what) {
  auto bf = BruteForceScheduler().Run(p);
  ASSERT_TRUE(bf.ok()) << what << ": " << bf.status().message();
  if (bf->status != SolveStatus::kOptimal) return;  // e.g. more stages than operators
  ExpectOperatorInEveryStage(p, bf->schedule, what + " brute_force");
  for (const NamedExact& e : ExactEngines()) {
    auto r = ExactScheduler(e.options).Run(p);
    ASSERT_TRUE(r.ok()) << what << " " << e.name << ": " << r.status().message();
    ASSERT_EQ(r->status, SolveStatus::kOptimal) << what << " " << e.name << ": " << r->message;
    ExpectOperatorInEveryStage(p, r->schedule, what + " " + e.name);
    const Evaluation ev = Evaluate(p, r->schedule);
    EXPECT_TRUE(ev.feasible) << what << " " << e.name << ": " << ev.violation;
    EXPECT_LT(Rel(ev.objective, bf->objective), 1e-9) << what << " " << e.name << ": " << ev.objective
                                                       << " vs brute force " << bf->objective;
  }
  const std::vector<int>& order = p.g().topo_order();
  auto split = OptimalSplit(p, order);
  auto bfs = BruteForceSplit(p, order);
  ASSERT_TRUE(split.ok() && bfs.ok()) << what << ": split " << split.status().message() << " / brute force split "
                                      << bfs.status().message();
  ASSERT_EQ(split->found, bfs->found) << what << ": split " << split->why << " / brute force split " << bfs->why;
  if (split->found) {
    ExpectOperatorInEveryStage(p, split->schedule, what + " split");
    const Evaluation a = Evaluate(p, split->schedule), b = Evaluate(p, bfs->schedule);
    EXPECT_TRUE(a.feasible) << what << " split: " << a.violation;
    EXPECT_LT(Rel(a.objective, b.objective), 1e-9) << what << " split " << a.objective << " vs " << b.objective;
    EXPECT_GE(a.objective, bf->objective * (1 - 1e-12)) << what;
  }
}

TEST(OperatorStages, ExactEqualsBruteForceOnTheEndAloneGraph) {
  auto g = EndAloneGraph();
  for (int S : {2, 3})
    for (ObjectiveKind kind : {ObjectiveKind::kMemoryComm, ObjectiveKind::kLatency})
      CheckAgainstBruteForce(test_graphs::MakeProblem(g, S, kind, CommModel::kTensor),
                             std::string("end_alone S=") + std::to_string(S) + " " + ToString(kind));
}

TEST(OperatorStages, ExactEqualsBruteForceOnRandomGraphsWithBoundaryNodes) {
  std::mt19937_64 rng(12012);
  int checked = 0;
  for (int gi = 0; gi < 24; ++gi) {
    const int nops = static_cast<int>(Uni(rng, 3, 8));
    auto g = RandomWithBoundary(rng, nops, "rb" + std::to_string(gi));
    const int S = static_cast<int>(Uni(rng, 2, std::min(4, nops)));
    const ObjectiveKind kind = gi % 3 == 2 ? ObjectiveKind::kLatency : ObjectiveKind::kMemoryComm;
    const CommModel cm = gi % 4 == 1 ? CommModel::kEdge : CommModel::kTensor;
    Problem p = test_graphs::MakeProblem(g, S, kind, cm);
    if (gi % 5 == 4) p.constraints.children_same_stage = true;
    CheckAgainstBruteForce(p, g->name() + " S=" + std::to_string(S));
    ++checked;
  }
  EXPECT_EQ(checked, 24);
}

// The schedulers the deploy can use (every known method), on the graph
// where the old rule's optimum left the last stage without an operator.
TEST(OperatorStages, EveryMethodGivesAnOperatorToEveryStage) {
  auto g = EndAloneGraph();
  std::mt19937_64 rng(77);
  std::vector<std::shared_ptr<const Graph>> graphs{g, RandomWithBoundary(rng, 8, "r8"),
                                                   RandomWithBoundary(rng, 7, "r7")};
  Config config;
  config.solver.time_limit_s = 30;
  for (const auto& gr : graphs)
    for (int S = 2; S <= 3; ++S) {
      const Problem p = test_graphs::MakeProblem(gr, S, ObjectiveKind::kMemoryComm, CommModel::kTensor);
      for (const std::string& method : KnownMethods()) {
        const std::string what = gr->name() + " S=" + std::to_string(S) + " " + method;
        auto r = ScheduleWithMethod(p, method, config);
        ASSERT_TRUE(r.ok()) << what << ": " << r.status().message();
        ASSERT_TRUE(r->status == SolveStatus::kOptimal || r->status == SolveStatus::kFeasible)
            << what << ": " << r->message;
        const Evaluation ev = Evaluate(p, r->schedule);
        EXPECT_TRUE(ev.feasible) << what << ": " << ev.violation;
        ExpectOperatorInEveryStage(p, r->schedule, what);
      }
    }
}

}  // namespace
}  // namespace respect
