// The lazy cuts of formulations/activation_cuts.h: a cut built from a
// schedule over the cap cuts that schedule off and keeps every schedule
// under it (checked against every schedule of small graphs), and the loop
// ends with a schedule under the cap or a refusal naming it.
#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <string>
#include <vector>

#include "cost/activation.h"
#include "cost/evaluate.h"
#include "formulations/activation_cuts.h"
#include "formulations/schedule_ilp.h"
#include "solver/milp.h"
#include "test_graphs.h"

namespace respect {
namespace {

// Every stage vector with s(u) <= s(v) on each edge.
std::vector<Schedule> AllMonotone(const Graph& g, int stages) {
  std::vector<Schedule> out;
  std::vector<int> st(g.size(), 0);
  const std::vector<int>& order = g.topo_order();
  std::function<void(int)> go = [&](int i) {
    if (i == g.size()) { out.push_back(Schedule{st}); return; }
    const int v = order[i];
    int lo = 0;
    for (int u : g.parents(v)) lo = std::max(lo, st[u]);
    for (int k = lo; k < stages; ++k) { st[v] = k; go(i + 1); }
  };
  go(0);
  return out;
}

TEST(ActivationCuts, CutOffTheScheduleAndKeepEveryOneUnderTheCap) {
  std::mt19937_64 rng(31);
  int cut_checked = 0;
  for (int t = 0; t < 12; ++t) {
    auto g = test_graphs::RandomGraph(rng, 8, 3, "c" + std::to_string(t), test_graphs::ByteSizes(50, 100));
    Problem p = test_graphs::StagesProblem(g, 3);
    int64_t floor = 0;
    for (int v = 0; v < g->size(); ++v) floor = std::max(floor, RunFloorBytes(*g, v));
    p.constraints.max_stage_activation_bytes = floor + 40;
    std::vector<Schedule> under, over;
    for (Schedule& s : AllMonotone(*g, 3)) {
      const Evaluation ev = Evaluate(p, s);
      if (ev.feasible) under.push_back(std::move(s));
      else if (ev.violation.find("activation") != std::string::npos) over.push_back(std::move(s));
    }
    for (size_t i = 0; i < over.size() && i < 15; ++i) {
      const Schedule& bad = over[(i * 7919) % over.size()];
      auto ilp = BuildScheduleIlp(p);
      ASSERT_TRUE(ilp.ok());
      ASSERT_TRUE(ilp->infeasible.empty());
      const int rows = ilp->milp.num_rows();
      bool impossible = false;
      ASSERT_GT(AddActivationCuts(&*ilp, bad, &impossible), 0) << t;
      EXPECT_FALSE(impossible);
      ASSERT_GT(ilp->milp.num_rows(), rows);
      ASSERT_TRUE(ilp->milp.Validate().ok());
      EXPECT_GT(ilp->milp.MaxViolation(EncodeStart(*ilp, bad)), 0.5) << t << ": the cut keeps its schedule";
      for (const Schedule& good : under) {
        if (!WithinWindows(ilp->windows, good)) continue;
        std::string where;
        ASSERT_LE(ilp->milp.MaxViolation(EncodeStart(*ilp, good), &where), 1e-9) << t << ": " << where;
      }
      ++cut_checked;
    }
  }
  EXPECT_GE(cut_checked, 60);
}

// A fake solver that returns the schedules it is given, one per solve:
// the loop cuts each off and ends on the first under the cap.
class ScriptedSolver final : public MilpSolver {
 public:
  ScriptedSolver(const IlpModel* ilp, std::vector<Schedule> script) : ilp_(ilp), script_(std::move(script)) {}
  std::string name() const override { return "scripted"; }
  StatusOr<MilpResult> Solve(const MilpModel& model, const MilpOptions&) override {
    MilpResult r;
    if (solves_ >= static_cast<int>(script_.size())) {
      r.status = SolveStatus::kInfeasible;
      return r;
    }
    r.values = EncodeStart(*ilp_, script_[solves_++]);
    r.status = SolveStatus::kOptimal;
    r.objective = model.ObjectiveOf(r.values);
    r.bound = r.objective;
    return r;
  }
  int solves_ = 0;

