// CbcSolver on hand-made MILPs: optimal values, infeasible, unbounded, time
// limit, MIP start, invalid models (no exception escapes), model files.
#include <gtest/gtest.h>
#include <signal.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>
#include <atomic>
#include <chrono>
#include <memory>

#include "solver/cbc_solver.h"
#include "solver/milp.h"

namespace respect {
namespace {

// max 5a + 4b + 3c  s.t. 2a + 3b + c <= 5, 4a + b + 2c <= 11, 3a + 4b + 2c <= 8,
// a, b, c in {0,1,2,...} -> optimum 13 at (2, 0, 1). Written as min of the negation.
MilpModel SmallKnapsack() {
  MilpModel m;
  m.name = "small";
  int a = m.AddCol(0, kMilpInf, -5, true, "a");
  int b = m.AddCol(0, kMilpInf, -4, true, "b");
  int c = m.AddCol(0, kMilpInf, -3, true, "c");
  m.AddRow({a, b, c}, {2, 3, 1}, -kMilpInf, 5, "r1");
  m.AddRow({a, b, c}, {4, 1, 2}, -kMilpInf, 11, "r2");
  m.AddRow({a, b, c}, {3, 4, 2}, -kMilpInf, 8, "r3");
  return m;
}

// A 0/1 knapsack with 40 items, hard enough to need branching for a while.
MilpModel HardKnapsack(int items) {
  MilpModel m;
  std::vector<int> idx;
  std::vector<double> w;
  uint64_t x = 12345;
  auto next = [&x]() { x = x * 6364136223846793005ULL + 1442695040888963407ULL; return (x >> 33) % 1000; };
  double total = 0;
  for (int i = 0; i < items; ++i) {
    double wi = 1000 + static_cast<double>(next());
    double vi = wi + static_cast<double>(next() % 50);  // values close to weights: weak LP bound
    idx.push_back(m.AddCol(0, 1, -vi, true, "x" + std::to_string(i)));
    w.push_back(wi);
    total += wi;
  }
  m.AddRow(idx, w, -kMilpInf, std::floor(total / 2) + 0.5, "cap");
  return m;
}

// A market-split instance (Cornuejols and Dowd): rows sum_j a_ij x_j + p_i -
// m_i = d_i over binaries x, minimise sum_i p_i + m_i. Its LP bound is 0 and
// branch and bound needs far longer than any test to close it at 4 rows and
// 36 binaries. x = 0, p = d, m = 0 is a feasible start (*start).
MilpModel MarketSplit(int rows, int cols, std::vector<double>* start) {
  MilpModel m;
  m.name = "market_split";
  uint64_t x = 987654321;
  auto next = [&x]() { x = x * 6364136223846793005ULL + 1442695040888963407ULL; return (x >> 33) % 100; };
  for (int j = 0; j < cols; ++j) m.AddCol(0, 1, 0, true, "x" + std::to_string(j));
  start->assign(cols, 0.0);
  for (int i = 0; i < rows; ++i) {
    std::vector<int> idx;
    std::vector<double> val;
    double total = 0;
    for (int j = 0; j < cols; ++j) {
      const double a = static_cast<double>(next());
      idx.push_back(j);
      val.push_back(a);
      total += a;
    }
    const double d = std::floor(total / 2);
    const int plus = m.AddCol(0, kMilpInf, 1, false, "p" + std::to_string(i));
    const int minus = m.AddCol(0, kMilpInf, 1, false, "m" + std::to_string(i));
    idx.push_back(plus);
    val.push_back(1);
    idx.push_back(minus);
    val.push_back(-1);
    m.AddRow(idx, val, d, d, "split" + std::to_string(i));
    start->push_back(d);  // p_i
    start->push_back(0);  // m_i
  }
  return m;
}

MilpOptions Quiet(double seconds = 60) {
  MilpOptions o;
  o.time_limit_s = seconds;
  return o;
}

// Every Cbc test runs on both drivers (CbcMain and CbcModel direct).
class CbcSolverTest : public ::testing::TestWithParam<CbcDriver> {
 protected:
  std::unique_ptr<MilpSolver> Make() const { return MakeCbcSolver(GetParam()); }
  bool main() const { return GetParam() == CbcDriver::kMain; }
};

TEST_P(CbcSolverTest, SolvesSmallIntegerProgram) {
  auto solver = Make();
  auto r = solver->Solve(SmallKnapsack(), Quiet());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->status, SolveStatus::kOptimal);
  EXPECT_NEAR(r->objective, -13.0, 1e-9);
  EXPECT_NEAR(r->bound, -13.0, 1e-6);
  EXPECT_NEAR(r->gap, 0.0, 1e-9);
  ASSERT_EQ(r->values.size(), 3u);
  EXPECT_DOUBLE_EQ(r->values[0], 2.0);
  EXPECT_DOUBLE_EQ(r->values[1], 0.0);
  EXPECT_DOUBLE_EQ(r->values[2], 1.0);
  EXPECT_GE(r->nodes, 0);
  EXPECT_GE(r->seconds, 0.0);
  EXPECT_EQ(solver->name(), main() ? "cbc" : "cbc-direct");
}

TEST_P(CbcSolverTest, ObjectiveOffsetIsIncluded) {
  MilpModel m = SmallKnapsack();
  m.obj_offset = 100.5;
  auto r = Make()->Solve(m, Quiet());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->status, SolveStatus::kOptimal);
  EXPECT_NEAR(r->objective, 87.5, 1e-9);
  EXPECT_NEAR(r->bound, 87.5, 1e-6);
  EXPECT_EQ(r->values.size(), 3u);  // no helper column leaks out
}

