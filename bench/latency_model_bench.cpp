// The latency model against the RESPECT paper's hardware measurements
// (bench/results/latency_model.md): predicted pipeline-period ratios of the
// vendor-style heuristic over exact on the Table I models at 4/5/6 stages,
// under the current edgetpu.* defaults and the model variants the page
// describes, beside the paper's measured ratios.
//
//   latency_model_bench --write-calibration DIR
//       writes DIR/coral_usb_benchmarks.csv (Coral's published single-TPU
//       USB times, one whole model per row) and the graph JSON files it
//       names (zoo graphs with the benchmarked input size and classifier
//       head), for `respect-opt --task calibrate`.
//   latency_model_bench [--calibrated FILE.yaml] [--time-limit S]
//       prints the ratio tables; FILE.yaml is calibrate's output, whose
//       edgetpu.* keys form the last variant.
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "bench_args.h"
#include "config/config.h"
#include "cost/evaluate.h"
#include "io/graph_io.h"
#include "io/model_source.h"
#include "sched/registry.h"

using namespace respect;

namespace {

constexpr double kMiB = 1024.0 * 1024.0;

// --- Coral's published single-TPU benchmarks (coral.ai/docs/edgetpu/benchmarks,
// table 1, "Desktop CPU + USB Accelerator (USB 3.0) with Edge TPU", ms per
// inference), for the models the zoo has.
enum class Head { kNone, kDense, kVgg };
struct PublicRow {
  const char* zoo;       // the zoo model
  const char* file;      // graph file stem
  double area;           // MACs factor for the benchmarked input size ((299/224)^2 for 299x299)
  Head head;             // the benchmarked model has include_top=True
  int channels;          // of the last feature map (the dense head's input)
  double measured_ms;
};

const std::vector<PublicRow>& PublicRows() {
  const double k299 = (299.0 / 224.0) * (299.0 / 224.0);
  static const std::vector<PublicRow> rows = {
      {"mobilenet", "mobilenet_v1_224_top", 1.0, Head::kDense, 1024, 2.4},
      {"mobilenetv2", "mobilenet_v2_224_top", 1.0, Head::kDense, 1280, 2.6},
      {"resnet50", "resnet50_v1_299_top", k299, Head::kDense, 2048, 49},
      {"resnet50v2", "resnet50_v2_299_top", k299, Head::kDense, 2048, 50},
      {"resnet152v2", "resnet152_v2_299_top", k299, Head::kDense, 2048, 128},
      {"inception_resnet_v2", "inception_resnet_v2_299_top", 1.0, Head::kDense, 1536, 57},
      {"vgg16", "vgg16_224_top", 1.0, Head::kVgg, 512, 296},
      {"vgg19", "vgg19_224_top", 1.0, Head::kVgg, 512, 308},
  };
  return rows;
}

Node HeadNode(const std::string& name, const std::string& op, int64_t in, int64_t out) {
  Node nd;
  nd.id = nd.name = name;
  nd.op = op;
  nd.param_bytes = 4 * (in * out + out);  // fp32, as the zoo counts (weights and bias)
  nd.output_bytes = 4 * out;
  nd.macs = in * out;
  return nd;
}

// The zoo graph with every node's MACs times `area` and, before the sink,
// Keras's classifier head: global average pooling and a 1000-way dense layer
// (VGG: flatten, fc1, fc2, predictions).
StatusOr<Graph> BenchmarkGraph(const PublicRow& r) {
  auto zoo = bench::ZooGraph(r.zoo);
  if (!zoo) return Status::Invalid(std::string("no zoo model ") + r.zoo);
  const Graph& g = *zoo;
  GraphBuilder b(r.file);
  const int sink = g.size() - 1;
  for (int v = 0; v < sink; ++v) {
    Node nd = g.node(v);
    nd.macs = static_cast<int64_t>(std::llround(static_cast<double>(nd.macs) * r.area));
    b.AddNode(nd);
  }
  for (const Edge& e : g.edges())
    if (e.dst != sink) b.AddEdgeIdx(e.src, e.dst);
  const int last = g.parents(sink).front();
  const int64_t elements = g.node(last).output_bytes / 4;  // the last feature map
  std::vector<Node> head;
  if (r.head == Head::kVgg) {
    head = {HeadNode("fc1", "Dense", elements, 4096), HeadNode("fc2", "Dense", 4096, 4096),
            HeadNode("predictions", "Dense", 4096, 1000)};
  } else {
    Node pool = HeadNode("avg_pool", "GlobalAveragePooling2D", 0, r.channels);
    pool.param_bytes = 0;
    pool.macs = static_cast<int64_t>(std::llround(static_cast<double>(elements) * r.area));
    head = {pool, HeadNode("predictions", "Dense", r.channels, 1000)};
  }
  int prev = last;
  for (const Node& nd : head) {
    const int v = b.AddNode(nd);
    b.AddEdgeIdx(prev, v);
    prev = v;
  }
  const int s = b.AddNode(g.node(sink));
  b.AddEdgeIdx(prev, s);
  return b.Build();
}

Status WriteCalibration(const std::string& dir) {
  RESPECT_RETURN_IF_ERROR(MakeDirs(dir));
  std::string csv =
      "# Coral USB Accelerator (USB 3.0), one Edge TPU, whole model: coral.ai/docs/edgetpu/benchmarks table 1\n"
      "model,stages,stage,measured_ms\n";
  for (const PublicRow& r : PublicRows()) {
    auto g = BenchmarkGraph(r);
    if (!g.ok()) return g.status();
    const std::string path = dir + "/" + r.file + ".json";
    RESPECT_RETURN_IF_ERROR(WriteTextFile(path, GraphToJson(*g)));
    char ms[32];
    std::snprintf(ms, sizeof(ms), "%g", r.measured_ms);
    csv += path + ",1,0," + ms + "\n";
  }
  return WriteTextFile(dir + "/coral_usb_benchmarks.csv", csv);
}

// --- the ratios

struct Variant {
  std::string name;
  EdgeTpuParams tp;
};

// The same model with the device holding `scale` bytes per graph byte (0.25:
// a graph sized in fp32, as the zoo is, run as int8): every byte term of
// StageTimeS divides by 1/scale, so the threshold and the rates in graph
// bytes grow by it.
EdgeTpuParams DeviceBytes(EdgeTpuParams tp, double scale) {
  tp.sram_bytes = static_cast<int64_t>(std::llround(static_cast<double>(tp.sram_bytes) / scale));
  tp.offchip_bytes_per_s /= scale;
  tp.link_bytes_per_s /= scale;
  return tp;
}

struct Periods {
  double heuristic = 0, exact_mc = 0, exact_lat = 0;   // seconds
  Evaluation heuristic_eval, exact_mc_eval;
};

struct Schedules {
  Schedule heuristic, exact_mc;
};

Config BenchConfig(double limit_s) {
  Config c;
  c.solver.time_limit_s = limit_s;
  c.solver.progress = false;
  return c;
}

// The heuristic and exact (memory_comm, the paper's objective) schedules.
StatusOr<Schedules> Schedule2(const std::shared_ptr<const Graph>& g, int stages, double limit_s) {
  const Config c = BenchConfig(limit_s);
  const Problem p = MakeProblem(g, stages, c);
  auto h = ScheduleWithMethod(p, "heuristic", c);
  if (!h.ok()) return h.status();
  auto e = ScheduleWithMethod(p, "exact", c);
  if (!e.ok()) return e.status();
  return Schedules{h->schedule, e->schedule};
}

StatusOr<Periods> PeriodsUnder(const std::shared_ptr<const Graph>& g, int stages, const Schedules& s,
                               const EdgeTpuParams& tp, double limit_s) {
  Config c = BenchConfig(limit_s);
  c.objective.kind = ObjectiveKind::kLatency;
  c.edgetpu = tp;
  const Problem p = MakeProblem(g, stages, c);
  Periods out;
  out.heuristic_eval = Evaluate(p, s.heuristic);
  out.exact_mc_eval = Evaluate(p, s.exact_mc);
  out.heuristic = out.heuristic_eval.objective;
  out.exact_mc = out.exact_mc_eval.objective;
  auto lat = ScheduleWithMethod(p, "exact", c);
  if (!lat.ok()) return lat.status();
  out.exact_lat = lat->objective;
  return out;
}

}  // namespace

