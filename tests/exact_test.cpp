// ExactScheduler: agreement with brute force on random small graphs, the ILP
// objective equals evaluate(), infeasible and time-limited runs, and a fake
// MilpSolver to pin down decoding.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <random>
#include <string>
#include <thread>

#include "cost/evaluate.h"
#include "formulations/schedule_ilp.h"
#include "sched/brute_force.h"
#include "sched/exact.h"
#include "sched/list_schedule.h"
#include "sched/split.h"
#include "solver/milp.h"

#include "exact_checks.h"
#include "stop_checks.h"
#include "test_graphs.h"

namespace respect {
namespace {

using namespace test_graphs;   // Uni, RandomGraph, MakeProblem
using namespace exact_checks;  // Fast, Rel, Tally, CompareWithBruteForce

// Every exact engine must agree with brute force.
const ExactEngine kEngines[] = {ExactEngine::kCbcMain, ExactEngine::kCbcDirect, ExactEngine::kLattice};

std::string EngineName(ExactEngine e) {
  switch (e) {
    case ExactEngine::kAuto: return "auto";
    case ExactEngine::kCbcMain: return "cbc_main";
    case ExactEngine::kCbcDirect: return "cbc_direct";
    case ExactEngine::kLattice: return "lattice";
  }
  return "?";
}

class ExactEngineTest : public ::testing::TestWithParam<ExactEngine> {};

// --- brute-force agreement ---------------------------------------------------

TEST_P(ExactEngineTest, AgreesWithBruteForceOnRandomSmallGraphs) {
  std::mt19937_64 rng(20240601);
  Tally tally;
  const int kGraphs = 210;
  for (int gi = 0; gi < kGraphs; ++gi) {
    const int stages = static_cast<int>(Uni(rng, 2, 4));
    // Keep the brute force affordable: 4^10 assignments is the worst case.
    const int n = static_cast<int>(Uni(rng, stages, stages == 4 ? 9 : 10));
    auto g = RandomGraph(rng, n, static_cast<int>(Uni(rng, 1, 3)), "rand" + std::to_string(gi));
    ScheduleConstraints cons;
    const int64_t variant = Uni(rng, 0, 9);
    if (variant == 0) cons.children_same_stage = true;
    if (variant == 1) cons.nonempty_stages = false;
    if (variant == 2 && g->total_param_bytes() > 0) {
      const int64_t lo = std::max<int64_t>(g->max_param_bytes(), (g->total_param_bytes() + stages - 1) / stages);
      cons.max_stage_param_bytes = std::max<int64_t>(1, lo + (g->total_param_bytes() - lo) / 3);
    }
    for (ObjectiveKind kind : {ObjectiveKind::kMemoryComm, ObjectiveKind::kLatency})
      for (CommModel cm : {CommModel::kTensor, CommModel::kEdge}) {
        Problem p = MakeProblem(g, stages, kind, cm);
        p.constraints = cons;
        if (variant == 3) p.objective.comm_weight = 3.0;
        if (variant == 4) p.edgetpu.segment_overhead_s = 2.5e-4;  // every engine keeps it in the period
        const std::string what = g->name() + " n=" + std::to_string(n) + " S=" + std::to_string(stages) + " " +
                                 ToString(kind) + "/" + ToString(cm) + " variant " + std::to_string(variant);
        CompareWithBruteForce(p, what, &tally, GetParam());
        if (::testing::Test::HasFatalFailure()) return;
      }
  }
  std::printf("[ brute ] %s: %d instances compared (%d graphs x 4), %d optimal, %d infeasible\n",
              EngineName(GetParam()).c_str(), tally.compared, kGraphs, tally.optimal, tally.infeasible);
  EXPECT_EQ(tally.compared, 4 * kGraphs);
  EXPECT_GT(tally.optimal, 3 * kGraphs);
}

TEST_P(ExactEngineTest, AgreesWithBruteForceWhenStagesEqualNodes) {
  // n == stages: the windows pin almost everything; still exact.
  std::mt19937_64 rng(7);
  Tally tally;
  for (int gi = 0; gi < 20; ++gi) {
    const int n = static_cast<int>(Uni(rng, 2, 5));
    auto g = RandomGraph(rng, n, 2, "tight" + std::to_string(gi));
    for (ObjectiveKind kind : {ObjectiveKind::kMemoryComm, ObjectiveKind::kLatency})
      CompareWithBruteForce(MakeProblem(g, n, kind, CommModel::kTensor), g->name(), &tally, GetParam());
  }
  EXPECT_EQ(tally.compared, 40);
}

// --- hand-checked instances -------------------------------------------------

std::shared_ptr<const Graph> Diamond() {
  // a -> b, a -> c, b -> d, c -> d ; a, d heavy
  return BuildGraph("diamond", {N("a", 4000, 100), N("b", 1000, 10), N("c", 1000, 20), N("d", 4000, 0)},
                    {{"a", "b"}, {"a", "c"}, {"b", "d"}, {"c", "d"}});
}

TEST_P(ExactEngineTest, DiamondTwoStagesByHand) {
  // Splits: {a}{b,c,d}: max P 6000, X 100 -> 6100; {a,b,c}{d}: 6000 + 30 -> 6030;
  // {a,b}{c,d}: 5000 + (a:100 + b:10) = 5110; {a,c}{b,d}: 5000 + 100 + 20 = 5120.
  Problem p = MakeProblem(Diamond(), 2, ObjectiveKind::kMemoryComm, CommModel::kTensor);
  ExactScheduler exact(Fast(GetParam()));
  auto r = exact.Run(p);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->status, SolveStatus::kOptimal);
  EXPECT_EQ(r->objective, 5110.0);
  EXPECT_EQ(r->bound, 5110.0);
  EXPECT_EQ(r->schedule.stage, (std::vector<int>{0, 0, 1, 1}));
  EXPECT_EQ(r->method, "exact");
  if (GetParam() == ExactEngine::kLattice) {
    EXPECT_GT(r->stats.lattice.steps.value(), 0);
  } else {
    EXPECT_GE(r->stats.exact.bb_nodes.value(), 0);
    EXPECT_GT(r->stats.exact.ilp_binaries.value(), 0);
  }
  // Edge model: {a,b}{c,d}: a->c 100, b->d 10 -> 5110 as well; {a,c}{b,d}: 100 + 20.
  p.objective.comm_model = CommModel::kEdge;
  r = exact.Run(p);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->objective, 5110.0);
  // comm_weight 0: only the peak counts: 5000.
  p.objective.comm_weight = 0;
  r = exact.Run(p);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->objective, 5000.0);
}

