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
#include <vector>

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
//
// Under mpirun (dist::Size() N > 1) the ranks share the indices: rank r
// solves the missing indices i with i % N == r and appends them to its own
// shard LabelShardPath(dataset, r, N) (same record format, crash-safe the
// same way); after a barrier rank 0 merges the dataset and every shard into
// the dataset (MergeLabelShards) and removes the shards. Every rank must call
// it; the stats are the sums over the ranks. With resume, the indices already
// in the dataset or in any shard (of any rank count) are not solved again.
// One process with shards left by an interrupted mpirun run merges them
// first (with resume) or refuses to start (without).
StatusOr<LabelRunStats> GenerateLabels(const Config& config, const LabelSolver& solve, bool progress = true);

// "<dataset>.rank<r>of<n>": the shard rank r of n appends to.
std::string LabelShardPath(const std::string& dataset, int rank, int size);

// Every shard of `dataset` on disk (any rank count), sorted by name.
std::vector<std::string> FindLabelShards(const std::string& dataset);

// Rewrites `dataset` as the union of its own records (if it exists) and every
// shard's, one record per index (the dataset's copy first, then the shards' in
// name order), sorted by index: written to "<dataset>.merging", fsynced and
// renamed over the dataset, then the shards are removed. Records are copied
// as they are (payload bytes unchanged), one at a time, so memory does not
// grow with the dataset. A crash at any point leaves every label in the
// dataset or a shard. Returns the record count.
StatusOr<int64_t> MergeLabelShards(const std::string& dataset);

}  // namespace respect
