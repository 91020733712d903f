#include "policy/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <numeric>
#include <sstream>
#include <thread>

#include "core/parallel.h"
#include "io/output_guard.h"
#include "policy/binary_io.h"
#include "policy/decode.h"
#include "policy/reward.h"
#include "policy/stats.h"
#include "policy/weights.h"

namespace respect {

namespace {

constexpr uint32_t kCheckpointVersion = 2;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double Mean(const std::vector<double>& x) {
  if (x.empty()) return 0.0;
  double s = 0.0;
  for (double v : x) s += v;
  return s / static_cast<double>(x.size());
}

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// A fingerprint of the training set (sizes, target orders, stages), so a
// resume on different data is refused.
uint64_t Fingerprint(const std::vector<TrainExample>& train, const std::vector<TrainExample>& holdout) {
  uint64_t h = 14695981039346656037ULL;
  auto mix = [&](uint64_t v) {
    for (int i = 0; i < 8; ++i) {
      h ^= (v >> (8 * i)) & 0xFF;
      h *= 1099511628211ULL;
    }
  };
  for (const auto* set : {&train, &holdout}) {
    mix(set->size());
    for (const auto& ex : *set) {
      mix(static_cast<uint64_t>(ex.graph->size()));
      mix(static_cast<uint64_t>(ex.graph->num_edges()));
      mix(static_cast<uint64_t>(ex.stages));
      for (int v : ex.target_order) mix(static_cast<uint64_t>(v));
      for (int s : ex.stage) mix(static_cast<uint64_t>(s));
    }
  }
  return h;
}

// *acc += g, tensor by tensor.
void AddInto(const PolicyParams<double>& g, PolicyParams<double>* acc) {
  std::vector<const double*> src;
  g.ForEach([&](const char*, const auto& t) { src.push_back(t.data()); });
  size_t i = 0;
  acc->ForEach([&](const char*, auto& t) {
    const double* p = src[i++];
    for (Eigen::Index k = 0; k < t.size(); ++k) t.data()[k] += p[k];
  });
}

// The parameters (or gradients) as one vector, in ForEach order, and back.
std::vector<double> Flatten(const PolicyParams<double>& p, size_t extra) {
  std::vector<double> v;
  v.reserve(static_cast<size_t>(p.NumParams()) + extra);
  p.ForEach([&](const char*, const auto& t) { v.insert(v.end(), t.data(), t.data() + t.size()); });
  return v;
}
void Unflatten(const std::vector<double>& v, PolicyParams<double>* p) {
  size_t i = 0;
  p->ForEach([&](const char*, auto& t) {
    std::copy(v.begin() + static_cast<std::ptrdiff_t>(i), v.begin() + static_cast<std::ptrdiff_t>(i + t.size()),
              t.data());
    i += static_cast<size_t>(t.size());
  });
}

// Samples a choice from the probabilities exp(logp) with *rng (*prob: scratch).
Chooser<double> SampleWith(PolicyRng* rng, std::vector<double>* prob) {
  return [rng, prob](const PVec<double>& logp, const DecoderState<double>&) {
    prob->resize(logp.size());
    for (Eigen::Index j = 0; j < logp.size(); ++j) (*prob)[j] = std::exp(logp(j));
    return rng->Categorical(prob->data(), static_cast<int>(prob->size()));
  };
}

}  // namespace

uint64_t ParamsFingerprint(const PolicyParams<double>& p) {
  uint64_t h = 14695981039346656037ULL;
  p.ForEach([&](const char*, const auto& t) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(t.data());
    for (size_t i = 0; i < static_cast<size_t>(t.size()) * sizeof(double); ++i) {
      h ^= bytes[i];
      h *= 1099511628211ULL;
    }
  });
  return h;
}

StatusOr<RewardKind> ParseRewardKind(const std::string& s) {
  if (s == "cosine") return RewardKind::kCosine;
  if (s == "cost") return RewardKind::kCost;
  return Status::Invalid("unknown train.reward '" + s + "' (cost | cosine)");
}

Status ValidateExample(const TrainExample& ex, bool needs_label) {
  if (!ex.graph) return Status::Invalid("training example without a graph");
  const Graph& g = *ex.graph;
  if (ex.stages < 1) return Status::Invalid("training example " + g.name() + ": stages < 1");
  if (!needs_label && ex.stage.empty() && ex.target_order.empty()) return Status::Ok();
  if (static_cast<int>(ex.stage.size()) != g.size()) {
    return Status::Invalid("training example " + g.name() + ": " + std::to_string(ex.stage.size()) +
                           " stages for " + std::to_string(g.size()) + " nodes");
  }
  for (int v = 0; v < g.size(); ++v) {
    if (ex.stage[v] < 0 || ex.stage[v] >= ex.stages) {
      return Status::Invalid("training example " + g.name() + ": node " + g.node(v).name + " has stage " +
                             std::to_string(ex.stage[v]) + " outside 0.." + std::to_string(ex.stages - 1));
    }
  }
  if (!g.IsTopologicalOrder(ex.target_order)) {
    return Status::Invalid("training example " + g.name() + ": target order is not a topological order");
  }
  return Status::Ok();
}