 private:
  const IlpModel* ilp_;
  std::vector<Schedule> script_;
};

TEST(ActivationCuts, LoopSolvesAgainUntilTheCapHolds) {
  // a -> b -> d, a -> c -> d, d -> e; outputs 8, 4, 6, 2, 1: cap 17 on three
  // stages. a b c | d | e peaks at 18 (stage 0); a b | c | d e keeps it.
  auto g = test_graphs::BuildGraph("diamond",
                                   {test_graphs::N("a", 4, 8), test_graphs::N("b", 1, 4), test_graphs::N("c", 2, 6),
                                    test_graphs::N("d", 4, 2), test_graphs::N("e", 3, 1)},
                                   {{"a", "b"}, {"a", "c"}, {"b", "d"}, {"c", "d"}, {"d", "e"}});
  Problem p = test_graphs::StagesProblem(g, 3);
  p.constraints.max_stage_activation_bytes = 17;
  auto ilp = BuildScheduleIlp(p);
  ASSERT_TRUE(ilp.ok());
  const Schedule over{{0, 0, 0, 1, 2}}, under{{0, 0, 1, 2, 2}};
  ScriptedSolver solver(&*ilp, {over, under});
  int rounds = 0;
  auto r = SolveWithActivationCuts(&solver, &*ilp, MilpOptions{}, &rounds);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(rounds, 1);
  EXPECT_EQ(solver.solves_, 2);
  EXPECT_EQ(r->status, SolveStatus::kOptimal);
  EXPECT_EQ(DecodeSchedule(*ilp, r->values).stage, under.stage);
  // Over the cap, then nothing: infeasible, naming the cap.
  auto again = BuildScheduleIlp(p);
  ASSERT_TRUE(again.ok());
  ScriptedSolver only_over(&*again, {over});
  r = SolveWithActivationCuts(&only_over, &*again, MilpOptions{}, &rounds);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, SolveStatus::kInfeasible);
  EXPECT_NE(r->message.find("max_stage_activation_bytes 17"), std::string::npos) << r->message;
}


// edgetpu.activation_spill: the spill rows raise T to the true period of
// the schedule they come from, and never above the true period of any
// schedule (T at the least value the rows allow, against evaluate()).
TEST(ActivationCuts, SpillRowsPriceTheirScheduleAndNoneAboveItsTruePeriod) {
  std::mt19937_64 rng(37);
  int rows_checked = 0;
  for (int t = 0; t < 8; ++t) {
    auto g = test_graphs::RandomGraph(rng, 7, 3, "sp" + std::to_string(t));
    Problem p = test_graphs::MakeProblem(g, 3, ObjectiveKind::kLatency, t % 2 ? CommModel::kEdge : CommModel::kTensor);
    p.edgetpu.activation_spill = true;
    std::vector<Schedule> all;
    for (Schedule& s : AllMonotone(*g, 3))
      if (Evaluate(p, s).feasible) all.push_back(std::move(s));
    for (size_t i = 0; i < all.size() && i < 10; ++i) {
      const Schedule& from = all[(i * 7919) % all.size()];
      auto ilp = BuildScheduleIlp(p);
      ASSERT_TRUE(ilp.ok());
      ASSERT_TRUE(ilp->infeasible.empty());
      const double before = ilp->ToCost(EncodeStart(*ilp, from)[ilp->period_col]);
      const Evaluation ev = Evaluate(p, from);
      if (AddSpillCuts(&*ilp, from, before) == 0) {
        EXPECT_NEAR(before, ev.objective, 1e-9 * ev.objective) << t;  // nothing spills above T
        continue;
      }
      ASSERT_TRUE(ilp->milp.Validate().ok());
      EXPECT_LT(before, ev.objective * (1 - 1e-9)) << t;
      EXPECT_NEAR(ilp->ToCost(EncodeStart(*ilp, from)[ilp->period_col]), ev.objective, 1e-9 * ev.objective) << t;
      for (const Schedule& other : all) {
        if (!WithinWindows(ilp->windows, other)) continue;
        const double priced = ilp->ToCost(EncodeStart(*ilp, other)[ilp->period_col]);
        ASSERT_LE(priced, Evaluate(p, other).objective * (1 + 1e-9)) << t;
      }
      ++rows_checked;
    }
  }
  EXPECT_GE(rows_checked, 30);
}

}  // namespace
}  // namespace respect
