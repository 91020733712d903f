// The latency calibration (src/calibrate/calibrate.h): the CSV, the terms of
// a segment, the fit of the edgetpu.* constants and the fragment it writes.
#include "calibrate/calibrate.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "cost/evaluate.h"
#include "graph/graph.h"
#include "io/model_source.h"
#include "refusal.h"
#include "sched/registry.h"

namespace respect {
namespace {

// A chain a -> b -> c -> d -> e with a skip a -> c. Sizes: a..e parameters
// 10, 20, 30, 40, 50 bytes, outputs 100, 200, 300, 400, 500 bytes, MACs 1000,
// 2000, 3000, 4000, 5000.
std::shared_ptr<const Graph> Chain() {
  GraphBuilder b("chain");
  const char* names[] = {"a", "b", "c", "d", "e"};
  for (int i = 0; i < 5; ++i) {
    Node nd;
    nd.id = nd.name = names[i];
    nd.param_bytes = 10 * (i + 1);
    nd.output_bytes = 100 * (i + 1);
    nd.macs = 1000 * (i + 1);
    b.AddNode(nd);
  }
  for (int i = 0; i + 1 < 5; ++i) b.AddEdgeIdx(i, i + 1);
  b.AddEdgeIdx(0, 2);
  auto g = b.Build();
  EXPECT_TRUE(g.ok()) << g.status().message();
  return std::make_shared<const Graph>(std::move(*g));
}

Problem ChainProblem(int stages) {
  Problem p;
  p.graph = Chain();
  p.stages = stages;
  p.objective.kind = ObjectiveKind::kLatency;
  return p;
}

// Constants the synthetic measurements are made with.
EdgeTpuParams Truth() {
  EdgeTpuParams t;
  t.sram_bytes = 45;
  t.segment_overhead_s = 2e-4;
  t.macs_per_s = 1.5e6;
  t.offchip_bytes_per_s = 4e3;
  t.link_bytes_per_s = 2.5e5;
  return t;
}

// Every stage of every contiguous split of the chain into 2 and 3 stages,
// measured as the model itself predicts under Truth(): the terms from
// evaluate(), the time from its stage_time_s.
std::vector<CalibrationPoint> SyntheticPoints() {
  std::vector<CalibrationPoint> points;
  const std::vector<std::vector<int>> splits = {{0, 0, 1, 1, 1}, {0, 1, 1, 1, 1}, {0, 0, 0, 1, 1},
                                                {0, 1, 1, 2, 2}, {0, 0, 1, 1, 2}, {0, 0, 0, 1, 2}};
  for (const std::vector<int>& s : splits) {
    Problem p = ChainProblem(*std::max_element(s.begin(), s.end()) + 1);
    p.edgetpu = Truth();
    const Evaluation ev = Evaluate(p, Schedule{s});
    EXPECT_TRUE(ev.feasible) << ev.violation;
    for (int k = 0; k < p.stages; ++k) points.push_back({TermsOfStage(ev, k), ev.stage_time_s[k]});
  }
  return points;
}

void ExpectRelativelyNear(double got, double want) { EXPECT_NEAR(got, want, 1e-9 * std::fabs(want)) << want; }

TEST(Calibrate, FitRecoversTheConstantsTheModelMeasuredWith) {
  const std::vector<CalibrationPoint> points = SyntheticPoints();
  ASSERT_EQ(points.size(), 15u);
  EdgeTpuParams base;
  base.sram_bytes = Truth().sram_bytes;
  auto fit = FitLatencyConstants(points, base);
  ASSERT_TRUE(fit.ok()) << fit.status().message();
  for (bool f : fit->fitted) EXPECT_TRUE(f);
  EXPECT_TRUE(fit->notes.empty()) << fit->notes.front();
  EXPECT_EQ(fit->params.sram_bytes, 45);  // given, not fitted
  ExpectRelativelyNear(fit->params.segment_overhead_s, Truth().segment_overhead_s);
  ExpectRelativelyNear(fit->params.macs_per_s, Truth().macs_per_s);
  ExpectRelativelyNear(fit->params.offchip_bytes_per_s, Truth().offchip_bytes_per_s);
  ExpectRelativelyNear(fit->params.link_bytes_per_s, Truth().link_bytes_per_s);
  EXPECT_LT(fit->rms_relative_error, 1e-9);
  ASSERT_EQ(fit->predicted_s.size(), points.size());
  for (size_t i = 0; i < points.size(); ++i) ExpectRelativelyNear(fit->predicted_s[i], points[i].measured_s);
}

// The terms of a stage are those StageTimeS prices: the same time as evaluate().
TEST(Calibrate, TermsOfStageMatchEvaluate) {
  Problem p = ChainProblem(3);
  p.edgetpu = Truth();
  const Evaluation ev = Evaluate(p, Schedule{{0, 0, 1, 1, 2}});
  const SegmentTerms mid = TermsOfStage(ev, 1);
  EXPECT_EQ(PredictedSeconds(p.edgetpu, mid), ev.stage_time_s[1]);
  EXPECT_EQ(mid.macs, 7000);
  EXPECT_EQ(mid.param_bytes, 70);
  EXPECT_EQ(mid.offchip_bytes, 25);
  EXPECT_EQ(mid.crossing_bytes, 200 + 100 + 400);  // b and a in (a's tensor reaches c), d out
  EXPECT_EQ(StageTimeS(p.edgetpu, mid.macs, mid.param_bytes, static_cast<double>(mid.crossing_bytes)),
            ev.stage_time_s[1]);
}

TEST(Calibrate, TermsOfNodesIsTheMiddleOfThreeStages) {
  Problem p = ChainProblem(4);
  auto t = TermsOfNodes(p, {2, 3});  // c, d: a and b before, e after
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->macs, 7000);
  EXPECT_EQ(t->param_bytes, 70);
  EXPECT_EQ(t->offchip_bytes, 0);
  EXPECT_EQ(t->crossing_bytes, 100 + 200 + 400);
  auto first = TermsOfNodes(p, {0});  // the first segment receives nothing
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->crossing_bytes, 100);
  auto gap = TermsOfNodes(p, {1, 3});  // b and d without c between them
  ASSERT_FALSE(gap.ok());
  EXPECT_NE(gap.status().message().find("not one contiguous segment"), std::string::npos) << gap.status().message();
  EXPECT_FALSE(TermsOfNodes(p, {}).ok());
}

