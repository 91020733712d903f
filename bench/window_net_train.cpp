// Labels and supervised training for the window network (policy/stage_net.h),
// driven by scripts/train_windows.sh.
//
//   window_net_train label --out L.jsonl --family layered|icml --nodes N --seed S
//                          --stages K --limit-s T [--gml G.gml] [--edge-weight unit|tensor]
//     appends one line: the instance, the center (dp_topo's split) and the
//     target (exact under T seconds, the best schedule known for it). A line
//     already present for the same (family, nodes, seed, stages) is kept and
//     nothing is solved (resume after a kill).
//   window_net_train train --labels L.jsonl --out W.rspw [--epochs E] [--seed S]
//                          [--hidden H] [--layers L] [--lr X] [--holdout K]
//     fits the offset classes clamp(target - center) by cross-entropy (Adam),
//     prints the loss per epoch with rate and ETA, writes the weights.
//   window_net_train finetune --labels L.jsonl --weights W.rspw --out W2.rspw [--iterations 2]
//                             [--rounds 8] [--round-s 1] [--epochs 6] [--gain-weight 4] [--lr 0.0005]
//     trains further on the outcome of its own learned-LNS rounds on the label
//     instances (see Finetune), with the exact labels kept in the mix.
//   window_net_train infer [--nodes 10000] [--family layered] [--weights W]
//     times greedy inference (features, forward, window allocation).
#include <chrono>
#include <cmath>
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "core/rng.h"
#include "cost/evaluate.h"
#include "io/graph_io.h"
#include "io/model_source.h"
#include "policy/stage_features.h"
#include "policy/stage_net.h"
#include "sched/exact.h"
#include "sched/list_schedule.h"
#include "sched/registry.h"
#include "synthetic/synthetic.h"
#include "twophase/window_policy.h"

using namespace respect;
using json = nlohmann::json;

