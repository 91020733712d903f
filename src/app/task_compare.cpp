#include <iostream>

#include "app/tasks.h"
#include "io/graph_io.h"
#include "io/model_source.h"
#include "report/report.h"
#include "sched/registry.h"

namespace respect {

Status RunCompareTask(const Config& config) {
  RESPECT_RETURN_IF_ERROR(MakeDirs(config.output_dir));
  std::vector<CompareRow> rows;
  for (const std::string& spec : config.models) {
    auto graphs = LoadModel(spec, config);
    if (!graphs.ok()) return graphs.status();
    for (const auto& g : *graphs) {
      for (int stages : config.stages) {
        const Problem problem = MakeProblem(g, stages, config);
        Status v = problem.Validate();
        for (const std::string& method : config.methods) {
          CompareRow row{g->name(), g->size(), stages, {}, 0.0};
          if (!v.ok() && v.code() != StatusCode::kInfeasible) return v;
          auto r = ScheduleWithMethod(problem, method, config);
          if (!r.ok()) return r.status().WithContext(g->name() + "/" + std::to_string(stages) + "/" + method);
          row.result = std::move(r).value();
          auto path = WriteScheduleFiles(config.output_dir, problem, row.result);
          if (!path.ok()) return path.status();
          std::cerr << "  " << g->name() << " x" << stages << " " << method << ": "
                    << ToString(row.result.status) << " in " << row.result.seconds << " s\n";
          rows.push_back(std::move(row));
        }
      }
    }
  }
  FillGaps(&rows);
  std::cout << FormatCompareTable(rows);
  RESPECT_RETURN_IF_ERROR(WriteTextFile(config.output_dir + "/compare.csv", CompareToCsv(rows)));
  RESPECT_RETURN_IF_ERROR(WriteTextFile(config.output_dir + "/compare.json", CompareToJson(rows)));
  std::cout << "wrote " << config.output_dir << "/compare.csv and compare.json\n";
  return Status::Ok();
}

}  // namespace respect
