// Policy inference benchmark: wall time of PointerPolicy::Decode (features +
// encoder + decoder, float) single-threaded on a ~782-node graph: the zoo's
// inception_resnet_v2 when the zoo is built in, else a random layered DAG of
// 782 nodes with max in-degree 4. Random weights (timing does not depend on
// the values).
//
// usage: policy_bench [--reps N] [--hidden H] [--mask ready|unvisited] [--random]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <time.h>

#include <Eigen/Core>

#include "policy/policy.h"
#include "policy/random_dag.h"
#if __has_include("zoo/zoo.h")
#include "zoo/zoo.h"
#define POLICY_BENCH_HAVE_ZOO 1
#endif

using namespace respect;

namespace {

double Ms(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

double ThreadCpuMs() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

struct Timing {
  double median = 0, min = 0;          // wall
  double cpu_median = 0, cpu_min = 0;  // this thread's CPU time (robust to a loaded machine)
};

Timing Measure(const PointerPolicy& policy, const Graph& g, const DecodeOptions& o, int reps) {
  std::vector<double> ms, cpu;
  for (int r = 0; r < reps; ++r) {
    const double c0 = ThreadCpuMs();
    const auto t0 = std::chrono::steady_clock::now();
    auto c = policy.DecodeCandidates(g, o);
    const auto t1 = std::chrono::steady_clock::now();
    cpu.push_back(ThreadCpuMs() - c0);
    if (!c.ok()) {
      std::fprintf(stderr, "decode failed: %s\n", c.status().message().c_str());
      std::exit(1);
    }
    ms.push_back(Ms(t1 - t0));
  }
  std::sort(ms.begin(), ms.end());
  std::sort(cpu.begin(), cpu.end());
  return {ms[ms.size() / 2], ms.front(), cpu[cpu.size() / 2], cpu.front()};
}

void Row(int H, const char* mask, const char* mode, const Timing& t) {
  std::printf("| %d | %s | %s | %.2f | %.2f | %.2f | %.2f |\n", H, mask, mode, t.median, t.min,
              t.cpu_median, t.cpu_min);
}

}  // namespace

int main(int argc, char** argv) {
  int reps = 21;
  int only_hidden = 0;
  bool force_random = false;
  std::string only_mask;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--reps") && i + 1 < argc) reps = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--hidden") && i + 1 < argc) only_hidden = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--random")) force_random = true;
    else if (!std::strcmp(argv[i], "--mask") && i + 1 < argc) only_mask = argv[++i];
  }
  Eigen::setNbThreads(1);

  std::string source;
  StatusOr<Graph> graph = Status::Invalid("none");
#ifdef POLICY_BENCH_HAVE_ZOO
  if (!force_random) {
    graph = BuildZooModel("inception_resnet_v2");
    source = "zoo:inception_resnet_v2";
  }
#endif
  if (!graph.ok()) {
    graph = RandomLayeredDag(782, 200, 4, 2024);
    source = "random layered DAG (782 nodes, 200 levels, max in-degree 4, seed 2024)";
  }
  if (!graph.ok()) {
    std::fprintf(stderr, "graph: %s\n", graph.status().message().c_str());
    return 1;
  }
  const Graph& g = *graph;
  std::printf("graph: %s: %d nodes, %d edges, depth %d, max in-degree %d\n", source.c_str(), g.size(),
              g.num_edges(), g.depth(), g.max_in_degree());
  std::printf("reps: %d (ms per decode, single thread, float; wall clock and thread CPU time)\n\n", reps);
  std::printf("| hidden | glimpse mask | mode | wall median | wall min | cpu median | cpu min |\n"
              "|---|---|---|---|---|---|---|\n");

  std::vector<int> hiddens = {32, 64, 128};
  if (only_hidden > 0) hiddens = {only_hidden};
  for (int H : hiddens) {
    for (GlimpseMask mask : {GlimpseMask::kUnvisited, GlimpseMask::kReady}) {
      PolicyHParams hp;
      hp.embed = H;
      hp.hidden = H;
      hp.glimpse_mask = mask;
      auto policy = PointerPolicy::Random(hp, 1);
      const char* mname = mask == GlimpseMask::kUnvisited ? "unvisited" : "ready";
      if (!only_mask.empty() && only_mask != mname) continue;
      DecodeOptions o;
      const Timing greedy = Measure(*policy, g, o, reps);
      Row(H, mname, "greedy", greedy);
      if (H == 64) {
        o.mode = DecodeMode::kBeam;
        o.beam_width = 4;
        const Timing beam = Measure(*policy, g, o, std::max(3, reps / 4));
        Row(H, mname, "beam 4", beam);
        o.mode = DecodeMode::kSample;
        o.samples = 16;
        const Timing samp = Measure(*policy, g, o, std::max(3, reps / 4));
        Row(H, mname, "16 samples", samp);
      }
      std::fflush(stdout);
    }
  }
  return 0;
}
