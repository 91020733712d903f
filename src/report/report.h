// Human and machine reports of schedules: the terminal table, the schedule
// JSON of docs/formats.md, DOT pictures, and the compare table/CSV/JSON.
#pragma once

#include <string>
#include <vector>

#include "cost/problem.h"
#include "sched/scheduler.h"

namespace respect {

// Per-stage table (docs/output.md): nodes, parameters, on-chip / off-chip
// MiB, whether the stage's parameters fit on chip (edgetpu.sram_bytes), what
// crosses to the next stage (bytes, or edges under comm_model edge with
// indicator / unit weights), the latency model's stage time; then a line
// counting the stages that fit, and the objective in its parts.
std::string FormatScheduleTable(const Problem& problem, const ScheduleResult& result);

// The schedule JSON of docs/formats.md (extra keys: objective_kind, comm_model,
// edge_weight (comm_model edge only), policy_weights (rl, two_phase),
// gap, message, stats).
std::string ScheduleToJson(const Problem& problem, const ScheduleResult& result);

// "<dir>/<graph>.<stages>.<method>" — the stem of a schedule's output files.
std::string ScheduleStem(const std::string& dir, const Problem& problem, const std::string& method);

// Writes <stem>.schedule.json and <stem>.dot. Returns the JSON path.
StatusOr<std::string> WriteScheduleFiles(const std::string& dir, const Problem& problem,
                                         const ScheduleResult& result);

// Reads a schedule JSON back into a Schedule for `graph` (by id, else name).
// Stages must lie in [0, graph.size()); one-line Invalid otherwise. A node
// the file does not mention is an error, or stage -1 with `allow_missing`
// (the caller fills it).
StatusOr<Schedule> ReadScheduleJson(const std::string& path, const Graph& graph, int* stages,
                                    bool allow_missing = false);
// The same for text in memory; `path` names it in messages. Never throws.
StatusOr<Schedule> ParseScheduleJson(const std::string& text, const std::string& path, const Graph& graph,
                                     int* stages, bool allow_missing = false);

// One line per method after the per-stage tables: objective, "over best",
// seconds, status. "over best" has one meaning: (objective - best) / best,
// best = the lowest objective any method of `results` found (as the compare
// table's gap_to_best). A line above names the best, and says whether a
// proven bound makes it optimal or how far the best bound leaves it.
std::string FormatMethodSummary(const Problem& problem, const std::vector<ScheduleResult>& results);

// One row of a comparison.
struct CompareRow {
  std::string graph;
  int nodes = 0;
  int stages = 0;
  ScheduleResult result;
  double gap_to_best = 0;  // (objective - best objective of the row group) / best
};

std::string FormatCompareTable(const std::vector<CompareRow>& rows);
std::string CompareToCsv(const std::vector<CompareRow>& rows);
std::string CompareToJson(const std::vector<CompareRow>& rows);
// Fills gap_to_best within each (graph, stages) group.
void FillGaps(std::vector<CompareRow>* rows);

// A number without e-notation: whole numbers without decimals, others with
// six decimals (more below 1, for six significant digits), trailing zeros
// dropped: 29333504, 97029.11, 0.00123457. "-" when not finite.
std::string PlainNumber(double v);

// "12.34 MiB", "950.0 KiB", "17 B".
std::string HumanBytes(double bytes);

}  // namespace respect
