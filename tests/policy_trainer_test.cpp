// The training core on tiny random DAGs with a simple known target (stage =
// ASAP level bucketed into 3 stages, so the target order is sorted by
// (ASAP, index)): the held-out reward rises, training is deterministic for a
// seed, and a checkpoint + resume reproduces an uninterrupted run bitwise.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "policy/policy.h"
#include "policy_examples.h"
#include "policy/random_dag.h"
#include "policy/reward.h"
#include "policy/trainer.h"
#include "policy/weights.h"
#include "cost/evaluate.h"
#include "sched/list_schedule.h"
#include "sched/split.h"

namespace respect {
namespace {

using namespace policy_examples;

std::string Dir(const std::string& name) {
  const std::string d = std::string(RESPECT_BINARY_DIR) + "/policy_trainer_test_" + name;
  std::filesystem::remove_all(d);
  return d;
}

std::vector<double> Flat(const PolicyParams<double>& p) {
  std::vector<double> v;
  p.ForEach([&](const char*, const auto& t) { v.insert(v.end(), t.data(), t.data() + t.size()); });
  return v;
}

void PrintCurve(const PolicyTrainer& t) {
  for (const auto& r : t.curve()) {
    std::printf("  epoch %2d %-10s mean %.4f baseline %.4f holdout %.4f loss %+.4f |g| %.3f p %.3g%s\n",
                r.epoch, r.phase.c_str(), r.mean_reward, r.baseline_reward, r.holdout_reward, r.loss,
                r.grad_norm, r.p_value, r.baseline_updated ? " (baseline replaced)" : "");
  }
}

TEST(PolicyTrainer, RewardRisesWithReinforce) {
  const auto train = Examples(96, 20, 100), holdout = Examples(32, 20, 5000);
  TrainerOptions o = Small();
  o.checkpoint_dir = Dir("rise");
  o.weights_out = o.checkpoint_dir + "/policy.rspw";
  PolicyTrainer t(o);
  ASSERT_TRUE(t.Train(train, holdout).ok());
  PrintCurve(t);
  const auto& c = t.curve();
  ASSERT_EQ(c.size(), 7u);
  EXPECT_EQ(c.front().phase, "init");
  EXPECT_GT(t.best_holdout_reward(), c.front().holdout_reward + 0.01);
  EXPECT_GT(c.back().mean_reward, c[1].mean_reward);
  // Files: checkpoint, curve with a header and one row per epoch, best weights.
  EXPECT_TRUE(std::filesystem::exists(o.checkpoint_dir + "/checkpoint.rspc"));
  for (const auto& e : std::filesystem::directory_iterator(o.checkpoint_dir))  // no temporary left
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
  std::ifstream csv(o.checkpoint_dir + "/curve.csv");
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line, "epoch,phase,mean_reward,baseline_reward,holdout_reward,seconds,loss,grad_norm,p_value,"
                  "baseline_updated");
  int rows = 0;
  while (std::getline(csv, line)) ++rows;
  EXPECT_EQ(rows, 7);
  auto policy = PointerPolicy::Load(o.weights_out);
  ASSERT_TRUE(policy.ok()) << policy.status().message();
  // The shipped parameters are the best held-out ones (float32-rounded).
  double sum = 0;
  for (const auto& ex : holdout) {
    auto order = (*policy)->Decode(*ex.graph);
    ASSERT_TRUE(order.ok());
    sum += LabelReward(*order, ex.target_order, ex.stage);
  }
  EXPECT_NEAR(sum / holdout.size(), t.best_holdout_reward(), 0.02);
}

// weights_out is renamed into place only when training ends; until then the
// best parameters so far are kept in the checkpoint folder.
TEST(PolicyTrainer, WeightsAppearOnlyWhenTrainingEnds) {
  const auto train = Examples(16, 8, 100), holdout = Examples(8, 8, 5000);
  TrainerOptions o = Small();
  o.checkpoint_dir = Dir("weights_at_end");
  o.weights_out = Dir("weights_at_end_out") + "/policy.rspw";
  std::filesystem::create_directories(std::filesystem::path(o.weights_out).parent_path());
  PolicyTrainer t(o);
  int epochs_seen = 0;
  bool early = false;
  t.set_epoch_callback([&](const TrainCurveRow& row) {
    ++epochs_seen;
    early = early || std::filesystem::exists(o.weights_out);
    if (row.epoch >= 2) {
      EXPECT_TRUE(std::filesystem::exists(o.checkpoint_dir + "/best_so_far.rspw"));
    }
  });
  ASSERT_TRUE(t.Train(train, holdout).ok());
  EXPECT_GT(epochs_seen, 2);
  EXPECT_FALSE(early) << "weights_out existed before training ended";
  EXPECT_TRUE(PointerPolicy::Load(o.weights_out).ok());
}

TEST(PolicyTrainer, SupervisedWarmStartRaisesReward) {
  const auto train = Examples(64, 12, 300), holdout = Examples(24, 12, 7000);
  TrainerOptions o = Small(5);
  // Without step features: with them an untrained policy already scores
  // ~0.998 on these 12-node graphs (~0.996 without; the ancestor shares alone
  // nearly give the ASAP-bucket target away).
  o.hparams.dynamic = false;
  o.epochs = 0;
  o.supervised_epochs = 4;
  PolicyTrainer t(o);
  ASSERT_TRUE(t.Train(train, holdout).ok());
  PrintCurve(t);
  const auto& c = t.curve();
  ASSERT_EQ(c.size(), 5u);
  EXPECT_EQ(c[1].phase, "supervised");
  EXPECT_LT(c.back().loss, c[1].loss);  // target NLL falls
  // At least half of the way from the untrained score to a perfect 1.
  EXPECT_GT(t.best_holdout_reward(), c.front().holdout_reward + 0.5 * (1 - c.front().holdout_reward));
}

TEST(PolicyTrainer, DeterministicAndResumable) {
  const auto train = Examples(24, 10, 900), holdout = Examples(8, 10, 9900);
  TrainerOptions o = Small(11);
  o.epochs = 3;
  o.supervised_epochs = 1;
  o.checkpoint_dir = Dir("straight");
  PolicyTrainer a(o);
  ASSERT_TRUE(a.Train(train, holdout).ok());

  TrainerOptions o2 = o;
  o2.checkpoint_dir = Dir("again");
  PolicyTrainer b(o2);
  ASSERT_TRUE(b.Train(train, holdout).ok());
  EXPECT_EQ(Flat(a.params()), Flat(b.params()));

  // Interrupted after 2 epochs (1 supervised + 1 reinforce), then resumed.
  TrainerOptions o3 = o;
  o3.checkpoint_dir = Dir("resumed");
  o3.epochs = 1;
  PolicyTrainer c1(o3);
  ASSERT_TRUE(c1.Train(train, holdout).ok());
  EXPECT_EQ(c1.epochs_done(), 2);
  o3.epochs = 3;
  o3.resume = true;
  PolicyTrainer c2(o3);
  ASSERT_TRUE(c2.Train(train, holdout).ok());
  EXPECT_EQ(c2.epochs_done(), 4);
  EXPECT_EQ(c2.curve().size(), 2u);  // epochs 3 and 4 only
  EXPECT_EQ(Flat(a.params()), Flat(c2.params()));
  EXPECT_EQ(Flat(a.baseline_params()), Flat(c2.baseline_params()));
  EXPECT_EQ(Flat(a.best_params()), Flat(c2.best_params()));
  // The resumed curve has one row per epoch 0..4.
  std::ifstream csv(o3.checkpoint_dir + "/curve.csv");
  std::string line;
  int rows = -1;
  while (std::getline(csv, line)) ++rows;
  EXPECT_EQ(rows, 5);

  // Resuming with another seed or data set is refused.
  TrainerOptions o4 = o3;
  o4.seed = 12;
  PolicyTrainer d(o4);
  Status st = d.Train(train, holdout);
  EXPECT_EQ(st.code(), StatusCode::kInvalidInput);
  EXPECT_NE(st.message().find("different seed"), std::string::npos) << st.message();
  PolicyTrainer e(o3);
  st = e.Train(Examples(24, 10, 901), holdout);
  EXPECT_NE(st.message().find("different data set"), std::string::npos) << st.message();
}

TEST(PolicyTrainer, RejectsBadInput) {
  auto train = Examples(4, 8, 1), holdout = Examples(2, 8, 2);
  PolicyTrainer t(Small());
  EXPECT_EQ(t.Train(train, {}).code(), StatusCode::kInvalidInput);
  auto bad = train;
  std::reverse(bad[1].target_order.begin(), bad[1].target_order.end());
  Status st = t.Train(bad, holdout);
  EXPECT_EQ(st.code(), StatusCode::kInvalidInput);
  EXPECT_NE(st.message().find("train example 1"), std::string::npos) << st.message();
  bad = train;
  bad[0].stage[0] = 7;
  EXPECT_EQ(t.Train(bad, holdout).code(), StatusCode::kInvalidInput);
  std::vector<TrainExample> tr, ho;
  SplitHoldout(train, 1, &tr, &ho);
  EXPECT_EQ(tr.size(), 3u);
  EXPECT_EQ(ho.size(), 1u);
}

// train.holdout against the labels there are: the default 200 of 200 labels
// is cut to a fifth and said so; too few labels left to train on is said too.
TEST(PolicyTrainer, HoldoutPlanWarnsWhenTrainingWouldStarve) {
  HoldoutPlan p = PlanHoldout(200, 200);
  EXPECT_EQ(p.held, 40);
  EXPECT_EQ(p.warning, "warning: train.holdout 200 would leave 1 of 200 labels for training; holding out 40");
  p = PlanHoldout(1000, 200);  // the defaults on a full dataset: nothing to say
  EXPECT_EQ(p.held, 200);
  EXPECT_EQ(p.warning, "");
  p = PlanHoldout(200, 100);  // half and half: allowed
  EXPECT_EQ(p.held, 100);
  EXPECT_EQ(p.warning, "");
  p = PlanHoldout(200, 101);
  EXPECT_EQ(p.held, 40);
  EXPECT_NE(p.warning.find("would leave 99 of 200"), std::string::npos) << p.warning;
  p = PlanHoldout(6, 2);  // 4 left: fewer than a handful
  EXPECT_EQ(p.held, 2);
  EXPECT_EQ(p.warning, "warning: only 4 labels to train on (make more with task: label, label.count)");
  p = PlanHoldout(2, 200);  // one each way
  EXPECT_EQ(p.held, 1);
  EXPECT_EQ(p.warning.rfind("warning: only 1 label to train on", 0), 0u) << p.warning;
  p = PlanHoldout(4, 3);  // cut to 1, and still fewer than a handful left
  EXPECT_EQ(p.held, 1);
  EXPECT_NE(p.warning.find("holding out 1; only 3 labels to train on"), std::string::npos) << p.warning;
  for (int n = 2; n < 300; n += 7)
    for (int h : {0, 1, n / 3, n / 2, n, 200}) {
      p = PlanHoldout(n, h);
      EXPECT_GE(n - p.held, 1) << n << " " << h;
      EXPECT_GE(2 * (n - p.held), n - 1) << n << " " << h;  // never more held out than trained on (odd n: one)
      EXPECT_EQ(p.warning.find('\n'), std::string::npos);
    }
}

TEST(PolicyTrainer, CorruptCheckpointIsOneLineInvalid) {
  const auto train = Examples(8, 8, 40), holdout = Examples(4, 8, 41);
  TrainerOptions o = Small();
  o.epochs = 1;
  o.checkpoint_dir = Dir("corrupt");
  PolicyTrainer a(o);
  ASSERT_TRUE(a.Train(train, holdout).ok());
  const std::string path = o.checkpoint_dir + "/checkpoint.rspc";
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size() / 2));
  }
  o.resume = true;
  o.epochs = 2;
  PolicyTrainer b(o);
  Status st = b.Train(train, holdout);
  EXPECT_EQ(st.code(), StatusCode::kInvalidInput);
  EXPECT_EQ(st.message().find('\n'), std::string::npos);
}