namespace {

struct Case {
  std::string model;
  int stages;
  Periods periods;
  Schedules schedules;
};

// The paper's measured speed-ups (Fig. 4 text): the six cases.
struct Measured {
  const char* what;
  const char* model;  // "" = the mean over the ten models
  int stages;
  double ratio;
};
const std::vector<Measured>& PaperCases() {
  static const std::vector<Measured> cases = {
      {"mean, 4 stages", "", 4, 1.06},          {"mean, 5 stages", "", 5, 1.08},
      {"mean, 6 stages", "", 6, 1.65},          {"resnet152, 4 stages", "resnet152", 4, 1.03},
      {"resnet152, 6 stages", "resnet152", 6, 2.28}, {"resnet101v2, 6 stages", "resnet101v2", 6, 2.5},
  };
  return cases;
}

// The predicted ratio of one paper case: heuristic over exact (memory_comm
// schedule, or the variant's own latency optimum), a mean over the models
// for the mean cases.
double Predicted(const std::vector<Case>& cases, const Measured& m, bool latency_optimum) {
  double sum = 0;
  int n = 0;
  for (const Case& c : cases) {
    if (c.stages != m.stages || (*m.model && c.model != m.model)) continue;
    sum += c.periods.heuristic / (latency_optimum ? c.periods.exact_lat : c.periods.exact_mc);
    ++n;
  }
  return n ? sum / n : std::nan("");
}

void PrintCases(const Variant& v, const std::vector<Case>& cases) {
  std::printf("\n### %s\n\nsram_bytes %lld (graph bytes), segment_overhead_s %g, macs_per_s %g, offchip_bytes_per_s %g, "
              "link_bytes_per_s %g\n\n",
              v.name.c_str(), static_cast<long long>(v.tp.sram_bytes), v.tp.segment_overhead_s, v.tp.macs_per_s,
              v.tp.offchip_bytes_per_s, v.tp.link_bytes_per_s);
  std::printf("| model | stages | heuristic ms | exact (memory_comm) ms | ratio | exact (latency) ms | ratio |\n");
  std::printf("|---|---|---|---|---|---|---|\n");
  for (const Case& c : cases)
    std::printf("| %s | %d | %.3f | %.3f | %.3f | %.3f | %.3f |\n", c.model.c_str(), c.stages, c.periods.heuristic * 1e3,
                c.periods.exact_mc * 1e3, c.periods.heuristic / c.periods.exact_mc, c.periods.exact_lat * 1e3,
                c.periods.heuristic / c.periods.exact_lat);
  std::printf("\n| paper case | measured | predicted (vs exact memory_comm) | within 25%% | predicted (vs exact latency) "
              "| within 25%% |\n|---|---|---|---|---|---|\n");
  for (const Measured& m : PaperCases()) {
    const double a = Predicted(cases, m, false), b = Predicted(cases, m, true);
    std::printf("| %s | %.2f | %.3f | %s | %.3f | %s |\n", m.what, m.ratio, a, std::fabs(a / m.ratio - 1) <= 0.25 ? "yes" : "no",
                b, std::fabs(b / m.ratio - 1) <= 0.25 ? "yes" : "no");
  }
}

// What the compiler's slowest segment must have held for the measured ratio
// under variant v: the exact schedule's period times the ratio, paid by a
// segment with the exact schedule's mean compute and crossing and more
// parameters, streamed at offchip_bytes_per_s.
void PrintImplied(const Variant& v, const std::vector<Case>& cases, double device_scale) {
  std::printf("\n### What the measured ratios imply under \"%s\"\n\n", v.name.c_str());
  std::printf("| case | measured | exact period ms | needed period ms | slowest compiler segment, device MiB "
              "| mean segment MiB | over the mean | parameter-equal split's largest over the mean |\n"
              "|---|---|---|---|---|---|---|---|\n");
  for (const Measured& m : PaperCases()) {
    if (!*m.model) continue;
    for (const Case& c : cases) {
      if (c.model != m.model || c.stages != m.stages) continue;
      const Evaluation& e = c.periods.exact_mc_eval;
      double macs = 0, cross = 0, params = 0;
      for (int k = 0; k < c.stages; ++k) {
        macs += static_cast<double>(e.stage_macs[k]) / c.stages;
        params += static_cast<double>(e.stage_param_bytes[k]) / c.stages;
      }
      for (int64_t x : e.crossing_bytes) cross += 2.0 * static_cast<double>(x) / c.stages;
      const double needed = m.ratio * c.periods.exact_mc;
      const double rest = needed - v.tp.segment_overhead_s - macs / v.tp.macs_per_s - cross / v.tp.link_bytes_per_s;
      const double p = static_cast<double>(v.tp.sram_bytes) + rest * v.tp.offchip_bytes_per_s;
      const double hmax = static_cast<double>(c.periods.heuristic_eval.max_stage_param_bytes);
      std::printf("| %s | %.2f | %.3f | %.3f | %.2f | %.2f | %+.0f%% | %+.1f%% |\n", m.what, m.ratio,
                  c.periods.exact_mc * 1e3, needed * 1e3, p * device_scale / kMiB, params * device_scale / kMiB,
                  (p / params - 1) * 100, (hmax / params - 1) * 100);
    }
  }
}

int RunRatios(const std::string& calibrated, double limit_s) {
  // The parameter cache edgetpu_compiler reports as available is below the
  // 8 MiB SRAM (activations and instructions share it): 7.62 to 7.84 MiB in
  // public compiler logs of ImageNet-size models.
  EdgeTpuParams cache_762, cache_784;
  cache_762.sram_bytes = static_cast<int64_t>(7.62 * kMiB);
  cache_784.sram_bytes = static_cast<int64_t>(7.84 * kMiB);
  std::vector<Variant> variants = {{"current defaults (fp32 graph bytes on the device)", EdgeTpuParams()},
                                   {"int8 on the device (graph bytes x 0.25)", DeviceBytes(EdgeTpuParams(), 0.25)},
                                   {"int8, 7.84 MiB parameter cache", DeviceBytes(cache_784, 0.25)},
                                   {"int8, 7.62 MiB parameter cache", DeviceBytes(cache_762, 0.25)}};
  if (!calibrated.empty()) {
    auto c = LoadConfigFile(calibrated);
    if (!c.ok()) {
      std::fprintf(stderr, "%s\n", c.status().message().c_str());
      return 2;
    }
    variants.push_back({"int8, calibrated on Coral's single-TPU benchmarks (" + calibrated + ")", c->edgetpu});
  }
  std::map<std::string, std::vector<Case>> by_variant;
  for (const std::string& name : bench::TableIModels()) {
    auto g = bench::ZooGraph(name);
    if (!g) return 2;
    for (int stages : {4, 5, 6}) {
      auto s = Schedule2(g, stages, limit_s);
      if (!s.ok()) { std::fprintf(stderr, "%s\n", s.status().message().c_str()); return 1; }
      for (const Variant& v : variants) {
        auto per = PeriodsUnder(g, stages, *s, v.tp, limit_s);
        if (!per.ok()) { std::fprintf(stderr, "%s\n", per.status().message().c_str()); return 1; }
        by_variant[v.name].push_back({name, stages, *per, *s});
      }
    }
  }
  for (const Variant& v : variants) PrintCases(v, by_variant[v.name]);
  for (size_t i : {size_t{1}, variants.size() - 1}) PrintImplied(variants[i], by_variant[variants[i].name], 0.25);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string calibrated, write_dir;
  double limit_s = 30;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--calibrated") calibrated = bench::NextArg(argc, argv, &i);
    else if (a == "--write-calibration") write_dir = bench::NextArg(argc, argv, &i);
    else if (a == "--time-limit") limit_s = std::atof(bench::NextArg(argc, argv, &i).c_str());
    else {
      std::fprintf(stderr, "usage: latency_model_bench [--write-calibration DIR] [--calibrated FILE.yaml] [--time-limit S]\n");
      return 2;
    }
  }
  if (!write_dir.empty()) {
    const Status s = WriteCalibration(write_dir);
    if (!s.ok()) std::fprintf(stderr, "%s\n", s.message().c_str());
    return s.ok() ? 0 : 2;
  }
  return RunRatios(calibrated, limit_s);
}