TEST_P(ExactEngineTest, InfeasibleInstancesReportInfeasibleWithMessage) {
  ExactScheduler exact(Fast(GetParam()));
  {
    auto g = BuildGraph("three", {N("0", 1000), N("1", 2000), N("2", 3000)}, {{"0", "1"}, {"1", "2"}});
    Problem p = MakeProblem(g, 5, ObjectiveKind::kMemoryComm, CommModel::kTensor);
    auto r = exact.Run(p);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->status, SolveStatus::kInfeasible);
    EXPECT_NE(r->message.find("5"), std::string::npos) << r->message;
    EXPECT_NE(r->message.find("3"), std::string::npos) << r->message;

    p.stages = 2;
    p.constraints.max_stage_param_bytes = 2500;  // below node 2 (3000 bytes)
    r = exact.Run(p);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, SolveStatus::kInfeasible);
    EXPECT_NE(r->message.find("max_stage_param_bytes"), std::string::npos) << r->message;
  }
  {
    // Only the solver (or the formulation) can see this one: a -> {b, c} with
    // children_same_stage leaves 2 distinct stages for 3 non-empty ones.
    auto g = BuildGraph("fork", {N("a", 10, 10), N("b", 10, 10), N("c", 10, 10)}, {{"a", "b"}, {"a", "c"}});
    Problem p = MakeProblem(g, 3, ObjectiveKind::kMemoryComm, CommModel::kTensor);
    p.constraints.children_same_stage = true;
    ASSERT_TRUE(p.Validate().ok());
    auto r = exact.Run(p);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->status, SolveStatus::kInfeasible);
    EXPECT_FALSE(r->message.empty());
    EXPECT_TRUE(std::isnan(r->objective));
  }
}

TEST(ExactTest, TimeLimitGivesFeasibleWithBound) {
  std::mt19937_64 rng(99);
  auto g = RandomGraph(rng, 150, 3, "big150");
  Problem p = MakeProblem(g, 6, ObjectiveKind::kMemoryComm, CommModel::kTensor);
  ExactOptions o;
  o.time_limit_s = 1e-3;
  ExactScheduler exact(o);
  auto r = exact.Run(p);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->status, SolveStatus::kFeasible) << r->message;
  EXPECT_TRUE(r->eval.feasible);
  ASSERT_FALSE(std::isnan(r->bound)) << r->message;
  EXPECT_LE(r->bound, r->objective);
  EXPECT_GT(r->bound, 0);
  EXPECT_GT(r->stats.exact.gap.value(), 0);
  EXPECT_LT(r->seconds, 10);
}

// The values of a MIP start file as the cbc program reads it (lines whose
// first word starts with a digit: index, name, value), by name, laid out
// as the columns of `m` (the written model); NaN where a column is missing.
std::vector<double> ReadStartFor(const MilpModel& m, const std::string& path, int* lines) {
  std::ifstream in(path);
  std::map<std::string, double> by_name;
  std::string line;
  *lines = 0;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string index, name, value;
    if (!(words >> index >> name >> value) || !std::isdigit(static_cast<unsigned char>(index[0]))) continue;
    by_name[name] = std::strtod(value.c_str(), nullptr);
    ++*lines;
  }
  std::vector<double> x(m.num_cols(), std::nan(""));
  for (int c = 0; c < m.num_cols(); ++c)
    if (auto it = by_name.find(m.cols[c].name); it != by_name.end()) x[c] = it->second;
  return x;
}