TEST(PolicyTrainer, CostRewardLowersTheGreedyCost) {
  const auto train = CostExamples(48, 16, 500), holdout = CostExamples(16, 16, 8000);
  TrainerOptions o = CostOptions(21);
  PolicyTrainer t(o);
  ASSERT_TRUE(t.Train(train, holdout).ok());
  PrintCurve(t);
  const auto& c = t.curve();
  ASSERT_EQ(c.size(), 6u);
  EXPECT_EQ(c[1].phase, "reinforce");
  // Held-out score = mean(dp_topo objective / greedy objective): it rises.
  EXPECT_GT(t.best_holdout_reward(), c.front().holdout_reward + 0.01);
  // The score is what it says: recompute it from the saved best parameters.
  const std::vector<double> r = GreedyCostRatios(o.hparams, t.best_params(), holdout, o.order_cost);
  double mean = 0;
  for (double x : r) mean += x / r.size();
  EXPECT_NEAR(mean, t.best_holdout_reward(), 1e-12);
}

TEST(PolicyTrainer, CostRewardIsReproducibleWithThreads) {
  const auto train = CostExamples(16, 12, 600), holdout = CostExamples(4, 12, 9000);
  TrainerOptions o = CostOptions(5);
  o.epochs = 2;
  o.threads = 2;
  PolicyTrainer a(o), b(o);
  ASSERT_TRUE(a.Train(train, holdout).ok());
  ASSERT_TRUE(b.Train(train, holdout).ok());
  EXPECT_EQ(Flat(a.params()), Flat(b.params()));
  EXPECT_NE(Flat(a.params()), Flat(InitParams(o.hparams, o.seed)));  // it did train
}