TrainerOptions TrainerOptionsFromConfig(const TrainConfig& c) {
  TrainerOptions o;
  o.hparams.embed = c.hidden;
  o.hparams.hidden = c.hidden;
  o.epochs = c.epochs;
  o.supervised_epochs = c.supervised_epochs;
  o.batch_size = c.batch_size;
  o.learning_rate = c.learning_rate;
  o.grad_clip = c.grad_clip;
  o.seed = c.seed;
  o.checkpoint_dir = c.checkpoint_dir;
  o.weights_out = c.weights_out;
  o.resume = c.resume;
  o.hparams.dynamic = c.dynamic;
  o.rollouts = c.rollouts;
  o.threads = c.threads;
  if (auto r = ParseRewardKind(c.reward); r.ok()) o.reward = *r;
  return o;
}

HoldoutPlan PlanHoldout(int labels, int holdout) {
  HoldoutPlan plan;
  const int n = std::max(0, labels);
  plan.held = std::clamp(holdout, 0, std::max(0, n - 1));  // as SplitHoldout
  if (2 * plan.held > n) {
    const int cut = std::max(1, n / 5);
    plan.warning = "train.holdout " + std::to_string(holdout) + " would leave " + std::to_string(n - plan.held) +
                   " of " + std::to_string(n) + " labels for training; holding out " + std::to_string(cut);
    plan.held = cut;
  }
  const int left = n - plan.held;
  if (left < kFewTrainingLabels) {
    plan.warning += (plan.warning.empty() ? "" : "; ") + std::string("only ") + std::to_string(left) + " label" +
                    (left == 1 ? "" : "s") + " to train on (make more with task: label, label.count)";
  }
  if (!plan.warning.empty()) plan.warning = "warning: " + plan.warning;
  return plan;
}

void SplitHoldout(const std::vector<TrainExample>& all, int holdout, std::vector<TrainExample>* train,
                  std::vector<TrainExample>* held_out) {
  const int n = static_cast<int>(all.size());
  const int h = std::clamp(holdout, 0, std::max(0, n - 1));
  train->assign(all.begin(), all.begin() + (n - h));
  held_out->assign(all.begin() + (n - h), all.end());
}

namespace {
// score(example, greedy order) per example; 0 where the graph cannot be encoded.
template <class F>
std::vector<double> GreedyScores(const PolicyHParams& hp, const PolicyParams<double>& p,
                                 const std::vector<TrainExample>& examples, F score) {
  std::vector<double> r;
  r.reserve(examples.size());
  Encoding<double> enc;
  for (const auto& ex : examples) {
    if (!Encode<double>(hp, p, *ex.graph, false, &enc).ok()) {
      r.push_back(0.0);
      continue;
    }
    r.push_back(score(ex, GreedyDecode<double>(hp, p, enc).order));
  }
  return r;
}
}  // namespace

std::vector<double> GreedyRewards(const PolicyHParams& hp, const PolicyParams<double>& p,
                                  const std::vector<TrainExample>& examples) {
  return GreedyScores(hp, p, examples, [](const TrainExample& ex, const std::vector<int>& order) {
    return LabelReward(order, ex.target_order, ex.stage);
  });
}

std::vector<double> GreedyCostRatios(const PolicyHParams& hp, const PolicyParams<double>& p,
                                     const std::vector<TrainExample>& examples, const OrderCost& cost) {
  return GreedyScores(hp, p, examples, [&](const TrainExample& ex, const std::vector<int>& order) {
    const double j = cost(ex, order);
    return std::isfinite(j) && j > 0 ? ex.reference / j : 0.0;
  });
}

std::vector<double> PolicyTrainer::HoldoutScores(const PolicyParams<double>& p,
                                                 const std::vector<TrainExample>& holdout) const {
  return SharedScores(holdout, [&](const std::vector<TrainExample>& set) {
    if (opt_.reward == RewardKind::kCost) return GreedyCostRatios(opt_.hparams, p, set, opt_.order_cost);
    return GreedyRewards(opt_.hparams, p, set);
  });
}

// ---------------------------------------------------------------- ranks
int PolicyTrainer::ranks() const { return opt_.data_parallel ? dist::Size() : 1; }
int PolicyTrainer::rank() const { return opt_.data_parallel ? dist::Rank() : 0; }

std::vector<double> PolicyTrainer::SharedScores(
    const std::vector<TrainExample>& examples,
    const std::function<std::vector<double>(const std::vector<TrainExample>&)>& score_set) const {
  const int n = ranks();
  if (n == 1) return score_set(examples);
  std::vector<TrainExample> mine;
  for (size_t i = static_cast<size_t>(rank()); i < examples.size(); i += static_cast<size_t>(n))
    mine.push_back(examples[i]);
  const std::vector<double> part = score_set(mine);
  // Each slot is set by one rank and 0 on the others: the rank-order sum
  // (x + 0.0 = x) shares every score exactly.
  std::vector<double> all(examples.size(), 0.0);
  for (size_t k = 0; k < part.size(); ++k) all[static_cast<size_t>(rank()) + k * static_cast<size_t>(n)] = part[k];
  // MPI's default error handler ends the job on a communication failure, so
  // this returns ok or not at all.
  (void)dist::SumInRankOrder(&all);
  return all;
}

