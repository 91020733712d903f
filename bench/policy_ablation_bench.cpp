// Feature / architecture ablation of the pointer policy on a label dataset
// (exact schedules from `respect-opt` task label): trains one policy per
// variant with the same seed and settings, then scores the best-on-holdout
// parameters on the held-out labels:
//   reward    mean cosine label reward of the greedy order (the training reward)
//   exact     share of held-out graphs whose greedy order has reward 1
//   gap       mean (J(split of greedy order) - J(label)) / J(label), J by evaluate()
//             after the optimal contiguous split (sched/split.h) of the order
// with two references that need no learning: the graph's deterministic topo
// order, and the label's own target order (gap 0 up to ties: a sanity check).
//
// usage: policy_ablation_bench --dataset labels.bin [--variants full,paper,unvisited]
//          [--epochs 10] [--supervised 0] [--hidden 64] [--batch 32] [--lr 1e-3]
//          [--holdout 200] [--seed 1] [--weights-dir DIR]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "config/config.h"
#include "cost/evaluate.h"
#include "io/model_source.h"
#include "label/dataset.h"
#include "policy/policy.h"
#include "policy/reward.h"
#include "policy/trainer.h"
#include "sched/split.h"

using namespace respect;

namespace {

struct Score {
  double reward = 0, exact = 0, gap = 0;
  int split_failures = 0;
};

Score ScoreOrders(const std::vector<LabelRecord>& held, const Config& cfg,
                  const std::function<std::vector<int>(const LabelRecord&)>& order_of) {
  Score s;
  int n_gap = 0;
  for (const auto& r : held) {
    const std::vector<int> order = order_of(r);
    const double rew = LabelReward(order, r.target_order, r.stage);
    s.reward += rew;
    s.exact += rew > 1 - 1e-12 ? 1 : 0;
    Problem p = MakeProblem(r.graph, r.stages, cfg);
    auto sched = OptimalSplit(p, order);
    if (!sched.ok() || !sched->found) {
      ++s.split_failures;
      continue;
    }
    const Evaluation e = Evaluate(p, sched->schedule);
    if (!e.feasible || !(r.objective > 0)) {
      ++s.split_failures;
      continue;
    }
    s.gap += (e.objective - r.objective) / r.objective;
    ++n_gap;
  }
  s.reward /= held.size();
  s.exact /= held.size();
  s.gap = n_gap ? s.gap / n_gap : NAN;
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dataset, variants = "full,paper,unvisited", weights_dir;
  int epochs = 10, supervised = 0, hidden = 64, batch = 32, holdout = 200;
  double lr = 1e-3;
  uint64_t seed = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--dataset") dataset = v;
    else if (k == "--variants") variants = v;
    else if (k == "--epochs") epochs = std::atoi(v.c_str());
    else if (k == "--supervised") supervised = std::atoi(v.c_str());
    else if (k == "--hidden") hidden = std::atoi(v.c_str());
    else if (k == "--batch") batch = std::atoi(v.c_str());
    else if (k == "--holdout") holdout = std::atoi(v.c_str());
    else if (k == "--lr") lr = std::atof(v.c_str());
    else if (k == "--seed") seed = std::strtoull(v.c_str(), nullptr, 10);
    else if (k == "--weights-dir") weights_dir = v;
    else {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      return 2;
    }
  }
  if (dataset.empty()) {
    std::fprintf(stderr, "usage: policy_ablation_bench --dataset labels.bin [options]\n");
    return 2;
  }
  auto contents = ReadDataset(dataset);
  if (!contents.ok()) {
    std::fprintf(stderr, "%s\n", contents.status().message().c_str());
    return 2;
  }
  std::vector<LabelRecord> records = contents->records;
  std::vector<TrainExample> all;
  int not_optimal = 0;
  for (const auto& r : records) {
    not_optimal += r.optimal ? 0 : 1;
    all.push_back(TrainExample{r.graph, r.target_order, r.stage, r.stages});
  }
  std::vector<TrainExample> train, held;
  SplitHoldout(all, holdout, &train, &held);
  const std::vector<LabelRecord> held_rec(records.end() - held.size(), records.end());
  const Config cfg;  // the label task's default cost model
  std::printf("dataset %s: %zu labels (%d not proven optimal); %zu train, %zu held out\n", dataset.c_str(),
              records.size(), not_optimal, train.size(), held.size());
  std::printf("settings: hidden %d, epochs %d (+%d supervised), batch %d, lr %g, seed %llu\n\n", hidden, epochs,
              supervised, batch, lr, static_cast<unsigned long long>(seed));

  std::ostringstream table;
  table << "| variant | holdout reward | exact | mean gap | train s |\n|---|---|---|---|---|\n";
  auto row = [&](const std::string& name, const Score& s, double secs) {
    char buf[256];
    std::snprintf(buf, sizeof(buf), "| %s | %.4f | %.1f%% | %.2f%% | %s |\n", name.c_str(), s.reward,
                  100 * s.exact, 100 * s.gap, secs > 0 ? std::to_string(static_cast<int>(secs)).c_str() : "-");
    table << buf;
    if (s.split_failures) table << "|  (" << s.split_failures << " orders had no feasible split) | | | | |\n";
  };
  row("reference: graph topo order", ScoreOrders(held_rec, cfg, [](const LabelRecord& r) { return r.graph->topo_order(); }), 0);
  row("reference: label target order", ScoreOrders(held_rec, cfg, [](const LabelRecord& r) { return r.target_order; }), 0);

  std::stringstream vs(variants);
  std::string v;
  while (std::getline(vs, v, ',')) {
    TrainerOptions o;
    o.hparams.embed = hidden;
    o.hparams.hidden = hidden;
    if (v == "full") {
    } else if (v == "paper") {
      o.hparams.features = FeatureSet::kPaper;
    } else if (v == "unvisited") {
      o.hparams.glimpse_mask = GlimpseMask::kUnvisited;
    } else if (v == "noclip") {
      o.hparams.tanh_clip = 0;
    } else {
      std::fprintf(stderr, "unknown variant %s (full | paper | unvisited | noclip)\n", v.c_str());
      return 2;
    }
    o.epochs = epochs;
    o.supervised_epochs = supervised;
    o.batch_size = batch;
    o.learning_rate = lr;
    o.seed = seed;
    if (!weights_dir.empty()) o.weights_out = weights_dir + "/" + v + ".rspw";
    PolicyTrainer t(o);
    t.set_epoch_callback([&](const TrainCurveRow& r) {
      std::printf("  [%s] epoch %2d %-10s mean %.4f baseline %.4f holdout %.4f loss %.4g p %.3g%s  %.0fs\n",
                  v.c_str(), r.epoch, r.phase.c_str(), r.mean_reward, r.baseline_reward, r.holdout_reward,
                  r.loss, r.p_value, r.baseline_updated ? " *" : "", r.seconds);
      std::fflush(stdout);
    });
    const auto t0 = std::chrono::steady_clock::now();
    Status st = t.Train(train, held);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!st.ok()) {
      std::fprintf(stderr, "%s: %s\n", v.c_str(), st.message().c_str());
      return 1;
    }
    auto policy = PointerPolicy::FromParams(o.hparams, t.best_params());
    if (!policy.ok()) return 1;
    const Score s = ScoreOrders(held_rec, cfg, [&](const LabelRecord& r) {
      auto order = (*policy)->Decode(*r.graph);
      return order.ok() ? *order : r.graph->topo_order();
    });
    row("policy: " + v, s, secs);
  }
  std::printf("\n%s", table.str().c_str());
  return 0;
}
