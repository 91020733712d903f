// The bodies of the libFuzzer targets (tests/fuzz/*_fuzz.cpp), shared with
// tests/fuzz_replay_test.cpp, which replays the seeds and the regression
// inputs (tests/fuzz/seeds/<target>/, tests/fuzz/regressions/<target>/) in
// every unit test run. Each function takes arbitrary bytes and returns 0;
// a crash, a sanitizer report or a broken invariant (__builtin_trap) is a bug.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "cost/evaluate.h"
#include "deploy/segmenter.h"
#include "io/graph_io.h"
#include "report/report.h"
#include "tflite/tflite_model.h"
#include "tflite/tflite_reader.h"

namespace respect {
namespace fuzz {

// Every error is one line.
inline void ExpectOneLine(const Status& s) {
  if (!s.ok() && s.message().find('\n') != std::string::npos) __builtin_trap();
}

// A graph that parsed must write back as JSON that parses to the same JSON
// (unless invalid UTF-8 in its names was replaced by U+FFFD, which can make
// two ids equal).
inline void RoundTrip(const Graph& g) {
  const std::string json = GraphToJson(g);
  auto again = ParseGraphJson(json, "roundtrip");
  const bool replaced = json.find("\xEF\xBF\xBD") != std::string::npos;
  if (!again.ok() && !replaced) __builtin_trap();
  if (again.ok() && GraphToJson(*again) != json) __builtin_trap();
  (void)GraphToDot(g);
}

// TFLite bytes: reader, graph conversion and (when they verify) the
// segmenter on 2 stages; an Internal segmenter error is a bug.
inline int TfliteReader(const uint8_t* data, size_t size) {
  auto model = TfliteModel::FromBytes(std::vector<uint8_t>(data, data + size), "fuzz");
  if (!model.ok()) return ExpectOneLine(model.status()), 0;
  const TfliteModelInfo info = DescribeTflite(*model);
  (void)SummarizeTflite(info);
  auto g = TfliteToGraph(info);
  if (!g.ok()) return ExpectOneLine(g.status()), 0;
  const int nops = static_cast<int>(info.operators.size());
  if (nops > 4096) return 0;
  const int n = nops >= 2 ? 2 : 1;
  std::vector<int> stage(nops, 0);
  for (int i = nops / 2; n == 2 && i < nops; ++i) stage[i] = 1;
  auto segs = SegmentModel(*model, stage, n);
  if (!segs.ok() && segs.status().code() == StatusCode::kInternal) __builtin_trap();
  return 0;
}

inline int GraphJson(const uint8_t* data, size_t size) {
  auto g = ParseGraphJson(std::string(reinterpret_cast<const char*>(data), size), "fuzz.json");
  if (!g.ok()) return ExpectOneLine(g.status()), 0;
  RoundTrip(*g);
  return 0;
}

inline int GraphGml(const uint8_t* data, size_t size) {
  auto g = ParseGraphGml(std::string(reinterpret_cast<const char*>(data), size), "fuzz.gml");
  if (!g.ok()) return ExpectOneLine(g.status()), 0;
  RoundTrip(*g);
  return 0;
}

inline int ConfigYaml(const uint8_t* data, size_t size) {
  auto c = ParseConfig(std::string(reinterpret_cast<const char*>(data), size), "fuzz.yaml");
  if (!c.ok()) return ExpectOneLine(c.status()), 0;
  ExpectOneLine(ValidateConfig(*c));
  return 0;
}

// Schedule JSON read against a fixed 6-node diamond; a schedule that reads
// must evaluate without crashing.
inline int ScheduleJson(const uint8_t* data, size_t size) {
  static const std::shared_ptr<const Graph> graph = [] {
    GraphBuilder b("diamond");
    for (int i = 0; i < 6; ++i) {
      Node n;
      n.id = std::to_string(i);
      n.id_is_int = true;
      n.name = "n" + std::to_string(i);
      n.param_bytes = 100 * (i + 1);
      n.output_bytes = 10 * (i + 1);
      b.AddNode(n);
    }
    for (auto [s, d] : std::vector<std::pair<int, int>>{{0, 1}, {0, 2}, {1, 3}, {2, 3}, {3, 4}, {3, 5}})
      b.AddEdgeIdx(s, d);
    return std::make_shared<const Graph>(b.Build().value());
  }();
  int stages = 0;
  auto s = ParseScheduleJson(std::string(reinterpret_cast<const char*>(data), size), "fuzz.schedule.json", *graph,
                             &stages);
  if (!s.ok()) return ExpectOneLine(s.status()), 0;
  if (stages < 1 || stages > graph->size()) __builtin_trap();  // the reader bounds them
  Problem p;
  p.graph = graph;
  p.stages = stages;
  (void)Evaluate(p, *s);
  return 0;
}

}  // namespace fuzz
}  // namespace respect
