// Schedule JSON out and back in, malformed schedule files, compare reports.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "cost/evaluate.h"
#include "io/graph_io.h"
#include "report/report.h"
#include "sched/heuristic.h"

namespace respect {
namespace {

Problem Chain4() {
  GraphBuilder b("chain4");
  for (int i = 0; i < 4; ++i) {
    Node n;
    n.id = std::to_string(i);
    n.id_is_int = true;
    n.name = "n" + std::to_string(i);
    n.param_bytes = 10 * (i + 1);
    n.output_bytes = 3;
    b.AddNode(n);
    if (i) b.AddEdgeIdx(i - 1, i);
  }
  Problem p;
  p.graph = std::make_shared<const Graph>(*b.Build());
  p.stages = 2;
  return p;
}

// The heuristic's schedule of `p` (a chain: always found).
ScheduleResult HeuristicOn(const Problem& p) {
  HeuristicScheduler h;
  auto r = h.Run(p);
  EXPECT_TRUE(r.ok());
  return r.ok() ? *r : ScheduleResult{};
}

std::string WriteTemp(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/report_" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(ScheduleJson, RoundTripThroughFile) {
  Problem p = Chain4();
  HeuristicScheduler h;
  auto r = h.Run(p);
  ASSERT_TRUE(r.ok());
  const std::string dir = ::testing::TempDir() + "/report_rt";
  ASSERT_TRUE(MakeDirs(dir).ok());
  auto path = WriteScheduleFiles(dir, p, *r);
  ASSERT_TRUE(path.ok()) << path.status().message();
  EXPECT_EQ(*path, dir + "/chain4.2.heuristic.schedule.json");
  int stages = 0;
  auto back = ReadScheduleJson(*path, p.g(), &stages);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(stages, 2);
  EXPECT_EQ(back->stage, r->schedule.stage);
  const std::string json = *ReadTextFile(*path);
  for (const char* key : {"\"graph\"", "\"stages\"", "\"method\"", "\"status\"", "\"objective\"", "\"bound\"",
                          "\"solve_seconds\"", "\"assignment\"", "\"stage_param_bytes\"", "\"crossing_bytes\""})
    EXPECT_NE(json.find(key), std::string::npos) << key;
}

TEST(ScheduleJson, MalformedFilesGiveOneLineErrors) {
  Problem p = Chain4();
  struct Case { const char* text; const char* expect; };
  const Case cases[] = {
      {"{not json", "not a schedule JSON object"},
      {"[1, 2]", "not a schedule JSON object"},
      {"{\"stages\": 2}", "no 'assignment' array"},
      {"{\"assignment\": [{\"id\": 0}]}", "no integer 'stage'"},
      {"{\"assignment\": [{\"id\": 99, \"stage\": 0}]}", "not in graph 'chain4'"},
      {"{\"assignment\": [{\"id\": 0, \"stage\": 0}]}", "node 'n1' has no stage"},
  };
  int i = 0;
  for (const Case& c : cases) {
    const std::string path = WriteTemp("bad" + std::to_string(i++) + ".json", c.text);
    auto s = ReadScheduleJson(path, p.g(), nullptr);
    ASSERT_FALSE(s.ok()) << c.text;
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidInput);
    EXPECT_NE(s.status().message().find(c.expect), std::string::npos) << s.status().message();
    EXPECT_EQ(s.status().message().find('\n'), std::string::npos);
  }
  EXPECT_EQ(ReadScheduleJson("/nonexistent/s.json", p.g(), nullptr).status().code(), StatusCode::kIoError);
}

TEST(Compare, GapsCsvAndJson) {
  Problem p = Chain4();
  HeuristicScheduler h;
  auto r = h.Run(p);
  ASSERT_TRUE(r.ok());
  std::vector<CompareRow> rows;
  rows.push_back({"chain4", 4, 2, *r, 0});
  ScheduleResult worse = *r;
  worse.method = "other";
  worse.objective = r->objective * 1.5;
  rows.push_back({"chain4", 4, 2, worse, 0});
  FillGaps(&rows);
  EXPECT_DOUBLE_EQ(rows[0].gap_to_best, 0.0);
  EXPECT_DOUBLE_EQ(rows[1].gap_to_best, 0.5);
  const std::string csv = CompareToCsv(rows);
  EXPECT_EQ(csv.rfind("graph,nodes,stages,method,status,objective,bound,gap_to_best", 0), 0u);
  EXPECT_NE(csv.find("chain4,4,2,heuristic,feasible,"), std::string::npos);
  EXPECT_NE(CompareToJson(rows).find("\"gap_to_best\": 0.5"), std::string::npos);
  // The activation peaks follow, joined like the parameter bytes, and the
  // stopped flag closes each row.
  ASSERT_EQ(r->eval.stage_activation_bytes.size(), 2u);
  const std::string acts =
      std::to_string(r->eval.stage_activation_bytes[0]) + ";" + std::to_string(r->eval.stage_activation_bytes[1]);
  EXPECT_NE(csv.find(",bb_nodes,stage_activation_bytes,stopped\n"), std::string::npos);
  EXPECT_NE(csv.find("," + acts + ",0\n"), std::string::npos);
  rows[1].result.stats.stopped = true;
  EXPECT_NE(CompareToCsv(rows).find("," + acts + ",1\n"), std::string::npos);
  EXPECT_NE(CompareToJson(rows).find("\"stage_activation_bytes\""), std::string::npos);
  EXPECT_NE(FormatCompareTable(rows).find("50.00%"), std::string::npos);
}

// The summary's gap column has one meaning, the distance to the best
// objective found; the line above it names the best and says whether a
// bound proves it, never calling the gap the optimum.
TEST(Summary, OverBestHasOneMeaning) {
  Problem p = Chain4();
  const ScheduleResult found = HeuristicOn(p);
  const ScheduleResult* r = &found;
  ScheduleResult proven = *r;
  proven.method = "exact";
  proven.status = SolveStatus::kOptimal;
  proven.bound = proven.objective;
  ScheduleResult worse = *r;
  worse.method = "rl";
  worse.objective = r->objective * 1.25;
  worse.seconds = 1.5;
  ScheduleResult none;
  none.method = "two_phase";
  none.status = SolveStatus::kInfeasible;
  none.objective = std::nan("");
  const std::string s = FormatMethodSummary(p, {proven, worse, none});
  EXPECT_NE(s.find("best objective " + PlainNumber(r->objective) + " (exact, proven optimal); "
                   "over best = (objective - best) / best"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("over best"), std::string::npos) << s;
  EXPECT_EQ(s.find("gap to"), std::string::npos) << s;
  EXPECT_NE(s.find("+0.00%"), std::string::npos) << s;
  EXPECT_NE(s.find("+25.00%"), std::string::npos) << s;
  EXPECT_NE(s.find("1.500"), std::string::npos) << s;
  EXPECT_NE(s.find("infeasible"), std::string::npos) << s;
  int lines = 0;
  for (char c : s) lines += c == '\n';
  EXPECT_EQ(lines, 6) << s;  // title, best, column names, one per method

  // Without a bound: the same column, against the best schedule.
  const std::string unproven = FormatMethodSummary(p, {worse, *r});
  EXPECT_NE(unproven.find("(heuristic, not proven optimal)"), std::string::npos) << unproven;
  EXPECT_NE(unproven.find("+25.00%"), std::string::npos) << unproven;

  // A weak bound does not change the column (it stays +25% for rl); the
  // best line says how far the bound leaves the best schedule.
  ScheduleResult bounded = worse;
  bounded.status = SolveStatus::kFeasible;
  bounded.bound = r->objective * 0.5;
  const std::string lower = FormatMethodSummary(p, {bounded, *r});
  EXPECT_NE(lower.find("not proven optimal: rl's lower bound"), std::string::npos) << lower;
  EXPECT_NE(lower.find("at most 100.00% above the optimum"), std::string::npos) << lower;
  EXPECT_NE(lower.find("+25.00%"), std::string::npos) << lower;
  EXPECT_EQ(lower.find("+100.00%"), std::string::npos) << lower;
}

// Numbers in tables: never e-notation; fractions kept.
TEST(Report, PlainNumbers) {
  EXPECT_EQ(PlainNumber(29333504), "29333504");
  EXPECT_EQ(PlainNumber(29333504.000000004), "29333504");
  EXPECT_EQ(PlainNumber(97029.11), "97029.11");
  EXPECT_EQ(PlainNumber(1.0 / 3), "0.333333");
  EXPECT_EQ(PlainNumber(0.00123456789), "0.00123457");
  EXPECT_EQ(PlainNumber(0), "0");
  EXPECT_EQ(PlainNumber(-2.5), "-2.5");
  EXPECT_EQ(PlainNumber(1e15), "1000000000000000");
  EXPECT_EQ(PlainNumber(std::nan("")), "-");
  for (double v : {2.93335e7, 1e-9, 123456789012.5, 5e20})
    EXPECT_EQ(PlainNumber(v).find('e'), std::string::npos) << PlainNumber(v);
}

TEST(Compare, TableHasNoENotation) {
  ScheduleResult big = HeuristicOn(Chain4());
  big.objective = 29333504;
  big.bound = 27891200.5;
  std::vector<CompareRow> rows = {{"chain4", 4, 2, big, 0}};
  FillGaps(&rows);
  const std::string t = FormatCompareTable(rows);
  EXPECT_NE(t.find(" 29333504 "), std::string::npos) << t;
  EXPECT_NE(t.find(" 27891200.5 "), std::string::npos) << t;
  EXPECT_EQ(t.find("e+"), std::string::npos) << t;
  EXPECT_NE(t.find("over best"), std::string::npos) << t;
}

Problem IcmlStyle() {
  Problem p = Chain4();
  p.objective.comm_model = CommModel::kEdge;
  p.objective.edge_weight = EdgeWeight::kIndicator;
  p.objective.comm_weight = 0.01;
  p.constraints.nonempty_stages = false;
  return p;
}

// The per-stage table: a fits column against edgetpu.sram_bytes and a line
// counting the stages that fit; the crossing column says what it counts.
// Activation memory per stage: the table's `act MiB` column and the schedule
// JSON's stage_activation_bytes (a chain of 3-byte tensors: a step holds
// the tensor it reads and its own, 6 bytes; stage 1's first node reads the
// tensor coming in).
TEST(ScheduleTable, ActivationColumnAndJsonField) {
  Problem p = Chain4();
  for (int64_t out : {int64_t{3}, int64_t{1} << 20}) {
    GraphBuilder b("chain4");
    for (int i = 0; i < 4; ++i) {
      Node n;
      n.id = std::to_string(i);
      n.param_bytes = 10;
      n.output_bytes = out;
      b.AddNode(n);
      if (i) b.AddEdgeIdx(i - 1, i);
    }
    p.graph = std::make_shared<const Graph>(*b.Build());
    ScheduleResult r;
    r.method = "fixed";
    r.status = SolveStatus::kFeasible;
    r.schedule.stage = {0, 0, 0, 1};
    r.eval = Evaluate(p, r.schedule);
    r.objective = r.eval.objective;
    ASSERT_EQ(r.eval.stage_activation_bytes, (std::vector<int64_t>{2 * out, 2 * out}));
    const auto doc = nlohmann::json::parse(ScheduleToJson(p, r));
    EXPECT_EQ(doc.at("stage_activation_bytes"), nlohmann::json({2 * out, 2 * out}));
    const std::string t = FormatScheduleTable(p, r);
    EXPECT_NE(t.find("   time ms   act MiB\n"), std::string::npos) << t;
    const std::string mib = out == 3 ? "     0.000" : "     2.000";
    // Each stage row ends with its peak in MiB.
    const size_t row0 = t.find(mib + "\n      1 ");
    ASSERT_NE(row0, std::string::npos) << t;
    EXPECT_NE(t.find(mib + "\n  fits on chip", row0 + 1), std::string::npos) << t;
  }
}

TEST(ScheduleTable, FitsColumnAndCrossingUnits) {
  Problem p = Chain4();  // parameters 10, 20 | 30, 40 bytes with the heuristic
  p.edgetpu.sram_bytes = 50;
  const ScheduleResult r = HeuristicOn(p);
  std::string t = FormatScheduleTable(p, r);
  EXPECT_NE(t.find("off-chip MiB  fits    crossing out"), std::string::npos) << t;
  int fit = 0;
  for (int64_t b : r.eval.stage_param_bytes) fit += b <= 50;
  EXPECT_NE(t.find("fits on chip: " + std::to_string(fit) + " of 2 stages (parameters within edgetpu.sram_bytes = "
                   "50 B)"),
            std::string::npos)
      << t;
  EXPECT_EQ(fit == 2, t.find("stream") == std::string::npos) << t;
  p.edgetpu.sram_bytes = 1;
  t = FormatScheduleTable(p, r);
  EXPECT_NE(t.find("fits on chip: 0 of 2 stages"), std::string::npos) << t;
  EXPECT_NE(t.find("   no "), std::string::npos) << t;

  // The ICML'24 setting: X_k counts edges, and the objective is fractional.
  p = IcmlStyle();
  const ScheduleResult icml = HeuristicOn(p);
  const ScheduleResult* e = &icml;
  t = FormatScheduleTable(p, icml);
  EXPECT_NE(t.find("edges out"), std::string::npos) << t;
  EXPECT_NE(t.find("1 edge "), std::string::npos) << t;
  EXPECT_NE(t.find("crossing total 1 edge\n"), std::string::npos) << t;
  const std::string parts = PlainNumber(e->objective) + " = " + std::to_string(e->eval.max_stage_param_bytes) +
                            " + 0.01 x " + std::to_string(e->eval.total_crossing_bytes);
  EXPECT_NE(t.find(parts), std::string::npos) << t;
  EXPECT_NE(PlainNumber(e->objective).find(".01"), std::string::npos) << t;
}

}  // namespace
}  // namespace respect
