// manifest.yaml of a deployed pipeline: the segments in order, their files,
// input/output tensors (name, shape, type, bytes), forwarded tensors, and the
// schedule's per-stage figures from evaluate() (parameter bytes, off-chip
// bytes, crossing bytes, stage time) next to what the segments really hold,
// and reference_check: {status: passed | failed | skipped, reason, ...}.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "cost/evaluate.h"
#include "cost/problem.h"
#include "deploy/reference_runner.h"
#include "deploy/segmenter.h"
#include "tflite/tflite_reader.h"

namespace respect {

struct ManifestInputs {
  std::string model_path;                 // the source .tflite
  std::string schedule_source;            // "schedule file X" or "method heuristic"
  const TfliteModelInfo* info = nullptr;
  const Problem* problem = nullptr;       // graph of `info`, stages, cost model
  const Schedule* schedule = nullptr;     // stage per operator
  const std::vector<Segment>* segments = nullptr;
  std::vector<std::string> files;         // segment file names (relative to the manifest)
  const ReferenceCheckReport* check = nullptr;  // CPU reference check, when run
  std::string check_skipped;              // why the check did not run (reference_check.status: skipped)
  std::string check_note;                 // what the check ran on, when not the files as written
                                          // (reference_check.copies: the folded check-only copies)
};

// The manifest text (YAML). Figures come from Evaluate(problem, schedule).
StatusOr<std::string> ManifestYaml(const ManifestInputs& in);

// Writes it to `path` (Io error on failure).
Status WriteManifest(const std::string& path, const ManifestInputs& in);

}  // namespace respect