TEST_P(CbcSolverTest, MixedIntegerWithContinuousAndEquality) {
  // min 2x + 3y + t  s.t. x + y = 3.5 (y continuous), t >= x - 1, t >= 1 - x, x integer in [0, 5]
  MilpModel m;
  int x = m.AddCol(0, 5, 2, true, "x");
  int y = m.AddCol(0, kMilpInf, 3, false, "y");
  int t = m.AddCol(-kMilpInf, kMilpInf, 1, false, "t");
  m.AddRow({x, y}, {1, 1}, 3.5, 3.5, "sum");
  m.AddRow({t, x}, {1, -1}, -1, kMilpInf, "abs1");
  m.AddRow({t, x}, {1, 1}, 1, kMilpInf, "abs2");
  auto r = Make()->Solve(m, Quiet());
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->status, SolveStatus::kOptimal);
  // x = 3: 6 + 1.5 + 2 = 9.5 ; x = 2: 4 + 4.5 + 1 = 9.5 ; x = 1: 2 + 7.5 + 0 = 9.5; x=0: 0+10.5+1
  EXPECT_NEAR(r->objective, 9.5, 1e-9);
}

TEST_P(CbcSolverTest, ProvesInfeasible) {
  MilpModel m;
  int a = m.AddCol(0, 1, 1, true, "a");
  int b = m.AddCol(0, 1, 1, true, "b");
  m.AddRow({a, b}, {1, 1}, 1.5, 1.5, "half");  // no 0/1 pair sums to 1.5
  m.AddRow({a, b}, {1, -1}, 0, 0, "equal");
  auto r = Make()->Solve(m, Quiet());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->status, SolveStatus::kInfeasible);
  EXPECT_TRUE(r->values.empty());
  EXPECT_FALSE(r->message.empty());
}

TEST_P(CbcSolverTest, LpInfeasibleIsInfeasible) {
  MilpModel m;
  int a = m.AddCol(0, 10, 1, true, "a");
  m.AddRow({a}, {1}, 11, kMilpInf, "too_big");
  auto r = Make()->Solve(m, Quiet());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->status, SolveStatus::kInfeasible);
}

TEST_P(CbcSolverTest, UnboundedIsNotOptimal) {
  MilpModel m;
  int a = m.AddCol(0, kMilpInf, -1, true, "a");
  int b = m.AddCol(0, kMilpInf, 0, false, "b");
  m.AddRow({a, b}, {1, -1}, -kMilpInf, 0.5, "r");
  auto r = Make()->Solve(m, Quiet(10));
  if (r.ok()) {
    std::printf("[ unbounded ] status %s, message '%s'\n", ToString(r->status), r->message.c_str());
    EXPECT_NE(r->status, SolveStatus::kOptimal);
    EXPECT_NE(r->status, SolveStatus::kInfeasible);
  } else {
    EXPECT_EQ(r.status().code(), StatusCode::kInternal);
  }
}