// A term that is 0 in every row cannot be fitted: its key keeps the config's
// value, and the rows needed drop by one.
TEST(Calibrate, ConstantNotInTheDataIsKept) {
  std::vector<CalibrationPoint> points;
  for (const CalibrationPoint& pt : SyntheticPoints())
    if (pt.terms.offchip_bytes == 0) points.push_back(pt);
  ASSERT_GE(points.size(), 3u);
  EdgeTpuParams base;
  base.offchip_bytes_per_s = 123.0;
  auto fit = FitLatencyConstants(points, base);
  ASSERT_TRUE(fit.ok()) << fit.status().message();
  EXPECT_FALSE(fit->fitted[2]);
  EXPECT_EQ(fit->params.offchip_bytes_per_s, 123.0);
  ExpectRelativelyNear(fit->params.macs_per_s, Truth().macs_per_s);
  ASSERT_EQ(fit->notes.size(), 1u);
  EXPECT_NE(fit->notes[0].find("edgetpu.offchip_bytes_per_s: its term is 0 in every row"), std::string::npos);
}

TEST(Calibrate, TooFewRowsForTheConstantsAreRefused) {
  std::vector<CalibrationPoint> points = SyntheticPoints();
  points.resize(3);
  auto fit = FitLatencyConstants(points, EdgeTpuParams());
  ASSERT_FALSE(fit.ok());
  EXPECT_NE(fit.status().message().find("needs at least 4 measured segments for the 4 constants"), std::string::npos)
      << fit.status().message();
}

// Times that fall as MACs grow: the non-negative fit gives MACs no weight,
// so macs_per_s takes its upper bound (said in a note), never a negative rate.
TEST(Calibrate, RatesStayPositive) {
  std::vector<CalibrationPoint> points;
  for (int i = 1; i <= 4; ++i) {
    SegmentTerms t;
    t.macs = 1000 * i;
    t.crossing_bytes = 100;
    points.push_back({t, 1.0 / i});
  }
  auto fit = FitLatencyConstants(points, EdgeTpuParams());
  ASSERT_TRUE(fit.ok()) << fit.status().message();
  EXPECT_EQ(fit->params.macs_per_s, KeyBounds("edgetpu.macs_per_s").second);
  EXPECT_GE(fit->params.segment_overhead_s, 0.0);
  EXPECT_GT(fit->params.link_bytes_per_s, 0.0);
  ASSERT_FALSE(fit->notes.empty());
  EXPECT_NE(fit->notes[0].find("edgetpu.macs_per_s: the fit gives its term no weight"), std::string::npos);
}