Status PolicyTrainer::SumAcrossRanks(const Status& local, PolicyParams<double>* grads,
                                     std::vector<double>* extra) const {
  if (ranks() == 1) return local;
  const size_t n_extra = extra ? extra->size() : 0;
  std::vector<double> v = Flatten(*grads, n_extra + 1);
  if (extra) v.insert(v.end(), extra->begin(), extra->end());
  v.push_back(local.ok() ? 0.0 : 1.0);  // failed ranks
  RESPECT_RETURN_IF_ERROR(dist::SumInRankOrder(&v));
  if (!local.ok()) return local;
  if (v.back() > 0) return Status::Internal("another rank failed (its message is above)");
  v.pop_back();
  if (extra) std::copy(v.end() - static_cast<std::ptrdiff_t>(n_extra), v.end(), extra->begin());
  v.resize(v.size() - n_extra);
  Unflatten(v, grads);
  return Status::Ok();
}

Status PolicyTrainer::CheckRanksAgree(const Status& local) const {
  if (ranks() == 1) return local;
  const std::string mine = std::to_string(ParamsFingerprint(params_));
  std::string root = mine;
  RESPECT_RETURN_IF_ERROR(dist::Broadcast(&root));
  Status st = local;
  if (st.ok() && root != mine)
    st = Status::Internal("train: rank " + std::to_string(rank()) + "'s weights differ from rank 0's after epoch " +
                          std::to_string(epoch_done_));
  return dist::AllOk(st);
}

PolicyTrainer::PolicyTrainer(TrainerOptions options) : opt_(std::move(options)) {}

std::string PolicyTrainer::CheckpointPath() const {
  if (opt_.checkpoint_dir.empty()) return "";
  return opt_.checkpoint_dir + "/checkpoint.rspc";
}

std::string PolicyTrainer::CurvePath() const {
  if (!opt_.curve_csv.empty()) return opt_.curve_csv;
  if (opt_.checkpoint_dir.empty()) return "";
  return opt_.checkpoint_dir + "/curve.csv";
}

Status PolicyTrainer::Init(const std::vector<TrainExample>& train) {
  if (opt_.init_params) {
    RESPECT_RETURN_IF_ERROR(CheckShapes(opt_.hparams, *opt_.init_params).WithContext("train: initial weights"));
    params_ = *opt_.init_params;
  } else {
    params_ = InitParams(opt_.hparams, opt_.seed);
  }
  baseline_ = params_;
  best_ = params_;
  adam_ = Adam(opt_.hparams, AdamOptions{opt_.learning_rate});
  uint64_t s = opt_.seed ^ 0x7261696E2D726E67ULL;  // a stream apart from InitParams'
  rng_.Seed(PolicyRng::SplitMix64(&s));
  epoch_done_ = 0;
  seconds_ = 0;
  best_reward_ = -std::numeric_limits<double>::infinity();
  train_base_.assign(train.size(), kNaN);
  holdout_base_.clear();
  return Status::Ok();
}

// ---------------------------------------------------------------- checkpoint
Status PolicyTrainer::SaveCheckpoint(uint64_t fingerprint) const {
  policy_io::ByteWriter w;
  w.Raw("RSPC");
  w.U32(kCheckpointVersion);
  w.U64(opt_.seed);
  w.U64(fingerprint);
  w.U32(static_cast<uint32_t>(opt_.hparams.feature_dim));
  w.U32(static_cast<uint32_t>(opt_.hparams.embed));
  w.U32(static_cast<uint32_t>(opt_.hparams.hidden));
  w.F64(opt_.hparams.tanh_clip);
  w.U32(static_cast<uint32_t>(opt_.hparams.glimpse_mask));
  w.U32(static_cast<uint32_t>(opt_.hparams.features));
  w.U32(opt_.hparams.dynamic ? 1u : 0u);
  w.U32(static_cast<uint32_t>(epoch_done_));
  for (uint64_t x : rng_.state()) w.U64(x);
  w.U64(static_cast<uint64_t>(adam_.step()));
  w.F64(seconds_);
  w.F64(best_reward_);
  auto put = [&](const std::string& prefix, const PolicyParams<double>& p) {
    p.ForEach([&](const char* name, const auto& t) {
      w.Tensor(prefix + name, t, std::decay_t<decltype(t)>::ColsAtCompileTime == 1, policy_io::TensorDtype::kF64);
    });
  };
  put("param/", params_);
  put("adam_m/", adam_.m());
  put("adam_v/", adam_.v());
  put("baseline/", baseline_);
  put("best/", best_);
  return policy_io::WriteFileAtomic(CheckpointPath(), w.data());
}