TEST_P(CbcSolverTest, TimeLimitReturnsIncumbentFromStart) {
  MilpModel m = HardKnapsack(60);
  MilpOptions o = Quiet(1e-3);
  o.mip_start.assign(m.num_cols(), 0.0);  // feasible: take nothing
  o.mip_start[0] = 1.0;
  auto r = Make()->Solve(m, o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->start_given);
  EXPECT_TRUE(r->start_feasible);
  ASSERT_TRUE(r->status == SolveStatus::kFeasible || r->status == SolveStatus::kOptimal)
      << ToString(r->status);
  EXPECT_LE(r->objective, r->start_objective + 1e-9);
  EXPECT_FALSE(r->values.empty());
  if (r->status == SolveStatus::kFeasible) {
    EXPECT_LE(r->bound, r->objective);
    EXPECT_GE(r->gap, 0.0);
  }
  EXPECT_LT(r->seconds, 5.0);
}

TEST_P(CbcSolverTest, StallStopsTheTreeWithAValidBound) {
  // stall_s 0: once the tree has beaten the (poor) start, the first node
  // after it has been as long without a gain as the root took stops the
  // search, as a limit would, but with every LP finished: the bound stays a
  // proof and the status says feasible (not optimal, not a time limit).
  MilpModel m = HardKnapsack(120);
  MilpOptions o = Quiet();
  o.stall_s = 0.0;
  o.mip_start.assign(m.num_cols(), 0.0);
  o.mip_start[0] = 1.0;
  auto r = Make()->Solve(m, o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_TRUE(r->stalled) << ToString(r->status) << " " << r->message;
  EXPECT_EQ(r->status, SolveStatus::kFeasible);
  EXPECT_NE(r->message.find("stall_s"), std::string::npos) << r->message;
  EXPECT_LE(r->objective, r->start_objective + 1e-9);
  EXPECT_LE(r->bound, r->objective + 1e-9);
  EXPECT_LE(m.MaxViolation(r->values), 1e-6);
  // The same search without the stall stop proves an optimum between the two.
  auto full = Make()->Solve(m, Quiet());
  ASSERT_TRUE(full.ok());
  ASSERT_EQ(full->status, SolveStatus::kOptimal);
  EXPECT_FALSE(full->stalled);
  EXPECT_LE(r->bound, full->objective + 1e-6);
  EXPECT_GE(r->objective, full->objective - 1e-6);
}

TEST_P(CbcSolverTest, AStopFromAnotherThreadEndsTheSolveWithItsIncumbentAndBound) {
  // A solve of 600 s, stopped from another thread once it reports progress:
  // it ends as a time limit would, with a feasible incumbent no worse than
  // the start, a bound below it, and says why.
  std::vector<double> start;
  const MilpModel m = MarketSplit(4, 36, &start);
  ASSERT_LE(m.MaxViolation(start), 1e-9);
  MilpOptions o = Quiet(600);
  o.mip_start = start;
  o.stop = StopToken::Make();
  std::atomic<bool> running{false};
  // Stopped once a bound is known (under load, progress can come first
  // with the start alone and no bound yet).
  o.progress = [&running](const MilpProgress& p) {
    if (p.bound > -kMilpInf) running = true;
  };
  const StopToken stop = o.stop;
  std::thread stopper([&running, stop] {
    while (!running) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    stop.Request();
  });
  auto r = Make()->Solve(m, o);
  running = true;  // releases the stopper if the solve ended without a bound
  stopper.join();
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->stopped) << ToString(r->status) << " " << r->message;
  EXPECT_EQ(r->status, SolveStatus::kFeasible) << r->message;
  EXPECT_NE(r->message.find("stopped by request"), std::string::npos) << r->message;
  ASSERT_EQ(r->values.size(), static_cast<size_t>(m.num_cols()));
  EXPECT_LE(m.MaxViolation(r->values), 1e-6);
  EXPECT_LE(r->objective, r->start_objective + 1e-9);
  EXPECT_GE(r->bound, -1e-6);  // the LP bound of this model is 0
  EXPECT_LE(r->bound, r->objective + 1e-9);
  EXPECT_FALSE(r->stalled);
  EXPECT_LT(r->seconds, 30.0);  // sanity: a stopped solve, not the 600 s limit
}