namespace {

std::map<std::string, std::string> Args(int argc, char** argv) {
  std::map<std::string, std::string> a;
  for (int i = 2; i + 1 < argc; i += 2) a[argv[i]] = argv[i + 1];
  return a;
}
std::string Get(const std::map<std::string, std::string>& a, const std::string& k, const std::string& d) {
  auto it = a.find(k);
  return it == a.end() ? d : it->second;
}

// The benchmark families (bench/run_learned_windows.sh uses the same):
// layered = the project's scale family (levels n/20..n/10, in-degree <= 4),
// icml = a GML file from bench/make_icml_style_gml.py. Both on comm_model edge.
StatusOr<Problem> InstanceProblem(const json& inst) {
  std::shared_ptr<const Graph> g;
  const int n = inst["nodes"];
  if (inst["family"] == "layered") {
    SyntheticSpec spec;
    spec.nodes = n;
    spec.levels_min = std::max(2, n / 20);
    spec.levels_max = std::max(spec.levels_min, n / 10);
    spec.max_in_degree = 4;
    Rng rng(inst["seed"].get<uint64_t>());
    auto sg = SampleSyntheticGraph(spec, &rng, "layered_" + std::to_string(n));
    if (!sg.ok()) return sg.status();
    g = std::make_shared<const Graph>(std::move(*sg));
  } else {
    auto gg = ReadGraphGml(inst["gml"].get<std::string>());
    if (!gg.ok()) return gg.status();
    g = std::make_shared<const Graph>(std::move(*gg));
  }
  Config config;
  config.objective.comm_model = CommModel::kEdge;
  config.objective.edge_weight = inst.value("edge_weight", "tensor") == "unit" ? EdgeWeight::kUnit : EdgeWeight::kTensor;
  return MakeProblem(g, inst["stages"].get<int>(), config);
}

int Label(const std::map<std::string, std::string>& a) {
  const std::string out = Get(a, "--out", "labels.jsonl");
  json inst = {{"family", Get(a, "--family", "layered")}, {"nodes", std::stoi(Get(a, "--nodes", "500"))},
               {"seed", std::stoull(Get(a, "--seed", "1"))}, {"stages", std::stoi(Get(a, "--stages", "10"))},
               {"edge_weight", Get(a, "--edge-weight", "tensor")}};
  if (inst["family"] == "icml") inst["gml"] = Get(a, "--gml", "");
  {
    std::ifstream in(out);
    for (std::string line; std::getline(in, line);) {
      const json d = json::parse(line, nullptr, false);
      if (d.is_discarded()) continue;
      if (d["family"] == inst["family"] && d["nodes"] == inst["nodes"] && d["seed"] == inst["seed"] &&
          d["stages"] == inst["stages"])
        return 0;
    }
  }
  auto problem = InstanceProblem(inst);
  if (!problem.ok() || !problem->Validate().ok()) {
    std::cerr << "label: " << (problem.ok() ? problem->Validate() : problem.status()).message() << "\n";
    return 2;
  }
  auto center = DpTopoScheduler().Run(*problem);
  Config config;
  config.objective = problem->objective;
  config.solver.time_limit_s = std::stod(Get(a, "--limit-s", "10"));
  config.solver.progress = false;
  auto best = ScheduleWithMethod(*problem, "exact", config);
  if (!center.ok() || !best.ok() || best->schedule.stage.empty()) {
    std::cerr << "label: no schedule\n";
    return 1;
  }
  inst["center"] = center->schedule.stage;
  inst["target"] = best->schedule.stage;
  inst["center_objective"] = center->objective;
  inst["target_objective"] = best->objective;
  std::ofstream(out, std::ios::app) << inst.dump() << "\n";
  std::printf("%s n=%d seed=%llu: dp_topo %.0f -> exact %.0f (%.2f%%)\n", inst["family"].get<std::string>().c_str(),
              inst["nodes"].get<int>(), static_cast<unsigned long long>(inst["seed"].get<uint64_t>()),
              center->objective, best->objective, 100.0 * (center->objective - best->objective) / center->objective);
  return 0;
}

struct Example {
  Eigen::MatrixXd x;
  GraphMeans means;
  std::vector<int> target;
  std::vector<double> weight;
};

StatusOr<Example> MakeExample(const json& d, bool per_node) {
  auto problem = InstanceProblem(d);
  if (!problem.ok()) return problem.status();
  Schedule center{d["center"].get<std::vector<int>>()};
  const std::vector<int> best = d["target"];
  Example e;
  e.x = StageFeatures(*problem, center, FullWindows(*problem));
  e.means = MakeGraphMeans(problem->g());
  const int n = problem->g().size();
  e.target.resize(n);
  // per_node: every node weighs the same (large graphs dominate, as at scale);
  // else every graph does.
  e.weight.assign(n, per_node ? 1.0 / 1000 : 1.0 / n);
  for (int v = 0; v < n; ++v)
    e.target[v] = std::max(-kMaxOffset, std::min(kMaxOffset, best[v] - center.stage[v])) + kMaxOffset;
  return e;
}

// Ranking quality of P(move) = 1 - p(offset 0) over all nodes of a set: the
// probability that a node that moves ranks above one that stays (AUC).
double MoveAuc(const StageNetHParams& hp, const StageNetParams& p, const std::vector<Example>& set) {
  std::vector<std::pair<double, int>> s;
  for (const Example& e : set) {
    StageNetTape tape;
    StageNetForward(hp, p, e.means, e.x, &tape);
    for (Eigen::Index v = 0; v < e.x.cols(); ++v)
      s.emplace_back(1.0 - std::exp(tape.logp(kMaxOffset, v)), e.target[v] != kMaxOffset ? 1 : 0);
  }
  std::sort(s.begin(), s.end());
  double pos = 0, neg = 0, above = 0;
  for (const auto& [score, moved] : s) {
    if (moved) {
      above += neg;
      ++pos;
    } else {
      ++neg;
    }
  }
  return pos > 0 && neg > 0 ? above / (pos * neg) : 0.5;
}

// Mean per-node cross-entropy and argmax accuracy over examples.
std::pair<double, double> Score(const StageNetHParams& hp, const StageNetParams& p, const std::vector<Example>& set) {
  double loss = 0, acc = 0;
  for (const Example& e : set) {
    StageNetTape tape;
    StageNetForward(hp, p, e.means, e.x, &tape);
    double l = 0, a = 0;
    for (Eigen::Index v = 0; v < e.x.cols(); ++v) {
      Eigen::Index arg;
      tape.logp.col(v).maxCoeff(&arg);
      l -= tape.logp(e.target[v], v);
      a += arg == e.target[v] ? 1 : 0;
    }
    loss += l / e.x.cols();
    acc += a / e.x.cols();
  }
  return {loss / std::max<size_t>(1, set.size()), acc / std::max<size_t>(1, set.size())};
}

// The label lines of --labels with their examples; the last --holdout of
// them (at most a fifth) are held out. False (and a line naming `who`) with
// fewer than two labels.
struct LabelSet {
  std::vector<json> lines;  // the training labels' lines
  std::vector<Example> train, val;
};
bool LoadLabels(const std::map<std::string, std::string>& a, bool per_node, const char* who, LabelSet* out) {
  std::ifstream in(Get(a, "--labels", "labels.jsonl"));
  for (std::string line; std::getline(in, line);) {
    const json d = json::parse(line, nullptr, false);
    if (d.is_discarded()) continue;
    auto e = MakeExample(d, per_node);
    if (!e.ok()) continue;
    out->lines.push_back(d);
    out->train.push_back(std::move(*e));
  }
  const size_t holdout = std::min<size_t>(out->train.size() / 5, std::stoul(Get(a, "--holdout", "16")));
  if (out->train.size() < 2) {
    std::cerr << who << ": fewer than 2 labels\n";
    return false;
  }
  out->val.assign(std::make_move_iterator(out->train.end() - static_cast<long>(holdout)),
                  std::make_move_iterator(out->train.end()));
  out->train.resize(out->train.size() - holdout);
  out->lines.resize(out->train.size());
  return true;
}

// One epoch: the examples in a freshly shuffled order, one Adam step each.
void RunEpoch(const StageNetHParams& hp, StageNetParams* p, StageNetAdam* adam, Rng* rng,
              std::vector<const Example*>* order) {
  std::vector<const Example*>& o = *order;
  for (size_t i = o.size(); i > 1; --i) std::swap(o[i - 1], o[static_cast<size_t>(rng->UniformInt(0, i - 1))]);
  for (const Example* e : o) {
    StageNetTape tape;
    StageNetForward(hp, *p, e->means, e->x, &tape);
    StageNetParams g = ZeroStageNetParams(hp);
    StageNetBackward(hp, *p, e->means, e->x, tape, e->target, e->weight, &g);
    adam->Step(p, &g, 1.0);
  }
}

int Train(const std::map<std::string, std::string>& a) {
  LabelSet labels;
  if (!LoadLabels(a, Get(a, "--per-node", "0") == "1", "train", &labels)) return 2;
  const std::vector<Example>& all = labels.train;
  const std::vector<Example>& val = labels.val;
  std::vector<const Example*> order;
  for (const Example& e : all) order.push_back(&e);
  StageNetHParams hp{kStageFeatureDim, std::stoi(Get(a, "--hidden", "32")), std::stoi(Get(a, "--layers", "3"))};
  const uint64_t seed = std::stoull(Get(a, "--seed", "1"));
  StageNetParams p = InitStageNetParams(hp, seed);
  StageNetAdam adam(hp, std::stod(Get(a, "--lr", "0.003")));
  const int epochs = std::stoi(Get(a, "--epochs", "40"));
  Rng rng(seed);
  const auto t0 = std::chrono::steady_clock::now();
  std::printf("train: %zu labels, %zu held out, %lld parameters\n", all.size(), val.size(),
              static_cast<long long>(p.NumParams()));
  for (int ep = 1; ep <= epochs; ++ep) {
    RunEpoch(hp, &p, &adam, &rng, &order);
    const auto [tl, ta] = Score(hp, p, all);
    const auto [vl, va] = Score(hp, p, val);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("epoch %d/%d  train loss %.4f acc %.3f  held-out loss %.4f acc %.3f move-AUC %.3f  %.1f s/epoch, "
                "ETA %.0f s\n",
                ep, epochs, tl, ta, vl, va, MoveAuc(hp, p, val), secs / ep, secs / ep * (epochs - ep));
    std::fflush(stdout);
  }
  StageNet net{hp, p, "supervised on " + std::to_string(all.size()) + " exact labels, " + std::to_string(epochs) +
                          " epochs, seed " + std::to_string(seed)};
  const Status s = SaveStageNet(net, Get(a, "--out", "stage_net.rspw"));
  if (!s.ok()) {
    std::cerr << "train: " << s.message() << "\n";
    return 1;
  }
  return 0;
}

// ---- finetune: the search's own outcome as the target ----
//
// Learned LNS rounds on the label instances (the real two_phase rule: windows
// from the network around the centre with the round history, Cbc closes them
// for --round-s, a gain re-centres). Every round gives one example: the
// features of its centre, and for each node whose window was open the offset
// Cbc gave it (0 when it stayed); nodes not opened weigh nothing. Rounds
// alternate between the current network and a random one (exploration: the
// opened nodes are not only those the network already ranks first), and a
// round that improved weighs --gain-weight times more. Then the network is
// trained further on these and the exact labels together. Repeated
// --iterations times, each collecting with the network of the last.

struct RoundExamples {
  std::vector<Example> examples;
  int rounds = 0, improved = 0;
  double gain = 0;  // summed relative gains
};

// One instance's rounds; appends to *out.
void CollectRounds(const json& d, std::shared_ptr<const StageNet> net, std::shared_ptr<const StageNet> explore,
                   int rounds, double round_s, double gain_weight, RoundExamples* out) {
  auto problem = InstanceProblem(d);
  if (!problem.ok()) return;
  const Windows hard = FullWindows(*problem);
  Schedule centre{d["center"].get<std::vector<int>>()};
  double objective = Evaluate(*problem, centre).objective;
  const double start = objective;
  RoundHistory history;
  const int n = problem->g().size();
  const GraphMeans means = MakeGraphMeans(problem->g());
  for (int r = 0; r < rounds; ++r) {
    const LearnedWindows policy(r % 2 ? explore : net, 0.25, 8);
    history.scale = std::max(0.25, std::min(16.0, history.scale));
    auto win = policy.Open(*problem, hard, centre, 1, history);
    if (!win.ok()) return;
    history.Record(*win);
    ExactOptions o;
    o.time_limit_s = round_s;
    auto res = ExactScheduler(o).RunWindowed(*problem, &*win, &centre);
    if (!res.ok() || res->schedule.stage.empty()) return;
    const bool improved = res->objective < objective * (1 - 1e-9);
    Example e;
    e.x = StageFeatures(*problem, centre, hard);
    e.means = means;
    e.target.assign(n, kMaxOffset);
    e.weight.assign(n, 0.0);
    for (int v = 0; v < n; ++v) {
      if (win->lo[v] == win->hi[v]) continue;
      e.target[v] = std::max(-kMaxOffset, std::min(kMaxOffset, res->schedule.stage[v] - centre.stage[v])) + kMaxOffset;
      e.weight[v] = (improved ? gain_weight : 1.0) / 1000;
    }
    out->examples.push_back(std::move(e));
    ++out->rounds;
    if (improved) {
      ++out->improved;
      centre = res->schedule;
      objective = res->objective;
    } else {
      history.scale *= res->status == SolveStatus::kOptimal ? 2.0 : 0.5;
    }
  }
  out->gain += (start - objective) / start;
}

int Finetune(const std::map<std::string, std::string>& a) {
  LabelSet set;
  if (!LoadLabels(a, /*per_node=*/true, "finetune", &set)) return 2;
  const std::vector<json>& labels = set.lines;
  const std::vector<Example>& exact = set.train;
  const std::vector<Example>& val = set.val;
  auto loaded = LoadWindowNet(Get(a, "--weights", "default"), 1);
  if (!loaded.ok()) {
    std::cerr << "finetune: " << loaded.status().message() << "\n";
    return 2;
  }
  StageNet net = **loaded;
  const StageNetHParams hp = net.hparams;
  const uint64_t seed = std::stoull(Get(a, "--seed", "1"));
  const int iterations = std::stoi(Get(a, "--iterations", "2")), rounds = std::stoi(Get(a, "--rounds", "8"));
  const int epochs = std::stoi(Get(a, "--epochs", "6"));
  const double round_s = std::stod(Get(a, "--round-s", "1")), gain_weight = std::stod(Get(a, "--gain-weight", "4"));
  StageNetAdam adam(hp, std::stod(Get(a, "--lr", "0.0005")));
  Rng rng(seed);
  const auto t0 = std::chrono::steady_clock::now();
  auto secs = [&t0] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  for (int it = 1; it <= iterations; ++it) {
    auto current = std::make_shared<const StageNet>(net);
    auto explore = LoadWindowNet("random", seed * 1000 + static_cast<uint64_t>(it));
    RoundExamples collected;
    for (size_t i = 0; i < labels.size(); ++i) {
      CollectRounds(labels[i], current, *explore, rounds, round_s, gain_weight, &collected);
      const double el = secs();
      std::printf("iteration %d: collected %zu/%zu instances, %d rounds (%d improved, mean gain %.3f%%)  %.1f s, "
                  "ETA %.0f s\n",
                  it, i + 1, labels.size(), collected.rounds, collected.improved, 100 * collected.gain / (i + 1), el,
                  el / (i + 1) * static_cast<double>(labels.size() - i - 1));
      std::fflush(stdout);
    }
    std::vector<const Example*> all;
    for (const Example& e : exact) all.push_back(&e);
    for (const Example& e : collected.examples) all.push_back(&e);
    for (int ep = 1; ep <= epochs; ++ep) {
      RunEpoch(hp, &net.params, &adam, &rng, &all);
      const auto [vl, va] = Score(hp, net.params, val);
      std::printf("iteration %d epoch %d/%d  held-out exact labels: loss %.4f acc %.3f move-AUC %.3f  %.1f s\n", it, ep,
                  epochs, vl, va, MoveAuc(hp, net.params, val), secs());
      std::fflush(stdout);
    }
    // Each iteration's network is kept: a long run can be stopped and used.
    if (it < iterations) {
      const Status s = SaveStageNet(net, Get(a, "--out", "stage_net_finetuned.rspw") + ".iteration" + std::to_string(it));
      if (!s.ok()) std::cerr << "finetune: " << s.message() << "\n";
    }
  }
  net.note += "; fine-tuned on its own LNS rounds (" + std::to_string(iterations) + " x " + std::to_string(rounds) +
              " rounds of " + Get(a, "--round-s", "1") + " s per instance)";
  const Status s = SaveStageNet(net, Get(a, "--out", "stage_net_finetuned.rspw"));
  if (!s.ok()) {
    std::cerr << "finetune: " << s.message() << "\n";
    return 1;
  }
  return 0;
}

// Times the window network's greedy inference (features, forward, window
// allocation with its bisection) on one graph, one core.
int Infer(const std::map<std::string, std::string>& a) {
  json inst = {{"family", Get(a, "--family", "layered")}, {"nodes", std::stoi(Get(a, "--nodes", "10000"))},
               {"seed", std::stoull(Get(a, "--seed", "1001"))}, {"stages", std::stoi(Get(a, "--stages", "10"))},
               {"edge_weight", Get(a, "--edge-weight", "tensor")}, {"gml", Get(a, "--gml", "")}};
  auto problem = InstanceProblem(inst);
  if (!problem.ok()) return 2;
  auto center = DpTopoScheduler(60).Run(*problem);
  auto net = LoadWindowNet(Get(a, "--weights", "default"), 1);
  if (!center.ok() || !net.ok()) return 1;
  const Windows hard = FullWindows(*problem);
  LearnedWindows learned(*net);
  using Clock = std::chrono::steady_clock;
  for (int rep = 0; rep < 3; ++rep) {
    const auto t0 = Clock::now();
    const Eigen::MatrixXd x = StageFeatures(*problem, center->schedule, hard);
    const auto t1 = Clock::now();
    const Eigen::MatrixXd logp = learned.Predict(*problem, hard, center->schedule);
    const auto t2 = Clock::now();
    auto win = learned.Open(*problem, hard, center->schedule, 1);
    const auto t3 = Clock::now();
    auto ms = [](Clock::time_point p, Clock::time_point q) { return 1e3 * std::chrono::duration<double>(q - p).count(); };
    std::printf("%d nodes: features %.1f ms, features + forward %.1f ms, windows (features, forward, bisection) %.1f ms, "
                "free binaries %lld\n",
                problem->g().size(), ms(t0, t1), ms(t1, t2), ms(t2, t3), static_cast<long long>(FreeBinaries(*win)));
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string cmd = argc > 1 ? argv[1] : "";
  if (cmd == "label") return Label(Args(argc, argv));
  if (cmd == "train") return Train(Args(argc, argv));
  if (cmd == "infer") return Infer(Args(argc, argv));
  if (cmd == "finetune") return Finetune(Args(argc, argv));
  std::cerr << "usage: window_net_train label|train [--key value ...] (see the file's header)\n";
  return 2;
}
