#include <cstdio>
#include <iostream>

#include "app/tasks.h"
#include "core/parallel.h"
#include "io/graph_io.h"
#include "label/label_gen.h"
#include "sched/registry.h"

namespace respect {

StatusOr<LabelRunStats> LabelJob(const Config& config, const TaskOutput& io) {
  Config solve_config = config;
  solve_config.solver.threads = 1;  // parallelism comes from the label workers
  solve_config.solver.write_lp.clear();
  solve_config.solver.write_mip_start.clear();
  solve_config.solver.progress = false;  // solves run in parallel; the label bar shows progress
  const size_t slash = config.label.dataset.find_last_of('/');
  if (slash != std::string::npos && slash > 0) RESPECT_RETURN_IF_ERROR(MakeDirs(config.label.dataset.substr(0, slash)));
  LabelSolver solve = [&solve_config](const Problem& p) { return ScheduleWithMethod(p, Method::kExact, solve_config); };
  auto stats = GenerateLabels(config, solve, io.progress);
  if (!stats.ok()) return stats.status();
  if (!dist::IsRoot()) return stats;  // rank 0 speaks for the job
  char line[512];
  std::snprintf(line, sizeof(line),
                "%lld labels (%lld existing, %lld written now, %lld not proven optimal), %.1f labels/s over %.1f s",
                static_cast<long long>(stats->existing + stats->written), static_cast<long long>(stats->existing),
                static_cast<long long>(stats->written), static_cast<long long>(stats->not_optimal),
                stats->labels_per_s, stats->seconds);
  io.out << "label dataset " << config.label.dataset << ": " << line
         << (dist::Size() > 1 ? " on " + std::to_string(dist::Size()) + " ranks" : "") << "\n"
         << std::flush;
  return stats;
}

Status RunLabelTask(const Config& config) { return LabelJob(config, {std::cout, std::cerr, true}).status(); }

}  // namespace respect
