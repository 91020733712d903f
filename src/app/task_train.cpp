#include <algorithm>
#include <cstdio>
#include <iostream>

#include "app/tasks.h"
#include "core/progress.h"
#include "io/graph_io.h"
#include "label/dataset.h"
#include "policy/trainer.h"

namespace respect {

Status RunTrainTask(const Config& config) {
  const TrainConfig& tc = config.train;
  auto ds = ReadDataset(tc.dataset);
  if (!ds.ok()) return ds.status().WithContext("train.dataset");
  if (ds->records.size() < 2)
    return Status::Invalid("train.dataset '" + tc.dataset + "' holds " + std::to_string(ds->records.size()) +
                           " labels; at least 2 are needed (make some with task: label)");
  // Records are appended in completion order, which depends on worker timing;
  // order them by label index so training (and its holdout split) is
  // reproducible however the dataset was produced.
  std::sort(ds->records.begin(), ds->records.end(),
            [](const LabelRecord& a, const LabelRecord& b) { return a.index < b.index; });
  std::vector<TrainExample> all;
  all.reserve(ds->records.size());
  for (const LabelRecord& r : ds->records) all.push_back({r.graph, r.target_order, r.stage, r.stages});
  std::vector<TrainExample> train, holdout;
  SplitHoldout(all, tc.holdout, &train, &holdout);
  RESPECT_RETURN_IF_ERROR(MakeDirs(tc.checkpoint_dir));
  const size_t slash = tc.weights_out.find_last_of('/');
  if (slash != std::string::npos && slash > 0) RESPECT_RETURN_IF_ERROR(MakeDirs(tc.weights_out.substr(0, slash)));
  RESPECT_RETURN_IF_ERROR(CheckWritable(tc.weights_out));

  TrainerOptions opts = TrainerOptionsFromConfig(tc);
  opts.note = "trained on " + std::to_string(train.size()) + " labels of " + tc.dataset;
  PolicyTrainer trainer(opts);
  Progress progress("train epochs", tc.supervised_epochs + tc.epochs);
  trainer.set_epoch_callback([&progress](const TrainCurveRow& row) {
    char extra[160];
    std::snprintf(extra, sizeof(extra), "%s reward %.4f holdout %.4f baseline %.4f%s", row.phase.c_str(),
                  row.mean_reward, row.holdout_reward, row.baseline_reward,
                  row.baseline_updated ? " (baseline updated)" : "");
    progress.Update(row.epoch, extra);
  });
  std::printf("training on %zu labels, %zu held out; checkpoints in %s\n", train.size(), holdout.size(),
              tc.checkpoint_dir.c_str());
  RESPECT_RETURN_IF_ERROR(trainer.Train(train, holdout));
  progress.Finish();
  std::printf("best held-out reward %.4f after %d epochs; weights written to %s; curve %s\n",
              trainer.best_holdout_reward(), trainer.epochs_done(), tc.weights_out.c_str(),
              trainer.CurvePath().c_str());
  return Status::Ok();
}

}  // namespace respect