TEST(Calibrate, FragmentLoadsBackAsAConfig) {
  auto fit = FitLatencyConstants(SyntheticPoints(), EdgeTpuParams());
  ASSERT_TRUE(fit.ok());
  const std::string yaml = LatencyFitYaml(*fit, {"fitted to 15 segments"});
  EXPECT_EQ(yaml.rfind("# fitted to 15 segments\nedgetpu:\n", 0), 0u) << yaml;
  auto config = ParseConfig(yaml, "calibrated.yaml");
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->edgetpu.sram_bytes, fit->params.sram_bytes);
  EXPECT_EQ(config->edgetpu.segment_overhead_s, fit->params.segment_overhead_s);
  EXPECT_EQ(config->edgetpu.macs_per_s, fit->params.macs_per_s);
  EXPECT_EQ(config->edgetpu.offchip_bytes_per_s, fit->params.offchip_bytes_per_s);
  EXPECT_EQ(config->edgetpu.link_bytes_per_s, fit->params.link_bytes_per_s);
}

TEST(CalibrateCsv, ReadsColumnsInAnyOrder) {
  const std::string csv =
      "# measured on 4 TPUs\n"
      "measured_ms, stage,model,stages,operators\n"
      "\n"
      "1.5,0,zoo:resnet50,4,\n"
      "2.25 ,3, \"x.json\",4,\"a b  c\"\n";
  auto rows = ParseCalibrationCsv(csv, "m.csv");
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].line, 4);
  EXPECT_EQ((*rows)[0].model, "zoo:resnet50");
  EXPECT_EQ((*rows)[0].stages, 4);
  EXPECT_EQ((*rows)[0].stage, 0);
  EXPECT_EQ((*rows)[0].method, "heuristic");
  EXPECT_TRUE((*rows)[0].operators.empty());
  EXPECT_EQ((*rows)[0].measured_ms, 1.5);
  EXPECT_EQ((*rows)[1].model, "x.json");
  EXPECT_EQ((*rows)[1].operators, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ((*rows)[1].measured_ms, 2.25);
}

TEST(CalibrateCsv, BadCsvsAreRefusedInOneLine) {
  using test_refusal::Refusal;
  const Refusal cases[] = {
      {"", "m.csv: no header row"},
      {"model,stages,stage,measured_ms\n", "m.csv: no measured segment"},
      {"model,stages,stage\nzoo:resnet50,4,0\n", "m.csv:1: the header has no column 'measured_ms'"},
      {"model,stages,stage,measured_m\n", "m.csv:1: unknown column 'measured_m' (did you mean 'measured_ms'?)"},
      {"model,stages,stage,measured_ms,stage\n", "m.csv:1: column 'stage' is given twice"},
      {"model,stages,stage,measured_ms\nzoo:resnet50,4,0\n", "m.csv:2: 3 fields, the header has 4"},
      {"model,stages,stage,measured_ms\nzoo:resnet50,4,0,fast\n", "m.csv:2: measured_ms is not a number: 'fast'"},
      {"model,stages,stage,measured_ms\nzoo:resnet50,4,0,1e999\n", "measured_ms is not a number"},
      {"model,stages,stage,measured_ms\nzoo:resnet50,4.5,0,1\n", "m.csv:2: stages is not a whole number: '4.5'"},
      {"model,stages,stage,measured_ms\nzoo:resnet50,4,4,1\n", "m.csv:2: stage 4 is outside [0, 3] for 4 stages"},
      {"model,stages,stage,measured_ms\nzoo:resnet50,4,-1,1\n", "stage -1 is outside [0, 3]"},
      {"model,stages,stage,measured_ms\nzoo:resnet50,0,0,1\n", "m.csv:2: stages 0 is outside [1, 1024]"},
      {"model,stages,stage,measured_ms\nzoo:resnet50,4,0,0\n", "m.csv:2: measured_ms must be > 0, got 0"},
      {"model,stages,stage,measured_ms\nzoo:resnet50,4,0,1e300\n",
       "m.csv:2: measured_ms 1e300 is outside [1e-06, 1e+06] (1 ns to 1,000 s)"},
      {"model,stages,stage,measured_ms\nzoo:resnet50,4,0,1e-320\n", "m.csv:2: measured_ms 1e-320 is outside"},
      {"model,stages,stage,measured_ms\nzoo:resnet50,4,0,1000000.5\n", "measured_ms 1000000.5 is outside"},
      {"model,stages,stage,measured_ms\n,4,0,1\n", "m.csv:2: model is empty"},
      {"model,stages,stage,measured_ms\n\"zoo:resnet50,4,0,1\n", "m.csv:2: a quoted field is not closed"},
  };
  for (const Refusal& r : cases)
    test_refusal::ExpectRefused(r, [](const std::string& text) { return ParseCalibrationCsv(text, "m.csv"); }, "m.csv");
}

