#include <iostream>

#include "app/tasks.h"
#include "io/graph_io.h"
#include "io/model_source.h"
#include "report/report.h"
#include "sched/registry.h"

namespace respect {

namespace {

// Every model loaded and every problem checked before the first solve, so a
// bad model in the list is refused before anything is written.
StatusOr<std::vector<Problem>> LoadAllProblems(const Config& config) {
  std::vector<Problem> problems;
  for (const std::string& spec : config.models) {
    auto graphs = LoadModel(spec, config);
    if (!graphs.ok()) return graphs.status();
    for (const auto& g : *graphs) {
      for (int stages : config.stages) {
        Problem problem = MakeProblem(g, stages, config);
        RESPECT_RETURN_IF_ERROR(problem.Validate());  // an infeasible one is a row with status infeasible
        problems.push_back(std::move(problem));
      }
    }
  }
  return problems;
}

}  // namespace

Status RunCompareTask(const Config& config, const StopToken& stop) {
  auto problems = LoadAllProblems(config);
  if (!problems.ok()) return problems.status();
  RESPECT_RETURN_IF_ERROR(MakeDirs(config.output_dir));
  std::vector<CompareRow> rows;
  const size_t runs = problems->size() * config.methods.size();
  for (const Problem& problem : *problems) {
    const Graph& g = problem.g();
    for (const Method method : config.methods) {
      if (stop.Requested()) break;
      CompareRow row{g.name(), g.size(), problem.stages, {}, 0.0};
      auto r = ScheduleWithMethod(problem, method, config, stop);
      if (!r.ok())
        return r.status().WithContext(g.name() + "/" + std::to_string(problem.stages) + "/" + MethodName(method));
      row.result = std::move(r).value();
      auto path = WriteScheduleFiles(config.output_dir, problem, row.result);
      if (!path.ok()) return path.status();
      std::cerr << "  " << g.name() << " x" << problem.stages << " " << MethodName(method) << ": "
                << ToString(row.result.status) << " in " << row.result.seconds << " s\n";
      rows.push_back(std::move(row));
    }
  }
  // A stop ends the run under way (its row is kept) and skips the rest.
  if (stop.Requested() && rows.size() < runs)
    std::cout << "stopped: skipped the remaining " << runs - rows.size() << " of " << runs << " runs\n";
  FillGaps(&rows);
  std::cout << FormatCompareTable(rows) << std::flush;
  RESPECT_RETURN_IF_ERROR(WriteTextFile(config.output_dir + "/compare.csv", CompareToCsv(rows)));
  RESPECT_RETURN_IF_ERROR(WriteTextFile(config.output_dir + "/compare.json", CompareToJson(rows)));
  std::cout << "wrote " << config.output_dir << "/compare.csv and compare.json\n";
  return Status::Ok();
}

}  // namespace respect