Status PolicyTrainer::LoadCheckpoint(uint64_t fingerprint, const std::string& bytes) {
  const std::string path = CheckpointPath();
  policy_io::ByteReader r(bytes);
  auto bad = [&](const std::string& what) { return Status::Invalid(path + ": " + what); };
  std::string magic;
  if (!r.Raw(4, &magic) || magic != "RSPC") return bad("not a policy checkpoint (magic is not RSPC)");
  uint32_t version, fd, e, h, mask, fs, dyn, epoch;
  uint64_t seed, fp, step;
  double clip, seconds, best;
  if (!r.U32(&version)) return bad("truncated header");
  if (version != kCheckpointVersion) return bad("checkpoint version " + std::to_string(version) + " not supported");
  if (!r.U64(&seed) || !r.U64(&fp) || !r.U32(&fd) || !r.U32(&e) || !r.U32(&h) || !r.F64(&clip) ||
      !r.U32(&mask) || !r.U32(&fs) || !r.U32(&dyn) || !r.U32(&epoch)) {
    return bad("truncated header");
  }
  std::array<uint64_t, 4> rs{};
  for (auto& x : rs) {
    if (!r.U64(&x)) return bad("truncated RNG state");
  }
  if (!r.U64(&step) || !r.F64(&seconds) || !r.F64(&best)) return bad("truncated header");
  const PolicyHParams& hp = opt_.hparams;
  if (seed != opt_.seed || static_cast<int>(fd) != hp.feature_dim || static_cast<int>(e) != hp.embed ||
      static_cast<int>(h) != hp.hidden || clip != hp.tanh_clip || mask != static_cast<uint32_t>(hp.glimpse_mask) ||
      fs != static_cast<uint32_t>(hp.features) || dyn != (hp.dynamic ? 1u : 0u)) {
    return bad("made with a different seed or network size; cannot resume");
  }
  if (fp != fingerprint) return bad("made on a different data set; cannot resume");
  std::map<std::string, policy_io::TensorRecord> recs;
  while (r.remaining() > 0) {
    policy_io::TensorRecord rec;
    Status st = r.Tensor(&rec);
    if (!st.ok()) return st.WithContext(path);
    const std::string name = rec.name;
    recs.emplace(name, std::move(rec));
  }
  Status st;
  auto get = [&](const std::string& prefix, PolicyParams<double>* p) {
    *p = ZeroParams<double>(hp);
    p->ForEach([&](const char* name, auto& t) {
      if (!st.ok()) return;
      auto it = recs.find(prefix + name);
      if (it == recs.end()) {
        st = bad("missing tensor " + prefix + name);
        return;
      }
      st = policy_io::AssignTensor(it->second, std::decay_t<decltype(t)>::ColsAtCompileTime == 1, &t);
      if (!st.ok()) st = st.WithContext(path);
    });
  };
  PolicyParams<double> params, m, v, base, bestp;
  get("param/", &params);
  get("adam_m/", &m);
  get("adam_v/", &v);
  get("baseline/", &base);
  get("best/", &bestp);
  RESPECT_RETURN_IF_ERROR(st);
  params_ = std::move(params);
  adam_.m() = std::move(m);
  adam_.v() = std::move(v);
  adam_.set_step(static_cast<int64_t>(step));
  baseline_ = std::move(base);
  best_ = std::move(bestp);
  rng_.set_state(rs);
  epoch_done_ = static_cast<int>(epoch);
  seconds_ = seconds;
  best_reward_ = best;
  return Status::Ok();
}

// ---------------------------------------------------------------- curve CSV
static const char* kCurveHeader =
    "epoch,phase,mean_reward,baseline_reward,holdout_reward,seconds,loss,grad_norm,p_value,baseline_updated";

Status PolicyTrainer::StartCurve(bool resumed) {
  const std::string path = CurvePath();
  if (path.empty() || !writer()) return Status::Ok();
  std::string keep = std::string(kCurveHeader) + "\n";
  if (resumed) {
    // Keep the rows up to the checkpoint's epoch (a crash may have left later ones).
    std::ifstream in(path);
    std::string line;
    bool first = true;
    while (std::getline(in, line)) {
      if (first) {
        first = false;
        continue;
      }
      const int epoch = std::atoi(line.c_str());
      if (!line.empty() && epoch <= epoch_done_) keep += line + "\n";
    }
  }
  return policy_io::WriteFileAtomic(path, keep);
}

Status PolicyTrainer::AppendCurve(const TrainCurveRow& row) const {
  const std::string path = CurvePath();
  if (path.empty() || !writer()) return Status::Ok();
  RESPECT_RETURN_IF_ERROR(CheckWritable(path));
  std::ofstream out(path, std::ios::app);
  if (!out) return Status::Io("cannot write " + path);
  char buf[512];
  std::snprintf(buf, sizeof(buf), "%d,%s,%.6f,%.6f,%.6f,%.3f,%.6g,%.6g,%.6g,%d\n", row.epoch, row.phase.c_str(),
                row.mean_reward, row.baseline_reward, row.holdout_reward, row.seconds, row.loss, row.grad_norm,
                row.p_value, row.baseline_updated ? 1 : 0);
  out << buf;
  if (!out) return Status::Io("cannot write " + path);
  return Status::Ok();
}

