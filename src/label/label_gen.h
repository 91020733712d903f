// Ground-truth label generation: sample synthetic graphs and solve each one
// exactly, appending to a crash-safe dataset (label/dataset.h).
//
// Label i depends only on (seed, i): its graph, stage count and in-degree are
// drawn from an Rng seeded by (seed, i). So a resumed run knows exactly which
// labels are missing, produces the same label for the same i, and never
// writes one twice.
#pragma once

#include <functional>
#include <string>

#include "config/config.h"
#include "label/dataset.h"
#include "sched/scheduler.h"

namespace respect {

// Solves one problem exactly. Called concurrently from worker threads, so it
// must be thread-safe (create the scheduler inside).
using LabelSolver = std::function<StatusOr<ScheduleResult>(const Problem&)>;

struct LabelRunStats {
  int64_t existing = 0;   // complete labels found on resume
  int64_t written = 0;    // labels written by this run
  int64_t not_optimal = 0;  // solved but not proven optimal (kept, flagged)
  double seconds = 0;
  double labels_per_s = 0;
};

// The (graph, stages) of label i, exactly as the generator draws it.
StatusOr<LabelRecord> SampleLabelInstance(const Config& config, uint32_t index);

// Fills config.label.dataset up to config.label.count labels with
// config.label.workers threads (0 = all cores). `progress` shows rate and ETA.
StatusOr<LabelRunStats> GenerateLabels(const Config& config, const LabelSolver& solve, bool progress = true);

}  // namespace respect
