// Training core of the pointer policy (docs/design.md "Learned policy").
//
// REINFORCE with a greedy-rollout baseline (Kool et al. style): for every
// training example, sample an order from the current policy, reward it with
// LabelReward (policy/reward.h) against the example's target order, and weigh
// its log-likelihood gradient by the advantage r - b, where b is the reward
// of the greedy order of a frozen baseline policy. At the end of each epoch
// the candidate (current policy) and the baseline are both decoded greedily
// on the held-out set; the baseline becomes a copy of the candidate when a
// one-sided paired t-test says the candidate is better at p < significance.
// Adam, global-norm gradient clipping. Optional supervised warm start:
// `supervised_epochs` epochs of teacher forcing (cross-entropy on the target
// order) before the REINFORCE epochs; the baseline follows the warm start.
//
// Determinism: for one seed, options and data set, training is bitwise
// reproducible (single thread, PolicyRng, fixed summation order), including
// across a checkpoint + resume.
//
// Files (each optional):
//   <checkpoint_dir>/checkpoint.rspc  after every epoch: parameters, Adam
//       state, baseline, best-so-far parameters, RNG state, epoch (written to a
//       temp file and renamed, so a crash leaves the previous checkpoint).
//   curve CSV: epoch,phase,mean_reward,baseline_reward,holdout_reward,seconds,
//       loss,grad_norm,p_value,baseline_updated (epoch 0 = before training).
//   weights_out: the parameters with the best held-out score, written only
//       when training ends (temp file + rename); until then the best so far is
//       <checkpoint_dir>/best_so_far.rspw, rewritten after every epoch.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/status.h"
#include "graph/graph.h"
#include "policy/adam.h"
#include "policy/network.h"
#include "policy/rng.h"