// Every bound and row of m holds at x, with no tolerance.
void ExpectEveryRowHolds(const MilpModel& m, const std::vector<double>& x) {
  for (int c = 0; c < m.num_cols(); ++c) {
    EXPECT_GE(x[c], m.cols[c].lb) << m.cols[c].name;
    EXPECT_LE(x[c], m.cols[c].ub) << m.cols[c].name;
    if (m.cols[c].integer) {
      EXPECT_EQ(x[c], std::round(x[c])) << m.cols[c].name;
    }
  }
  for (const MilpModel::Row& row : m.rows) {
    double a = 0.0;
    for (size_t i = 0; i < row.idx.size(); ++i) a += row.val[i] * x[row.idx[i]];
    EXPECT_GE(a, row.lb) << row.name;
    EXPECT_LE(a, row.ub) << row.name;
  }
}

// The model exact builds in `windows` (nullptr: none), the start file's
// values on it, and the checks both files must pass: every column in the
// file, every row held, the start decoded back. *continuous: the model's
// continuous columns (crossings, peak).
void ExpectStartFileOfModel(const Problem& p, const Windows* windows, const Schedule& start, const std::string& mst,
                            int* continuous) {
  auto ilp = BuildScheduleIlp(p, windows);
  ASSERT_TRUE(ilp.ok()) << ilp.status().message();
  int lines = 0;
  const std::vector<double> x = ReadStartFor(ilp->milp, mst, &lines);
  // Every column, and the objective constant's column when there is one.
  EXPECT_EQ(lines, ilp->milp.num_cols() + (ilp->milp.obj_offset != 0.0 ? 1 : 0));
  *continuous = 0;
  for (int c = 0; c < ilp->milp.num_cols(); ++c) {
    ASSERT_FALSE(std::isnan(x[c])) << ilp->milp.cols[c].name;
    *continuous += ilp->milp.cols[c].integer ? 0 : 1;
  }
  ExpectEveryRowHolds(ilp->milp, x);
  EXPECT_EQ(x, EncodeStart(*ilp, start));
  EXPECT_EQ(DecodeSchedule(*ilp, x).stage, start.stage);
  EXPECT_DOUBLE_EQ(ilp->ToCost(ilp->milp.ObjectiveOf(x)), Evaluate(p, start).objective);
}

// --- the start provider seam (ExactStarts, sched/start_provider.h) -----------

struct StartSearchCase {
  Problem problem;
  Schedule optimum;  // brute force's
  double optimum_objective = 0;
};

StartSearchCase SmallCase() {
  std::mt19937_64 rng(7);
  StartSearchCase c;
  c.problem = MakeProblem(RandomGraph(rng, 12, 3, "seam12"), 4, ObjectiveKind::kMemoryComm, CommModel::kTensor);
  auto b = BruteForceScheduler().Run(c.problem);
  EXPECT_TRUE(b.ok());
  c.optimum = b->schedule;
  c.optimum_objective = b->objective;
  return c;
}

// Cbc only (no lattice share), the start search asked on every graph.
ExactOptions SeamOptions() {
  ExactOptions o = Fast(ExactEngine::kCbcDirect);
  o.start_search_min_nodes = 0;
  return o;
}

TEST(ExactStartProvider, TheFirstStartComesFromTheProvider) {
  // A fake first start (instead of dp_topo) handing over a feasible,
  // non-optimal schedule: Cbc starts from it and still proves the optimum.
  StartSearchCase c = SmallCase();
  auto l = ListScheduler().Run(c.problem);
  ASSERT_TRUE(l.ok());
  ASSERT_EQ(l->status, SolveStatus::kFeasible);
  int calls = 0;
  double seconds = 0;
  ExactStarts starts;
  starts.first = std::make_shared<FixedStart>(l->schedule, &calls, &seconds);
  ExactOptions o = Fast(ExactEngine::kCbcDirect);
  o.cut_bound = false;  // Cbc must run: the start's figures come from it
  auto r = ExactScheduler(o, nullptr, starts).Run(c.problem);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(calls, 1);
  EXPECT_DOUBLE_EQ(seconds, time_shares::kDpTopoStart.Of(o.time_limit_s));
  EXPECT_EQ(r->status, SolveStatus::kOptimal) << r->message;
  EXPECT_TRUE(r->stats.exact.start_feasible.value());
  EXPECT_DOUBLE_EQ(r->stats.exact.start_objective.value(), Evaluate(c.problem, l->schedule).objective);
  const Evaluation ev = Evaluate(c.problem, r->schedule);
  EXPECT_TRUE(ev.feasible);
  EXPECT_DOUBLE_EQ(ev.objective, r->objective);
  EXPECT_LE(Rel(r->objective, c.optimum_objective), 1e-9);
}