// ---------------------------------------------------------------- batches
std::vector<int> PolicyTrainer::ShuffledIndices(size_t n) {
  std::vector<int> idx(n);
  std::iota(idx.begin(), idx.end(), 0);
  rng_.Shuffle(&idx);
  return idx;
}

Status PolicyTrainer::RunBatches(size_t n, bool across_ranks, const BatchStep& step, double* mean_norm,
                                 const std::function<void()>& after_shuffle) {
  const std::vector<int> idx = ShuffledIndices(n);
  if (after_shuffle) after_shuffle();
  PolicyParams<double> grads = ZeroParams<double>(opt_.hparams);
  double sum_norm = 0;
  int batches = 0;
  for (size_t start = 0; start < idx.size(); start += opt_.batch_size) {
    const size_t end = std::min(idx.size(), start + static_cast<size_t>(opt_.batch_size));
    grads.SetZero();
    const Status local = step(idx, start, end, &grads);
    RESPECT_RETURN_IF_ERROR(across_ranks ? SumAcrossRanks(local, &grads) : local);
    sum_norm += ClipGlobalNorm(&grads, opt_.grad_clip);
    ++batches;
    adam_.Step(&params_, grads);
  }
  *mean_norm = batches ? sum_norm / batches : 0.0;
  return Status::Ok();
}

Status PolicyTrainer::SumScalarsAcrossRanks(std::initializer_list<double*> values) const {
  if (ranks() == 1) return Status::Ok();
  std::vector<double> sums;
  for (double* v : values) sums.push_back(*v);
  RESPECT_RETURN_IF_ERROR(dist::SumInRankOrder(&sums));
  size_t i = 0;
  for (double* v : values) *v = sums[i++];
  return Status::Ok();
}

std::vector<double> PolicyTrainer::ScoreHoldout(const std::vector<TrainExample>& holdout, TrainCurveRow* row) {
  std::vector<double> cand = HoldoutScores(params_, holdout);
  if (holdout_base_.empty()) holdout_base_ = HoldoutScores(baseline_, holdout);
  row->holdout_reward = Mean(cand);
  row->baseline_reward = Mean(holdout_base_);
  return cand;
}

void PolicyTrainer::AdoptBaseline(std::vector<double> cand, TrainCurveRow* row) {
  baseline_ = params_;
  holdout_base_ = std::move(cand);
  std::fill(train_base_.begin(), train_base_.end(), kNaN);
  row->baseline_updated = true;
}

// ---------------------------------------------------------------- epochs
double PolicyTrainer::BaselineReward(const std::vector<TrainExample>& train, int i) {
  if (std::isnan(train_base_[i])) {
    Encoding<double> enc;
    if (Encode<double>(opt_.hparams, baseline_, *train[i].graph, false, &enc).ok()) {
      const DecodedOrder d = GreedyDecode<double>(opt_.hparams, baseline_, enc);
      train_base_[i] = LabelReward(d.order, train[i].target_order, train[i].stage);
    } else {
      train_base_[i] = 0.0;
    }
  }
  return train_base_[i];
}

TrainCurveRow PolicyTrainer::ReinforceEpoch(const std::vector<TrainExample>& train,
                                            const std::vector<TrainExample>& holdout, Status* st) {
  const PolicyHParams& hp = opt_.hparams;
  TrainCurveRow row;
  row.phase = "reinforce";
  std::vector<double> prob;
  const Chooser<double> sample = SampleWith(&rng_, &prob);
  double sum_r = 0, sum_loss = 0;
  Episode<double> ep;
  // Every rank runs the whole batch (the label reward is not data-parallel).
  *st = RunBatches(train.size(), /*across_ranks=*/false,
                   [&](const std::vector<int>& idx, size_t start, size_t end, PolicyParams<double>* grads) {
                     const double bsz = static_cast<double>(end - start);
                     for (size_t k = start; k < end; ++k) {
                       const int i = idx[k];
                       const TrainExample& ex = train[i];
                       RESPECT_RETURN_IF_ERROR(RunEpisode<double>(hp, params_, *ex.graph, sample, true, &ep));
                       const double r = LabelReward(ep.order, ex.target_order, ex.stage);
                       const double adv = r - BaselineReward(train, i);
                       EpisodeBackward<double>(hp, params_, ep, -adv / bsz, grads);
                       sum_r += r;
                       sum_loss += -adv * ep.log_prob;
                     }
                     return Status::Ok();
                   },
                   &row.grad_norm);
  if (!st->ok()) return row;
  row.mean_reward = sum_r / std::max<size_t>(1, train.size());
  row.loss = sum_loss / std::max<size_t>(1, train.size());
  std::vector<double> cand = ScoreHoldout(holdout, &row);
  const PairedTTest test = PairedTTestGreater(cand, holdout_base_);
  row.p_value = test.p_value;
  if (test.mean_diff > 0 && test.p_value < opt_.significance) AdoptBaseline(std::move(cand), &row);
  return row;
}