namespace respect {

// One training graph. The cosine reward needs its label (an exact schedule:
// target_order and stage); the cost reward needs only the graph, the stage
// count and, for the held-out score, a reference objective.
struct TrainExample {
  std::shared_ptr<const Graph> graph;
  std::vector<int> target_order;  // a topological order of node indices (empty: unlabelled)
  std::vector<int> stage;         // stage[v] in [0, stages) (empty: unlabelled)
  int stages = 0;
  double reference = 0;           // objective of a non-learned schedule (dp_topo), > 0; 0 = unknown
};

// Invalid (one line) if the graph is missing, stages < 1, or (when
// `needs_label`, or when a label is present) target_order is not a
// topological order or stage has the wrong size or out-of-range entries.
Status ValidateExample(const TrainExample& ex, bool needs_label = true);

enum class RewardKind { kCosine = 0, kCost = 1 };
// "cosine" | "cost"; Invalid otherwise.
StatusOr<RewardKind> ParseRewardKind(const std::string& s);

// The true cost of an order: the objective of its optimal split into
// ex.stages stages (+infinity if it has no feasible split). Called from the
// training thread only. A seam, so tests can plug in a cheap exact cost.
using OrderCost = std::function<double(const TrainExample& ex, const std::vector<int>& order)>;

struct TrainerOptions {
  PolicyHParams hparams;
  // kCosine: the paper's reward against the label, greedy-rollout baseline
  // replaced by a paired t-test (below). kCost: reward = the order's true
  // cost; `rollouts` orders are sampled per graph and each one's advantage is
  // (mean J - J_i) / mean J over its group (a shared baseline, scale-free per
  // graph); the held-out score is mean(reference / J_greedy) (> 1: better
  // than the reference schedule). Needs order_cost and every held-out
  // example's reference.
  RewardKind reward = RewardKind::kCosine;
  int rollouts = 8;
  OrderCost order_cost;
  // Curriculum (cost reward): epoch e trains on the first
  // max(batch_size, N min(1, e / curriculum_epochs)) examples, so examples
  // given small to large bring the large graphs in gradually. 0 = all at once.
  int curriculum_epochs = 0;
  // Cost reward: graphs of a batch run on this many threads (the result is
  // reproducible for a given thread count, not across counts).
  int threads = 1;
  // Start from these parameters instead of a random init (fine-tuning); their
  // shapes must match hparams. Empty = InitParams(hparams, seed).
  std::shared_ptr<const PolicyParams<double>> init_params;
  int epochs = 20;              // REINFORCE epochs
  int supervised_epochs = 0;    // teacher-forcing warm start epochs, run first
  int batch_size = 32;
  double learning_rate = 1e-3;
  double grad_clip = 1.0;       // max global gradient norm; <= 0: no clipping
  double significance = 0.05;   // baseline replacement: one-sided paired t-test p <
  uint64_t seed = 1;
  std::string checkpoint_dir;   // "" = no checkpoints (and no resume)
  std::string weights_out;      // "" = do not write weights
  std::string curve_csv;        // "" = <checkpoint_dir>/curve.csv (none without a dir)
  bool resume = false;          // continue from <checkpoint_dir>/checkpoint.rspc if present
  std::string note;             // stored in the weights file
  // Under mpirun (dist::Size() N > 1): data-parallel training. Every batch is
  // shared by the ranks (cost reward and supervised epochs; cosine REINFORCE
  // epochs, whose sampling is one sequential stream, run whole on every
  // rank), the partial gradients are summed in rank order
  // (dist::SumInRankOrder) and every rank takes the same Adam step, so the
  // ranks keep bitwise identical weights (checked after every epoch). Held-out
  // scores are shared out by example. Only rank 0 writes files (checkpoint,
  // curve, weights) and resume reads rank 0's checkpoint. The cost reward's
  // graph g of a batch runs on worker (g mod N*threads), so N ranks of T
  // threads give bitwise the result of 1 process of N*T threads when T = 1.
  // false: train alone even under mpirun.
  bool data_parallel = true;
};

// A 64-bit fingerprint of the parameter values (FNV-1a over their bytes in
// ForEach order): equal parameters give equal fingerprints.
uint64_t ParamsFingerprint(const PolicyParams<double>& p);

// hidden/embed = TrainConfig::hidden; every other field mapped by name.
TrainerOptions TrainerOptionsFromConfig(const TrainConfig& config);

// How many of `labels` labelled examples to hold out for train.holdout =
// `holdout`, and a warning ("" when none). A hold-out that would leave fewer
// labels for training than it holds (so under 50%, let alone 10%) is cut to
// a fifth of the labels; fewer than kFewTrainingLabels left for training is
// warned about too (it once trained on 1 label of 200 without a word).
struct HoldoutPlan {
  int held = 0;
  std::string warning;  // one line, no newline
};
inline constexpr int kFewTrainingLabels = 5;
HoldoutPlan PlanHoldout(int labels, int holdout);

// The last `holdout` examples (at most all but one) are held out.
void SplitHoldout(const std::vector<TrainExample>& all, int holdout, std::vector<TrainExample>* train,
                  std::vector<TrainExample>* held_out);

struct TrainCurveRow {
  int epoch = 0;               // 0 = before training
  std::string phase;           // "init" | "supervised" | "reinforce"
  double mean_reward = 0;      // reinforce: mean reward of the sampled orders;
                               // supervised / init: mean greedy reward on the training examples
  double baseline_reward = 0;  // baseline's mean greedy reward on the holdout (before this epoch's test)
  double holdout_reward = 0;   // trained policy's mean greedy reward on the holdout
  double seconds = 0;          // cumulative training wall time
  double loss = 0;             // reinforce: mean -(r - b) log p; supervised: mean NLL of the target
  double grad_norm = 0;        // mean global gradient norm before clipping
  double p_value = 1;          // baseline t-test (reinforce epochs)
  bool baseline_updated = false;
};

// The greedy order's cost ratio reference / J per example (cost reward).
std::vector<double> GreedyCostRatios(const PolicyHParams& hp, const PolicyParams<double>& p,
                                     const std::vector<TrainExample>& examples, const OrderCost& cost);

// Mean-free helpers (double precision, greedy decode).
std::vector<double> GreedyRewards(const PolicyHParams& hp, const PolicyParams<double>& p,
                                  const std::vector<TrainExample>& examples);

class PolicyTrainer {
 public:
  explicit PolicyTrainer(TrainerOptions options);

  // Trains for supervised_epochs + epochs epochs in total (a resumed run
  // continues after the checkpoint's epoch). holdout must be non-empty. The
  // supervised warm start imitates `imitation`'s target orders (labelled
  // examples, e.g. exact schedules) when given, else train's.
  Status Train(const std::vector<TrainExample>& train, const std::vector<TrainExample>& holdout,
               const std::vector<TrainExample>& imitation = {});

  const PolicyParams<double>& params() const { return params_; }
  const PolicyParams<double>& baseline_params() const { return baseline_; }
  const PolicyParams<double>& best_params() const { return best_; }
  double best_holdout_reward() const { return best_reward_; }
  int epochs_done() const { return epoch_done_; }
  // Rows produced by this process (a resumed run starts after the checkpoint).
  const std::vector<TrainCurveRow>& curve() const { return curve_; }
  // Called after every epoch (e.g. to print progress).
  void set_epoch_callback(std::function<void(const TrainCurveRow&)> cb) { on_epoch_ = std::move(cb); }

  std::string CheckpointPath() const;
  std::string CurvePath() const;

