#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "app/tasks.h"
#include "core/parallel.h"
#include "core/progress.h"
#include "cost/evaluate.h"
#include "io/graph_io.h"
#include "io/model_source.h"
#include "label/dataset.h"
#include "policy/trainer.h"
#include "policy/weights.h"
#include "sched/list_schedule.h"
#include "sched/split.h"
#include "synthetic/graph_set.h"

namespace respect {

namespace {

// The dataset's labels as training examples, ordered by label index (records
// are appended in completion order, which depends on worker timing).
StatusOr<std::vector<TrainExample>> LabelledExamples(const TrainConfig& tc) {
  auto ds = ReadDataset(tc.dataset);
  if (!ds.ok()) return ds.status().WithContext("train.dataset");
  std::sort(ds->records.begin(), ds->records.end(),
            [](const LabelRecord& a, const LabelRecord& b) { return a.index < b.index; });
  std::vector<TrainExample> all;
  all.reserve(ds->records.size());
  for (const LabelRecord& r : ds->records) all.push_back({r.graph, r.target_order, r.stage, r.stages, 0.0});
  return all;
}

// Unlabelled graphs of the curriculum sizes (train.seed) and a held-out set
// of the same sizes from another seed stream, small to large.
Status CurriculumExamples(const Config& config, std::vector<TrainExample>* train,
                          std::vector<TrainExample>* holdout) {
  const TrainConfig& tc = config.train;
  GraphSetSpec spec;
  spec.sizes = tc.curriculum;
  std::sort(spec.sizes.begin(), spec.sizes.end());
  spec.family = tc.family;
  spec.degree_min = config.label.degree_min;
  spec.degree_max = config.label.degree_max;
  spec.stages_min = tc.stages_min;
  spec.stages_max = tc.stages_max;
  auto add = [](const std::vector<SetGraph>& set, std::vector<TrainExample>* out) {
    for (const SetGraph& g : set) out->push_back({g.graph, {}, {}, g.stages, 0.0});
  };
  spec.per_size = tc.graphs_per_size;
  spec.seed = tc.seed;
  spec.prefix = "train";
  auto t = SampleGraphSet(spec);
  if (!t.ok()) return t.status().WithContext("train.curriculum");
  add(*t, train);
  spec.per_size = std::max(1, static_cast<int>((tc.holdout + spec.sizes.size() - 1) / spec.sizes.size()));
  spec.seed = tc.seed ^ 0x686F6C646F7574ULL;  // "holdout": a stream apart from the training graphs
  spec.prefix = "holdout";
  auto h = SampleGraphSet(spec);
  if (!h.ok()) return h.status().WithContext("train.curriculum");
  add(*h, holdout);
  return Status::Ok();
}

// Every example's reference objective: dp_topo's (the non-learned order
// baseline the policy has to beat). Shows progress when `show` (rank 0 only):
// it splits 4 orders each.
// Under mpirun rank r of N solves examples r, r + N, ... and the ranks share
// the results (each slot is set by one rank, so the sum in rank order is
// exact); rank 0 shows its progress.
Status AttachReferences(const Config& config, const char* what, bool show, std::vector<TrainExample>* examples) {
  const size_t rank = static_cast<size_t>(dist::Rank()), size = static_cast<size_t>(dist::Size());
  Progress progress(what, static_cast<int64_t>(examples->size()));
  std::vector<double> reference(examples->size(), 0.0);
  Status st;
  for (size_t i = rank; i < examples->size() && st.ok(); i += size) {
    TrainExample& ex = (*examples)[i];
    const Problem problem = MakeProblem(ex.graph, ex.stages, config);
    DpTopoScheduler dp;
    auto r = dp.Run(problem);
    if (!r.ok()) {
      st = r.status().WithContext(ex.graph->name());
      break;
    }
    reference[i] = (r->status == SolveStatus::kOptimal || r->status == SolveStatus::kFeasible) ? r->objective : 0.0;
    // Rank 0's count stands for all (the ranks move in step).
    if (show) progress.Update(static_cast<int64_t>(std::min(examples->size(), i + size)));
  }
  RESPECT_RETURN_IF_ERROR(dist::AllOk(st));
  RESPECT_RETURN_IF_ERROR(dist::SumInRankOrder(&reference));
  for (size_t i = 0; i < examples->size(); ++i) (*examples)[i].reference = reference[i];
  if (show) progress.Finish();
  return Status::Ok();
}

OrderCost MakeOrderCost(const Config& config) {
  return [config](const TrainExample& ex, const std::vector<int>& order) {
    const Problem problem = MakeProblem(ex.graph, ex.stages, config);
    auto s = OptimalSplit(problem, order);
    if (!s.ok() || !s->found) return std::numeric_limits<double>::infinity();
    return Evaluate(problem, s->schedule).objective;
  };
}

// The training examples: labels split into train and held out (a cosine
// reward, or a cost reward without a curriculum), or generated graphs with
// the labels kept for imitation (a curriculum); dp_topo references for the
// cost reward.
struct TrainSets {
  std::vector<TrainExample> train, holdout, imitation;
};

Status GatherExamples(const Config& config, bool cost, bool generated, const TaskOutput& io, TrainSets* sets) {
  const TrainConfig& tc = config.train;
  if (!generated || tc.supervised_epochs > 0) {
    auto labelled = LabelledExamples(tc);
    if (!labelled.ok()) return labelled.status();
    if (labelled->size() < 2 && !generated)
      return Status::Invalid("train.dataset '" + tc.dataset + "' holds " + std::to_string(labelled->size()) +
                             " labels; at least 2 are needed (make some with task: label)");
    if (generated) {
      sets->imitation = std::move(*labelled);
    } else {
      const HoldoutPlan plan = PlanHoldout(static_cast<int>(labelled->size()), tc.holdout);
      if (!plan.warning.empty() && dist::IsRoot()) io.warnings << plan.warning << "\n" << std::flush;
      const int held = plan.held;
      SplitHoldout(*labelled, held, &sets->train, &sets->holdout);
    }
  }
  if (generated) RESPECT_RETURN_IF_ERROR(CurriculumExamples(config, &sets->train, &sets->holdout));
  if (cost) {
    const bool show = io.progress && dist::IsRoot();
    RESPECT_RETURN_IF_ERROR(AttachReferences(config, "dp_topo references (train)", show, &sets->train));
    RESPECT_RETURN_IF_ERROR(AttachReferences(config, "dp_topo references (held out)", show, &sets->holdout));
  }
  return Status::Ok();
}

// The folders of the checkpoints and the weights file, and the weights file
// writable, before training starts.
Status PrepareTrainOutputs(const TrainConfig& tc) {
  RESPECT_RETURN_IF_ERROR(MakeDirs(tc.checkpoint_dir));
  const size_t slash = tc.weights_out.find_last_of('/');
  if (slash != std::string::npos && slash > 0) RESPECT_RETURN_IF_ERROR(MakeDirs(tc.weights_out.substr(0, slash)));
  return CheckWritable(tc.weights_out);
}

// One progress line per epoch (rank 0 only under mpirun).
void ShowEpochs(bool cost, bool speak, Progress* progress, PolicyTrainer* trainer) {
  trainer->set_epoch_callback([progress, cost, speak](const TrainCurveRow& row) {
    if (!speak) return;
    char extra[200];
    if (cost && row.phase == "reinforce") {
      std::snprintf(extra, sizeof(extra), "dp_topo/J sampled %.4f, held-out greedy %.4f", row.mean_reward,
                    row.holdout_reward);
    } else {
      std::snprintf(extra, sizeof(extra), "%s reward %.4f holdout %.4f baseline %.4f%s", row.phase.c_str(),
                    row.mean_reward, row.holdout_reward, row.baseline_reward,
                    row.baseline_updated ? " (baseline updated)" : "");
    }
    progress->Update(row.epoch, extra);
  });
}

// The init weights, read before any other work (a bad file is refused
// before the first progress line): the network keeps their size and feature
// set. No init weights: a new network of the config's hparams.
Status ReadInitWeights(const TrainConfig& tc, TrainerOptions* opts) {
  if (tc.init_weights.empty()) return Status::Ok();
  auto w = ReadWeightsFile(tc.init_weights);
  if (!w.ok()) return w.status().WithContext("train.init_weights");
  opts->hparams = w->hparams;
  opts->init_params = std::make_shared<const PolicyParams<double>>(std::move(w->params));
  return Status::Ok();
}

// "training on ..." before the first epoch, "best held-out ..." after the last.
void ReportStart(const TrainOutcome& o, const TaskOutput& io) {
  io.out << "training on " << o.train_examples << " " << (o.generated ? "generated graphs" : "labels") << ", "
         << o.holdout_examples << " held out (reward " << o.reward << "); checkpoints in " << o.checkpoint_dir
         << (dist::Size() > 1 ? "; data-parallel on " + std::to_string(dist::Size()) + " ranks" : "") << "\n"
         << std::flush;
}

void ReportEnd(const TrainOutcome& o, const TaskOutput& io) {
  char best[64];
  std::snprintf(best, sizeof(best), "%.4f", o.best_holdout);
  io.out << "best held-out " << (o.reward == "cost" ? "dp_topo/J" : "reward") << " " << best << " after "
         << o.epochs_done << " epochs; weights written to " << o.weights_out << "; curve " << o.curve_path << "\n"
         << std::flush;
}

}  // namespace

StatusOr<TrainOutcome> TrainJob(const Config& config, const TaskOutput& io) {
  const TrainConfig& tc = config.train;
  auto reward = ParseRewardKind(tc.reward);
  if (!reward.ok()) return reward.status();
  const bool cost = *reward == RewardKind::kCost;
  TrainOutcome outcome;
  outcome.generated = cost && !tc.curriculum.empty();
  outcome.reward = tc.reward;
  TrainerOptions opts = TrainerOptionsFromConfig(tc);
  RESPECT_RETURN_IF_ERROR(ReadInitWeights(tc, &opts));
  TrainSets sets;
  RESPECT_RETURN_IF_ERROR(GatherExamples(config, cost, outcome.generated, io, &sets));
  RESPECT_RETURN_IF_ERROR(PrepareTrainOutputs(tc));
  if (cost) {
    opts.order_cost = MakeOrderCost(config);
    // The sizes come in over the first half of the epochs.
    if (outcome.generated && tc.curriculum.size() > 1) opts.curriculum_epochs = std::max(1, tc.epochs / 2);
  }
  opts.note = outcome.generated ? "cost reward on " + std::to_string(sets.train.size()) + " generated graphs (" +
                                      tc.family + "), " + std::to_string(sets.imitation.size()) + " imitation labels"
                                : "trained on " + std::to_string(sets.train.size()) + " labels of " + tc.dataset;
  PolicyTrainer trainer(opts);
  outcome.weights_out = tc.weights_out;
  outcome.checkpoint_dir = tc.checkpoint_dir;
  outcome.curve_path = trainer.CurvePath();
  outcome.train_examples = sets.train.size();
  outcome.holdout_examples = sets.holdout.size();
  outcome.imitation_examples = sets.imitation.size();
  // Under mpirun rank 0 speaks for the job.
  const bool speak = dist::IsRoot();
  Progress progress("train epochs", tc.supervised_epochs + tc.epochs);
  ShowEpochs(cost, speak && io.progress, &progress, &trainer);
  if (speak) ReportStart(outcome, io);
  RESPECT_RETURN_IF_ERROR(trainer.Train(sets.train, sets.holdout, sets.imitation));
  outcome.best_holdout = trainer.best_holdout_reward();
  outcome.epochs_done = trainer.epochs_done();
  if (!speak) return outcome;
  if (io.progress) progress.Finish();
  ReportEnd(outcome, io);
  return outcome;
}

Status RunTrainTask(const Config& config) { return TrainJob(config, {std::cout, std::cerr, true}).status(); }

}  // namespace respect
