// Two-phase vs exact on zoo models, one instance at a time, with the coarse
// schedule from a chosen source, so the windowed solve can be studied without
// the shipped policy weights.
//
// usage: two_phase_bench [--models a,b] [--stages 4,5,6] [--methods m1,m2]
//                        [--coarse policy|random|dp_topo|list|heuristic]
//                        [--weights PATH] [--time-limit S] [--window W]
//                        [--max-widen R] [--out FILE.csv] [--verbose]
//                        [--cuts probing,gomory,knapsack,mir,flow,clique,twomir]
//                        [--root-passes N] [--tree-passes N] [--strong N]
//                        [--trust N] [--no-heuristics]   (direct Cbc driver)
//                        [--tp-engine auto|main|direct|lattice]  (two_phase's windowed solves)
//   methods: exact (auto engine), exact_main, exact_direct, exact_lattice, two_phase
//   coarse:  policy = the weights file (--weights, default the shipped one);
//            random = PointerPolicy::Random (seed 1); the others = that
//            baseline's schedule.
// Prints one line per (model, stages, method) and appends CSV rows.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "io/graph_io.h"
#include "policy/policy.h"
#include "sched/exact.h"
#include "sched/heuristic.h"
#include "sched/list_schedule.h"
#include "sched/rl.h"
#include "twophase/two_phase.h"
#include "zoo/zoo.h"

#include "bench_args.h"

using namespace respect;

