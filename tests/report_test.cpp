// Schedule JSON out and back in, malformed schedule files, compare reports.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

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
  EXPECT_NE(FormatCompareTable(rows).find("50.00%"), std::string::npos);
}

// The summary measures every method against the best proven bound of the
// run; without a bound, against the best schedule, and says which.
TEST(Summary, GapToTheProvenOptimumOrBestSchedule) {
  Problem p = Chain4();
  HeuristicScheduler h;
  auto r = h.Run(p);
  ASSERT_TRUE(r.ok());
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
  EXPECT_NE(s.find("gap to the proven optimum"), std::string::npos) << s;
  EXPECT_NE(s.find("+0.00%"), std::string::npos) << s;
  EXPECT_NE(s.find("+25.00%"), std::string::npos) << s;
  EXPECT_NE(s.find("1.500"), std::string::npos) << s;
  EXPECT_NE(s.find("infeasible"), std::string::npos) << s;
  int lines = 0;
  for (char c : s) lines += c == '\n';
  EXPECT_EQ(lines, 5) << s;  // header, column names, one per method

  const std::string unproven = FormatMethodSummary(p, {worse, *r});
  EXPECT_NE(unproven.find("best schedule found (no bound proven)"), std::string::npos) << unproven;
  EXPECT_NE(unproven.find("+25.00%"), std::string::npos) << unproven;

  ScheduleResult bounded = worse;  // time-limited: a bound below every schedule
  bounded.status = SolveStatus::kFeasible;
  bounded.bound = r->objective * 0.5;
  const std::string lower = FormatMethodSummary(p, {bounded, *r});
  EXPECT_NE(lower.find("best proven lower bound"), std::string::npos) << lower;
  EXPECT_NE(lower.find("+100.00%"), std::string::npos) << lower;
}

}  // namespace
}  // namespace respect