TEST(PolicyTrainer, CostRewardNeedsCostAndReferences) {
  auto train = CostExamples(4, 10, 700), holdout = CostExamples(2, 10, 701);
  TrainerOptions o = CostOptions(1);
  o.order_cost = nullptr;
  EXPECT_EQ(PolicyTrainer(o).Train(train, holdout).code(), StatusCode::kInvalidInput);
  o = CostOptions(1);
  holdout[1].reference = 0;
  Status st = PolicyTrainer(o).Train(train, holdout);
  EXPECT_EQ(st.code(), StatusCode::kInvalidInput);
  EXPECT_NE(st.message().find("reference"), std::string::npos) << st.message();
  // Unlabelled examples are refused by the cosine reward.
  o.reward = RewardKind::kCosine;
  holdout = CostExamples(2, 10, 701);
  EXPECT_EQ(PolicyTrainer(o).Train(train, holdout).code(), StatusCode::kInvalidInput);
  EXPECT_FALSE(ParseRewardKind("costs").ok());
}

TEST(PolicyTrainer, ParamsFingerprintSeesEveryValue) {
  const TrainerOptions o = Small();
  PolicyParams<double> a = InitParams(o.hparams, 1), b = a;
  EXPECT_EQ(ParamsFingerprint(a), ParamsFingerprint(b));
  b.dyn_w(b.dyn_w.size() - 1) = std::nextafter(b.dyn_w(b.dyn_w.size() - 1), 1e9);  // the last value, one ulp
  EXPECT_NE(ParamsFingerprint(a), ParamsFingerprint(b));
  EXPECT_NE(ParamsFingerprint(a), ParamsFingerprint(InitParams(o.hparams, 2)));
}

// Without mpirun, data_parallel changes nothing: the same bits either way.
TEST(PolicyTrainer, DataParallelAloneIsTheSerialRun) {
  const auto train = CostExamples(12, 10, 640), holdout = CostExamples(4, 10, 9100);
  TrainerOptions o = CostOptions(8);
  o.epochs = 2;
  PolicyTrainer a(o);
  o.data_parallel = false;
  PolicyTrainer b(o);
  ASSERT_TRUE(a.Train(train, holdout).ok());
  ASSERT_TRUE(b.Train(train, holdout).ok());
  EXPECT_EQ(Flat(a.params()), Flat(b.params()));
}

}  // namespace
}  // namespace respect