TEST(ExactStartProvider, AnOptimalFirstStartIsKeptAndProven) {
  // Handing over the optimum: whether the cut bound or Cbc proves it,
  // exact's answer has the start's objective.
  StartSearchCase c = SmallCase();
  int calls = 0;
  ExactStarts starts;
  starts.first = std::make_shared<FixedStart>(c.optimum, &calls);
  auto r = ExactScheduler(Fast(ExactEngine::kCbcDirect), nullptr, starts).Run(c.problem);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(r->status, SolveStatus::kOptimal) << r->message;
  EXPECT_DOUBLE_EQ(r->objective, c.optimum_objective);
  EXPECT_DOUBLE_EQ(Evaluate(c.problem, r->schedule).objective, c.optimum_objective);
}

TEST(ExactStartProvider, NoFirstProviderNoStart) {
  StartSearchCase c = SmallCase();
  ExactStarts none;
  none.first = nullptr;
  ExactOptions o = Fast(ExactEngine::kCbcDirect);
  o.cut_bound = false;
  auto r = ExactScheduler(o, nullptr, none).Run(c.problem);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->status, SolveStatus::kOptimal);
  EXPECT_FALSE(r->stats.exact.start_objective.has_value());
  EXPECT_LE(Rel(r->objective, c.optimum_objective), 1e-9);
}

TEST(ExactStartSearch, ABetterStartIsUsedAndShrinksTheModel) {
  StartSearchCase c = SmallCase();
  int calls = 0;
  double seconds = 0;
  ExactOptions with = SeamOptions();
  with.cut_bound = false;  // it could prove the start optimal before Cbc: the model counts below need Cbc
  auto r = ExactScheduler(with, nullptr, SearchGives(c.optimum, &calls, &seconds)).Run(c.problem);
  auto plain = ExactScheduler(Fast(ExactEngine::kCbcDirect)).Run(c.problem);
  ASSERT_TRUE(r.ok() && plain.ok());
  EXPECT_EQ(calls, 1);
  EXPECT_DOUBLE_EQ(seconds, with.start_search_share * with.time_limit_s);
  EXPECT_EQ(r->status, SolveStatus::kOptimal) << r->message;
  EXPECT_TRUE(Evaluate(c.problem, r->schedule).feasible);
  EXPECT_LE(Rel(r->objective, c.optimum_objective), 1e-9);
  EXPECT_TRUE(r->stats.exact.start_search_improved.value());
  EXPECT_EQ(r->stats.exact.start_objective.value(), c.optimum_objective);
  // The incumbent windows of the optimum leave fewer binaries than dp_topo's.
  ASSERT_GT(plain->stats.exact.start_objective.value(), c.optimum_objective) << "pick a case where dp_topo is not optimal";
  EXPECT_LT(r->stats.exact.ilp_binaries.value(), plain->stats.exact.ilp_binaries.value());
}

// A chain one node longer than the wide lattice takes, on 2 stages, and its
// split in halves.
Problem LongChainProblem(Schedule* half) {
  GraphBuilder b("chain2049");
  const int n = kLatticeWideMaxNodes + 1;
  for (int v = 0; v < n; ++v) {
    Node nd;
    nd.id = std::to_string(v);
    nd.name = nd.id;
    nd.param_bytes = 1000;
    nd.output_bytes = 10 + v % 7;
    b.AddNode(nd);
    if (v > 0) b.AddEdgeIdx(v - 1, v);
  }
  auto g = b.Build();
  EXPECT_TRUE(g.ok());
  half->stage.clear();
  for (int v = 0; v < n; ++v) half->stage.push_back(v < n / 2 ? 0 : 1);
  return MakeProblem(std::make_shared<const Graph>(std::move(*g)), 2, ObjectiveKind::kMemoryComm, CommModel::kTensor);
}

// exact (cut bound off) on the long chain under limit_s, its seam handing
// over `half`; *o: the options it ran with.
StatusOr<ScheduleResult> RunLongChain(const Problem& p, const Schedule& half, double limit_s, int* calls,
                                      double* seconds, ExactOptions* o) {
  *o = SeamOptions();
  o->time_limit_s = limit_s;
  o->cut_bound = false;
  return ExactScheduler(*o, nullptr, SearchGives(half, calls, seconds)).Run(p);
}

