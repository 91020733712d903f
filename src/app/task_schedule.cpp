#include <iostream>
#include <string>
#include <vector>

#include "app/tasks.h"
#include "core/deadline.h"
#include "io/graph_io.h"
#include "io/model_source.h"
#include "report/report.h"
#include "sched/registry.h"

namespace respect {

namespace {

// Writing a result (schedule JSON and DOT) took 0.6-1.5 s at 100,000 nodes
// and 250,000-300,000 edges on the loaded 2-vCPU VM, about 2.5 us per node
// and edge: reserved from each method's limit, so that its files are
// written within it (milliseconds below 1,000 nodes).
constexpr double kWriteSecondsPerElement = 2.5e-6;

double WriteReserveSeconds(const Graph& g) {
  return kWriteSecondsPerElement * (static_cast<double>(g.size()) + static_cast<double>(g.num_edges()));
}

// The one line saying which methods a stop skipped ("" when none).
std::string SkippedLine(const std::vector<Method>& methods, size_t next) {
  if (next >= methods.size()) return "";
  std::string names;
  for (size_t i = next; i < methods.size(); ++i) names += (names.empty() ? "" : ", ") + MethodName(methods[i]);
  return "stopped: skipped " + names + "\n";
}

}  // namespace

Status RunScheduleTask(const Config& config, const StopToken& stop) {
  // A method's limit counts from the task's start for the first, from the
  // previous method's files for the others, and ends when its own files are
  // written: the limit is judged by the wall clock of the whole run, and
  // reading a 100,000-node GML file took 3-11 s on the loaded VM.
  Stopwatch since_last;
  auto graphs = LoadModel(config.models.front(), config);
  if (!graphs.ok()) return graphs.status();
  RESPECT_RETURN_IF_ERROR(MakeDirs(config.output_dir));
  Status worst = Status::Ok();
  for (const auto& g : *graphs) {
    const Problem problem = MakeProblem(g, config.stages.front(), config);
    RESPECT_RETURN_IF_ERROR(problem.Validate());
    // Settings that admit no schedule stop the run before any method, as bad input.
    if (std::string why = problem.NoScheduleReason(); !why.empty()) return Status::Invalid(why);
    std::vector<ScheduleResult> results;
    for (const Method method : config.methods) {
      if (stop.Requested()) break;
      auto r = ScheduleWithMethod(problem, method, config, stop, since_last.Seconds() + WriteReserveSeconds(*g));
      if (!r.ok()) return r.status().WithContext(MethodName(method));
      std::cout << FormatScheduleTable(problem, *r);
      auto path = WriteScheduleFiles(config.output_dir, problem, *r);
      if (!path.ok()) return path.status();
      // Flushed per table: with stdout in a file, an interrupted run keeps
      // the tables already printed.
      std::cout << "  wrote " << *path << "\n\n" << std::flush;
      since_last.Restart();
      // A proven-infeasible instance ends the run with exit 2 once every
      // method has printed its table.
      if (r->status == SolveStatus::kInfeasible)
        worst = Status::Invalid(g->name() + " on " + std::to_string(problem.stages) + " stages: " + r->message);
      results.push_back(std::move(r).value());
    }
    if (stop.Requested()) std::cout << SkippedLine(config.methods, results.size()) << std::flush;
    // Side by side: the headline of a run with several methods.
    if (results.size() > 1) std::cout << FormatMethodSummary(problem, results) << "\n" << std::flush;
    if (stop.Requested()) break;  // the models after it are skipped too
  }
  return worst;
}

}  // namespace respect
