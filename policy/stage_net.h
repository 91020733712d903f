// StageNet: the window network of two_phase (docs/design.md "Learned windows").
//
// For every node it outputs a distribution over stage *offsets* from a center
// schedule s0: p_v(d) for d in [-kMaxOffset, kMaxOffset] is the network's
// belief that the best schedule puts v on stage s0(v) + d (the outermost
// classes also take "d or further"). two_phase turns these into windows of
// slack: a node the network is sure of is fixed, an uncertain one gets room
// (twophase/window_policy.h).
//
// The encoder sees the DAG in both directions: L rounds of message passing,
// each mixing a node's state with the mean state of its producers and the
// mean state of its consumers in one fused product, with a residual:
//
// Shapes (F = kStageFeatureDim, H = hidden, C = kOffsetClasses, n = |V|):
//   w_in   [H x F]    b_in   [H]     H_0 = tanh(w_in X + b_in)
//   w_msg[l] [H x 3H] b_msg[l] [H]   M_l = [H_l ; H_l Pp ; H_l Ps]   (3H x n)
//                                    H_{l+1} = H_l + tanh(w_msg[l] M_l + b_msg[l])
//   w_out  [C x H]    b_out  [C]     logits = w_out H_L + b_out, softmax per column
// Pp (n x n, sparse): Pp(u, v) = 1 / |parents(v)| for every parent u of v, so
// column v of H Pp is the mean of v's parents' states (0 for a source); Ps
// likewise over children.
//
// Pure value types: forward and backward are const functions of the
// parameters; thread-safe for concurrent readers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Dense>
#include <Eigen/SparseCore>

#include "core/status.h"
#include "graph/graph.h"

namespace respect {

inline constexpr int kMaxOffset = 3;
inline constexpr int kOffsetClasses = 2 * kMaxOffset + 1;

struct StageNetHParams {
  int features = 0;  // F; must equal kStageFeatureDim (stage_features.h)
  int hidden = 32;   // H
  int layers = 3;    // L
  bool operator==(const StageNetHParams& o) const {
    return features == o.features && hidden == o.hidden && layers == o.layers;
  }
};

struct StageNetParams {
  Eigen::MatrixXd w_in;                // [H x F]
  Eigen::VectorXd b_in;                // [H]
  std::vector<Eigen::MatrixXd> w_msg;  // L x [H x 3H]
  std::vector<Eigen::VectorXd> b_msg;  // L x [H]
  Eigen::MatrixXd w_out;               // [C x H]
  Eigen::VectorXd b_out;               // [C]

  // Every tensor with a stable name (the weights-file names), in file order.
  // f(const std::string& name, Eigen::MatrixXd& or Eigen::VectorXd&).
  template <class F>
  void ForEach(F&& f) {
    f("w_in", w_in);
    f("b_in", b_in);
    for (size_t l = 0; l < w_msg.size(); ++l) {
      f("w_msg" + std::to_string(l), w_msg[l]);
      f("b_msg" + std::to_string(l), b_msg[l]);
    }
    f("w_out", w_out);
    f("b_out", b_out);
  }
  int64_t NumParams();
};

// One-line Invalid when sizes are out of range (hidden 1..1024, layers 0..16,
// features == kStageFeatureDim).
Status ValidateStageNetHParams(const StageNetHParams& hp);
// Zero tensors of the right shapes.
StageNetParams ZeroStageNetParams(const StageNetHParams& hp);
// uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)) from `seed`; identical everywhere.
StageNetParams InitStageNetParams(const StageNetHParams& hp, uint64_t seed);

// The two averaging operators of a graph (Pp and Ps above).
struct GraphMeans {
  Eigen::SparseMatrix<double> pp, ps;
};
GraphMeans MakeGraphMeans(const Graph& g);

// What backward needs from a forward pass.
struct StageNetTape {
  std::vector<Eigen::MatrixXd> h;  // H_0..H_L, each [H x n]
  std::vector<Eigen::MatrixXd> m;  // M_0..M_{L-1}, each [3H x n]
  std::vector<Eigen::MatrixXd> t;  // tanh(...) of each message layer
  Eigen::MatrixXd logp;            // [C x n] log-softmax
};

// Forward over features x [F x n]: log-probabilities [C x n] into tape->logp.
void StageNetForward(const StageNetHParams& hp, const StageNetParams& p, const GraphMeans& means,
                     const Eigen::MatrixXd& x, StageNetTape* tape);

// Loss = -sum_v weight[v] * logp(target[v], v) (target a class in [0, C),
// -1 skips the node); adds dLoss/dtheta into *grads (shapes of p) and
// returns the loss.
double StageNetBackward(const StageNetHParams& hp, const StageNetParams& p, const GraphMeans& means,
                        const Eigen::MatrixXd& x, const StageNetTape& tape, const std::vector<int>& target,
                        const std::vector<double>& weight, StageNetParams* grads);

// Adam over StageNetParams with global-norm clipping.
class StageNetAdam {
 public:
  StageNetAdam(const StageNetHParams& hp, double learning_rate) : lr_(learning_rate),
      m_(ZeroStageNetParams(hp)), v_(ZeroStageNetParams(hp)) {}
  // Clips g to max_norm (<= 0: no clipping), then one Adam step on *p.
  void Step(StageNetParams* p, StageNetParams* g, double max_norm);

 private:
  double lr_;
  StageNetParams m_, v_;
  int64_t step_ = 0;
};

// A trained (or random) network with its hyper-parameters, loaded once and
// shared read-only.
struct StageNet {
  StageNetHParams hparams;
  StageNetParams params;
  std::string note;  // provenance written by the trainer
};

// Weights file "RSPS" (docs/formats.md "Window network weights"): magic,
// version, hparams, note, named float64 tensors, FNV-1a checksum of what
// precedes it. Load refuses (one line) a wrong magic/version/checksum, shapes
// that disagree with the hparams, and non-finite values.
Status SaveStageNet(const StageNet& net, const std::string& path);
StatusOr<StageNet> LoadStageNet(const std::string& path);
// RESPECT_SOURCE_DIR "/policy/weights/stage_net.rspw": the shipped weights.
std::string DefaultStageNetPath();

}  // namespace respect