namespace {

std::string Stat(const ScheduleResult& r, const char* k) {
  const auto stats = r.stats.ToMap();
  auto it = stats.find(k);
  if (it == stats.end()) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", it->second);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> models = {"resnet50"};
  std::vector<int> stages = {4};
  std::vector<std::string> methods = {"exact", "two_phase"};
  std::string coarse = "dp_topo", weights = "default", out_path;
  double time_limit = 600;
  int window = 1, max_widen = 3;
  bool verbose = false;
  CbcDirectSettings direct;
  ExactEngine tp_engine = ExactEngine::kAuto;
  std::string tp_engine_name = "auto";
  std::string dump_dir;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&] { return bench::NextArg(argc, argv, &i); };
    if (a == "--models") models = bench::SplitList(next());
    else if (a == "--stages") {
      stages.clear();
      for (const auto& s : bench::SplitList(next())) stages.push_back(std::atoi(s.c_str()));
    } else if (a == "--methods") methods = bench::SplitList(next());
    else if (a == "--coarse") coarse = next();
    else if (a == "--weights") weights = next();
    else if (a == "--time-limit") time_limit = std::atof(next().c_str());
    else if (a == "--window") window = std::atoi(next().c_str());
    else if (a == "--max-widen") max_widen = std::atoi(next().c_str());
    else if (a == "--out") out_path = next();
    else if (a == "--verbose") verbose = true;
    else if (a == "--root-passes") direct.root_cut_passes = std::atoi(next().c_str());
    else if (a == "--tree-passes") direct.tree_cut_passes = std::atoi(next().c_str());
    else if (a == "--strong") direct.strong_branching = std::atoi(next().c_str());
    else if (a == "--trust") direct.before_trust = std::atoi(next().c_str());
    else if (a == "--no-heuristics") direct.heuristics = false;
    else if (a == "--dump-json") dump_dir = next();
    else if (a == "--tp-engine") {
      const std::string e = next();
      tp_engine_name = e;
      tp_engine = e == "main" ? ExactEngine::kCbcMain : e == "direct" ? ExactEngine::kCbcDirect
                : e == "lattice" ? ExactEngine::kLattice : ExactEngine::kAuto;
    }
    else if (a == "--cuts") {
      const std::string c = "," + next() + ",";
      auto has = [&c](const char* k) { return c.find(std::string(",") + k + ",") != std::string::npos; };
      direct.probing = has("probing");
      direct.gomory = has("gomory");
      direct.knapsack = has("knapsack");
      direct.mir = has("mir");
      direct.flow = has("flow");
      direct.clique = has("clique");
      direct.twomir = has("twomir");
    }
    else {
      std::fprintf(stderr, "unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  std::shared_ptr<const PointerPolicy> policy;
  if (coarse == "policy") {
    auto p = PointerPolicy::Load(ResolveWeightsPath(weights));
    if (!p.ok()) {
      std::fprintf(stderr, "weights: %s\n", p.status().message().c_str());
      return 1;
    }
    policy = std::move(*p);
  } else if (coarse == "random") {
    policy = PointerPolicy::Random(PolicyHParams{}, 1);
  }
  FILE* out = out_path.empty() ? nullptr : std::fopen(out_path.c_str(), "a");
  for (const std::string& name : models) {
    const std::shared_ptr<const Graph> g = bench::ZooGraph(name);
    if (!g) continue;
    if (!dump_dir.empty()) (void)WriteTextFile(dump_dir + "/" + name + ".json", GraphToJson(*g));
    for (int s : stages) {
      Problem p;
      p.graph = g;
      p.stages = s;
      // The coarse schedule.
      Schedule cs;
      double coarse_obj = NAN, coarse_sec = 0;
      {
        const auto t0 = std::chrono::steady_clock::now();
        StatusOr<ScheduleResult> c = Status::Invalid("no coarse");
        if (policy) {
          RlScheduler rl(RlOptions{}, policy);
          c = rl.Run(p);
        } else if (coarse == "dp_topo") {
          c = DpTopoScheduler().Run(p);
        } else if (coarse == "list") {
          c = ListScheduler().Run(p);
        } else if (coarse == "heuristic") {
          c = HeuristicScheduler().Run(p);
        }
        coarse_sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (!c.ok() || (c->status != SolveStatus::kFeasible && c->status != SolveStatus::kOptimal)) {
          std::fprintf(stderr, "%s/%d: no coarse schedule (%s)\n", name.c_str(), s,
                       c.ok() ? c->message.c_str() : c.status().message().c_str());
          continue;
        }
        cs = c->schedule;
        coarse_obj = c->objective;
      }
      for (const std::string& m : methods) {
        StatusOr<ScheduleResult> r = Status::Invalid("unknown method " + m);
        ExactOptions eo;
        eo.time_limit_s = time_limit;
        eo.verbose = verbose;
        eo.cbc_direct = direct;
        const auto t0 = std::chrono::steady_clock::now();
        if (m == "exact" || m == "exact_main" || m == "exact_direct" || m == "exact_lattice") {
          if (m == "exact_main") eo.engine = ExactEngine::kCbcMain;
          if (m == "exact_direct") eo.engine = ExactEngine::kCbcDirect;
          if (m == "exact_lattice") eo.engine = ExactEngine::kLattice;
          ExactScheduler ex(eo);
          r = ex.Run(p);
        } else if (m == "two_phase") {
          TwoPhaseOptions to;
          to.exact = eo;
          to.window_engine = tp_engine;
          to.window = window;
          to.max_widen = max_widen;
          TwoPhaseScheduler tp(to, policy ? policy : std::shared_ptr<const PointerPolicy>(PointerPolicy::Random(PolicyHParams{}, 1)));
          r = tp.RunFrom(p, cs);
        }
        const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const std::string label = m == "two_phase" && tp_engine != ExactEngine::kAuto ? m + "_" + tp_engine_name : m;
        if (!r.ok()) {
          std::printf("%-20s S=%d %-12s error %s\n", name.c_str(), s, label.c_str(), r.status().message().c_str());
          continue;
        }
        std::string st;
        for (const auto& kv : r->stats.ToMap()) {
          char buf[96];
          std::snprintf(buf, sizeof buf, " %s=%.4g", kv.first.c_str(), kv.second);
          st += buf;
        }
        std::printf("%-20s S=%d %-12s %-9s obj %.0f (coarse %.0f, %.3fs) %.3fs%s %s\n", name.c_str(), s, label.c_str(),
                    ToString(r->status), r->objective, coarse_obj, coarse_sec, sec, st.c_str(), r->message.c_str());
        std::fflush(stdout);
        if (out) {
          std::fprintf(out, "%s,%d,%s,%s,%s,%.17g,%.17g,%.6f,%.6f,%s,%s,%s\n", name.c_str(), s, coarse.c_str(),
                       label.c_str(), ToString(r->status), r->objective, coarse_obj, sec, coarse_sec,
                       Stat(*r, "ilp_seconds").c_str(), Stat(*r, "widen_rounds").c_str(), Stat(*r, "vars_kept").c_str());
          std::fflush(out);
        }
      }
    }
  }
  if (out) std::fclose(out);
  return 0;
}
