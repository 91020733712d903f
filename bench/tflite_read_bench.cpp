// Times reading a ~30 MB .tflite (read + verify + describe + graph) and
// segmenting it; goal: read <= 100 ms. Uses a generated model with big
// constant buffers (an int8 fully-connected chain), plus the real SSD
// MobileNet V2 when fetched. Results go to bench/results/tflite_read.md.
//
//   tflite_read_bench [--mb 30] [--reps 15] [--model extra.tflite]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "deploy/segmenter.h"
#include "tflite/model_cache.h"
#include "tflite/tflite_fixtures.h"
#include "tflite/tflite_model.h"
#include "tflite/tflite_reader.h"

using namespace respect;

namespace {

double MedianMs(int reps, const std::function<void()>& fn) {
  std::vector<double> t;
  fn();  // warm-up (page cache, allocator)
  for (int i = 0; i < reps; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    fn();
    t.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

std::string CpuName() {
  std::ifstream f("/proc/cpuinfo");
  for (std::string line; std::getline(f, line);)
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown CPU";
}

void BenchFile(const std::string& path, int reps, const char* label) {
  auto probe = ReadTfliteFile(path);
  if (!probe.ok()) {
    std::cerr << probe.status().message() << "\n";
    std::exit(1);
  }
  const double mb = static_cast<double>(probe->file_bytes) / (1 << 20);
  const double read = MedianMs(reps, [&] { auto b = ReadFileBytes(path); });
  const double load = MedianMs(reps, [&] { auto m = TfliteModel::Load(path); });
  auto model = TfliteModel::Load(path);
  const double describe = MedianMs(reps, [&] { auto i = DescribeTflite(*model); });
  const TfliteModelInfo info = DescribeTflite(*model);
  const double graph = MedianMs(reps, [&] { auto g = TfliteToGraph(info); });
  const double total = MedianMs(reps, [&] {
    auto i = ReadTfliteFile(path);
    auto g = TfliteToGraph(*i);
  });
  const int ops = static_cast<int>(info.operators.size());
  std::vector<int> stage(ops);
  for (int i = 0; i < ops; ++i) stage[i] = i * 4 / ops;
  const double segment = MedianMs(std::max(3, reps / 3), [&] { auto s = SegmentModel(*model, stage, 4); });
  std::printf("| %s | %.1f MB | %d | %.1f | %.1f | %.2f | %.2f | **%.1f** | %.1f |\n", label, mb, ops, read,
              load - read, describe, graph, total, segment);
}

}  // namespace

int main(int argc, char** argv) {
  double target_mb = 30;
  int reps = 15;
  std::string extra;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--mb")) target_mb = std::atof(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--reps")) reps = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--model")) extra = argv[i + 1];
  }
  const std::string gen = (std::filesystem::temp_directory_path() / "respect_bench_large_fc.tflite").string();
  {
    const auto bytes = BuildLargeFcModel(static_cast<int64_t>(target_mb * (1 << 20)), 32);
    std::ofstream f(gen, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
  std::printf("machine: %s, %u hardware threads; compiler %s; median of %d runs (warm page cache)\n\n",
              CpuName().c_str(), std::thread::hardware_concurrency(), __VERSION__, reps);
  std::printf("| model | size | ops | file read ms | verify+checks ms | describe ms | graph ms | read total ms | "
              "segment x4 ms |\n|---|---|---|---|---|---|---|---|---|\n");
  BenchFile(gen, reps, "generated int8 FC chain (32 layers)");
  const std::string ssd = FindCachedModel(kSsdMobilenetV2Quant, {"build-tflite/models", "build/models"});
  if (!ssd.empty()) BenchFile(ssd, reps, "SSD MobileNet V2 COCO quant");
  if (!extra.empty()) BenchFile(extra, reps, extra.c_str());
  std::filesystem::remove(gen);
  return 0;
}
