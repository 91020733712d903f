// The schedule ILP without a solver: windows, model structure, and the
// encode/decode maps (an encoded feasible schedule satisfies every row and
// its ILP objective equals evaluate(); infeasible ones violate a row).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <memory>
#include <random>
#include <string>

#include "core/time_shares.h"
#include "cost/evaluate.h"
#include "formulations/reachability.h"
#include "formulations/schedule_ilp.h"
#include "solver/milp.h"
#include "test_graphs.h"

#include "test_graphs.h"

namespace respect {
namespace {

using namespace test_graphs;  // Uni, RandomGraph, StagesProblem, N, BuildGraph

const RandomGraphSpec kSizes = ByteSizes(5000000, 1000000);

// A uniformly drawn monotone assignment (not necessarily feasible).
Schedule RandomMonotone(std::mt19937_64& rng, const Graph& g, int stages) {
  Schedule s;
  s.stage.assign(g.size(), 0);
  for (int v : g.topo_order()) {
    int lo = 0;
    for (int u : g.parents(v)) lo = std::max(lo, s.stage[u]);
    s.stage[v] = static_cast<int>(Uni(rng, lo, stages - 1));
  }
  return s;
}

std::shared_ptr<const Graph> Chain(int n) {
  GraphBuilder b("chain");
  for (int i = 0; i < n; ++i) {
    Node nd;
    nd.id = "c" + std::to_string(i);
    nd.param_bytes = 100 * (i + 1);
    nd.output_bytes = 10;
    b.AddNode(nd);
    if (i > 0) b.AddEdge("c" + std::to_string(i - 1), nd.id);
  }
  return std::make_shared<const Graph>(std::move(*b.Build()));
}

TEST(FullWindowsTest, ChainWithAsManyStagesAsNodesIsPinned) {
  Problem p = StagesProblem(Chain(4), 4);
  Windows w = FullWindows(p);
  EXPECT_EQ(w.lo, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(w.hi, (std::vector<int>{0, 1, 2, 3}));
  auto ilp = BuildScheduleIlp(p);
  ASSERT_TRUE(ilp.ok());
  int binaries = 0;
  for (const auto& c : ilp->milp.cols) binaries += c.integer ? 1 : 0;
  EXPECT_EQ(binaries, 0);  // every z fixed and substituted
  EXPECT_EQ(DecodeSchedule(*ilp, std::vector<double>(ilp->milp.num_cols(), 0.0)).stage,
            (std::vector<int>{0, 1, 2, 3}));
}

TEST(FullWindowsTest, CountsAncestorsAndDescendants) {
  // 6-node chain, 4 stages: node i has i ancestors, 5-i descendants.
  // lo = max(0, 4 - 6 + i), hi = min(3, 6 - 1 - (5 - i)) = min(3, i).
  Problem p = StagesProblem(Chain(6), 4);
  Windows w = FullWindows(p);
  EXPECT_EQ(w.lo, (std::vector<int>{0, 0, 0, 1, 2, 3}));
  EXPECT_EQ(w.hi, (std::vector<int>{0, 1, 2, 3, 3, 3}));
  p.constraints.nonempty_stages = false;
  w = FullWindows(p);
  EXPECT_EQ(w.lo, (std::vector<int>(6, 0)));
  EXPECT_EQ(w.hi, (std::vector<int>(6, 3)));
}

TEST(FullWindowsTest, OptimaOfRandomGraphsLieInsideFullWindows) {
  // Windows must never cut off a feasible schedule: every feasible random
  // monotone assignment lies inside them.
  std::mt19937_64 rng(3);
  for (int t = 0; t < 200; ++t) {
    const int n = static_cast<int>(Uni(rng, 2, 9));
    const int S = static_cast<int>(Uni(rng, 1, n));
    auto g = RandomGraph(rng, n, 3, "w", kSizes);
    Problem p = StagesProblem(g, S);
    Windows w = FullWindows(p);
    for (int r = 0; r < 50; ++r) {
      Schedule s = RandomMonotone(rng, *g, S);
      if (Evaluate(p, s).feasible) {
        EXPECT_TRUE(WithinWindows(w, s));
      }
    }
  }
}

TEST(IncumbentWindowsTest, ChainByHand) {
  // Chain c0..c5 with params 100..600 (total 2100), 3 stages, bound J = 900:
  // a stage holds at most 900 bytes. c3 has 100+200+300+400 = 1000 bytes up
  // to itself -> s >= ceil(1000/900) - 1 = 1; c2 has 300+400+500+600 = 1800
  // from itself on -> s <= 3 - ceil(1800/900) = 1; c4: 3 - ceil(1100/900) = 1.
  Problem p = StagesProblem(Chain(6), 3);
  p.constraints.nonempty_stages = false;
  Windows w = IncumbentWindows(p, 900.0);
  EXPECT_EQ(w.lo, (std::vector<int>{0, 0, 0, 1, 1, 2}));
  EXPECT_EQ(w.hi, (std::vector<int>{0, 0, 1, 1, 1, 2}));
  // A hard cap tightens the same way without an objective.
  p.constraints.max_stage_param_bytes = 900;
  Windows c = IncumbentWindows(p, std::numeric_limits<double>::infinity());
  EXPECT_EQ(c.lo, w.lo);
  EXPECT_EQ(c.hi, w.hi);
  // Latency: no tightening beyond FullWindows.
  p.objective.kind = ObjectiveKind::kLatency;
  Windows l = IncumbentWindows(p, 900.0);
  EXPECT_EQ(l.lo, (std::vector<int>(6, 0)));
  EXPECT_EQ(l.hi, (std::vector<int>(6, 2)));
}

TEST(IncumbentWindowsTest, KeepEverySchedulePassingTheBound) {
  // For a random bound J, every feasible schedule with objective <= J lies
  // inside IncumbentWindows(J); and the windows do cut some assignments.
  std::mt19937_64 rng(5);
  int kept = 0, cut = 0;
  for (int t = 0; t < 200; ++t) {
    const int n = static_cast<int>(Uni(rng, 3, 10));
    const int S = static_cast<int>(Uni(rng, 2, std::min(n, 5)));
    auto g = RandomGraph(rng, n, 3, "iw", kSizes);
    Problem p = StagesProblem(g, S);
    p.objective.comm_model = Uni(rng, 0, 1) ? CommModel::kEdge : CommModel::kTensor;
    p.objective.comm_weight = 0.5 * static_cast<double>(Uni(rng, 0, 3));
    std::vector<Schedule> feasible;
    for (int r = 0; r < 60; ++r) {
      Schedule s = RandomMonotone(rng, *g, S);
      if (Evaluate(p, s).feasible) feasible.push_back(s);
    }
    if (feasible.empty()) continue;
    const double bound = Evaluate(p, feasible[Uni(rng, 0, static_cast<int64_t>(feasible.size()) - 1)]).objective;
    const Windows w = IncumbentWindows(p, bound);
    for (const Schedule& s : feasible) {
      if (Evaluate(p, s).objective <= bound) {
        EXPECT_TRUE(WithinWindows(w, s)) << g->name() << " t=" << t;
        ++kept;
      } else if (!WithinWindows(w, s)) {
        ++cut;
      }
    }
  }
  EXPECT_GT(kept, 500);
  EXPECT_GT(cut, 50);
}

TEST(TightenWindowsTest, PropagatesAlongEdgesAndRejectsEmpty) {
  Problem p = StagesProblem(Chain(5), 3);
  p.constraints.nonempty_stages = false;
  Windows w{{0, 2, 0, 0, 0}, {2, 2, 2, 2, 1}};
  auto t = TightenWindows(p, w);
  ASSERT_TRUE(t.ok());  // an empty window is an outcome, not an error
  EXPECT_GT(t->lo[4], t->hi[4]);  // c1 >= 2 forces c4 >= 2 but c4 <= 1
  EXPECT_NE(EmptyWindowReason(p, *t).find("no stage"), std::string::npos) << EmptyWindowReason(p, *t);
  w = Windows{{0, 1, 0, 0, 0}, {2, 2, 2, 2, 2}};
  t = TightenWindows(p, w);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(EmptyWindowReason(p, *t), "");
  EXPECT_EQ(t->lo, (std::vector<int>{0, 1, 1, 1, 1}));
  Windows bad{{0}, {0}};
  EXPECT_EQ(TightenWindows(p, bad).status().code(), StatusCode::kInvalidInput);
  // BuildScheduleIlp passes the infeasibility on, in the model.
  Windows empty{{0, 2, 0, 0, 0}, {2, 2, 2, 2, 1}};
  auto ilp = BuildScheduleIlp(p, &empty);
  ASSERT_TRUE(ilp.ok()) << ilp.status().message();
  EXPECT_NE(ilp->infeasible.find("no stage"), std::string::npos) << ilp->infeasible;
  EXPECT_EQ(ilp->milp.num_cols(), 0);
}

TEST(ScheduleIlpTest, WindowFixesZBelowAndAbove) {
  Problem p = StagesProblem(Chain(6), 4);
  p.constraints.nonempty_stages = false;
  Windows w{{0, 0, 1, 1, 1, 1}, {3, 3, 2, 2, 3, 3}};
  auto ilp = BuildScheduleIlp(p, &w);
  ASSERT_TRUE(ilp.ok());
  // Node 2: window [1, 2] -> z[2][0] fixed 0, z[2][1] free, z[2][2] fixed 1.
  EXPECT_EQ(ilp->z[2][0], IlpModel::kFixedZero);
  EXPECT_GE(ilp->z[2][1], 0);
  EXPECT_EQ(ilp->z[2][2], IlpModel::kFixedOne);
  // Node 0 window [0, 2] after propagation (hi <= hi of descendants = 2).
  EXPECT_EQ(ilp->windows.hi[0], 2);
  EXPECT_EQ(ilp->z[0][2], IlpModel::kFixedOne);
}

TEST(ScheduleIlpTest, ModelShape) {
  // Diamond-free chain of 5, 3 stages, tensor model: one child per node, so
  // no crossing columns; z columns only inside the windows.
  Problem p = StagesProblem(Chain(5), 3);
  auto ilp = BuildScheduleIlp(p);
  ASSERT_TRUE(ilp.ok());
  EXPECT_EQ(ilp->num_crossing_cols, 0);
  EXPECT_GE(ilp->peak_col, 0);
  EXPECT_EQ(ilp->period_col, -1);
  EXPECT_DOUBLE_EQ(ilp->objective_scale, 1048576.0);
  EXPECT_DOUBLE_EQ(ilp->milp.objective_step, 1.0 / 1048576.0);
  EXPECT_TRUE(ilp->milp.Validate().ok());
  // Every column has a readable name.
  for (const auto& c : ilp->milp.cols) EXPECT_FALSE(c.name.empty());
  // A fork with two independent consumers needs y columns.
  Problem f =
      StagesProblem(BuildGraph("fork", {N("a", 7, 5), N("b", 7, 5), N("c", 7, 5)}, {{"a", "b"}, {"a", "c"}}), 3);
  f.constraints.nonempty_stages = false;
  auto fi = BuildScheduleIlp(f);
  ASSERT_TRUE(fi.ok());
  EXPECT_EQ(fi->num_crossing_cols, 2);  // y[a][0], y[a][1]
  // ... but not if one consumer follows the other.
  Problem f2 = StagesProblem(
      BuildGraph("fork2", {N("a", 0, 5), N("b", 0, 5), N("c", 0, 5)}, {{"a", "b"}, {"a", "c"}, {"b", "c"}}), 3);
  f2.constraints.nonempty_stages = false;
  auto fi2 = BuildScheduleIlp(f2);
  ASSERT_TRUE(fi2.ok());
  EXPECT_EQ(fi2->num_crossing_cols, 0);
  // Zero comm_weight: no crossing terms at all.
  f.objective.comm_weight = 0;
  fi = BuildScheduleIlp(f);
  ASSERT_TRUE(fi.ok());
  EXPECT_EQ(fi->num_crossing_cols, 0);
}

TEST(ScheduleIlpTest, InvalidProblemIsRejected) {
  Problem p = StagesProblem(Chain(3), 5);
  auto ilp = BuildScheduleIlp(p);
  ASSERT_TRUE(ilp.ok());  // settings without a schedule: an outcome
  EXPECT_EQ(ilp->infeasible, p.NoScheduleReason());
  EXPECT_FALSE(ilp->infeasible.empty());
  p.stages = 0;  // a malformed problem: an error
  EXPECT_EQ(BuildScheduleIlp(p).status().code(), StatusCode::kInvalidInput);
  Problem q;
  EXPECT_FALSE(BuildScheduleIlp(q).ok());
}

// The core consistency property, over many random instances: for a feasible
// schedule the encoded vector satisfies every row, decodes back to the same
// schedule, and its ILP objective (rescaled) is evaluate()'s; an infeasible
// one violates some row.
TEST(ScheduleIlpTest, EncodedSchedulesMatchEvaluate) {
  std::mt19937_64 rng(17);
  int feasible = 0, infeasible = 0, instances = 0;
  for (int t = 0; t < 300; ++t) {
    const int n = static_cast<int>(Uni(rng, 2, t < 200 ? 12 : 60));
    const int S = static_cast<int>(Uni(rng, 1, std::min(n, 6)));
    auto g = RandomGraph(rng, n, static_cast<int>(Uni(rng, 1, 4)), "enc" + std::to_string(t), kSizes);
    Problem p = StagesProblem(g, S);
    p.objective.kind = Uni(rng, 0, 1) ? ObjectiveKind::kLatency : ObjectiveKind::kMemoryComm;
    p.objective.comm_model = Uni(rng, 0, 1) ? CommModel::kEdge : CommModel::kTensor;
    p.objective.comm_weight = static_cast<double>(Uni(rng, 0, 3)) * 0.5;
    p.edgetpu.sram_bytes = Uni(rng, 1, 8) * 1000000;
    const int64_t variant = Uni(rng, 0, 5);
    if (variant == 0) p.constraints.children_same_stage = true;
    if (variant == 1) p.constraints.nonempty_stages = false;
    if (variant == 2) p.constraints.max_stage_param_bytes = std::max<int64_t>(g->max_param_bytes(), g->total_param_bytes() / std::max(1, S - 1));
    if (!p.Schedulable()) continue;
    // Every other instance without the edge reduction: the same feasible
    // schedules and costs from a model with redundant rows.
    const EdgeReduction reduction = t % 2 ? EdgeReduction::kNever : EdgeReduction::kAlways;
    auto ilp = BuildScheduleIlp(p, nullptr, reduction);
    ASSERT_TRUE(ilp.ok()) << ilp.status().message();
    if (!ilp->infeasible.empty()) continue;
    ++instances;
    ASSERT_TRUE(ilp->milp.Validate().ok());
    for (int r = 0; r < 20; ++r) {
      Schedule s = RandomMonotone(rng, *g, S);
      const Evaluation ev = Evaluate(p, s);
      const bool inside = WithinWindows(ilp->windows, s);
      std::vector<double> x = EncodeStart(*ilp, s);
      std::string where;
      const double viol = ilp->milp.MaxViolation(x, &where);
      if (ev.feasible) {
        ++feasible;
        ASSERT_TRUE(inside);
        EXPECT_LE(viol, 1e-9) << g->name() << ": " << where;
        EXPECT_EQ(DecodeSchedule(*ilp, x).stage, s.stage);
        const double cost = ilp->ToCost(ilp->milp.ObjectiveOf(x));
        EXPECT_NEAR(cost, ev.objective, 1e-9 * std::max(1.0, std::fabs(ev.objective)))
            << g->name() << " " << ToString(p.objective.kind) << "/" << ToString(p.objective.comm_model);
      } else if (inside) {
        ++infeasible;
        EXPECT_GT(viol, 1e-6) << g->name() << ": infeasible schedule (" << ev.violation << ") passes the ILP";
      }
    }
  }
  std::printf("[ encode ] %d instances, %d feasible and %d infeasible schedules checked\n", instances, feasible,
              infeasible);
  EXPECT_GT(feasible, 500);
  EXPECT_GT(infeasible, 500);
}

// Without the reduction a window round of a large graph is built in O(S (n +
// E)); the model keeps every edge's rows and every consumer's crossing rows
// where a window is free, and Cbc finds the same optimum.
TEST(ScheduleIlpTest, UnreducedModelHasTheSameOptimum) {
  std::mt19937_64 rng(29);
  auto solver = MakeCbcSolver(CbcDriver::kDirect);
  int compared = 0, larger = 0;
  for (int t = 0; t < 24; ++t) {
    auto g = RandomGraph(rng, static_cast<int>(Uni(rng, 8, 30)), 3, "red" + std::to_string(t), kSizes);
    Problem p = StagesProblem(g, static_cast<int>(Uni(rng, 2, 4)));
    p.objective.comm_model = t % 2 ? CommModel::kEdge : CommModel::kTensor;
    p.objective.kind = t % 3 == 0 ? ObjectiveKind::kLatency : ObjectiveKind::kMemoryComm;
    if (!p.Schedulable()) continue;
    double objective[2];
    int rows[2];
    for (int i = 0; i < 2; ++i) {
      auto ilp = BuildScheduleIlp(p, nullptr, i ? EdgeReduction::kNever : EdgeReduction::kAlways);
      ASSERT_TRUE(ilp.ok() && ilp->infeasible.empty()) << g->name();
      MilpOptions o;
      o.time_limit_s = 60;
      auto r = solver->Solve(ilp->milp, o);
      ASSERT_TRUE(r.ok());
      ASSERT_EQ(r->status, SolveStatus::kOptimal) << g->name();
      const Evaluation ev = Evaluate(p, DecodeSchedule(*ilp, r->values));
      ASSERT_TRUE(ev.feasible) << g->name();
      objective[i] = ev.objective;
      rows[i] = ilp->milp.num_rows();
    }
    EXPECT_NEAR(objective[1], objective[0], 1e-6 * objective[0]) << g->name();
    EXPECT_GE(rows[1], rows[0]) << g->name();
    larger += rows[1] > rows[0] ? 1 : 0;
    ++compared;
  }
  EXPECT_GE(compared, 20);
  EXPECT_GT(larger, 0);  // some graph had an implied edge or a consumer that cannot be last
}

TEST(ReachabilityTest, ClosureAndReduction) {
  // a -> b -> c, a -> c (implied), a -> d
  GraphBuilder b("r");
  for (const char* id : {"a", "b", "c", "d"}) {
    Node n;
    n.id = id;
    b.AddNode(n);
  }
  b.AddEdge("a", "b");
  b.AddEdge("b", "c");
  b.AddEdge("a", "c");
  b.AddEdge("a", "d");
  Graph g = std::move(*b.Build());
  Reachability r(g);
  EXPECT_TRUE(r.Reaches(0, 2));
  EXPECT_FALSE(r.Reaches(2, 0));
  EXPECT_FALSE(r.Reaches(1, 3));
  EXPECT_EQ(r.num_descendants(0), 3);
  EXPECT_EQ(r.num_ancestors(2), 2);
  EXPECT_EQ(r.ReducedEdges(g).size(), 3u);
  std::vector<int> last = r.LatestChildren(g, 0);
  std::sort(last.begin(), last.end());
  EXPECT_EQ(last, (std::vector<int>{2, 3}));
}

// FullWindows searches only near the ends of a topological order; it must
// give the windows the closure's counts give, for every stage count, with
// boundary (non-operator) nodes among them.
TEST(FullWindowsTest, SearchesNearTheEndsMatchTheClosureCounts) {
  std::mt19937_64 rng(5);
  for (int trial = 0; trial < 12; ++trial) {
    // The first three nodes are model inputs (not operators) when trial is odd.
    const int n = 30 + trial * 7;
    GraphBuilder b("w" + std::to_string(trial));
    for (int v = 0; v < n; ++v) {
      Node nd;
      nd.id = std::to_string(v);
      nd.op = (trial % 2 == 1 && v < 3) ? kModelInputOp : "Conv2D";
      nd.param_bytes = 1 + v;
      b.AddNode(nd);
    }
    for (int v = 3; v < n; ++v)
      for (int t = 0; t < 1 + static_cast<int>(rng() % 3); ++t) b.AddEdgeIdx(static_cast<int>(rng() % v), v);
    auto built = b.Build();
    ASSERT_TRUE(built.ok()) << built.status().message();
    auto g = std::make_shared<const Graph>(std::move(*built));
    const ClosureSums c = ComputeClosureSums(*g, false);
    for (int S : {2, 3, 5, 9, 17}) {
      if (S > g->num_operators()) continue;
      const Problem p = test_graphs::StagesProblem(g, S);
      const Windows w = FullWindows(p);
      for (int v = 0; v < g->size(); ++v) {
        const int self = g->is_operator(v) ? 1 : 0, ops = g->num_operators();
        ASSERT_EQ(w.lo[v], std::max(0, S - 1 - ops + self + c.num_ancestor_operators[v])) << trial << " " << S << " " << v;
        ASSERT_EQ(w.hi[v], std::min(S - 1, ops - self - c.num_descendant_operators[v])) << trial << " " << S << " " << v;
      }
    }
  }
}

// A Problem carrying its closure sums (two_phase's rounds) gets the same
// incumbent windows as one that computes its own, at every peak.
TEST(IncumbentWindowsTest, SharedClosureGivesTheSameWindows) {
  std::mt19937_64 rng(8);
  for (int trial = 0; trial < 6; ++trial) {
    auto g = test_graphs::RandomGraph(rng, 40 + 20 * trial, 3, "iw" + std::to_string(trial));
    Problem plain = test_graphs::StagesProblem(g, 3 + trial % 4);
    Problem shared = plain;
    shared.closure = std::make_shared<const ClosureSums>(ComputeClosureSums(*g));
    const double total = static_cast<double>(g->total_param_bytes());
    for (double share : {0.2, 0.35, 0.5, 1.0}) {
      const Windows a = IncumbentWindows(plain, share * total), b = IncumbentWindows(shared, share * total);
      EXPECT_EQ(a.lo, b.lo) << trial << " " << share;
      EXPECT_EQ(a.hi, b.hi) << trial << " " << share;
    }
  }
}

TEST(ReachabilityTest, BlockedClosureMatchesSearchesAcrossBlocks) {
  // 2,500 nodes: three blocks of 1,024 targets. Every figure against plain
  // searches (Graph::Descendants / Ancestors).
  std::mt19937_64 rng(11);
  auto g = test_graphs::RandomGraph(rng, 2500, 4, "blocks");
  const Reachability r(*g, /*with_param_sums=*/true);
  const ClosureSums sums = ComputeClosureSums(*g);
  std::vector<std::vector<char>> reach(g->size(), std::vector<char>(g->size(), 0));
  for (int v = 0; v < g->size(); ++v) {
    const std::vector<int> desc = g->Descendants(v), anc = g->Ancestors(v);
    int64_t dp = 0, ap = 0;
    int dops = 0, aops = 0;
    for (int w : desc) {
      reach[v][w] = 1;
      dp += g->node(w).param_bytes;
      dops += g->is_operator(w) ? 1 : 0;
    }
    for (int w : anc) {
      ap += g->node(w).param_bytes;
      aops += g->is_operator(w) ? 1 : 0;
    }
    ASSERT_EQ(r.num_descendants(v), static_cast<int>(desc.size())) << v;
    ASSERT_EQ(r.num_ancestors(v), static_cast<int>(anc.size())) << v;
    ASSERT_EQ(r.num_descendant_operators(v), dops) << v;
    ASSERT_EQ(r.num_ancestor_operators(v), aops) << v;
    ASSERT_EQ(r.descendant_param_bytes(v), dp) << v;
    ASSERT_EQ(r.ancestor_param_bytes(v), ap) << v;
    ASSERT_EQ(sums.num_descendants[v], static_cast<int>(desc.size())) << v;
    ASSERT_EQ(sums.num_ancestors[v], static_cast<int>(anc.size())) << v;
    ASSERT_EQ(sums.num_descendant_operators[v], dops) << v;
    ASSERT_EQ(sums.num_ancestor_operators[v], aops) << v;
    ASSERT_EQ(sums.descendant_param_bytes[v], dp) << v;
    ASSERT_EQ(sums.ancestor_param_bytes[v], ap) << v;
  }
  std::vector<Edge> reduced;
  for (const Edge& e : g->edges()) {
    bool implied = false;
    for (int c : g->children(e.src)) implied = implied || (c != e.dst && reach[c][e.dst]);
    if (!implied) reduced.push_back(e);
  }
  const std::vector<Edge> got = r.ReducedEdges(*g);
  ASSERT_EQ(got.size(), reduced.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_TRUE(got[i].src == reduced[i].src && got[i].dst == reduced[i].dst);
  for (int u = 0; u < g->size(); u += 7) {
    std::vector<int> last;
    for (int w : g->children(u)) {
      bool dominated = false;
      for (int c : g->children(u)) dominated = dominated || (c != w && reach[w][c]);
      if (!dominated) last.push_back(w);
    }
    EXPECT_EQ(r.LatestChildren(*g, u), last) << u;
  }
  for (int k = 0; k < 2000; ++k) {
    const int u = static_cast<int>(rng() % g->size()), v = static_cast<int>(rng() % g->size());
    EXPECT_EQ(r.Reaches(u, v), reach[u][v] != 0) << u << " -> " << v;
  }
}

TEST(ReachabilityTest, GiveUpEndsTheConstructionBetweenBlocks) {
  // 2,500 nodes: three blocks of 1,024 targets, so give_up is asked three
  // times when it never gives up.
  std::mt19937_64 rng(11);
  auto g = test_graphs::RandomGraph(rng, 2500, 4, "give_up");
  int asked = 0;
  const Reachability whole(*g, /*with_param_sums=*/false, [&asked] { return ++asked > 3; });
  EXPECT_TRUE(whole.complete());
  EXPECT_EQ(asked, 3);
  const Reachability plain(*g);
  EXPECT_TRUE(plain.complete());
  EXPECT_EQ(whole.ReducedEdges(*g).size(), plain.ReducedEdges(*g).size());
  asked = 0;
  const Reachability dropped(*g, /*with_param_sums=*/false, [&asked] { return ++asked == 2; });
  EXPECT_FALSE(dropped.complete());
  EXPECT_EQ(asked, 2);  // asked before the second block, then never again
}

TEST(ReachabilityTest, ClosureSumsGiveUpBetweenBlocksAndOtherwiseMatch) {
  std::mt19937_64 rng(12);
  auto g = test_graphs::RandomGraph(rng, 2500, 4, "sums_give_up");
  int asked = 0;
  ClosureSums whole;
  ASSERT_TRUE(ComputeClosureSums(*g, true, [&asked] { return ++asked > 3; }, &whole));
  EXPECT_EQ(asked, 3);
  const ClosureSums plain = ComputeClosureSums(*g);
  EXPECT_EQ(whole.num_descendants, plain.num_descendants);
  EXPECT_EQ(whole.ancestor_param_bytes, plain.ancestor_param_bytes);
  const Reachability r(*g, true);
  for (int v = 0; v < g->size(); v += 97) {
    ASSERT_EQ(plain.num_ancestors[v], r.num_ancestors(v)) << v;
    ASSERT_EQ(plain.descendant_param_bytes[v], r.descendant_param_bytes(v)) << v;
  }
  asked = 0;
  ClosureSums dropped;
  EXPECT_FALSE(ComputeClosureSums(*g, true, [&asked] { return ++asked == 3; }, &dropped));
  EXPECT_EQ(asked, 3);
}

TEST(ScheduleIlpTest, EdgeReductionOfALargeGraphNeedsTheTimeForIt) {
  // 9,000 nodes (above kReduceAllNodes) in a chain with every edge v -> v+2
  // implied; 2 stages leave every node but the ends a free window.
  const int n = 9000;
  GraphBuilder b("skip_chain");
  for (int v = 0; v < n; ++v) {
    Node nd;
    nd.id = std::to_string(v);
    nd.param_bytes = 1000;
    b.AddNode(nd);
  }
  for (int v = 0; v + 1 < n; ++v) b.AddEdgeIdx(v, v + 1);
  for (int v = 0; v + 2 < n; ++v) b.AddEdgeIdx(v, v + 2);
  auto g = std::make_shared<const Graph>(std::move(*b.Build()));
  const double expected = (n + (n - 1) + (n - 2)) * std::ceil(n / 64.0) * time_shares::kReachabilitySecondsPerStep;
  EXPECT_DOUBLE_EQ(EstimatedReachabilitySeconds(*g), expected);
  EXPECT_TRUE(ReductionFits(*g, expected));
  EXPECT_FALSE(ReductionFits(*g, 0.999 * expected));
  Problem p = StagesProblem(g, 2);
  p.objective.comm_model = CommModel::kEdge;  // no consumer rows: only precedence rows differ
  auto rows_of = [&p](EdgeReduction r, double seconds, bool* reduced) {
    auto ilp = BuildScheduleIlp(p, nullptr, r, seconds);
    EXPECT_TRUE(ilp.ok() && ilp->infeasible.empty());
    *reduced = ilp->edges_reduced;
    return ilp->milp.num_rows();
  };
  bool reduced = false;
  const int unreduced_rows = rows_of(EdgeReduction::kNever, std::numeric_limits<double>::infinity(), &reduced);
  EXPECT_FALSE(reduced);
  const int reduced_rows = rows_of(EdgeReduction::kAuto, std::numeric_limits<double>::infinity(), &reduced);
  EXPECT_TRUE(reduced);
  // The n - 2 implied edges lose their precedence rows (one boundary each).
  EXPECT_EQ(unreduced_rows - reduced_rows, n - 2);
  EXPECT_EQ(rows_of(EdgeReduction::kAuto, 0.0, &reduced), unreduced_rows);  // no time: not started
  EXPECT_FALSE(reduced);
  EXPECT_EQ(rows_of(EdgeReduction::kAlways, 0.0, &reduced), reduced_rows);  // the time rule is kAuto's
  EXPECT_TRUE(reduced);
}

TEST(ScheduleIlpTest, SmallGraphsAreReducedWhateverTheTime) {
  auto g = std::make_shared<const Graph>(test_graphs::ChainGraph(50));
  const Problem p = StagesProblem(g, 3);
  auto ilp = BuildScheduleIlp(p, nullptr, EdgeReduction::kAuto, 0.0);
  ASSERT_TRUE(ilp.ok());
  EXPECT_TRUE(ilp->edges_reduced);
}

}  // namespace
}  // namespace respect