 private:
  Status Init(const std::vector<TrainExample>& train);
  Status SaveCheckpoint(uint64_t fingerprint) const;
  // Parses checkpoint bytes read from CheckpointPath() (by rank 0).
  Status LoadCheckpoint(uint64_t fingerprint, const std::string& bytes);
  // Data parallelism: ranks() ranks of which this is rank(); writer() is the
  // process that writes files (rank 0, or the only one).
  int ranks() const;
  int rank() const;
  bool writer() const { return rank() == 0; }
  // Sums the ranks' partial gradients in rank order into *grads (and the
  // `extra` scalars along with them). `local` is this rank's state: if any
  // rank failed, every rank gets an error.
  Status SumAcrossRanks(const Status& local, PolicyParams<double>* grads, std::vector<double>* extra = nullptr) const;
  // After an epoch: `local` ok on every rank and every rank's parameters equal
  // to rank 0's, else an error on every rank.
  Status CheckRanksAgree(const Status& local) const;
  // score_set(examples) per example, each example scored on one rank.
  std::vector<double> SharedScores(
      const std::vector<TrainExample>& examples,
      const std::function<std::vector<double>(const std::vector<TrainExample>&)>& score_set) const;
  Status StartCurve(bool resumed);
  Status AppendCurve(const TrainCurveRow& row) const;
  // Train's steps: the options and examples checked; the checkpoint's bytes
  // read by rank 0 and handed to every rank (empty: none); a curve row
  // recorded, appended to the CSV and passed to the epoch callback; the best
  // parameters written to `path` (none for ""); the row of epoch 0.
  Status ValidateInputs(const std::vector<TrainExample>& train, const std::vector<TrainExample>& holdout,
                        const std::vector<TrainExample>& imitation) const;
  Status ReadSharedCheckpoint(std::string* checkpoint) const;
  Status EmitRow(const TrainCurveRow& row);
  Status WriteWeights(const std::string& path, size_t train_size, size_t holdout_size) const;
  Status InitialRow(const std::vector<TrainExample>& train, const std::vector<TrainExample>& holdout);
  // The skeleton the three epochs share: examples 0..n-1 shuffled (then
  // `after_shuffle`, if any) and cut into batches of batch_size; for each
  // batch, step(order, start, end, grads) adds this rank's part of the
  // gradient of order[start..end) into *grads (zeroed) and returns its
  // status; the parts are summed across ranks in rank order (across_ranks;
  // else every rank runs the whole batch), clipped to grad_clip, and Adam
  // steps. Stops at the first error; *mean_norm: the mean norm before clipping.
  using BatchStep = std::function<Status(const std::vector<int>& order, size_t start, size_t end,
                                         PolicyParams<double>* grads)>;
  Status RunBatches(size_t n, bool across_ranks, const BatchStep& step, double* mean_norm,
                    const std::function<void()>& after_shuffle = nullptr);
  std::vector<int> ShuffledIndices(size_t n);
  // Sums these scalars across ranks in rank order, in place (one rank: as they are).
  Status SumScalarsAcrossRanks(std::initializer_list<double*> values) const;
  // The current parameters' held-out scores (returned) and the baseline's,
  // their means into *row.
  std::vector<double> ScoreHoldout(const std::vector<TrainExample>& holdout, TrainCurveRow* row);
  // The current parameters become the baseline, with held-out scores `cand`.
  void AdoptBaseline(std::vector<double> cand, TrainCurveRow* row);
  TrainCurveRow SupervisedEpoch(const std::vector<TrainExample>& train,
                                const std::vector<TrainExample>& holdout, Status* st);
  TrainCurveRow ReinforceEpoch(const std::vector<TrainExample>& train,
                               const std::vector<TrainExample>& holdout, Status* st);
  struct CostGraphStats {
    double ratio_sum = 0, loss_sum = 0;
    int64_t ratio_count = 0;
  };
  Status CostGraphStep(const TrainExample& ex, double scale, PolicyRng* rng, PolicyParams<double>* grads,
                       CostGraphStats* stats) const;
  TrainCurveRow CostEpoch(const std::vector<TrainExample>& train, const std::vector<TrainExample>& holdout,
                          int epoch, Status* st);
  // Held-out score of parameters p: cosine -> mean greedy reward; cost ->
  // mean(reference / J_greedy).
  std::vector<double> HoldoutScores(const PolicyParams<double>& p, const std::vector<TrainExample>& holdout) const;
  double BaselineReward(const std::vector<TrainExample>& train, int i);

  TrainerOptions opt_;
  PolicyParams<double> params_, baseline_, best_;
  Adam adam_;
  PolicyRng rng_;
  int epoch_done_ = 0;
  double seconds_ = 0;
  double best_reward_ = 0;
  std::vector<double> train_base_;    // baseline greedy reward per training example (NaN = unknown)
  std::vector<double> holdout_base_;  // baseline greedy rewards on the holdout (empty = unknown)
  std::vector<TrainCurveRow> curve_;
  std::function<void(const TrainCurveRow&)> on_epoch_;
};

}  // namespace respect