TEST(ExactStartSearch, LargeGraphsGiveTheSearchNearlyAllTheLimit) {
  Schedule half;
  const Problem p = LongChainProblem(&half);
  int calls = 0;
  double seconds = 0;
  ExactOptions o;
  auto r = RunLongChain(p, half, 20, &calls, &seconds, &o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(calls, 1);
  EXPECT_DOUBLE_EQ(seconds, o.large_start_search_share * o.time_limit_s);
  EXPECT_TRUE(Evaluate(p, r->schedule).feasible);
  // The search returned at once, leaving nearly all the limit: Cbc gets it.
  EXPECT_FALSE(r->stats.exact.full_model_skipped);
  EXPECT_TRUE(r->stats.exact.ilp_binaries.has_value());
}

// When a large graph's search leaves no more than its share's remainder
// (plus a second), the start is the result and no full model is built.
TEST(ExactStartSearch, ALargeSearchThatUsedItsShareEndsTheRun) {
  Schedule half;
  const Problem p = LongChainProblem(&half);
  int calls = 0;
  double seconds = 0;
  ExactOptions o;
  // 0.5 s: 5% of it plus a second is more than the whole limit.
  auto r = RunLongChain(p, half, 0.5, &calls, &seconds, &o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(r->stats.exact.full_model_skipped);
  EXPECT_FALSE(r->stats.exact.ilp_binaries.has_value());
  EXPECT_EQ(r->schedule.stage, half.stage);
  EXPECT_DOUBLE_EQ(r->objective, Evaluate(p, half).objective);
}

// A run that skips the full model still writes the model and start asked
// for: the final start's, built after the search.
TEST(ExactStartSearch, ASkippedModelIsBuiltToBeWritten) {
  Schedule half;
  const Problem p = LongChainProblem(&half);
  int calls = 0;
  ExactOptions o = SeamOptions();
  o.time_limit_s = 0.5;  // as above: the search's share ends the run
  o.cut_bound = false;
  o.write_lp = ::testing::TempDir() + "/respect_skipped.lp";
  o.write_mip_start = ::testing::TempDir() + "/respect_skipped.mst";
  std::remove(o.write_lp.c_str());
  std::remove(o.write_mip_start.c_str());
  auto r = ExactScheduler(o, nullptr, SearchGives(half, &calls, nullptr)).Run(p);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_TRUE(r->stats.exact.full_model_skipped);
  EXPECT_FALSE(r->stats.exact.ilp_binaries.has_value());
  std::FILE* f = std::fopen(o.write_lp.c_str(), "r");
  ASSERT_NE(f, nullptr);
  std::fclose(f);
  // The model of the start's incumbent windows, as Cbc would have had it.
  const Windows w = IncumbentWindows(p, Evaluate(p, half).objective);
  int continuous = 0;
  ExpectStartFileOfModel(p, &w, half, o.write_mip_start, &continuous);
}

TEST(ExactStartSearch, AnInfeasibleOrMissingScheduleIsIgnored) {
  StartSearchCase c = SmallCase();
  int calls = 0;
  double seconds = 0;
  Schedule all_in_one;
  all_in_one.stage.assign(c.problem.g().size(), 0);  // empty stages: infeasible
  for (const Schedule& bad : {all_in_one, Schedule{}}) {
    auto r = ExactScheduler(SeamOptions(), nullptr, SearchGives(bad, &calls, &seconds)).Run(c.problem);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, SolveStatus::kOptimal);
    EXPECT_LE(Rel(r->objective, c.optimum_objective), 1e-9);
    EXPECT_FALSE(r->stats.exact.start_search_improved.value());
  }
  EXPECT_EQ(calls, 2);
}

TEST(ExactStartSearch, NotCalledForSmallGraphsCallerStartsOrWhenTheLatticeProves) {
  StartSearchCase c = SmallCase();
  int calls = 0;
  double seconds = 0;
  ExactOptions small = SeamOptions();
  small.start_search_min_nodes = c.problem.g().size() + 1;
  ASSERT_TRUE(ExactScheduler(small, nullptr, SearchGives(c.optimum, &calls, &seconds)).Run(c.problem).ok());
  ExactOptions seam = SeamOptions();
  ASSERT_TRUE(ExactScheduler(seam, nullptr, SearchGives(c.optimum, &calls, &seconds))
                  .RunWindowed(c.problem, nullptr, &c.optimum)
                  .ok());
  seam.engine = ExactEngine::kAuto;  // the lattice share proves a 12-node graph
  auto r = ExactScheduler(seam, nullptr, SearchGives(c.optimum, &calls, &seconds)).Run(c.problem);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, SolveStatus::kOptimal);
  EXPECT_EQ(calls, 0);
}

TEST(ExactTest, WritesLpFile) {
  ExactOptions o = Fast();
  o.write_lp = ::testing::TempDir() + "/respect_diamond.lp";
  std::remove(o.write_lp.c_str());
  ExactScheduler exact(o);
  auto r = exact.Run(MakeProblem(Diamond(), 2, ObjectiveKind::kMemoryComm, CommModel::kTensor));
  ASSERT_TRUE(r.ok());
  FILE* f = std::fopen(o.write_lp.c_str(), "r");
  ASSERT_NE(f, nullptr);
  std::fclose(f);
  o.write_lp = "/nonexistent_dir_respect/x.lp";
  ExactScheduler bad(o);
  auto r2 = bad.Run(MakeProblem(Diamond(), 2, ObjectiveKind::kMemoryComm, CommModel::kTensor));
  EXPECT_FALSE(r2.ok());
}