// A row's segment is the stage of the method's schedule, or its operators.
TEST(CalibrateRows, TermsComeFromTheMethodsScheduleOrTheOperators) {
  Config config;
  auto rows = ParseCalibrationCsv(
      "model,stages,stage,measured_ms,operators\n"
      "zoo:resnet50,4,2,3.0,\n"
      "zoo:resnet50,4,1,2.0,conv1_conv conv1_bn\n",
      "m.csv");
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  auto points = MeasuredPoints(*rows, config, "m.csv");
  ASSERT_TRUE(points.ok()) << points.status().message();
  auto graph = LoadModel("zoo:resnet50", config);
  ASSERT_TRUE(graph.ok());
  const Problem p = MakeProblem(graph->front(), 4, config);
  auto heuristic = ScheduleWithMethod(p, "heuristic", config);
  ASSERT_TRUE(heuristic.ok());
  const SegmentTerms want = TermsOfStage(heuristic->eval, 2);
  EXPECT_EQ((*points)[0].terms.macs, want.macs);
  EXPECT_EQ((*points)[0].terms.param_bytes, want.param_bytes);
  EXPECT_EQ((*points)[0].terms.crossing_bytes, want.crossing_bytes);
  EXPECT_EQ((*points)[0].measured_s, 3.0e-3);
  const Graph& g = *graph->front();
  int conv = -1, bn = -1;
  for (int v = 0; v < g.size(); ++v) {
    if (g.node(v).name == "conv1_conv") conv = v;
    if (g.node(v).name == "conv1_bn") bn = v;
  }
  ASSERT_GE(conv, 0);
  ASSERT_GE(bn, 0);
  EXPECT_EQ((*points)[1].terms.param_bytes, g.node(conv).param_bytes + g.node(bn).param_bytes);
  EXPECT_EQ((*points)[1].terms.macs, g.node(conv).macs + g.node(bn).macs);
}

TEST(CalibrateRows, UnknownModelsMethodsAndNodesAreRefused) {
  using test_refusal::Refusal;
  const Refusal cases[] = {
      {"zoo:resnet51,4,0,1,heuristic,", "m.csv:2: unknown zoo model"},
      {"synthetic,4,0,1,heuristic,", "m.csv:2: model 'synthetic' is random graphs"},
      {"zoo:resnet50,4,0,1,heuristics,", "m.csv:2: unknown method 'heuristics'"},
      {"zoo:resnet50,4,0,1,heuristic,conv1_cnv",
       "m.csv:2: graph 'resnet50' has no node 'conv1_cnv' (did you mean 'conv1_conv'?)"},
      {"zoo:resnet50,4,0,1,heuristic,conv1_conv pool1_pool", "m.csv:2: its operators are not one contiguous segment"},
  };
  for (const Refusal& r : cases)
    test_refusal::ExpectRefused(r, [](const std::string& row) {
      auto rows = ParseCalibrationCsv("model,stages,stage,measured_ms,method,operators\n" + row + "\n", "m.csv");
      EXPECT_TRUE(rows.ok()) << rows.status().message();
      return MeasuredPoints(*rows, Config(), "m.csv");
    }, "m.csv");
}

}  // namespace
}  // namespace respect
