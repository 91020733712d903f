// Human and machine reports of schedules: the terminal table, the schedule
// JSON of docs/formats.md, DOT pictures, and the compare table/CSV/JSON.
#pragma once

#include <string>
#include <vector>

#include "cost/problem.h"
#include "sched/scheduler.h"

namespace respect {

// Per-stage table: parameters (MiB), on-chip / off-chip MiB, nodes, bytes
// crossing to the next stage, stage time; then the objective line.
std::string FormatScheduleTable(const Problem& problem, const ScheduleResult& result);

// The schedule JSON of docs/formats.md (extra keys: objective_kind, comm_model,
// edge_weight (comm_model edge only),
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

// One line per method after the per-stage tables: objective, gap to the
// reference, seconds, status. The reference is the best lower bound proven in
// `results` (an optimal result proves its objective); without any, the best
// objective found, and the header says which it is.
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

// "12.34 MiB", "950.0 KiB", "17 B".
std::string HumanBytes(double bytes);

}  // namespace respect