TEST(ExactTest, WritesTheMipStartItGivesCbc) {
  // A start with crossings (tensor model: a column per tensor and
  // boundary): the crossing and peak columns are in the file too,
  // consistent with the rows.
  std::mt19937_64 rng(11);
  Problem p = MakeProblem(RandomGraph(rng, 14, 3, "mst14"), 3, ObjectiveKind::kMemoryComm, CommModel::kTensor);
  auto l = ListScheduler().Run(p);
  ASSERT_TRUE(l.ok());
  ASSERT_EQ(l->status, SolveStatus::kFeasible);
  int calls = 0;
  ExactStarts starts;
  starts.first = std::make_shared<FixedStart>(l->schedule, &calls);
  ExactOptions o = Fast(ExactEngine::kCbcDirect);
  o.cut_bound = false;  // Cbc runs: its start is the one written
  o.incumbent_windows = false;  // the whole model, crossing columns and all (windows: the test below)
  o.write_lp = ::testing::TempDir() + "/respect_mst14.lp";
  o.write_mip_start = ::testing::TempDir() + "/respect_mst14.mst";
  std::remove(o.write_mip_start.c_str());
  auto r = ExactScheduler(o, nullptr, starts).Run(p);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_TRUE(r->stats.exact.start_feasible.value_or(false));
  int continuous = 0;
  ExpectStartFileOfModel(p, nullptr, l->schedule, o.write_mip_start, &continuous);
  EXPECT_GT(continuous, 1);  // the peak and at least one crossing
}

TEST(ExactTest, AMipStartFileNeedsTheModelFile) {
  ExactOptions o = Fast();
  o.write_mip_start = ::testing::TempDir() + "/respect_alone.mst";
  const Status st = o.Validate();
  EXPECT_EQ(st.code(), StatusCode::kInvalidInput);
  EXPECT_NE(st.message().find("write_mip_start needs write_lp"), std::string::npos) << st.message();
  EXPECT_FALSE(ExactScheduler(o).Run(MakeProblem(Diamond(), 2, ObjectiveKind::kMemoryComm, CommModel::kTensor)).ok());
}

TEST_P(ExactEngineTest, WindowedRunStaysInWindowsAndUsesStart) {
  std::mt19937_64 rng(5);
  auto g = RandomGraph(rng, 12, 2, "win12");
  Problem p = MakeProblem(g, 3, ObjectiveKind::kMemoryComm, CommModel::kTensor);
  DpTopoScheduler dp;
  auto h = dp.Run(p);
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->status, SolveStatus::kFeasible);
  Windows w;
  for (int v = 0; v < g->size(); ++v) {
    w.lo.push_back(std::max(0, h->schedule.stage[v] - 1 + (v % 2)));
    w.hi.push_back(std::min(2, h->schedule.stage[v] + (v % 2)));
  }
  ExactScheduler exact(Fast(GetParam()));
  auto r = exact.RunWindowed(p, &w, &h->schedule);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->status, SolveStatus::kOptimal);
  for (int v = 0; v < g->size(); ++v) {
    EXPECT_GE(r->schedule.stage[v], w.lo[v]);
    EXPECT_LE(r->schedule.stage[v], w.hi[v]);
  }
  EXPECT_LE(r->objective, h->objective);
  EXPECT_TRUE(r->stats.exact.start_feasible.value());
  auto full = exact.Run(p);
  ASSERT_TRUE(full.ok());
  EXPECT_LE(full->objective, r->objective);
}

// --- a fake solver ----------------------------------------------------------

class FakeSolver final : public MilpSolver {
 public:
  FakeSolver(SolveStatus status, std::vector<double> values, double objective_shift = 0.0)
      : status_(status), values_(std::move(values)), shift_(objective_shift) {}
  std::string name() const override { return "fake"; }
  StatusOr<MilpResult> Solve(const MilpModel& model, const MilpOptions& options) override {
    ++calls;
    seen_start = options.mip_start;
    MilpResult r;
    r.status = status_;
    r.values = values_;
    if (!values_.empty()) r.objective = r.bound = model.ObjectiveOf(values_) + shift_;
    r.nodes = 42;
    r.message = "fake";
    return r;
  }
  int calls = 0;
  std::vector<double> seen_start;

 private:
  SolveStatus status_;
  std::vector<double> values_;
  double shift_;
};

// A solver that runs until its options' stop token is requested (or a
// minute passes), then returns the MIP start as a stopped solve would.
class WaitsForStop final : public MilpSolver {
 public:
  std::string name() const override { return "waits_for_stop"; }
  StatusOr<MilpResult> Solve(const MilpModel& model, const MilpOptions& options) override {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!options.stop.Requested() && std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    saw_stop = options.stop.Requested();
    MilpResult r;
    r.stopped = saw_stop;
    r.start_given = !options.mip_start.empty();
    r.start_feasible = r.start_given;
    r.status = r.start_given ? SolveStatus::kFeasible : SolveStatus::kTimeLimit;
    if (r.start_given) {
      r.values = options.mip_start;
      r.objective = r.start_objective = model.ObjectiveOf(r.values);
    }
    return r;
  }
  std::atomic<bool> saw_stop{false};
};

