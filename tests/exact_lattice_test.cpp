// The ideal-lattice engine (sched/lattice.h) against brute force and the ILP:
// windows, bounds, fallback to the ILP, time limit, label-sized graphs, and
// concurrent solves (lattice and the direct Cbc driver) agreeing with serial.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "io/model_source.h"
#include "label/label_gen.h"
#include "sched/brute_force.h"
#include "sched/exact.h"
#include "sched/lattice.h"
#include "sched/list_schedule.h"
#include "zoo/zoo.h"

#include "test_graphs.h"

namespace respect {
namespace {

using namespace test_graphs;  // Uni, RandomGraph

Problem MakeP(std::shared_ptr<const Graph> g, int stages, ObjectiveKind kind = ObjectiveKind::kMemoryComm,
              CommModel cm = CommModel::kTensor) {
  Problem p;
  p.graph = std::move(g);
  p.stages = stages;
  p.objective.kind = kind;
  p.objective.comm_model = cm;
  p.edgetpu.sram_bytes = 2 * 1024 * 1024;
  return p;
}

ExactOptions Engine(ExactEngine e) {
  ExactOptions o;
  o.time_limit_s = 120;
  o.engine = e;
  return o;
}

double Rel(double a, double b) { return std::fabs(a - b) / std::max(1.0, std::max(std::fabs(a), std::fabs(b))); }

// Windows around a schedule, widened at random; w = 0 pins it.
Windows RandomWindows(std::mt19937_64& rng, const Schedule& s, int stages) {
  Windows w;
  for (int st : s.stage) {
    w.lo.push_back(std::max(0, st - static_cast<int>(Uni(rng, 0, 1))));
    w.hi.push_back(std::min(stages - 1, st + static_cast<int>(Uni(rng, 0, 1))));
  }
  return w;
}

TEST(LatticeTest, WindowedAgreesWithWindowedIlpAndBruteForceInsideWindows) {
  std::mt19937_64 rng(4242);
  int compared = 0, infeasible = 0;
  for (int gi = 0; gi < 120; ++gi) {
    const int stages = static_cast<int>(Uni(rng, 2, 4));
    const int n = static_cast<int>(Uni(rng, stages, 9));
    auto g = RandomGraph(rng, n, static_cast<int>(Uni(rng, 1, 3)), "w" + std::to_string(gi));
    for (ObjectiveKind kind : {ObjectiveKind::kMemoryComm, ObjectiveKind::kLatency}) {
      Problem p = MakeP(g, stages, kind, gi % 2 ? CommModel::kEdge : CommModel::kTensor);
      if (gi % 7 == 3) p.constraints.nonempty_stages = false;
      if (gi % 11 == 5) p.constraints.children_same_stage = true;
      DpTopoScheduler dp;
      auto h = dp.Run(p);
      ASSERT_TRUE(h.ok());
      if (h->status != SolveStatus::kFeasible) continue;
      Windows w = RandomWindows(rng, h->schedule, stages);
      ExactScheduler lat(Engine(ExactEngine::kLattice)), ilp(Engine(ExactEngine::kCbcDirect));
      // Start: the dp_topo schedule (inside the windows by construction).
      auto a = lat.RunWindowed(p, &w, &h->schedule);
      auto b = ilp.RunWindowed(p, &w, &h->schedule);
      ASSERT_TRUE(a.ok()) << a.status().message();
      ASSERT_TRUE(b.ok()) << b.status().message();
      const std::string what = g->name() + " S=" + std::to_string(stages) + " " + ToString(kind);
      ASSERT_EQ(a->status, b->status) << what << ": " << a->message << " | " << b->message;
      if (a->status == SolveStatus::kInfeasible) {
        ++infeasible;
        continue;
      }
      ASSERT_EQ(a->status, SolveStatus::kOptimal) << what;
      EXPECT_LE(Rel(a->objective, b->objective), 1e-9) << what << ": lattice " << a->objective << " ilp " << b->objective;
      EXPECT_TRUE(WithinWindows(w, a->schedule)) << what;
      EXPECT_LE(a->objective, h->objective * (1 + 1e-12)) << what;
      // Brute force over all schedules is a lower bound of the windowed optimum.
      auto bf = BruteForceScheduler().Run(p);
      ASSERT_TRUE(bf.ok());
      EXPECT_LE(bf->objective, a->objective * (1 + 1e-12)) << what;
      ++compared;
    }
  }
  std::printf("[ lattice windows ] %d compared, %d infeasible\n", compared, infeasible);
  EXPECT_GT(compared, 150);
}

TEST(LatticeTest, WithoutStartStillOptimal) {
  std::mt19937_64 rng(77);
  for (int gi = 0; gi < 40; ++gi) {
    const int stages = static_cast<int>(Uni(rng, 2, 4));
    auto g = RandomGraph(rng, static_cast<int>(Uni(rng, stages, 10)), 2, "ns" + std::to_string(gi));
    Problem p = MakeP(g, stages);
    ExactOptions o = Engine(ExactEngine::kLattice);
    o.warm_start = false;
    auto a = ExactScheduler(o).Run(p);
    auto b = BruteForceScheduler().Run(p);
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_EQ(a->status == SolveStatus::kInfeasible, b->status == SolveStatus::kInfeasible) << g->name();
    if (b->status == SolveStatus::kInfeasible) continue;
    EXPECT_LE(Rel(a->objective, b->objective), 1e-9) << g->name();
  }
}

TEST(LatticeTest, DirectCallReportsStartOptimalityAndCounts) {
  std::mt19937_64 rng(3);
  auto g = RandomGraph(rng, 10, 2, "direct10");
  Problem p = MakeP(g, 3);
  auto bf = BruteForceScheduler().Run(p);
  ASSERT_TRUE(bf.ok());
  ASSERT_EQ(bf->status, SolveStatus::kOptimal);
  LatticeResult r = SolveOnIdealLattice(p, nullptr, &bf->schedule);
  ASSERT_EQ(r.outcome, LatticeResult::Outcome::kOptimal) << r.message;
  EXPECT_TRUE(r.start_used);
  EXPECT_TRUE(r.start_optimal);
  EXPECT_DOUBLE_EQ(r.objective, bf->objective);
  EXPECT_EQ(r.schedule.stage, bf->schedule.stage);
  EXPECT_GT(r.ideals, 0);
  // A start outside the windows is not used.
  Windows w = FullWindows(p);
  for (int v = 0; v < g->size(); ++v) w.lo[v] = w.hi[v] = bf->schedule.stage[v];
  Schedule other = bf->schedule;
  other.stage[g->topo_order().back()] = 0;  // breaks the pin (and maybe precedence)
  LatticeResult pinned = SolveOnIdealLattice(p, &w, &other);
  ASSERT_EQ(pinned.outcome, LatticeResult::Outcome::kOptimal) << pinned.message;
  EXPECT_FALSE(pinned.start_used);
  EXPECT_EQ(pinned.schedule.stage, bf->schedule.stage);
}

TEST(LatticeTest, TooLargeFallsBackToTheIlp) {
  std::mt19937_64 rng(5);
  auto g = RandomGraph(rng, 12, 2, "fallback12");
  Problem p = MakeP(g, 4);
  LatticeOptions tiny;
  tiny.max_steps = 3;
  LatticeResult r = SolveOnIdealLattice(p, nullptr, nullptr, tiny);
  EXPECT_EQ(r.outcome, LatticeResult::Outcome::kTooLarge);
  EXPECT_FALSE(r.message.empty());
  ExactOptions o = Engine(ExactEngine::kLattice);
  o.lattice = tiny;
  auto e = ExactScheduler(o).Run(p);
  ASSERT_TRUE(e.ok()) << e.status().message();
  EXPECT_EQ(e->status, SolveStatus::kOptimal);
  EXPECT_TRUE(e->stats.exact.ilp_cols.has_value());  // the ILP solved it
  auto bf = BruteForceScheduler().Run(p);
  ASSERT_TRUE(bf.ok());
  EXPECT_LE(Rel(e->objective, bf->objective), 1e-9);
  // Graphs above 64 nodes are not for the lattice.
  auto big = RandomGraph(rng, 65, 2, "big65");
  LatticeResult rb = SolveOnIdealLattice(MakeP(big, 3), nullptr, nullptr);
  EXPECT_EQ(rb.outcome, LatticeResult::Outcome::kTooLarge);
}

TEST(LatticeTest, TimeLimitKeepsTheStart) {
  Config cfg;
  auto inst = SampleLabelInstance(cfg, 86);  // one of the slower label instances
  ASSERT_TRUE(inst.ok());
  Problem p = MakeProblem(inst->graph, inst->stages, cfg);
  auto dp = DpTopoScheduler().Run(p);
  ASSERT_TRUE(dp.ok());
  LatticeOptions o;
  o.time_limit_s = 1e-9;
  LatticeResult r = SolveOnIdealLattice(p, nullptr, &dp->schedule, o);
  if (r.outcome == LatticeResult::Outcome::kTimeLimit) {
    EXPECT_EQ(r.schedule.stage, dp->schedule.stage);
    EXPECT_LE(r.bound, r.objective);
  } else {
    EXPECT_EQ(r.outcome, LatticeResult::Outcome::kOptimal);  // finished before the first clock check
  }
}

// Label-sized graphs (|V| = 30, 4..6 stages): the lattice equals the ILP.
TEST(LatticeTest, LabelInstancesMatchTheIlp) {
  Config cfg;
  for (uint32_t i = 0; i < 24; ++i) {
    auto inst = SampleLabelInstance(cfg, i * 37 + 5);
    ASSERT_TRUE(inst.ok());
    Problem p = MakeProblem(inst->graph, inst->stages, cfg);
    auto a = ExactScheduler(Engine(ExactEngine::kLattice)).Run(p);
    auto b = ExactScheduler(Engine(ExactEngine::kCbcDirect)).Run(p);
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_EQ(a->status, SolveStatus::kOptimal);
    ASSERT_EQ(b->status, SolveStatus::kOptimal);
    EXPECT_FALSE(a->stats.exact.ilp_cols.has_value()) << "label " << i << " fell back to the ILP";
    EXPECT_LE(Rel(a->objective, b->objective), 1e-9) << "label " << inst->index;
  }
}

// Many exact solves on 2 and 4 threads (lattice and the direct Cbc driver,
// one scheduler per solve as the label workers do) agree with serial solves.
TEST(LatticeTest, ConcurrentSolvesAgreeWithSerial) {
  Config cfg;
  std::vector<Problem> probs;
  for (uint32_t i = 0; i < 12; ++i) {
    auto inst = SampleLabelInstance(cfg, 1000 + i);
    ASSERT_TRUE(inst.ok());
    probs.push_back(MakeProblem(inst->graph, inst->stages, cfg));
  }
  for (ExactEngine e : {ExactEngine::kLattice, ExactEngine::kCbcDirect}) {
    if (e == ExactEngine::kCbcDirect) probs.resize(4);  // ~0.2..1.5 s per Cbc solve
    std::vector<double> serial;
    for (const Problem& p : probs) {
      auto r = ExactScheduler(Engine(e)).Run(p);
      ASSERT_TRUE(r.ok());
      ASSERT_EQ(r->status, SolveStatus::kOptimal);
      serial.push_back(r->objective);
    }
    for (int threads : {2, 4}) {
      std::atomic<int> bad{0};
      std::vector<std::thread> pool;
      for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
          for (size_t k = 0; k < probs.size(); ++k) {
            const size_t i = (k + static_cast<size_t>(t) * 3) % probs.size();
            auto r = ExactScheduler(Engine(e)).Run(probs[i]);
            if (!r.ok() || r->status != SolveStatus::kOptimal || Rel(r->objective, serial[i]) > 1e-9) ++bad;
          }
        });
      for (auto& th : pool) th.join();
      EXPECT_EQ(bad.load(), 0) << (e == ExactEngine::kLattice ? "lattice" : "cbc direct") << " on " << threads
                               << " threads";
    }
  }
}