TEST_P(CbcSolverTest, AStopRequestedBeforehandReturnsTheStart) {
  std::vector<double> start;
  const MilpModel m = MarketSplit(4, 36, &start);
  MilpOptions o = Quiet(600);
  o.mip_start = start;
  o.stop = StopToken::Make();
  o.stop.Request();
  auto r = Make()->Solve(m, o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r->stopped);
  EXPECT_EQ(r->status, SolveStatus::kFeasible) << r->message;
  EXPECT_DOUBLE_EQ(r->objective, r->start_objective);
  EXPECT_LT(r->seconds, 30.0);
  // Without a start there is nothing to return: time_limit, still stopped.
  o.mip_start.clear();
  auto none = Make()->Solve(m, o);
  ASSERT_TRUE(none.ok()) << none.status().message();
  EXPECT_TRUE(none->stopped);
  EXPECT_EQ(none->status, SolveStatus::kTimeLimit) << none->message;
  EXPECT_TRUE(none->values.empty());
  EXPECT_NE(none->message.find("stopped by request"), std::string::npos) << none->message;
}

extern "C" void IgnoreSigint(int) {}

TEST_P(CbcSolverTest, TheSolverLeavesTheSigintHandlerAlone) {
  // Clp would install a SIGINT handler of its own around every LP it
  // solves; a Ctrl-C arriving then never reached core/signal_stop.h's.
  struct sigaction mine = {}, was = {};
  mine.sa_handler = IgnoreSigint;
  sigemptyset(&mine.sa_mask);
  ASSERT_EQ(sigaction(SIGINT, &mine, &was), 0);
  std::atomic<bool> done{false};
  std::atomic<int64_t> samples{0}, changed{0};
  std::thread sampler([&] {
    while (!done) {
      struct sigaction now = {};
      sigaction(SIGINT, nullptr, &now);
      ++samples;
      if (now.sa_handler != IgnoreSigint) ++changed;
    }
  });
  for (int cols = 12; cols < 17; ++cols) {
    std::vector<double> start;
    const MilpModel m = MarketSplit(3, cols, &start);
    MilpOptions o = Quiet(1.0);
    o.mip_start = start;
    ASSERT_TRUE(Make()->Solve(m, o).ok());
  }
  done = true;
  sampler.join();
  sigaction(SIGINT, &was, nullptr);
  EXPECT_GT(samples.load(), 0);
  EXPECT_EQ(changed.load(), 0) << "of " << samples.load() << " samples";
}

TEST_P(CbcSolverTest, AnUnrequestedTokenChangesNothing) {
  MilpOptions o = Quiet();
  o.stop = StopToken::Make();
  auto r = Make()->Solve(SmallKnapsack(), o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, SolveStatus::kOptimal);
  EXPECT_DOUBLE_EQ(r->objective, -13.0);
  EXPECT_FALSE(r->stopped);
}

TEST_P(CbcSolverTest, MipStartIsUsedAsIncumbent) {
  // With a solution limit of zero time to search, the start must come back:
  // the optimum of the small program given as start is returned as is.
  MilpModel m = SmallKnapsack();
  MilpOptions o = Quiet();
  o.mip_start = {2, 0, 1};
  auto r = Make()->Solve(m, o);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->start_feasible);
  EXPECT_NEAR(r->start_objective, -13, 1e-12);
  EXPECT_EQ(r->status, SolveStatus::kOptimal);
  EXPECT_NEAR(r->objective, -13, 1e-9);
}

TEST_P(CbcSolverTest, CbcItselfReadsTheMipStart) {
  // Cbc's own log must show it received the start (not only our fallback).
  MilpModel m = HardKnapsack(40);
  MilpOptions o = Quiet();
  o.verbose = true;
  o.mip_start.assign(m.num_cols(), 0.0);
  o.mip_start[3] = 1.0;
  ::testing::internal::CaptureStdout();
  auto r = Make()->Solve(m, o);
  const std::string log = ::testing::internal::GetCapturedStdout();
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->start_feasible);
  if (main()) {
    EXPECT_NE(log.find("MIPStart provided solution"), std::string::npos) << log.substr(0, 2000);
  } else {
    EXPECT_TRUE(r->start_accepted);  // CbcModel holds it as its incumbent
  }
  EXPECT_EQ(r->status, SolveStatus::kOptimal);
}

TEST_P(CbcSolverTest, InfeasibleStartIsFlaggedAndIgnored) {
  MilpModel m = SmallKnapsack();
  MilpOptions o = Quiet();
  o.mip_start = {5, 5, 5};
  auto r = Make()->Solve(m, o);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->start_given);
  EXPECT_FALSE(r->start_feasible);
  EXPECT_EQ(r->status, SolveStatus::kOptimal);
  EXPECT_NEAR(r->objective, -13, 1e-9);
}