// One graph of a cost-reward batch: `rollouts` sampled orders, their costs,
// and the gradient of their group-baselined log-likelihoods (scaled by
// `scale`) accumulated into *grads. Pure apart from *grads and *rng, so graphs
// can run on separate threads.
Status PolicyTrainer::CostGraphStep(const TrainExample& ex, double scale, PolicyRng* rng,
                                    PolicyParams<double>* grads, CostGraphStats* stats) const {
  const PolicyHParams& hp = opt_.hparams;
  std::vector<double> prob;
  const Chooser<double> sample = SampleWith(rng, &prob);
  const int K = std::max(2, opt_.rollouts);
  std::vector<Episode<double>> eps(K);
  std::vector<double> cost(K);
  double finite_max = 0;
  for (int k = 0; k < K; ++k) {
    RESPECT_RETURN_IF_ERROR(RunEpisode<double>(hp, params_, *ex.graph, sample, true, &eps[k]));
    cost[k] = opt_.order_cost(ex, eps[k].order);
    if (std::isfinite(cost[k])) finite_max = std::max(finite_max, cost[k]);
  }
  // An order without a feasible split costs twice the worst feasible one.
  double mean = 0;
  for (double& c : cost) {
    if (!std::isfinite(c)) c = finite_max > 0 ? 2 * finite_max : 1.0;
    mean += c / K;
    if (ex.reference > 0) {
      stats->ratio_sum += ex.reference / c;
      ++stats->ratio_count;
    }
  }
  if (!(mean > 0)) return Status::Ok();
  for (int k = 0; k < K; ++k) {
    const double adv = (mean - cost[k]) / mean;
    if (adv == 0) continue;
    EpisodeBackward<double>(hp, params_, eps[k], -adv * scale, grads);
    stats->loss_sum += -adv * eps[k].log_prob / K;
  }
  return Status::Ok();
}

TrainCurveRow PolicyTrainer::CostEpoch(const std::vector<TrainExample>& train_all,
                                       const std::vector<TrainExample>& holdout, int epoch, Status* st) {
  const PolicyHParams& hp = opt_.hparams;
  TrainCurveRow row;
  row.phase = "reinforce";
  size_t used = train_all.size();
  if (opt_.curriculum_epochs > 0) {
    const double frac = std::min(1.0, static_cast<double>(epoch - opt_.supervised_epochs) / opt_.curriculum_epochs);
    used = std::max<size_t>(std::min<size_t>(opt_.batch_size, train_all.size()),
                            static_cast<size_t>(std::ceil(frac * train_all.size())));
  }
  // Each graph samples from its own stream (epoch seed, example index), so
  // the result does not depend on which thread ran it; the threads' gradients
  // are summed in thread order, so a run is reproducible for a thread count.
  uint64_t epoch_seed = 0;
  // Worker w = rank * T + t of W = ranks * T takes the batch's graphs w, w + W, ...
  const int T = std::max(1, opt_.threads);
  const size_t W = static_cast<size_t>(ranks()) * static_cast<size_t>(T);
  const size_t first = static_cast<size_t>(rank()) * static_cast<size_t>(T);
  // Thread 0 writes the batch's gradient itself, threads 1.. their own.
  std::vector<PolicyParams<double>> thread_grads(T - 1, ZeroParams<double>(hp));
  std::vector<CostGraphStats> stats(T);
  std::vector<Status> status(T);
  auto step = [&](const std::vector<int>& idx, size_t start, size_t end, PolicyParams<double>* grads) {
    const double scale = 1.0 / (static_cast<double>(end - start) * std::max(2, opt_.rollouts));
    auto g = [&](int t) { return t == 0 ? grads : &thread_grads[t - 1]; };
    auto work = [&](int t) {
      g(t)->SetZero();
      for (size_t b = start + first + t; b < end && status[t].ok(); b += W) {
        uint64_t s = epoch_seed ^ (0x9E3779B97F4A7C15ULL * (static_cast<uint64_t>(idx[b]) + 1));
        PolicyRng rng(PolicyRng::SplitMix64(&s));
        status[t] = CostGraphStep(train_all[idx[b]], scale, &rng, g(t), &stats[t]);
      }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < T; ++t) pool.emplace_back(work, t);
    work(0);
    for (auto& th : pool) th.join();
    Status local;
    for (int t = 0; t < T && local.ok(); ++t) local = status[t];
    for (int t = 1; t < T; ++t) AddInto(*g(t), grads);
    return local;
  };
  *st = RunBatches(used, /*across_ranks=*/true, step, &row.grad_norm, [&] { epoch_seed = rng_.Next(); });
  if (!st->ok()) return row;
  CostGraphStats total;
  for (const auto& s : stats) {
    total.ratio_sum += s.ratio_sum;
    total.ratio_count += s.ratio_count;
    total.loss_sum += s.loss_sum;
  }
  double ratio_count = static_cast<double>(total.ratio_count);
  *st = SumScalarsAcrossRanks({&total.ratio_sum, &ratio_count, &total.loss_sum});
  if (!st->ok()) return row;
  total.ratio_count = static_cast<int64_t>(ratio_count);
  row.mean_reward = total.ratio_count ? total.ratio_sum / total.ratio_count : 0.0;
  row.loss = total.loss_sum / std::max<size_t>(1, used);
  row.holdout_reward = Mean(HoldoutScores(params_, holdout));
  row.baseline_reward = 1.0;  // the reference schedules' own ratio
  row.p_value = kNaN;
  return row;
}