// The multi-word solver (lattice_wide.cpp), forced onto small graphs, against
// brute force on every objective, comm model and constraint variant.
TEST(LatticeTest, WideSolverAgreesWithBruteForce) {
  std::mt19937_64 rng(909);
  int compared = 0;
  for (int gi = 0; gi < 150; ++gi) {
    const int stages = static_cast<int>(Uni(rng, 1, 4));
    const int n = static_cast<int>(Uni(rng, stages, stages == 4 ? 9 : 10));
    auto g = RandomGraph(rng, n, static_cast<int>(Uni(rng, 1, 3)), "wide" + std::to_string(gi));
    const int64_t variant = Uni(rng, 0, 5);
    for (ObjectiveKind kind : {ObjectiveKind::kMemoryComm, ObjectiveKind::kLatency})
      for (CommModel cm : {CommModel::kTensor, CommModel::kEdge}) {
        Problem p = MakeP(g, stages, kind, cm);
        if (variant == 0) p.constraints.children_same_stage = true;
        if (variant == 1) p.constraints.nonempty_stages = false;
        if (variant == 2 && g->total_param_bytes() > 0)
          p.constraints.max_stage_param_bytes =
              std::max<int64_t>(g->max_param_bytes(), (g->total_param_bytes() + stages - 1) / stages) * 5 / 4;
        auto bf = BruteForceScheduler().Run(p);
        ASSERT_TRUE(bf.ok()) << bf.status().message();
        auto dp = DpTopoScheduler().Run(p);
        ASSERT_TRUE(dp.ok());
        LatticeOptions o;
        o.wide_only = true;
        const bool with_start = gi % 2 == 0 && dp->status == SolveStatus::kFeasible;
        LatticeResult r = SolveOnIdealLattice(p, nullptr, with_start ? &dp->schedule : nullptr, o);
        const std::string what = g->name() + " S=" + std::to_string(stages) + " " + ToString(kind) + "/" +
                                 ToString(cm) + " variant " + std::to_string(variant);
        if (bf->status == SolveStatus::kInfeasible) {
          EXPECT_EQ(r.outcome, LatticeResult::Outcome::kInfeasible) << what << ": " << r.message;
          continue;
        }
        ASSERT_EQ(r.outcome, LatticeResult::Outcome::kOptimal) << what << ": " << r.message;
        EXPECT_LE(Rel(r.objective, bf->objective), 1e-9) << what << ": wide " << r.objective << " brute "
                                                          << bf->objective;
        EXPECT_DOUBLE_EQ(Evaluate(p, r.schedule).objective, r.objective) << what;
        ++compared;
      }
  }
  EXPECT_GT(compared, 450);
}

