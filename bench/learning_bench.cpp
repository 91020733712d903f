// The learning benchmark (bench/results/learning.md): does the learned policy
// earn its place? On held-out synthetic sets (30 .. 1,000 nodes, layered and
// DNN-shaped, seeds disjoint from training) and on every zoo model x 4/5/6
// stages, each instance is scheduled by
//   heuristic, dp_topo, list                       (non-learned)
//   rl            greedy, shipped (or --weights) weights
//   rl_untrained  greedy, the same network with random weights (seed 1)
//   rl_sample     16 samples + greedy, trained weights
//   two_phase / two_phase_untrained   from the trained / untrained policy,
//                 equal time limit, policy start only (no dp_topo competitor)
//   exact         Cbc / lattice DP under a time limit (proven optimum or best known)
// One CSV row per (instance, method), appended as measured.
//
//   learning_bench --set zoo|n30|n50|n100|n300|n1000 [--weights PATH]
//                  [--count N] [--methods a,b,...] [--tag T] [--out CSV]
// --methods keeps a subset (the ablation runs dp_topo,rl); --tag replaces the
// set name in the CSV's first column.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "policy/policy.h"
#include "sched/exact.h"
#include "sched/heuristic.h"
#include "sched/list_schedule.h"
#include "sched/rl.h"
#include "synthetic/graph_set.h"
#include "twophase/two_phase.h"
#include "zoo/zoo.h"

#include "bench_args.h"

using namespace respect;

namespace {

struct SetPlan {
  std::vector<std::pair<std::shared_ptr<const Graph>, int>> instances;  // graph, stages
  std::vector<std::string> families;
  double exact_limit_s = 60, two_phase_limit_s = 10;
  CommModel comm = CommModel::kTensor;
};

// Held-out synthetic sets: seed 777 (training uses seed 1 and its holdout stream).
StatusOr<SetPlan> PlanSet(const std::string& set, int count) {
  SetPlan plan;
  if (set == "zoo") {
    for (const ZooEntry& e : ListZooModels()) {
      auto g = BuildZooModel(e.name);
      if (!g.ok()) return g.status();
      auto gp = std::make_shared<const Graph>(std::move(g).value());
      for (int s : {4, 5, 6}) {
        plan.instances.push_back({gp, s});
        plan.families.push_back("zoo");
      }
    }
    plan.exact_limit_s = 120;
    plan.two_phase_limit_s = 10;
    return plan;
  }
  if (set.size() < 2 || set[0] != 'n') return Status::Invalid("unknown set " + set);
  const int n = std::atoi(set.c_str() + 1);
  GraphSetSpec spec;
  spec.sizes = {n};
  spec.seed = 777;
  spec.prefix = "heldout";
  spec.stages_min = 4;
  spec.stages_max = n >= 300 ? 8 : 6;
  int per = 40;
  if (n >= 100) per = 16, plan.exact_limit_s = 30, plan.two_phase_limit_s = 10;
  if (n >= 300) per = 8, plan.exact_limit_s = 30, plan.two_phase_limit_s = 10;
  if (n >= 1000) {
    per = 4, plan.exact_limit_s = 60, plan.two_phase_limit_s = 30;
    spec.stages_min = spec.stages_max = 10;
  }
  if (n < 100) plan.exact_limit_s = 30, plan.two_phase_limit_s = 5;
  spec.per_size = count > 0 ? count : per;
  auto gs = SampleGraphSet(spec);
  if (!gs.ok()) return gs.status();
  for (const SetGraph& g : *gs) {
    plan.instances.push_back({g.graph, g.stages});
    plan.families.push_back(g.family);
  }
  return plan;
}

}  // namespace

