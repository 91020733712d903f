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

// YAML aliases (issue 23): the bytes choose a config made of anchored
// collections whose items are scalars, nested lists or aliases to earlier
// anchors or to the collection being defined (self references), some of
// them placed under real config sections. Random mutation of plain YAML
// rarely builds such documents; this target builds nothing else.
inline std::string AliasYaml(const uint8_t* data, size_t size) {
  static const char* kSections[] = {"solver", "policy", "output", "label", "train", "synthetic"};
  std::string y = "task: schedule\nmodel: zoo:vgg16\n";
  size_t i = 0;
  for (int defined = 0; i < size && defined < 48 && y.size() < 65536; ++defined) {
    const uint8_t head = data[i++];
    const bool as_map = head & 1;
    const std::string name = "a" + std::to_string(defined);
    y += (head & 2 ? std::string(kSections[(head >> 2) % 6]) : name) + ": &" + name + (as_map ? " {" : " [");
    const int width = 1 + (head >> 5);
    for (int k = 0; k < width && i < size; ++k) {
      const uint8_t b = data[i++];
      y += k ? ", " : "";
      if (as_map) y += "k" + std::to_string(k) + ": ";
      switch (b % 4) {
        case 0: y += "x"; break;
        case 1: y += "*a" + std::to_string((b / 4) % (defined + 1)); break;  // may be itself
        case 2: y += std::string(b / 4, '[') + std::string(b / 4, ']'); break;
        default: y += "*" + name; break;
      }
    }
    y += as_map ? "}\n" : "]\n";
  }
  return y;
}

inline int YamlAlias(const uint8_t* data, size_t size) {
  auto c = ParseConfig(AliasYaml(data, size), "fuzz.yaml");
  if (!c.ok()) return ExpectOneLine(c.status()), 0;
  ExpectOneLine(ValidateConfig(*c));
  return 0;
}

// Deep JSON (issue 23): the bytes choose a nested value (arrays, objects,
// runs of up to 255 x 8,000 opening brackets, scalars, closings) placed in a
// graph node's param_bytes and in a schedule entry's stage. Both readers
// must refuse or parse it in one line, without recursion on its depth.
inline std::string DeepValue(const uint8_t* data, size_t size) {
  std::string v;
  std::vector<char> open;
  for (size_t i = 0; i < size && v.size() < (size_t{4} << 20); ++i) {
    const uint8_t b = data[i];
    switch (b % 5) {
      case 0: v += '['; open.push_back(']'); break;
      case 1: v += "{\"k\": "; open.push_back('}'); break;
      case 2:
        v += std::string(static_cast<size_t>(b / 5) * 8000, '[');
        open.insert(open.end(), static_cast<size_t>(b / 5) * 8000, ']');
        break;
      case 3: v += std::to_string(b) + (open.empty() || open.back() == '}' ? "" : ","); break;
      default:
        if (!open.empty()) { v += open.back(); open.pop_back(); }
        break;
    }
  }
  v += "0";
  while (!open.empty()) { v += open.back(); open.pop_back(); }
  return v;
}

inline int JsonDepth(const uint8_t* data, size_t size) {
  const std::string v = DeepValue(data, size);
  auto g = ParseGraphJson("{\"nodes\": [{\"id\": 0, \"param_bytes\": " + v + "}]}", "fuzz.json");
  if (!g.ok()) ExpectOneLine(g.status());
  GraphBuilder b("one");
  Node n;
  n.id = "0";
  n.name = "n0";
  b.AddNode(n);
  const Graph one = b.Build().value();
  auto s = ParseScheduleJson("{\"assignment\": [{\"id\": 0, \"stage\": " + v + "}]}", "fuzz.schedule.json", one,
                             nullptr);
  if (!s.ok()) ExpectOneLine(s.status());
  return 0;
}

}  // namespace fuzz
}  // namespace respect