TrainCurveRow PolicyTrainer::SupervisedEpoch(const std::vector<TrainExample>& train,
                                             const std::vector<TrainExample>& holdout, Status* st) {
  const PolicyHParams& hp = opt_.hparams;
  TrainCurveRow row;
  row.phase = "supervised";
  double sum_r = 0, sum_nll = 0;
  Episode<double> ep;
  auto step = [&](const std::vector<int>& idx, size_t start, size_t end, PolicyParams<double>* grads) {
    const double bsz = static_cast<double>(end - start);
    Status local;
    // Rank r of N takes the batch's examples r, r + N, ...
    for (size_t k = start + static_cast<size_t>(rank()); k < end && local.ok(); k += static_cast<size_t>(ranks())) {
      const TrainExample& ex = train[idx[k]];
      local = ForcedEpisode<double>(hp, params_, *ex.graph, ex.target_order, true, &ep);
      if (!local.ok()) break;
      EpisodeBackward<double>(hp, params_, ep, -1.0 / bsz, grads);
      sum_nll += -ep.log_prob;
      const DecodedOrder d = GreedyDecode<double>(hp, params_, ep.enc);  // same parameters, same encoding
      sum_r += LabelReward(d.order, ex.target_order, ex.stage);
    }
    return local;
  };
  *st = RunBatches(train.size(), /*across_ranks=*/true, step, &row.grad_norm);
  if (!st->ok()) return row;
  *st = SumScalarsAcrossRanks({&sum_r, &sum_nll});
  if (!st->ok()) return row;
  row.mean_reward = sum_r / std::max<size_t>(1, train.size());
  row.loss = sum_nll / std::max<size_t>(1, train.size());
  // The warm start carries the baseline along.
  AdoptBaseline(ScoreHoldout(holdout, &row), &row);
  row.p_value = kNaN;
  return row;
}

// ---------------------------------------------------------------- driver
Status PolicyTrainer::ValidateInputs(const std::vector<TrainExample>& train, const std::vector<TrainExample>& holdout,
                                     const std::vector<TrainExample>& imitation) const {
  RESPECT_RETURN_IF_ERROR(ValidateHParams(opt_.hparams));
  if (opt_.epochs < 0 || opt_.supervised_epochs < 0) return Status::Invalid("train: epochs must be >= 0");
  if (opt_.batch_size < 1) return Status::Invalid("train: batch_size must be >= 1");
  if (!(opt_.learning_rate > 0)) return Status::Invalid("train: learning_rate must be > 0");
  if (!(opt_.significance > 0 && opt_.significance < 1)) return Status::Invalid("train: significance must be in (0, 1)");
  if (train.empty()) return Status::Invalid("train: no training examples");
  if (holdout.empty()) return Status::Invalid("train: no held-out examples (needed by the baseline test)");
  const bool cost = opt_.reward == RewardKind::kCost;
  if (cost && !opt_.order_cost) return Status::Invalid("train: the cost reward needs an order cost");
  if (cost && opt_.rollouts < 2) return Status::Invalid("train: rollouts must be >= 2");
  const bool label_train = !cost || (opt_.supervised_epochs > 0 && imitation.empty());
  for (size_t i = 0; i < train.size(); ++i) {
    RESPECT_RETURN_IF_ERROR(ValidateExample(train[i], label_train).WithContext("train example " + std::to_string(i)));
  }
  for (size_t i = 0; i < holdout.size(); ++i) {
    RESPECT_RETURN_IF_ERROR(ValidateExample(holdout[i], !cost).WithContext("held-out example " + std::to_string(i)));
    if (cost && !(holdout[i].reference > 0))
      return Status::Invalid("held-out example " + std::to_string(i) + ": the cost reward needs a reference objective > 0");
  }
  for (size_t i = 0; i < imitation.size() && opt_.supervised_epochs > 0; ++i) {
    RESPECT_RETURN_IF_ERROR(ValidateExample(imitation[i]).WithContext("imitation example " + std::to_string(i)));
  }
  return Status::Ok();
}

Status PolicyTrainer::ReadSharedCheckpoint(std::string* checkpoint) const {
  Status found = [&]() -> Status {
    if (opt_.checkpoint_dir.empty() || !writer()) return Status::Ok();
    std::error_code ec;
    std::filesystem::create_directories(opt_.checkpoint_dir, ec);
    if (ec) return Status::Io("cannot create " + opt_.checkpoint_dir + ": " + ec.message());
    if (!opt_.resume || !std::filesystem::exists(CheckpointPath(), ec)) return Status::Ok();
    auto bytes = policy_io::ReadFileBytes(CheckpointPath());
    if (!bytes.ok()) return bytes.status();
    *checkpoint = std::move(bytes).value();
    return checkpoint->empty() ? Status::Invalid(CheckpointPath() + ": empty checkpoint") : Status::Ok();
  }();
  if (ranks() > 1) {
    RESPECT_RETURN_IF_ERROR(dist::AllOk(found));
    RESPECT_RETURN_IF_ERROR(dist::Broadcast(checkpoint));
  }
  return found;
}

