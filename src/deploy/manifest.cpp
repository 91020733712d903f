#include "deploy/manifest.h"

#include <yaml-cpp/yaml.h>

#include "io/output_guard.h"


namespace respect {

namespace {

void EmitTensor(YAML::Emitter& y, const TfliteTensorInfo& t) {
  y << YAML::BeginMap;
  y << YAML::Key << "name" << YAML::Value << t.name;
  y << YAML::Key << "shape" << YAML::Value << YAML::Flow << YAML::BeginSeq;
  for (int32_t d : t.shape) y << d;
  y << YAML::EndSeq;
  y << YAML::Key << "type" << YAML::Value << t.type_name;
  y << YAML::Key << "bytes" << YAML::Value << t.bytes;
  y << YAML::EndMap;
}

void EmitTensors(YAML::Emitter& y, const char* key, const TfliteModelInfo& info, const std::vector<int>& tensors) {
  y << YAML::Key << key << YAML::Value << YAML::BeginSeq;
  for (int t : tensors) EmitTensor(y, info.tensors[t]);
  y << YAML::EndSeq;
}

void EmitObjective(YAML::Emitter& y, const Problem& problem, const Evaluation& ev) {
  y << YAML::Key << "objective" << YAML::Value << YAML::BeginMap;
  y << YAML::Key << "kind" << YAML::Value << ToString(problem.objective.kind);
  y << YAML::Key << "comm_model" << YAML::Value << ToString(problem.objective.comm_model);
  y << YAML::Key << "value" << YAML::Value << ev.objective;
  y << YAML::Key << "feasible" << YAML::Value << ev.feasible;
  if (!ev.feasible) y << YAML::Key << "violation" << YAML::Value << ev.violation;
  y << YAML::Key << "max_stage_param_bytes" << YAML::Value << ev.max_stage_param_bytes;
  y << YAML::Key << "total_crossing_bytes" << YAML::Value << ev.total_crossing_bytes;
  y << YAML::Key << "max_stage_activation_bytes" << YAML::Value << ev.max_stage_activation_bytes;
  y << YAML::Key << "sram_bytes" << YAML::Value << problem.edgetpu.sram_bytes;
  y << YAML::EndMap;
}

// The cost model's view of stage k of n (evaluate()).
void EmitStageCost(YAML::Emitter& y, const Evaluation& ev, int k, int n) {
  y << YAML::Key << "cost_model" << YAML::Value << YAML::BeginMap;
  if (k < static_cast<int>(ev.stage_param_bytes.size())) {
    y << YAML::Key << "stage_param_bytes" << YAML::Value << ev.stage_param_bytes[k];
    y << YAML::Key << "offchip_bytes" << YAML::Value << ev.offchip_bytes[k];
    y << YAML::Key << "stage_macs" << YAML::Value << ev.stage_macs[k];
    y << YAML::Key << "stage_time_s" << YAML::Value << ev.stage_time_s[k];
  }
  if (k < static_cast<int>(ev.stage_activation_bytes.size()))
    y << YAML::Key << "stage_activation_bytes" << YAML::Value << ev.stage_activation_bytes[k];
  if (k + 1 < n && k < static_cast<int>(ev.crossing_bytes.size()))
    y << YAML::Key << "crossing_bytes_to_next" << YAML::Value << ev.crossing_bytes[k];
  y << YAML::EndMap;
}

void EmitSegment(YAML::Emitter& y, const ManifestInputs& in, const Evaluation& ev, int k, int n) {
  const TfliteModelInfo& info = *in.info;
  const Segment& s = (*in.segments)[k];
  y << YAML::BeginMap;
  y << YAML::Key << "index" << YAML::Value << k;
  y << YAML::Key << "file" << YAML::Value << in.files[k];
  y << YAML::Key << "file_bytes" << YAML::Value << s.bytes.size();
  y << YAML::Key << "operators" << YAML::Value << s.plan.operators.size();
  if (!s.plan.operators.empty()) {
    y << YAML::Key << "first_operator" << YAML::Value << info.operators[s.plan.operators.front()].name;
    y << YAML::Key << "last_operator" << YAML::Value << info.operators[s.plan.operators.back()].name;
  }
  y << YAML::Key << "param_bytes" << YAML::Value << s.param_bytes;
  int64_t out_bytes = 0;
  for (int t : s.plan.outputs) out_bytes += info.tensors[t].bytes;
  y << YAML::Key << "output_bytes" << YAML::Value << out_bytes;
  EmitTensors(y, "inputs", info, s.plan.inputs);
  EmitTensors(y, "outputs", info, s.plan.outputs);
  if (!s.plan.forwarded.empty()) {
    y << YAML::Key << "forwarded" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (int t : s.plan.forwarded) y << info.tensors[t].name;
    y << YAML::EndSeq;
  }
  EmitStageCost(y, ev, k, n);
  if (!s.notes.empty()) {
    y << YAML::Key << "notes" << YAML::Value << YAML::BeginSeq;
    for (const std::string& note : s.notes) y << note;
    y << YAML::EndSeq;
  }
  y << YAML::EndMap;
}

// reference_check.status: passed | failed | skipped, with the reason when it
// did not pass.
void EmitReferenceCheck(YAML::Emitter& y, const ManifestInputs& in) {
  y << YAML::Key << "reference_check" << YAML::Value << YAML::BeginMap;
  if (in.check) {
    const ReferenceCheckReport& r = *in.check;
    y << YAML::Key << "status" << YAML::Value << (r.identical ? "passed" : "failed");
    y << YAML::Key << "runtime" << YAML::Value << ("Arm NN " + r.backend);
    y << YAML::Key << "runs" << YAML::Value << r.runs;
    y << YAML::Key << "identical" << YAML::Value << r.identical;
    if (!r.identical) {
      y << YAML::Key << "reason" << YAML::Value
        << (std::to_string(r.mismatched_outputs) + " output(s) differ from the whole model's");
      y << YAML::Key << "mismatched_outputs" << YAML::Value << r.mismatched_outputs;
      y << YAML::Key << "max_abs_diff" << YAML::Value << r.max_abs_diff;
    }
    y << YAML::Key << "whole_model_ms" << YAML::Value << r.whole_model_mean_ms;
    y << YAML::Key << "segment_ms" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (const SegmentRunStats& s : r.segments) y << s.mean_ms;
    y << YAML::EndSeq;
    y << YAML::Key << "pipeline_seconds" << YAML::Value << r.pipeline_seconds;
    y << YAML::Key << "throughput_per_s" << YAML::Value << r.throughput_per_s;
    if (!in.check_note.empty()) y << YAML::Key << "copies" << YAML::Value << in.check_note;
  } else {
    y << YAML::Key << "status" << YAML::Value << "skipped";
    y << YAML::Key << "reason" << YAML::Value
      << (in.check_skipped.empty() ? std::string("not run") : in.check_skipped);
  }
  y << YAML::EndMap;
}

}  // namespace

StatusOr<std::string> ManifestYaml(const ManifestInputs& in) {
  if (!in.info || !in.problem || !in.schedule || !in.segments)
    return Status::Internal("manifest: missing inputs");
  const TfliteModelInfo& info = *in.info;
  const int n = static_cast<int>(in.segments->size());
  if (in.problem->stages != n || static_cast<int>(in.files.size()) != n)
    return Status::Internal("manifest: " + std::to_string(n) + " segments, " + std::to_string(in.files.size()) +
                            " files, " + std::to_string(in.problem->stages) + " stages");
  const Evaluation ev = Evaluate(*in.problem, *in.schedule);

  YAML::Emitter y;
  y << YAML::BeginMap;
  y << YAML::Key << "format" << YAML::Value << "respect-opt pipeline manifest v1";
  y << YAML::Key << "model" << YAML::Value << in.model_path;
  y << YAML::Key << "graph" << YAML::Value << in.problem->g().name();
  y << YAML::Key << "operators" << YAML::Value << info.operators.size();
  y << YAML::Key << "stages" << YAML::Value << n;
  y << YAML::Key << "schedule" << YAML::Value << in.schedule_source;
  EmitObjective(y, *in.problem, ev);
  EmitTensors(y, "inputs", info, info.inputs);
  EmitTensors(y, "outputs", info, info.outputs);
  y << YAML::Key << "segments" << YAML::Value << YAML::BeginSeq;
  for (int k = 0; k < n; ++k) EmitSegment(y, in, ev, k, n);
  y << YAML::EndSeq;
  EmitReferenceCheck(y, in);
  if (!info.notes.empty() || info.edgetpu_compiled) {
    y << YAML::Key << "model_notes" << YAML::Value << YAML::BeginSeq;
    if (info.edgetpu_compiled) y << info.message;
    for (const std::string& note : info.notes) y << note;
    y << YAML::EndSeq;
  }
  y << YAML::EndMap;
  if (!y.good()) return Status::Internal("manifest: YAML emitter error: " + y.GetLastError());
  return std::string(y.c_str()) + "\n";
}

Status WriteManifest(const std::string& path, const ManifestInputs& in) {
  auto text = ManifestYaml(in);
  if (!text.ok()) return text.status();
  return WriteFileAtomic(path, *text);
}

}  // namespace respect