// Zoo graphs (hundreds of nodes): the lattice engine reaches the ILP's
// optimum on the full problem and on windowed problems.
TEST(LatticeTest, ZooModelMatchesTheIlpFullAndWindowed) {
  auto built = BuildZooModel("resnet50");
  ASSERT_TRUE(built.ok()) << built.status().message();
  auto g = std::make_shared<const Graph>(std::move(*built));
  for (int stages : {4, 6}) {
    Problem p = MakeP(g, stages);
    p.edgetpu = EdgeTpuParams{};
    auto lat = ExactScheduler(Engine(ExactEngine::kLattice)).Run(p);
    ASSERT_TRUE(lat.ok()) << lat.status().message();
    ASSERT_EQ(lat->status, SolveStatus::kOptimal);
    EXPECT_FALSE(lat->stats.exact.ilp_cols.has_value());
    EXPECT_GT(lat->stats.lattice.ideals.value(), 0);
    // bench/results/exact.md: resnet50 optimum 27891200 (4 stages), 20797440 (6).
    EXPECT_DOUBLE_EQ(lat->objective, stages == 4 ? 27891200.0 : 20797440.0);
    // Windows of width 1 around the list schedule: lattice == ILP inside them.
    auto list = ListScheduler().Run(p);
    ASSERT_TRUE(list.ok());
    Windows w;
    for (int st : list->schedule.stage) {
      w.lo.push_back(std::max(0, st - 1));
      w.hi.push_back(std::min(stages - 1, st + 1));
    }
    auto a = ExactScheduler(Engine(ExactEngine::kLattice)).RunWindowed(p, &w, &list->schedule);
    auto b = ExactScheduler(Engine(ExactEngine::kCbcDirect)).RunWindowed(p, &w, &list->schedule);
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_EQ(a->status, SolveStatus::kOptimal);
    ASSERT_EQ(b->status, SolveStatus::kOptimal);
    EXPECT_LE(Rel(a->objective, b->objective), 1e-9) << "windowed, " << stages << " stages";
    EXPECT_TRUE(WithinWindows(w, a->schedule));
  }
}

}  // namespace
}  // namespace respect