TEST_P(CbcSolverTest, RelativeGapStopsEarlyButWithinGap) {
  MilpModel m = HardKnapsack(40);
  MilpOptions o = Quiet(30);
  o.relative_gap = 0.05;
  auto r = Make()->Solve(m, o);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status, SolveStatus::kOptimal);
  EXPECT_LE(r->gap, 0.05 + 1e-9);
}

TEST_P(CbcSolverTest, InvalidModelsAreErrorsNotExceptions) {
  auto solver = Make();
  {
    MilpModel m = SmallKnapsack();
    m.rows[0].idx[0] = 7;  // out of range
    auto r = solver->Solve(m, Quiet());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidInput);
  }
  {
    MilpModel m = SmallKnapsack();
    m.cols[1].lb = 3;
    m.cols[1].ub = 2;
    EXPECT_FALSE(solver->Solve(m, Quiet()).ok());
  }
  {
    MilpModel m = SmallKnapsack();
    m.rows[1].val[0] = std::nan("");
    EXPECT_FALSE(solver->Solve(m, Quiet()).ok());
  }
  {
    MilpModel m = SmallKnapsack();
    m.rows[1].val.pop_back();
    EXPECT_FALSE(solver->Solve(m, Quiet()).ok());
  }
  {
    MilpModel m = SmallKnapsack();
    m.rows[1].idx = {0, 0, 1};  // repeated column
    EXPECT_FALSE(solver->Solve(m, Quiet()).ok());
  }
  {
    MilpOptions o = Quiet();
    o.mip_start = {1.0};  // wrong size
    EXPECT_FALSE(solver->Solve(SmallKnapsack(), o).ok());
    o = Quiet();
    o.time_limit_s = 0;
    EXPECT_FALSE(solver->Solve(SmallKnapsack(), o).ok());
    o = Quiet();
    o.threads = 0;
    EXPECT_FALSE(solver->Solve(SmallKnapsack(), o).ok());
  }
  {
    // Huge coefficients Cbc dislikes still never throw out of Solve.
    MilpModel m;
    int a = m.AddCol(-1e300, 1e300, 1e-300, true, "a");
    m.AddRow({a}, {1e300}, -1e300, 1e300, "r");
    auto r = solver->Solve(m, Quiet(5));
    (void)r;  // any outcome but an escaping exception is fine
  }
}

TEST_P(CbcSolverTest, EmptyModel) {
  MilpModel m;
  m.obj_offset = 4;
  auto r = Make()->Solve(m, Quiet());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, SolveStatus::kOptimal);
  EXPECT_EQ(r->objective, 4);
}

TEST_P(CbcSolverTest, ThreadsOptionWorks) {
  MilpOptions o = Quiet();
  o.threads = 2;
  auto r = Make()->Solve(HardKnapsack(25), o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  auto r1 = Make()->Solve(HardKnapsack(25), Quiet());
  ASSERT_TRUE(r1.ok());
  EXPECT_EQ(r->status, SolveStatus::kOptimal);
  EXPECT_NEAR(r->objective, r1->objective, 1e-6);
}

TEST_P(CbcSolverTest, ConcurrentSolvesOnDistinctSolvers) {
  double obj[2] = {0, 0};
  std::thread t0([&] { auto r = Make()->Solve(HardKnapsack(30), Quiet()); obj[0] = r.ok() ? r->objective : 1; });
  std::thread t1([&] { auto r = Make()->Solve(HardKnapsack(30), Quiet()); obj[1] = r.ok() ? r->objective : 1; });
  t0.join();
  t1.join();
  auto ref = Make()->Solve(HardKnapsack(30), Quiet());
  ASSERT_TRUE(ref.ok());
  EXPECT_NEAR(obj[0], ref->objective, 1e-6);
  EXPECT_NEAR(obj[1], ref->objective, 1e-6);
}

// Many solves on 2 and 4 threads, each thread with its own solver object, all
// agree with the serial results (same status and objective). The direct
// driver takes no lock, so its solves really run side by side in Cbc.
TEST_P(CbcSolverTest, ManyConcurrentSolvesAgreeWithSerial) {
  std::vector<MilpModel> models;
  for (int i = 0; i < 10; ++i) {
    MilpModel m = HardKnapsack(14 + i);
    if (i % 4 == 1) m.obj_offset = 10.0 * i;
    models.push_back(std::move(m));
  }
  models.push_back(SmallKnapsack());
  std::vector<double> serial;
  std::vector<SolveStatus> serial_status;
  for (const MilpModel& m : models) {
    auto r = Make()->Solve(m, Quiet());
    ASSERT_TRUE(r.ok()) << r.status().message();
    serial.push_back(r->objective);
    serial_status.push_back(r->status);
  }
  for (int threads : {2, 4}) {
    std::atomic<int> in_flight{0}, peak{0}, bad{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        auto solver = Make();
        for (size_t k = 0; k < models.size(); ++k) {
          const size_t i = (k * 7 + static_cast<size_t>(t) * 5) % models.size();
          const int now = ++in_flight;
          int seen = peak.load();
          while (now > seen && !peak.compare_exchange_weak(seen, now)) {
          }
          auto r = solver->Solve(models[i], Quiet());
          --in_flight;
          if (!r.ok() || r->status != serial_status[i] || std::fabs(r->objective - serial[i]) > 1e-6) ++bad;
        }
      });
    }
    for (auto& th : pool) th.join();
    EXPECT_EQ(bad.load(), 0) << threads << " threads";
    EXPECT_GE(peak.load(), 2) << threads << " threads";
  }
}