int main(int argc, char** argv) {
  std::string set = "n30", weights = "default", out, tag;
  std::vector<std::string> only;
  int count = 0;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&] { return bench::NextArg(argc, argv, &i); };
    if (a == "--set") set = next();
    else if (a == "--weights") weights = next();
    else if (a == "--count") count = std::atoi(next().c_str());
    else if (a == "--out") out = next();
    else if (a == "--methods") only = bench::SplitList(next());
    else if (a == "--tag") tag = next();
    else { std::fprintf(stderr, "learning_bench: unknown argument %s\n", a.c_str()); return 2; }
  }
  if (out.empty()) out = "bench/results/learning_" + set + ".csv";
  auto loaded = PointerPolicy::Load(ResolveWeightsPath(weights));
  if (!loaded.ok()) { std::fprintf(stderr, "learning_bench: %s\n", loaded.status().message().c_str()); return 2; }
  std::shared_ptr<const PointerPolicy> trained(std::move(loaded).value());
  std::shared_ptr<const PointerPolicy> untrained(PointerPolicy::Random(trained->hparams(), 1));
  auto plan = PlanSet(set, count);
  if (!plan.ok()) { std::fprintf(stderr, "learning_bench: %s\n", plan.status().message().c_str()); return 2; }

  std::ofstream csv(out, std::ios::trunc);
  if (!csv) { std::fprintf(stderr, "learning_bench: cannot write %s\n", out.c_str()); return 2; }
  csv << "set,graph,family,nodes,stages,method,status,objective,bound,seconds,decode_ms,from_dp_topo\n";

  auto rl_opts = [](DecodeMode mode) {
    RlOptions o;
    o.decode.mode = mode;
    o.decode.samples = 16;
    return o;
  };
  auto two_phase = [&](std::shared_ptr<const PointerPolicy> p, double limit) {
    TwoPhaseOptions o;
    o.exact.time_limit_s = limit;
    o.strong_start = false;  // the policy's start alone: what the learning contributes
    return std::make_unique<TwoPhaseScheduler>(o, std::move(p));
  };
  const size_t total = plan->instances.size();
  const auto t_start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < total; ++i) {
    const auto& [graph, stages] = plan->instances[i];
    Problem problem;
    problem.graph = graph;
    problem.stages = stages;
    problem.objective.comm_model = plan->comm;
    ExactOptions eo;
    eo.time_limit_s = plan->exact_limit_s;
    std::vector<std::pair<std::string, std::unique_ptr<Scheduler>>> methods;
    methods.emplace_back("heuristic", std::make_unique<HeuristicScheduler>());
    methods.emplace_back("dp_topo", std::make_unique<DpTopoScheduler>());
    methods.emplace_back("list", std::make_unique<ListScheduler>());
    methods.emplace_back("rl", std::make_unique<RlScheduler>(rl_opts(DecodeMode::kGreedy), trained));
    methods.emplace_back("rl_untrained", std::make_unique<RlScheduler>(rl_opts(DecodeMode::kGreedy), untrained));
    methods.emplace_back("rl_sample", std::make_unique<RlScheduler>(rl_opts(DecodeMode::kSample), trained));
    methods.emplace_back("two_phase", two_phase(trained, plan->two_phase_limit_s));
    methods.emplace_back("two_phase_untrained", two_phase(untrained, plan->two_phase_limit_s));
    methods.emplace_back("exact", std::make_unique<ExactScheduler>(eo));
    if (!only.empty()) {
      std::vector<std::pair<std::string, std::unique_ptr<Scheduler>>> kept;
      for (auto& m : methods)
        if (std::find(only.begin(), only.end(), m.first) != only.end()) kept.push_back(std::move(m));
      methods = std::move(kept);
    }
    std::string line_summary;
    for (auto& [name, sched] : methods) {
      const auto t0 = std::chrono::steady_clock::now();
      auto r = sched->Run(problem);
      const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (!r.ok()) {
        std::fprintf(stderr, "learning_bench: %s on %s: %s\n", name.c_str(), graph->name().c_str(),
                     r.status().message().c_str());
        return 1;
      }
      const auto stats = r->stats.ToMap();
      auto stat = [&](const char* k) { return stats.count(k) ? stats.at(k) : NAN; };
      char row[512];
      std::snprintf(row, sizeof(row), "%s,%s,%s,%d,%d,%s,%s,%.17g,%.17g,%.4f,%.4f,%g\n", (tag.empty() ? set : tag).c_str(),
                    graph->name().c_str(), plan->families[i].c_str(), graph->size(), stages, name.c_str(),
                    ToString(r->status), r->objective, r->bound, wall, stat("decode_ms"),
                    stat("incumbent_from_dp_topo"));
      csv << row << std::flush;
      char part[64];
      std::snprintf(part, sizeof(part), " %s=%.4g", name.c_str(), r->objective);
      line_summary += part;
    }
    const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
    std::fprintf(stderr, "[%zu/%zu %.0fs, ETA %.0fs] %s n=%d st=%d%s\n", i + 1, total, el,
                 el / (i + 1) * (total - i - 1), graph->name().c_str(), graph->size(), stages, line_summary.c_str());
  }
  std::printf("wrote %s\n", out.c_str());
  return 0;
}
