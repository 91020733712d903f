// Calibration of the latency model (task calibrate): the measured time of
// pipeline segments against the model's terms for the same segments, and a
// least-squares fit of the edgetpu.* constants (docs/design.md "Cost model",
// docs/formats.md "Calibration CSV").
//
// The model of one segment (StageTimeS, cost/evaluate.h) is linear in the
// reciprocals of the constants:
//   T = segment_overhead_s + macs * (1 / macs_per_s)
//       + offchip_bytes * (1 / offchip_bytes_per_s) + crossing_bytes * (1 / link_bytes_per_s)
// so the fit is a linear least-squares problem in four non-negative unknowns.
// sram_bytes is a threshold, not a rate: it is taken as given.
// Pure functions except MeasuredPoints (reads model files); no exits.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/status.h"
#include "cost/evaluate.h"
#include "cost/problem.h"

namespace respect {

// One data row of the calibration CSV.
struct MeasuredSegment {
  int line = 0;                         // 1-based line of the CSV (messages name it)
  std::string model;                    // model spec: zoo:NAME, file.json, file.gml, file.tflite
  int stages = 0;                       // stages of the pipeline the segment belongs to (>= 1)
  int stage = 0;                        // the segment's index, 0 .. stages-1
  std::string method = "heuristic";     // whose schedule cut the model (column `method`, optional; empty: heuristic)
  std::vector<std::string> operators;   // the segment's nodes by name (column `operators`, optional)
  double measured_ms = 0;               // in [kMinMeasuredMs, kMaxMeasuredMs]
};

// The measured times a row may give, in ms: from 1 ns (below a timer's
// resolution, and the fit weights rows by 1 / measured, which overflows near
// the smallest doubles) to 1,000 s (edgetpu.segment_overhead_s's bound: no
// fitted constants could predict a longer segment).
inline constexpr double kMinMeasuredMs = 1e-6;
inline constexpr double kMaxMeasuredMs = 1e6;

// Parses calibration CSV text (one header row naming the columns, in any
// order: model, stages, stage, measured_ms required; method, operators
// optional). Fields are separated by commas and may be double-quoted ("" is
// a quote inside one); blank lines and lines starting with '#' are skipped;
// operators are separated by spaces. Refused in one line starting with
// "<origin>": no header or no data row, a required column missing, an
// unknown or repeated column, a row with another number of fields than the
// header, a value that is not a number (or not whole where a count is), stages
// < 1, stage outside [0, stages), measured_ms not > 0 or outside
// [kMinMeasuredMs, kMaxMeasuredMs], an empty model. An
// empty method is the default, heuristic.
StatusOr<std::vector<MeasuredSegment>> ParseCalibrationCsv(const std::string& text, const std::string& origin);

// The latency model's terms of one segment (cost/evaluate.h, docs/design.md).
struct SegmentTerms {
  int64_t macs = 0;             // M_k
  int64_t param_bytes = 0;      // P_k
  int64_t offchip_bytes = 0;    // O_k = max(0, P_k - sram_bytes)
  int64_t crossing_bytes = 0;   // X_{k-1} + X_k: received plus sent
};

// The terms of stage k of an evaluated schedule. Precondition: k < stages.
SegmentTerms TermsOfStage(const Evaluation& ev, int k);

// The terms of the segment made of the nodes `members` (indices into the
// graph of `problem`), as if it were the middle of three stages: its
// ancestors outside it before, everything else after (so tensors passing
// through it are counted, as the tensor model does). Invalid when `members`
// is empty or not a contiguous segment (a path leaves it and comes back).
StatusOr<SegmentTerms> TermsOfNodes(const Problem& problem, const std::vector<int>& members);

// The model's time of a segment with these terms under `tp`: StageTimeS's
// sum, the off-chip term taken from t.offchip_bytes (so from the sram_bytes
// the terms were computed with).
double PredictedSeconds(const EdgeTpuParams& tp, const SegmentTerms& t);

// One measured segment with its terms.
struct CalibrationPoint {
  SegmentTerms terms;
  double measured_s = 0;        // > 0
};

// The terms of every row: each model loaded once (LoadModel), each
// (model, stages, method) scheduled once (the registry's method, config's
// solver settings, objective and edgetpu.sram_bytes), a row's segment taken
// from that schedule or, with operators, from its node names. Refused in one
// line naming the row's line: an unknown model or method, a model that is
// `synthetic`, a method that finds no schedule, an unknown node name (with
// the nearest), operators that are not a contiguous segment.
StatusOr<std::vector<CalibrationPoint>> MeasuredPoints(const std::vector<MeasuredSegment>& rows,
                                                       const Config& config, const std::string& origin);

// The fitted constants and how well they fit.
struct LatencyFit {
  EdgeTpuParams params;                 // `base` with the fitted constants
  // Which of the four constants were fitted, in the order overhead, macs,
  // offchip, link. A constant whose term is 0 in every row cannot be seen
  // in the data and keeps base's value.
  bool fitted[4] = {false, false, false, false};
  std::vector<std::string> notes;       // one line each: constants kept, clamped or unbounded
  std::vector<double> predicted_s;      // per point, under `params`
  std::vector<double> relative_error;   // per point, (predicted - measured) / measured
  double rms_relative_error = 0;
  double max_relative_error = 0;        // largest |relative error|
  int worst_point = 0;                  // its index
};

// The names of the four fitted keys, in LatencyFit::fitted's order.
const std::vector<std::string>& FittedKeys();

// Fits the constants whose term is non-zero in some row (the overhead
// always) by non-negative least squares on the relative error: rows are
// weighted by 1 / measured_s, so every segment counts alike whatever its
// length. The coefficients are the reciprocals of the rates; the exact
// non-negative optimum is found by solving the least-squares problem on
// every subset of the unknowns and keeping the best non-negative one. A
// coefficient of 0 (a rate the data cannot bound) takes the key's upper
// bound and a fitted value outside a key's bounds is clamped to them; notes
// say so. Invalid when there are fewer points than constants to fit.
StatusOr<LatencyFit> FitLatencyConstants(const std::vector<CalibrationPoint>& points, const EdgeTpuParams& base);

// The fitted edgetpu keys as a YAML config fragment (a config on its own:
// LoadConfigFile reads it), after `comment` lines given as "# ...". Values
// are written in the shortest form that reads back to the same double.
std::string LatencyFitYaml(const LatencyFit& fit, const std::vector<std::string>& comment);

}  // namespace respect