TEST(ExactStop, TheRunsStopTokenReachesTheSolverAndEndsTheRun) {
  std::mt19937_64 rng(21);
  Problem p = MakeProblem(RandomGraph(rng, 60, 3, "stop60"), 4, ObjectiveKind::kMemoryComm, CommModel::kTensor);
  auto solver = std::make_unique<WaitsForStop>();
  WaitsForStop* sp = solver.get();
  ExactOptions o = Fast(ExactEngine::kCbcDirect);
  o.time_limit_s = 600;
  o.cut_bound = false;  // it might prove the start optimal before the solver runs
  ExactScheduler exact(o, std::move(solver));
  auto r = stop_checks::RunStoppedAfter(exact, p, std::chrono::milliseconds(200));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(sp->saw_stop);  // not the fake's own minute
  EXPECT_TRUE(r->stats.stopped);
  EXPECT_EQ(r->status, SolveStatus::kFeasible) << r->message;
  const Evaluation e = Evaluate(p, r->schedule);
  ASSERT_TRUE(e.feasible) << e.violation;
  EXPECT_DOUBLE_EQ(r->objective, e.objective);
  EXPECT_LE(r->bound, r->objective);
  EXPECT_EQ(r->stats.ToMap().at("stopped"), 1.0);
}

TEST(ExactStop, ARequestedStopGivesTheFirstStartWithItsBound) {
  // Requested before the run: no phase starts after the first start, whose
  // split DP stops at once too (its seeding split, no better than the
  // finished DP's), returned feasible with a bound below it.
  std::mt19937_64 rng(22);
  Problem p = MakeProblem(RandomGraph(rng, 300, 3, "stop300"), 8, ObjectiveKind::kMemoryComm, CommModel::kTensor);
  const StopToken stop = StopToken::Make();
  stop.Request();
  ExactScheduler exact(Fast(ExactEngine::kCbcDirect));
  auto r = exact.RunUntil(p, stop);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->stats.stopped);
  ASSERT_EQ(r->status, SolveStatus::kFeasible) << r->message;
  EXPECT_NE(r->message.find("stopped by request"), std::string::npos) << r->message;
  const Evaluation e = Evaluate(p, r->schedule);
  ASSERT_TRUE(e.feasible) << e.violation;
  auto dp = DpTopoScheduler().Run(p);
  ASSERT_TRUE(dp.ok());
  EXPECT_GE(r->objective, dp->objective);
  EXPECT_LE(r->bound, r->objective);
  EXPECT_GT(r->bound, 0.0);
}

TEST(ExactTest, IncumbentWindowsKeepTheOptimumAndShrinkTheModel) {
  // Cbc with and without the MIP start's IncumbentWindows on graphs too big
  // for brute force: the same proven optimum, never more columns with them,
  // and fewer on most instances.
  std::mt19937_64 rng(2718);
  int fewer = 0, runs = 0;
  for (int t = 0; t < 16; ++t) {
    auto g = RandomGraph(rng, static_cast<int>(Uni(rng, 18, 30)), 3, "iw" + std::to_string(t));
    Problem p = MakeProblem(g, static_cast<int>(Uni(rng, 2, 5)), ObjectiveKind::kMemoryComm,
                            Uni(rng, 0, 1) ? CommModel::kEdge : CommModel::kTensor);
    ExactOptions on = Fast(ExactEngine::kCbcDirect), off = on;
    off.incumbent_windows = false;
    auto a = ExactScheduler(on).Run(p);
    auto b = ExactScheduler(off).Run(p);
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_EQ(a->status, b->status) << g->name();
    if (b->status != SolveStatus::kOptimal) continue;
    ++runs;
    EXPECT_EQ(a->status, SolveStatus::kOptimal);
    EXPECT_NEAR(a->objective, b->objective, 1e-9 * b->objective) << g->name();
    EXPECT_TRUE(Evaluate(p, a->schedule).feasible);
    EXPECT_LE(a->stats.exact.ilp_cols.value(), b->stats.exact.ilp_cols.value()) << g->name();
    fewer += a->stats.exact.ilp_cols.value() < b->stats.exact.ilp_cols.value();
  }
  EXPECT_GE(runs, 12);
  EXPECT_GE(fewer, runs / 2);
}