INSTANTIATE_TEST_SUITE_P(Drivers, CbcSolverTest, ::testing::Values(CbcDriver::kMain, CbcDriver::kDirect),
                         [](const ::testing::TestParamInfo<CbcDriver>& info) {
                           return std::string(info.param == CbcDriver::kMain ? "main" : "direct");
                         });

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(ModelFileTest, WritesLpAndMps) {
  MilpModel m = SmallKnapsack();
  m.obj_offset = 2;
  const std::string dir = ::testing::TempDir();
  const std::string lp = dir + "/respect_small.lp";
  const std::string mps = dir + "/respect_small.mps";
  ASSERT_TRUE(WriteModelFile(m, lp).ok());
  ASSERT_TRUE(WriteModelFile(m, mps).ok());
  std::string text = ReadAll(lp);
  EXPECT_NE(text.find("r1"), std::string::npos);
  EXPECT_NE(text.find("a"), std::string::npos);
  EXPECT_NE(text.find("nteger"), std::string::npos);  // "Integers" section
  EXPECT_NE(text.find("objective_constant"), std::string::npos);  // the offset, as a fixed column
  EXPECT_FALSE(ReadAll(mps).empty());
  EXPECT_FALSE(WriteModelFile(m, dir + "/x.txt").ok());
  Status st = WriteModelFile(m, "/nonexistent_dir_respect/x.lp");
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kIoError);
}

TEST(ModelFileTest, OddNamesAreSanitised) {
  MilpModel m;
  int a = m.AddCol(0, 1, -1, true, "1 bad name");
  int b = m.AddCol(0, 1, -1, true, "1 bad name");  // duplicate
  int c = m.AddCol(0, 1, -1, true, "");
  m.AddRow({a, b, c}, {1, 1, 1}, -kMilpInf, 2, "end");  // LP keyword
  const std::string lp = ::testing::TempDir() + "/respect_names.lp";
  ASSERT_TRUE(WriteModelFile(m, lp).ok());
  std::string text = ReadAll(lp);
  EXPECT_EQ(text.find("1 bad"), std::string::npos);
  auto r = MakeCbcSolver()->Solve(m, Quiet());
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(r->objective, -2, 1e-9);
}

// The `index name value` lines of a MIP start file (Cbc's reader takes the
// lines whose first word starts with a digit), by name; *header: the first
// line.
std::map<std::string, double> ReadMipStartLines(const std::string& path, std::string* header) {
  std::ifstream in(path);
  std::map<std::string, double> out;
  std::string line;
  std::getline(in, *header);
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string index, name, value;
    if (words >> index >> name >> value && std::isdigit(static_cast<unsigned char>(index[0])))
      out[name] = std::strtod(value.c_str(), nullptr);
  }
  return out;
}

