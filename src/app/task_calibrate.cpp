// Task `calibrate`: fits the latency model's edgetpu.* constants to measured
// segment times (src/calibrate/calibrate.h), prints the fit row by row and
// writes the fitted keys as a YAML config fragment to calibrate.output.
#include <cstdio>
#include <iostream>
#include <set>
#include <sstream>

#include "app/tasks.h"
#include "calibrate/calibrate.h"
#include "io/graph_io.h"
#include "io/output_guard.h"

namespace respect {

namespace {

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  return buf;
}

// Right- and left-aligned in `width` columns, one space at least after a
// left-aligned text.
std::string Pad(const std::string& s, size_t width) { return s.size() >= width ? s : std::string(width - s.size(), ' ') + s; }
std::string PadRight(const std::string& s, size_t width) { return s + std::string(s.size() < width ? width - s.size() : 1, ' '); }

std::string SegmentName(const MeasuredSegment& r) {
  if (r.operators.empty()) return r.method + " " + std::to_string(r.stage) + "/" + std::to_string(r.stages);
  return std::to_string(r.operators.size()) + " ops";
}

// One line per measured segment: its terms, measured and predicted time.
std::string FitTable(const std::vector<MeasuredSegment>& rows, const std::vector<CalibrationPoint>& points,
                     const LatencyFit& fit) {
  std::ostringstream t;
  t << "  line  model                     segment           GMACs   param MiB  off-chip MiB  crossing MiB"
       "  measured ms  predicted ms    error\n";
  constexpr double kMiB = 1024.0 * 1024.0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const SegmentTerms& s = points[i].terms;
    const std::string model = rows[i].model.size() > 24 ? rows[i].model.substr(0, 21) + "..." : rows[i].model;
    t << Pad(std::to_string(rows[i].line), 6) << "  " << PadRight(model, 26) << PadRight(SegmentName(rows[i]), 16)
      << Pad(Fixed(static_cast<double>(s.macs) / 1e9, 3), 7) << Pad(Fixed(s.param_bytes / kMiB, 2), 12)
      << Pad(Fixed(s.offchip_bytes / kMiB, 2), 14) << Pad(Fixed(s.crossing_bytes / kMiB, 3), 14)
      << Pad(Fixed(points[i].measured_s * 1e3, 3), 13) << Pad(Fixed(fit.predicted_s[i] * 1e3, 3), 14)
      << Pad((fit.relative_error[i] >= 0 ? "+" : "") + Fixed(fit.relative_error[i] * 100, 2) + "%", 9) << "\n";
  }
  return t.str();
}

std::string FittedLine(const LatencyFit& fit) {
  const EdgeTpuParams& p = fit.params;
  std::ostringstream l;
  l << "fitted: segment_overhead_s " << p.segment_overhead_s << ", macs_per_s " << p.macs_per_s
    << ", offchip_bytes_per_s " << p.offchip_bytes_per_s << ", link_bytes_per_s " << p.link_bytes_per_s
    << " (sram_bytes " << p.sram_bytes << " given)";
  return l.str();
}

// The model files the CSV names are inputs of the run: never written over.
void ProtectModelFiles(const std::vector<MeasuredSegment>& rows) {
  std::set<std::string> seen;
  for (const MeasuredSegment& r : rows)
    if (r.model.rfind("zoo:", 0) != 0 && seen.insert(r.model).second) ProtectInputPath(r.model);
}

std::string ParentDir(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

}  // namespace

StatusOr<CalibrationOutcome> CalibrateJob(const Config& config, const TaskOutput& io) {
  const std::string& csv = config.calibrate.measurements;
  auto text = ReadTextFile(csv);
  if (!text.ok()) return text.status();
  CalibrationOutcome o;
  auto rows = ParseCalibrationCsv(*text, csv);
  if (!rows.ok()) return rows.status();
  o.rows = std::move(rows).value();
  ProtectModelFiles(o.rows);
  o.output = config.calibrate.output;
  RESPECT_RETURN_IF_ERROR(CheckWritable(o.output));
  auto points = MeasuredPoints(o.rows, config, csv);
  if (!points.ok()) return points.status();
  o.points = std::move(points).value();
  auto fit = FitLatencyConstants(o.points, config.edgetpu);
  if (!fit.ok()) return fit.status().WithContext(csv);
  o.fit = std::move(fit).value();
  io.out << "calibrate: " << o.rows.size() << " measured segments from " << csv << " (objective.comm_model "
         << ToString(config.objective.comm_model) << ", edgetpu.sram_bytes " << config.edgetpu.sram_bytes
         << "; least squares on the relative error, constants >= 0)\n"
         << FitTable(o.rows, o.points, o.fit) << FittedLine(o.fit) << "\n";
  for (const std::string& note : o.fit.notes) io.out << "note: " << note << "\n";
  const std::string summary = "fit error: rms " + Fixed(o.fit.rms_relative_error * 100, 2) + "%, largest " +
                              Fixed(o.fit.max_relative_error * 100, 2) + "% (line " +
                              std::to_string(o.rows[o.fit.worst_point].line) + ")";
  io.out << summary << "\n" << std::flush;
  if (const std::string dir = ParentDir(o.output); !dir.empty()) RESPECT_RETURN_IF_ERROR(MakeDirs(dir));
  const std::vector<std::string> comment = {
      "respect-opt calibrate: edgetpu.* fitted to " + std::to_string(o.rows.size()) + " measured segments of " + csv,
      summary, "use: respect-opt --config run.yaml with these keys merged, or --edgetpu.KEY VALUE"};
  RESPECT_RETURN_IF_ERROR(WriteTextFile(o.output, LatencyFitYaml(o.fit, comment)));
  io.out << "wrote " << o.output << "\n" << std::flush;
  return o;
}

Status RunCalibrateTask(const Config& config) { return CalibrateJob(config, {std::cout, std::cerr, true}).status(); }

}  // namespace respect
