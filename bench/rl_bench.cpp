// rl quality and speed: gap of the learned policy (greedy decode + optimal
// split) to the exact optimum on the Table I zoo models x {4,5,6} stages and
// on held-out synthetic graphs, plus decode times and how often the decoded
// order already equals the target order of the exact schedule.
//
//   rl_bench [--synthetic N] [--nodes 50] [--no-zoo] [--time-limit S]
//            [--weights PATH] [--out bench/results/rl.csv]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "core/rng.h"
#include "label/dataset.h"
#include "policy/policy.h"
#include "sched/exact.h"
#include "sched/split.h"
#include "synthetic/synthetic.h"
#include "zoo/zoo.h"

#include "bench_args.h"

using namespace respect;

namespace {

struct Row {
  std::string set, graph;
  int nodes = 0, stages = 0;
  double exact_obj = NAN, exact_s = 0, rl_obj = NAN, decode_ms = 0, gap = NAN;
  std::string exact_status;
  bool order_match = false, label_match = false;
};

}  // namespace

int main(int argc, char** argv) {
  int synthetic = 1000, nodes = 50;
  bool zoo = true;
  double limit = 600;
  std::string weights = "default", out = "bench/results/rl.csv";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&] { return bench::NextArg(argc, argv, &i); };
    if (a == "--synthetic") synthetic = std::atoi(next().c_str());
    else if (a == "--nodes") nodes = std::atoi(next().c_str());
    else if (a == "--no-zoo") zoo = false;
    else if (a == "--time-limit") limit = std::atof(next().c_str());
    else if (a == "--weights") weights = next();
    else if (a == "--out") out = next();
    else { std::fprintf(stderr, "rl_bench: unknown argument %s\n", a.c_str()); return 2; }
  }
  auto policy = PointerPolicy::Load(ResolveWeightsPath(weights));
  if (!policy.ok()) { std::fprintf(stderr, "rl_bench: %s\n", policy.status().message().c_str()); return 2; }
  ExactOptions eo;
  eo.time_limit_s = limit;
  ExactScheduler exact(eo);

  std::vector<Row> rows;
  // Rows are appended as they are measured, so an interrupted run keeps them.
  std::ofstream csv_out(out, std::ios::trunc);
  if (!csv_out) { std::fprintf(stderr, "rl_bench: cannot write %s\n", out.c_str()); return 2; }
  csv_out << "set,graph,nodes,stages,exact_status,exact_objective,exact_seconds,rl_objective,gap,decode_ms,"
             "order_match,label_match\n";
  auto run = [&](const std::string& set, std::shared_ptr<const Graph> g, int stages) {
    Problem p;
    p.graph = g;
    p.stages = stages;
    Row r;
    r.set = set;
    r.graph = g->name();
    r.nodes = g->size();
    r.stages = stages;
    auto t0 = std::chrono::steady_clock::now();
    auto order = (*policy)->Decode(*g);
    r.decode_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (!order.ok()) { std::fprintf(stderr, "decode failed: %s\n", order.status().message().c_str()); return; }
    auto split = OptimalSplit(p, *order);
    if (split.ok() && split->found) r.rl_obj = Evaluate(p, split->schedule).objective;
    auto ex = exact.Run(p);
    if (ex.ok()) {
      r.exact_status = ToString(ex->status);
      r.exact_s = ex->seconds;
      if (ex->status == SolveStatus::kOptimal || ex->status == SolveStatus::kFeasible) {
        r.exact_obj = ex->objective;
        const std::vector<int> target = TargetOrder(*g, ex->schedule.stage);
        r.order_match = *order == target;
        r.label_match = true;
        for (int i = 0; i < g->size(); ++i)
          r.label_match &= ex->schedule.stage[(*order)[i]] == ex->schedule.stage[target[i]];
      }
    }
    r.gap = (r.rl_obj - r.exact_obj) / r.exact_obj;
    std::fprintf(stderr, "%-10s %-22s n=%4d st=%d exact %.6g (%s, %.2fs) rl %.6g gap %.2f%% decode %.2f ms\n",
                 set.c_str(), r.graph.c_str(), r.nodes, stages, r.exact_obj, r.exact_status.c_str(), r.exact_s,
                 r.rl_obj, 100 * r.gap, r.decode_ms);
    char line[512];
    std::snprintf(line, sizeof(line), "%s,%s,%d,%d,%s,%.17g,%.4f,%.17g,%.6f,%.4f,%d,%d\n", r.set.c_str(),
                  r.graph.c_str(), r.nodes, r.stages, r.exact_status.c_str(), r.exact_obj, r.exact_s, r.rl_obj,
                  r.gap, r.decode_ms, r.order_match, r.label_match);
    csv_out << line << std::flush;
    rows.push_back(r);
  };
  if (zoo) {
    for (const std::string& m : bench::TableIModels()) {
      auto g = BuildZooModel(m);
      if (!g.ok()) return 1;
      auto gp = std::make_shared<const Graph>(std::move(g).value());
      for (int s : {4, 5, 6}) run("zoo", gp, s);
    }
  }
  // Held-out synthetic graphs: a seed stream disjoint from the training labels'.
  Rng rng(20261122);
  for (int i = 0; i < synthetic; ++i) {
    const int stages = static_cast<int>(rng.UniformInt(4, 6));
    const int degree = static_cast<int>(rng.UniformInt(2, 6));
    auto g = SampleSyntheticGraph({nodes, 10, 25, degree}, &rng, "synthetic50_" + std::to_string(i));
    if (!g.ok()) return 1;
    run("synthetic", std::make_shared<const Graph>(std::move(g).value()), stages);
  }
  // Summary.
  std::map<std::string, std::vector<const Row*>> by;
  for (const Row& r : rows) by[r.set + (r.set == "zoo" ? "/" + std::to_string(r.stages) : "")].push_back(&r);
  for (const auto& kv : by) {
    double gsum = 0, dsum = 0, dmax = 0;
    int n = 0, om = 0, lm = 0, opt = 0;
    for (const Row* r : kv.second) {
      if (std::isfinite(r->gap)) { gsum += r->gap; ++n; }
      dsum += r->decode_ms;
      dmax = std::max(dmax, r->decode_ms);
      om += r->order_match;
      lm += r->label_match;
      opt += r->exact_status == "optimal";
    }
    std::printf("%-12s instances %4zu  exact optimal %4d  rl mean gap %.2f%%  order match %.1f%%  label match %.1f%%  "
                "decode mean %.2f ms max %.2f ms\n",
                kv.first.c_str(), kv.second.size(), opt, n ? 100 * gsum / n : NAN, 100.0 * om / kv.second.size(),
                100.0 * lm / kv.second.size(), dsum / kv.second.size(), dmax);
  }
  std::printf("wrote %s\n", out.c_str());
  return 0;
}
