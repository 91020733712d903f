#include "deploy/deploy.h"

#include <filesystem>
#include <map>
#include <memory>
#include <ostream>

#include "cost/evaluate.h"
#include "deploy/check_copy.h"
#include "deploy/devices.h"
#include "deploy/manifest.h"
#include "deploy/reference_runner.h"
#include "deploy/segmenter.h"
#include "io/model_source.h"
#include "report/report.h"
#include "sched/registry.h"
#include "tflite/tflite_model.h"
#include "tflite/tflite_reader.h"

namespace respect {

Method DeployMethod(const Config& config, std::string* why) {
  // One method named: the user chose it. None or several (the quickstart
  // lists four to compare them, the vendor-style heuristic first): deploy
  // what exact proves.
  if (config.methods.size() == 1) {
    if (why) *why = "the one method `methods` names";
    return config.methods.front();
  }
  if (why)
    *why = config.methods.empty() ? "no method named; exact gives the proven optimum"
                                  : "`methods` lists " + std::to_string(config.methods.size()) +
                                        "; deploy takes exact's proven optimum unless one method is named";
  return Method::kExact;
}

std::string FloatModelWarning(const TfliteModelInfo& info) {
  // Parameters by element type; int32 biases of a quantized model do not
  // make it float, nor do a few float constants (e.g. SSD anchors).
  int64_t total = 0, floating = 0;
  std::map<std::string, int64_t> by_type;
  for (const TfliteTensorInfo& t : info.tensors) {
    if (t.constant_bytes <= 0) continue;
    total += t.constant_bytes;
    if ((t.type_name == "float32" || t.type_name == "float16") && !t.quantized) {
      floating += t.constant_bytes;
      by_type[t.type_name] += t.constant_bytes;
    }
  }
  if (total == 0 || 2 * floating <= total) return "";
  std::string types;
  for (const auto& [type, bytes] : by_type) types += (types.empty() ? "" : " and ") + type;
  return "warning: " + info.origin + " is a float model (" + std::to_string(100 * floating / total) + "% of its " +
         "parameter bytes are " + types + "); the Edge TPU runs only 8-bit quantized operators, so edgetpu_compiler " +
         "will leave these segments on the CPU (quantize the model to int8 first)";
}

namespace {

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// At most ~80 characters of a reason, cut at a word.
std::string ShortReason(const std::string& why) {
  if (why.size() <= 80) return why;
  size_t cut = why.rfind(' ', 77);
  if (cut == std::string::npos || cut < 40) cut = 77;
  return why.substr(0, cut) + "...";
}

// A stage that holds only boundary nodes (model inputs, pipeline start or
// end) would be an empty segment.
Status CheckEveryStageHasOperators(const std::vector<int>& stage_of_op, int stages, const std::string& source) {
  std::vector<int> count(stages, 0);
  for (int s : stage_of_op)
    if (s >= 0 && s < stages) ++count[s];
  for (int k = 0; k < stages; ++k)
    if (count[k] == 0)
      return Status::Invalid(source + ": stage " + std::to_string(k) + " of " + std::to_string(stages) +
                             " holds no operator; deploy on fewer stages");
  return Status::Ok();
}

// The cost model's crossing bytes must be what the segment files pass (the
// tensor comm model counts bytes; the edge model counts edges by design).
Status CheckCrossingBytes(const Problem& problem, const Evaluation& ev, const TfliteModelInfo& info,
                          const std::vector<Segment>& segments) {
  if (problem.objective.comm_model != CommModel::kTensor) return Status::Ok();
  std::vector<SegmentPlan> plans;
  for (const Segment& s : segments) plans.push_back(s.plan);
  const std::vector<int64_t> real = SegmentCrossingBytes(info, plans);
  for (size_t k = 0; k < real.size() && k < ev.crossing_bytes.size(); ++k)
    if (real[k] != ev.crossing_bytes[k])
      return Status::Internal("boundary " + std::to_string(k) + "/" + std::to_string(k + 1) + ": the cost model counts " +
                              std::to_string(ev.crossing_bytes[k]) + " crossing bytes but the segments pass " +
                              std::to_string(real[k]));
  return Status::Ok();
}

// The CPU reference check (when deploy.run_check is set): records its
// outcome in `mi` and prints one short line. Internal when the outputs differ.
Status RunCheck(const Config& config, const TfliteModel& model, const std::vector<Segment>& segments,
                ReferenceCheckReport* report, ManifestInputs* mi, std::ostream& out) {
  if (!config.deploy.run_check) {
    mi->check_skipped = "deploy.run_check is false";
    out << "reference check: skipped (deploy.run_check is false)\n";
    return Status::Ok();
  }
  RunnerOptions opt;
  opt.runs = config.deploy.runs;
  auto skip = [&](const std::string& why) {
    mi->check_skipped = why;
    out << "reference check: skipped: " << ShortReason(why) << " (see manifest.yaml)\n";
    return Status::Ok();
  };
  if (!ReferenceRunnerAvailable()) return skip(RunReferenceCheck(model, segments, opt).status().message());
  // The runner reads check-only copies with constant float16 DEQUANTIZE
  // folded (Arm NN 20.08 cannot parse weights behind DEQUANTIZE) and int32
  // biases it refuses requantized; the segments written stay as built.
  auto copies = FoldConstantOperators(model, segments);
  if (!copies.ok()) return skip(copies.status().message());
  auto checked = TfliteModel::FromBytes(copies->model, model.origin() + " (check copy)");
  if (!checked.ok()) return Status::Internal("the check copy of the model is invalid: " + checked.status().message());
  mi->check_note = copies->note;
  auto r = RunReferenceCheck(*checked, copies->segments, opt);
  if (!r.ok()) return skip(r.status().message());
  *report = *r;
  mi->check = report;
  if (report->identical) {
    out << "reference check: passed (" << report->runs << " run(s), outputs identical)\n";
    return Status::Ok();
  }
  out << "reference check: failed (" << report->mismatched_outputs << " output(s) differ, max abs diff "
      << report->max_abs_diff << ")\n";
  return Status::Internal("the segment chain's outputs differ from the whole model's (" +
                          std::to_string(report->mismatched_outputs) + " output(s))");
}

// The schedule of deploy.schedule, when set: its stage count wins over
// *stages (said on `out`); *source names it.
Status ReadDeploySchedule(const Config& config, const Graph& g, std::ostream& out, int* stages, Schedule* schedule,
                          std::string* source) {
  if (config.deploy.schedule.empty()) return Status::Ok();
  int file_stages = 0;
  // Files written before boundary nodes existed name operators only.
  auto s = ReadScheduleJson(config.deploy.schedule, g, &file_stages, /*allow_missing=*/true);
  if (!s.ok()) return s.status().WithContext("deploy.schedule");
  if (file_stages > 0 && file_stages != *stages) {
    out << "note: using the " << file_stages << " stages of " << config.deploy.schedule << "\n";
    *stages = file_stages;
  }
  *schedule = std::move(s).value();
  *source = "file " + config.deploy.schedule;
  return Status::Ok();
}

// The schedule of DeployMethod(config), found now.
Status ScheduleByMethod(const Problem& problem, const Config& config, std::ostream& out, Schedule* schedule,
                        std::string* source) {
  std::string why;
  const Method id = DeployMethod(config, &why);
  const std::string method = MethodName(id);
  out << "deploy: scheduling with " << method << " (" << why << ")\n" << std::flush;
  auto r = ScheduleWithMethod(problem, id, config);
  if (!r.ok()) return r.status().WithContext(method);
  if (r->status != SolveStatus::kOptimal && r->status != SolveStatus::kFeasible)
    return Status::Invalid(method + " found no schedule: " + r->message);
  *schedule = r->schedule;
  *source = "method " + method;
  return Status::Ok();
}

// The stage of each operator: boundary nodes pinned where the pipeline has
// them (whatever the source), every operator staged, every stage used.
StatusOr<std::vector<int>> StageOfOperators(const Graph& g, int nops, int stages, const std::string& source,
                                            Schedule* schedule) {
  PinBoundaryNodes(g, stages, &schedule->stage);
  for (int v = 0; v < nops; ++v)
    if (schedule->stage[v] < 0) return Status::Invalid(source + ": operator '" + g.node(v).name + "' has no stage");
  std::vector<int> stage_of_op(schedule->stage.begin(), schedule->stage.begin() + nops);
  RESPECT_RETURN_IF_ERROR(CheckEveryStageHasOperators(stage_of_op, stages, source));
  return stage_of_op;
}

void PrintSegments(const std::vector<Segment>& segments, const std::vector<std::string>& files, std::ostream& out) {
  for (size_t k = 0; k < segments.size(); ++k) {
    const Segment& s = segments[k];
    out << "  " << files[k] << ": " << s.plan.operators.size() << " ops, "
        << HumanBytes(static_cast<double>(s.param_bytes)) << " params, " << s.plan.inputs.size() << " in / "
        << s.plan.outputs.size() << " out";
    if (!s.plan.forwarded.empty()) out << " (" << s.plan.forwarded.size() << " forwarded)";
    out << "\n";
    for (const std::string& note : s.notes) out << "    note: " << note << "\n";
  }
}

}  // namespace

Status RunDeploy(const Config& config, std::ostream& out, std::ostream& warnings) {
  if (config.models.empty()) return Status::Invalid("task deploy: key 'model' is empty");
  const std::string path = config.models.front();
  if (!EndsWith(path, ".tflite"))
    return Status::Invalid("task deploy: key 'model' must be a .tflite file, got '" + path + "'");
  if (config.models.size() > 1)
    out << "note: task deploy uses the first model only (" << path << ")\n";

  auto model = TfliteModel::Load(path);
  if (!model.ok()) return model.status();
  const TfliteModelInfo info = DescribeTflite(*model);
  out << SummarizeTflite(info);
  if (info.edgetpu_compiled) return Status::Invalid(path + ": " + info.message);
  const std::string float_warning = FloatModelWarning(info);
  if (!float_warning.empty()) warnings << float_warning << "\n" << std::flush;
  auto graph = TfliteToGraph(info);
  if (!graph.ok()) return graph.status();
  auto g = std::make_shared<const Graph>(std::move(graph).value());

  // The schedule: from a file, or found now (DeployMethod).
  int stages = config.stages.empty() ? 1 : config.stages.front();
  Schedule schedule;
  std::string source;
  RESPECT_RETURN_IF_ERROR(ReadDeploySchedule(config, *g, out, &stages, &schedule, &source));
  const Problem problem = MakeProblem(g, stages, config);
  if (stages > static_cast<int>(info.operators.size()))
    return Status::Invalid("model '" + path + "' has " + std::to_string(info.operators.size()) +
                           " operators, fewer than the " + std::to_string(stages) + " stages asked for");
  RESPECT_RETURN_IF_ERROR(problem.Validate());
  if (std::string why = problem.NoScheduleReason(); !why.empty()) return Status::Invalid(why);
  if (config.deploy.schedule.empty()) RESPECT_RETURN_IF_ERROR(ScheduleByMethod(problem, config, out, &schedule, &source));
  auto stage_of_op = StageOfOperators(*g, static_cast<int>(info.operators.size()), stages, source, &schedule);
  if (!stage_of_op.ok()) return stage_of_op.status();
  const Evaluation ev = Evaluate(problem, schedule);
  if (!ev.feasible) out << "warning: the schedule breaks a constraint: " << ev.violation << "\n";

  // Segments.
  auto segments = SegmentModel(*model, *stage_of_op, stages);
  if (!segments.ok()) return segments.status();
  RESPECT_RETURN_IF_ERROR(CheckCrossingBytes(problem, ev, info, *segments));
  const std::string dir = (std::filesystem::path(config.output_dir) / "segments").string();
  std::vector<std::string> files;
  for (int k = 0; k < stages; ++k) files.push_back(SegmentFileName(info.name, k, stages));
  out << "schedule: " << source << ", " << stages << " stage(s), objective " << PlainNumber(ev.objective) << "\n";
  PrintSegments(*segments, files, out);
  out << std::flush;  // the reference check may take long; redirected output keeps what came before

  ManifestInputs mi;
  mi.model_path = path;
  mi.schedule_source = source;
  mi.info = &info;
  mi.problem = &problem;
  mi.schedule = &schedule;
  mi.segments = &*segments;
  mi.files = files;
  ReferenceCheckReport report;
  const Status mismatch = RunCheck(config, *model, *segments, &report, &mi, out);
  auto manifest = ManifestYaml(mi);
  if (!manifest.ok()) return manifest.status();
  RESPECT_RETURN_IF_ERROR(PublishSegments(*segments, files, *manifest, dir, path));
  out << "wrote " << dir << "/ (" << stages << " segment(s) and manifest.yaml)\n";
  return mismatch;
}

Status ListDevices(std::ostream& out) {
  out << FormatDeviceScan(ScanCoralDevices());
  return Status::Ok();
}

}  // namespace respect