TEST(ExactTest, FakeSolverAssignmentIsDecodedExactly) {
  std::mt19937_64 rng(11);
  auto g = RandomGraph(rng, 9, 2, "fake9");
  Problem p = MakeProblem(g, 3, ObjectiveKind::kMemoryComm, CommModel::kTensor);
  auto ilp = BuildScheduleIlp(p);
  ASSERT_TRUE(ilp.ok());
  // A feasible, deliberately non-optimal assignment: the list baseline's.
  ListScheduler list;
  auto l = list.Run(p);
  ASSERT_TRUE(l.ok());
  ASSERT_EQ(l->status, SolveStatus::kFeasible);
  std::vector<double> x = EncodeStart(*ilp, l->schedule);
  auto fake = std::make_unique<FakeSolver>(SolveStatus::kOptimal, x);
  FakeSolver* fp = fake.get();
  ExactScheduler exact(Fast(), std::move(fake));
  auto r = exact.Run(p);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(fp->calls, 1);
  EXPECT_EQ(r->schedule.stage, l->schedule.stage);
  EXPECT_EQ(r->status, SolveStatus::kOptimal);
  EXPECT_DOUBLE_EQ(r->objective, l->objective);
  EXPECT_EQ(r->stats.exact.bb_nodes.value(), 42);
  EXPECT_EQ(fp->seen_start.size(), x.size());  // a warm start was offered
}

TEST(ExactTest, FakeSolverWithWrongObjectiveIsInternalError) {
  Problem p = MakeProblem(Diamond(), 2, ObjectiveKind::kMemoryComm, CommModel::kTensor);
  auto ilp = BuildScheduleIlp(p);
  ASSERT_TRUE(ilp.ok());
  Schedule s{{0, 0, 1, 1}};
  std::vector<double> x = EncodeStart(*ilp, s);
  // The fake must be reached: on this diamond the cut bound would prove the
  // dp_topo start optimal before any solver runs.
  ExactOptions o = Fast();
  o.cut_bound = false;
  {
    // Claimed optimal 1 MiB above the schedule's true value.
    ExactScheduler exact(o, std::make_unique<FakeSolver>(SolveStatus::kOptimal, x, 1.0));
    auto r = exact.Run(p);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInternal);
    EXPECT_NE(r.status().message().find("evaluate"), std::string::npos);
  }
  {
    // Feasible (not optimal) may overstate: evaluate() is what is reported.
    ExactScheduler exact(o, std::make_unique<FakeSolver>(SolveStatus::kFeasible, x, 1.0));
    auto r = exact.Run(p);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->status, SolveStatus::kFeasible);
    EXPECT_EQ(r->objective, 5110.0);
  }
  {
    // Values decoding to an infeasible schedule: with 3 stages a and d are
    // pinned to stages 0 and 2; all-zero z puts b and c in stage 2 too,
    // leaving stage 1 empty.
    Problem p3 = p;
    p3.stages = 3;
    auto ilp3 = BuildScheduleIlp(p3);
    ASSERT_TRUE(ilp3.ok());
    std::vector<double> bad(ilp3->milp.num_cols(), 0.0);
    EXPECT_EQ(DecodeSchedule(*ilp3, bad).stage, (std::vector<int>{0, 2, 2, 2}));
    ExactScheduler exact(o, std::make_unique<FakeSolver>(SolveStatus::kOptimal, bad));
    auto r = exact.Run(p3);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInternal);
  }
  {
    ExactScheduler exact(o, std::make_unique<FakeSolver>(SolveStatus::kInfeasible, std::vector<double>{}));
    auto r = exact.Run(p);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, SolveStatus::kInfeasible);
    EXPECT_FALSE(r->message.empty());
  }
  {
    // The solver ran out of time: the warm start is the best schedule known,
    // returned with a valid bound.
    ExactScheduler exact(o, std::make_unique<FakeSolver>(SolveStatus::kTimeLimit, std::vector<double>{}));
    auto r = exact.Run(p);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, SolveStatus::kFeasible);
    EXPECT_TRUE(Evaluate(p, r->schedule).feasible);
    EXPECT_LE(r->bound, r->objective);
    EXPECT_EQ(r->bound, SimpleLowerBound(p));
  }
  {
    ExactOptions o = Fast();
    o.warm_start = false;  // no schedule at all
    ExactScheduler exact(o, std::make_unique<FakeSolver>(SolveStatus::kTimeLimit, std::vector<double>{}));
    auto r = exact.Run(p);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, SolveStatus::kTimeLimit);
  }
}

TEST_P(ExactEngineTest, LatencyOptimumBeatsHeuristicOnSmallGraphs) {
  for (const Problem& p : LatencyProblems(14)) {
    auto r = ExactScheduler(Fast(GetParam())).Run(p);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->status, SolveStatus::kOptimal);
    ExpectAtMostDpTopo(p, r->objective, 1e-9, p.g().name(), /*dp_feasible=*/true);
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, ExactEngineTest, ::testing::ValuesIn(kEngines),
                         [](const ::testing::TestParamInfo<ExactEngine>& info) { return EngineName(info.param); });

}  // namespace
}  // namespace respect