TEST(MipStartFileTest, EveryColumnReadsBackExactlyByItsModelFileName) {
  MilpModel m = SmallKnapsack();
  m.obj_offset = 2;
  const int t = m.AddCol(0, kMilpInf, 0.1, false, "t");  // continuous, t >= a / 3
  m.AddRow({0, t}, {1.0 / 3, -1}, -kMilpInf, 0, "tdef");
  const std::vector<double> x = {2, 0, 1, 2.0 / 3};
  const std::string mst = ::testing::TempDir() + "/respect_small.mst";
  ASSERT_TRUE(WriteMipStartFile(m, x, mst).ok());
  std::string header;
  const std::map<std::string, double> read = ReadMipStartLines(mst, &header);
  const std::map<std::string, double> want = {{"a", 2}, {"b", 0}, {"c", 1}, {"t", 2.0 / 3}, {"objective_constant", 1}};
  EXPECT_EQ(read, want);  // doubles compared exactly: 17 digits read back the same
  char objective[64];
  std::snprintf(objective, sizeof objective, "objective value %.17g", m.ObjectiveOf(x));
  EXPECT_NE(header.find(objective), std::string::npos) << header;
  EXPECT_FALSE(std::isdigit(static_cast<unsigned char>(header[0])));  // Cbc skips it
  // The model file names the same columns.
  const std::string lp = ::testing::TempDir() + "/respect_small_mst.lp";
  ASSERT_TRUE(WriteModelFile(m, lp).ok());
  const std::string text = ReadAll(lp);
  for (const auto& [name, value] : read) EXPECT_NE(text.find(name), std::string::npos) << name;
}

TEST(MipStartFileTest, BadVectorsAndPathsAreRefused) {
  const MilpModel m = SmallKnapsack();
  const std::string dir = ::testing::TempDir();
  EXPECT_EQ(WriteMipStartFile(m, {2, 0}, dir + "/short.mst").code(), StatusCode::kInvalidInput);
  EXPECT_EQ(WriteMipStartFile(m, {2, 0, std::nan("")}, dir + "/nan.mst").code(), StatusCode::kInvalidInput);
  EXPECT_EQ(WriteMipStartFile(m, {2, 0, 1}, dir + "/start.txt").code(), StatusCode::kInvalidInput);
  EXPECT_EQ(WriteMipStartFile(m, {2, 0, 1}, "/nonexistent_dir_respect/x.mst").code(), StatusCode::kIoError);
  EXPECT_TRUE(WriteMipStartFile(m, {2, 0, 1}, dir + "/start.sol").ok());
}

// The `cbc` program (scripts/setup.sh installs it) takes the written start
// as its first incumbent: a model it cannot close at the root, its start
// value reported by "Reduced search" (Cbc's name for the MIP start). One
// second at most.
TEST(MipStartFileTest, TheCbcProgramTakesTheStart) {
  if (std::system("command -v cbc > /dev/null 2>&1") != 0) GTEST_SKIP() << "no cbc program on PATH";
  std::vector<double> start;
  const MilpModel m = MarketSplit(4, 36, &start);
  const std::string dir = ::testing::TempDir();
  const std::string lp = dir + "/respect_split.lp", mst = dir + "/respect_split.mst", log = dir + "/respect_split.log";
  ASSERT_TRUE(WriteModelFile(m, lp).ok());
  ASSERT_TRUE(WriteMipStartFile(m, start, mst).ok());
  const std::string cmd = "cbc " + lp + " mipstart " + mst + " sec 1 maxNodes 0 solve > " + log + " 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  const std::string text = ReadAll(log);
  EXPECT_NE(text.find("MIPStart values read for " + std::to_string(m.num_cols()) + " variables"), std::string::npos)
      << text;
  char found[96];
  std::snprintf(found, sizeof found, "Integer solution of %.8g found by Reduced search", m.ObjectiveOf(start));
  EXPECT_NE(text.find(found), std::string::npos) << found << "\n" << text;
}

TEST(MilpModelTest, ObjectiveAndViolation) {
  MilpModel m = SmallKnapsack();
  EXPECT_TRUE(m.Validate().ok());
  EXPECT_DOUBLE_EQ(m.ObjectiveOf({2, 0, 1}), -13);
  EXPECT_DOUBLE_EQ(m.MaxViolation({2, 0, 1}), 0.0);
  std::string where;
  EXPECT_NEAR(m.MaxViolation({0, 0, 5}, &where), 2.0, 1e-12);  // r3: 10 > 8, r1 and r2 hold
  EXPECT_NE(where.find("r3"), std::string::npos);
  EXPECT_NEAR(m.MaxViolation({0.5, 0, 0}), 0.5, 1e-12);  // fractional integer
}

}  // namespace
}  // namespace respect
