// Label-solve benchmark: the exact solves behind `respect-opt --task label`
// (synthetic |V| = 30 graphs, 4..6 stages, default label config), timed per
// solve for a chosen method, on 1..N threads, with every objective checked
// against a reference method.
//
// usage: label_rate_bench [--count N] [--method M] [--ref M|none]
//                         [--threads T] [--lp-dir DIR] [--first I] [--slow-ms MS]
//   M: exact (registry, as the label task runs it) | exact_main | exact_direct
//      | lattice | brute
//   --slow-ms: print the stats of every solve slower than MS
//   --lp-dir: also write each instance's ILP and graph as DIR/label_I.{lp,json}
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "formulations/schedule_ilp.h"
#include "io/graph_io.h"
#include "io/model_source.h"
#include "label/label_gen.h"
#include "sched/exact.h"
#include "sched/registry.h"
#include "solver/milp.h"

#include "bench_args.h"

using namespace respect;

namespace {

double CpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

StatusOr<ScheduleResult> SolveWith(const std::string& method, const Problem& p, const Config& cfg) {
  if (method == "exact") return ScheduleWithMethod(p, "exact", cfg);
  auto from = ExactOptionsFrom(cfg);
  if (!from.ok()) return from.status();
  ExactOptions o = *from;
  if (method == "exact_main") o.engine = ExactEngine::kCbcMain;
  else if (method == "exact_direct") o.engine = ExactEngine::kCbcDirect;
  else if (method == "lattice") o.engine = ExactEngine::kLattice;
  else return Status::Invalid("unknown method " + method);
  ExactScheduler s(o);
  return s.Run(p);
}

}  // namespace

int main(int argc, char** argv) {
  int count = 100, threads = 1, first = 0;
  double slow_ms = 0;
  std::string method = "exact", ref = "none", lp_dir;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&] { return bench::NextArg(argc, argv, &i); };
    if (a == "--count") count = std::atoi(next().c_str());
    else if (a == "--method") method = next();
    else if (a == "--ref") ref = next();
    else if (a == "--threads") threads = std::atoi(next().c_str());
    else if (a == "--lp-dir") lp_dir = next();
    else if (a == "--first") first = std::atoi(next().c_str());
    else if (a == "--slow-ms") slow_ms = std::atof(next().c_str());
    else {
      std::fprintf(stderr, "unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  Config cfg;
  cfg.solver.threads = 1;
  std::vector<LabelRecord> inst;
  std::vector<Problem> probs;
  for (int i = first; i < first + count; ++i) {
    auto r = SampleLabelInstance(cfg, static_cast<uint32_t>(i));
    if (!r.ok()) {
      std::fprintf(stderr, "%s\n", r.status().message().c_str());
      return 1;
    }
    inst.push_back(*r);
    probs.push_back(MakeProblem(r->graph, r->stages, cfg));
    if (!lp_dir.empty()) {
      (void)WriteTextFile(lp_dir + "/label_" + std::to_string(i) + ".json", GraphToJson(*r->graph));
      auto ilp = BuildScheduleIlp(probs.back());
      if (ilp.ok() && ilp->infeasible.empty()) (void)WriteModelFile(ilp->milp, lp_dir + "/label_" + std::to_string(i) + ".lp");
    }
  }
  std::vector<double> obj(count, NAN), secs(count, NAN);
  std::vector<int> status(count, -1);
  std::atomic<int> next_i{0};
  std::atomic<int> errors{0};
  const double c0 = CpuSeconds();
  const auto t0 = std::chrono::steady_clock::now();
  auto work = [&]() {
    for (;;) {
      const int k = next_i.fetch_add(1);
      if (k >= count) break;
      const auto ts = std::chrono::steady_clock::now();
      auto r = SolveWith(method, probs[k], cfg);
      secs[k] = std::chrono::duration<double>(std::chrono::steady_clock::now() - ts).count();
      if (!r.ok()) {
        std::fprintf(stderr, "label %d: %s\n", first + k, r.status().message().c_str());
        ++errors;
        continue;
      }
      obj[k] = r->objective;
      if (slow_ms > 0 && 1e3 * secs[k] > slow_ms) {
        std::string st;
        for (const auto& kv : r->stats.ToMap()) st += " " + kv.first + "=" + std::to_string(kv.second);
        std::printf("slow label %d: %.1f ms, stages %d, degree %d:%s\n", first + k, 1e3 * secs[k], inst[k].stages,
                    inst[k].max_in_degree, st.c_str());
      }
      status[k] = static_cast<int>(r->status);
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(work);
  for (auto& t : pool) t.join();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = CpuSeconds() - c0;
  int not_opt = 0;
  for (int k = 0; k < count; ++k)
    if (status[k] != static_cast<int>(SolveStatus::kOptimal)) ++not_opt;
  std::vector<double> sorted = secs;
  std::sort(sorted.begin(), sorted.end());
  std::printf("method %s threads %d: %d solves in %.3f s wall, %.3f s cpu -> %.1f solves/s, %.2f ms cpu/solve; "
              "per-solve wall median %.2f ms, p90 %.2f ms, max %.2f ms; not optimal %d, errors %d\n",
              method.c_str(), threads, count, wall, cpu, count / wall, 1e3 * cpu / count,
              1e3 * sorted[count / 2], 1e3 * sorted[std::min(count - 1, count * 9 / 10)], 1e3 * sorted.back(),
              not_opt, errors.load());
  int mismatches = 0;
  if (ref != "none") {
    for (int k = 0; k < count; ++k) {
      auto r = SolveWith(ref, probs[k], cfg);
      if (!r.ok()) {
        std::fprintf(stderr, "ref label %d: %s\n", first + k, r.status().message().c_str());
        ++mismatches;
        continue;
      }
      if (std::fabs(r->objective - obj[k]) > 1e-9 * std::max(1.0, std::fabs(obj[k]))) {
        std::printf("MISMATCH label %d (stages %d): %s %.17g vs %s %.17g\n", first + k, inst[k].stages,
                    method.c_str(), obj[k], ref.c_str(), r->objective);
        ++mismatches;
      }
    }
    std::printf("reference %s: %d mismatches in %d\n", ref.c_str(), mismatches, count);
  }
  return errors.load() || mismatches ? 1 : 0;
}