Status PolicyTrainer::EmitRow(const TrainCurveRow& row) {
  curve_.push_back(row);
  RESPECT_RETURN_IF_ERROR(AppendCurve(row));
  if (on_epoch_) on_epoch_(row);
  return Status::Ok();
}

Status PolicyTrainer::WriteWeights(const std::string& path, size_t train_size, size_t holdout_size) const {
  if (path.empty() || !writer()) return Status::Ok();
  std::string note = opt_.note;
  if (note.empty()) {
    std::ostringstream ss;
    ss << "respect-opt policy trainer: seed " << opt_.seed << ", epochs " << epoch_done_ << " (supervised "
       << opt_.supervised_epochs << "), batch " << opt_.batch_size << ", lr " << opt_.learning_rate << ", "
       << train_size << " train / " << holdout_size << " held-out examples, best holdout reward " << best_reward_;
    note = ss.str();
  }
  return WriteWeightsFile(path, opt_.hparams, best_, note);
}

Status PolicyTrainer::InitialRow(const std::vector<TrainExample>& train, const std::vector<TrainExample>& holdout) {
  const bool cost = opt_.reward == RewardKind::kCost;
  const double t0 = Now();
  TrainCurveRow row;
  row.epoch = 0;
  row.phase = "init";
  row.mean_reward = Mean(SharedScores(train, [&](const std::vector<TrainExample>& set) {
    return cost ? GreedyCostRatios(opt_.hparams, params_, set, opt_.order_cost)
                : GreedyRewards(opt_.hparams, params_, set);
  }));
  holdout_base_ = HoldoutScores(baseline_, holdout);
  row.holdout_reward = row.baseline_reward = Mean(holdout_base_);
  row.p_value = kNaN;
  best_reward_ = row.holdout_reward;
  seconds_ += Now() - t0;
  row.seconds = seconds_;
  return CheckRanksAgree(EmitRow(row));
}

Status PolicyTrainer::Train(const std::vector<TrainExample>& train, const std::vector<TrainExample>& holdout,
                            const std::vector<TrainExample>& imitation) {
  RESPECT_RETURN_IF_ERROR(ValidateInputs(train, holdout, imitation));
  const bool cost = opt_.reward == RewardKind::kCost;
  const std::vector<TrainExample>& teach = imitation.empty() ? train : imitation;
  RESPECT_RETURN_IF_ERROR(Init(train));
  curve_.clear();
  const uint64_t fp = Fingerprint(train, holdout) ^ (cost ? 0x636F7374ULL : 0) ^
                     (imitation.empty() ? 0 : Fingerprint(imitation, {}));
  // Rank 0 reads the checkpoint and hands its bytes to the others (empty:
  // none), so the ranks need not share a file system.
  std::string checkpoint;
  RESPECT_RETURN_IF_ERROR(ReadSharedCheckpoint(&checkpoint));
  const bool resumed = !checkpoint.empty();
  if (resumed) RESPECT_RETURN_IF_ERROR(LoadCheckpoint(fp, checkpoint));
  RESPECT_RETURN_IF_ERROR(CheckRanksAgree(StartCurve(resumed)));
  // weights_out appears only when training ends, so a file there is always a
  // finished run; the best-so-far parameters of an unfinished run live in
  // <checkpoint_dir>/best_so_far.rspw (each write is a temp file + rename).
  const std::string best_so_far =
      opt_.checkpoint_dir.empty() || opt_.weights_out.empty() ? "" : opt_.checkpoint_dir + "/best_so_far.rspw";
  if (!resumed) RESPECT_RETURN_IF_ERROR(InitialRow(train, holdout));
  const int total = opt_.supervised_epochs + opt_.epochs;
  for (int e = epoch_done_ + 1; e <= total; ++e) {
    const double t0 = Now();
    Status st;
    TrainCurveRow row = e <= opt_.supervised_epochs ? SupervisedEpoch(teach, holdout, &st)
                        : cost                      ? CostEpoch(train, holdout, e, &st)
                                                    : ReinforceEpoch(train, holdout, &st);
    RESPECT_RETURN_IF_ERROR(st.WithContext("train epoch " + std::to_string(e)));
    if (row.holdout_reward > best_reward_) {
      best_reward_ = row.holdout_reward;
      best_ = params_;
    }
    epoch_done_ = e;
    seconds_ += Now() - t0;
    row.epoch = e;
    row.seconds = seconds_;
    // Files are rank 0's; every rank learns whether its writes worked.
    Status io = EmitRow(row);
    if (io.ok() && !opt_.checkpoint_dir.empty() && writer()) io = SaveCheckpoint(fp);
    if (io.ok()) io = WriteWeights(best_so_far, train.size(), holdout.size());
    RESPECT_RETURN_IF_ERROR(CheckRanksAgree(io));
  }
  const Status written = WriteWeights(opt_.weights_out, train.size(), holdout.size());
  return ranks() > 1 ? dist::AllOk(written) : written;
}

}  // namespace respect
