#include "formulations/spectral_floor.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/Dense>
#include <Eigen/Eigenvalues>

#include "core/deadline.h"

namespace respect {
namespace {

struct Link {
  int a, b;
  double weight;
};

// The links of positive crossing weight (see the header for the weights).
std::vector<Link> PositiveLinks(const Graph& g, const CrossingWeights& weights) {
  std::vector<Link> links;
  for (int u = 0; u < g.size(); ++u) {
    const std::vector<int>& ch = g.children(u);
    for (size_t i = 0; i < ch.size(); ++i) {
      const double w = weights.per_tensor() ? static_cast<double>(weights.tensor(u)) / static_cast<double>(ch.size())
                                            : static_cast<double>(weights.edge(u, static_cast<int>(i)));
      if (w > 0) links.push_back({u, ch[i], w});
    }
  }
  return links;
}

// The nodes of the heaviest connected piece of `links` among the nodes
// `allowed` (all when empty) (ascending; ties: the first found), or empty
// when no link has a weighted end.
std::vector<int> HeaviestPiece(const Graph& g, const std::vector<Link>& links, const std::vector<char>& allowed = {}) {
  const int n = g.size();
  std::vector<std::vector<int>> adj(n);
  for (const Link& l : links) {
    if (!allowed.empty() && !(allowed[l.a] && allowed[l.b])) continue;
    adj[l.a].push_back(l.b);
    adj[l.b].push_back(l.a);
  }
  std::vector<int> piece_of(n, -1), best, stack;
  int64_t best_weight = 0;
  for (int s = 0; s < n; ++s) {
    if (piece_of[s] >= 0 || adj[s].empty()) continue;
    std::vector<int> nodes{s};
    int64_t weight = 0;
    piece_of[s] = s;
    stack.assign(1, s);
    while (!stack.empty()) {
      const int v = stack.back();
      stack.pop_back();
      weight += g.node(v).param_bytes;
      for (int u : adj[v])
        if (piece_of[u] < 0) {
          piece_of[u] = s;
          nodes.push_back(u);
          stack.push_back(u);
        }
    }
    if (weight > best_weight) {
      best_weight = weight;
      best = std::move(nodes);
    }
  }
  std::sort(best.begin(), best.end());
  return best;
}

struct Eigenpair {
  double lambda = 0.0;
  // When lambda_2's vector sits on a few nodes (a light group weakly
  // linked to the rest), those nodes: without them lambda_2 is larger.
  std::vector<int> localized;
};

// The weighted nodes holding 90% of the unit vector `v` (entries in the
// order of `nodes`), when they are at most max(3, 1%) of them; else none.
std::vector<int> Localized(const Eigen::VectorXd& v, const std::vector<int>& nodes) {
  std::vector<int> order(nodes.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  std::sort(order.begin(), order.end(), [&](int a, int b) { return v(a) * v(a) > v(b) * v(b); });
  const size_t most = std::max<size_t>(3, nodes.size() / 100);
  std::vector<int> out;
  double mass = 0.0;
  for (size_t i = 0; i < order.size() && mass < 0.9 * v.squaredNorm(); ++i) {
    if (out.size() == most) return {};
    out.push_back(nodes[order[i]]);
    mass += v(order[i]) * v(order[i]);
  }
  return out;
}

// lambda_2 of (L, W) on the piece, less a margin for rounding (0 when the
// elimination of weightless nodes is singular or fewer than two nodes
// weigh anything), and with `vector`, where its vector is localized.
Eigenpair SecondEigenpair(const Graph& g, const std::vector<Link>& links, const std::vector<int>& piece, bool vector) {
  const int k = static_cast<int>(piece.size());
  std::vector<int> index(g.size(), -1);
  int weighted = 0;
  // The weighted nodes first, then the weightless ones: L = [A B; B' C].
  for (int v : piece)
    if (g.node(v).param_bytes > 0) index[v] = weighted++;
  int next = weighted;
  for (int v : piece)
    if (g.node(v).param_bytes <= 0) index[v] = next++;
  if (weighted < 2) return {};
  Eigen::MatrixXd lap = Eigen::MatrixXd::Zero(k, k);
  for (const Link& l : links) {
    const int a = index[l.a], b = index[l.b];
    if (a < 0 || b < 0) continue;  // not in the piece
    lap(a, a) += l.weight;
    lap(b, b) += l.weight;
    lap(a, b) -= l.weight;
    lap(b, a) -= l.weight;
  }
  Eigen::MatrixXd reduced = lap.topLeftCorner(weighted, weighted);
  const int zero = k - weighted;
  if (zero > 0) {
    // Every weightless node of a connected piece with a weighted node is
    // grounded through it, so C is positive definite.
    Eigen::LLT<Eigen::MatrixXd> c(lap.bottomRightCorner(zero, zero));
    if (c.info() != Eigen::Success) return {};
    reduced -= lap.topRightCorner(weighted, zero) * c.solve(lap.bottomLeftCorner(zero, weighted));
  }
  lap.resize(0, 0);  // the largest matrix: freed before the eigenvalues
  Eigen::VectorXd scale(weighted);
  std::vector<int> weighted_nodes(weighted);
  for (int v : piece)
    if (index[v] < weighted) {
      scale(index[v]) = 1.0 / std::sqrt(static_cast<double>(g.node(v).param_bytes));
      weighted_nodes[index[v]] = v;
    }
  const Eigen::MatrixXd a = scale.asDiagonal() * reduced * scale.asDiagonal();
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(a, vector ? Eigen::ComputeEigenvectors : Eigen::EigenvaluesOnly);
  if (eig.info() != Eigen::Success) return {};
  // The solver is backward stable (errors of a few ulps of the norm); the
  // elimination adds its own: a millionth of the norm covers both with
  // room, and a floor a little low is still a floor.
  const double margin = 1e-6 * a.norm();
  const Eigen::VectorXd& ev = eig.eigenvalues();  // ascending; ev(0) = 0 in exact arithmetic
  if (std::abs(ev(0)) > margin) return {};       // the rounding was worse than allowed for
  Eigenpair out;
  out.lambda = std::max(0.0, ev(1) - margin);
  if (vector) out.localized = Localized(eig.eigenvectors().col(1), weighted_nodes);
  return out;
}

}  // namespace

double SpectralPiece::Floor(int64_t lo, int64_t hi) const {
  if (!(lambda > 0) || piece <= 0) return 0.0;
  const double a = static_cast<double>(std::max<int64_t>(0, lo - rest));
  const double b = static_cast<double>(std::min(hi, piece));
  if (a > b) return 0.0;  // no down-set weighs lo..hi; 0 is a floor anyway
  const double p = static_cast<double>(piece);
  // Concave in the piece's share x: least at an end of [a, b].
  auto at = [&](double x) { return lambda * x * (p - x) / p; };
  return std::max(0.0, std::min(at(a), at(b)));
}

double SpectralUpperEstimate(const Problem& problem, const CrossingWeights& weights) {
  const Graph& g = problem.g();
  const std::vector<Link> links = PositiveLinks(g, weights);
  const std::vector<int> piece = HeaviestPiece(g, links);
  if (piece.empty()) return 0.0;
  std::vector<char> in(g.size(), 0);
  for (int v : piece) in[v] = 1;
  std::vector<double> y(g.size(), 0.0);
  double prefix = 0.0, total = 0.0, moment = 0.0;
  for (int v : g.topo_order()) {
    if (!in[v]) continue;
    const double p = static_cast<double>(g.node(v).param_bytes);
    y[v] = prefix + p / 2;
    prefix += p;
    total += p;
    moment += p * y[v];
  }
  if (!(total > 0)) return 0.0;
  const double mean = moment / total;
  double wy = 0.0, ly = 0.0;
  for (int v : piece) wy += static_cast<double>(g.node(v).param_bytes) * (y[v] - mean) * (y[v] - mean);
  for (const Link& l : links)
    if (in[l.a] && in[l.b]) ly += l.weight * (y[l.a] - y[l.b]) * (y[l.a] - y[l.b]);
  return wy > 0 ? ly / wy : 0.0;
}

double SpectralFloor::Floor(int64_t lo, int64_t hi) const {
  double best = 0.0;
  for (const SpectralPiece& p : pieces) best = std::max(best, p.Floor(lo, hi));
  return best;
}

double SpectralFloor::lambda() const { return pieces.empty() ? 0.0 : pieces.front().lambda; }

double SpectralSeconds(const Graph& g, const std::vector<int>& piece, bool vector) {
  // Measured under load (1 core of 2 busy): 851 nodes of which 466 weigh
  // something, 0.25 s for the eigenvalues, 0.7 s with the vector.
  constexpr double kSecondsPerCubedNode = 1e-9;
  double w = 0, z = 0;
  for (int v : piece) (g.node(v).param_bytes > 0 ? w : z) += 1;
  const double eig = (vector ? 3 : 1) * w * w * w;
  return kSecondsPerCubedNode * (eig + z * z * z / 3 + z * z * w);
}

SpectralFloor ComputeSpectralFloor(const Problem& problem, const CrossingWeights& weights, int max_nodes, int peels,
                                   double budget_s) {
  const Stopwatch clock;
  const Graph& g = problem.g();
  SpectralFloor f;
  const std::vector<Link> links = PositiveLinks(g, weights);
  std::vector<char> allowed(g.size(), 1);
  std::vector<int> piece = HeaviestPiece(g, links);
  if (!piece.empty()) f.anchor = piece.front();
  for (int round = 0; round <= peels && !piece.empty(); ++round) {
    SpectralPiece p;
    p.nodes = static_cast<int>(piece.size());
    for (int v : piece) p.piece += g.node(v).param_bytes;
    p.rest = g.total_param_bytes() - p.piece;
    const double left = budget_s - clock.Seconds();
    if (p.nodes > max_nodes || SpectralSeconds(g, piece, false) > left) {
      if (round == 0) f.pieces.push_back(p);  // lambda 0: too large
      break;
    }
    // A vector (for a peel) only if this solve and the next fit.
    const bool vector = round < peels && 2 * SpectralSeconds(g, piece, true) <= left;
    const Eigenpair e = SecondEigenpair(g, links, piece, vector);
    p.lambda = e.lambda;
    f.pieces.push_back(p);
    if (e.localized.empty()) break;
    // Without the weakly linked group the piece is better connected; its
    // weight joins the rest (every piece's floor holds: max of them).
    std::fill(allowed.begin(), allowed.end(), 0);
    for (int v : piece) allowed[v] = 1;
    for (int v : e.localized) allowed[v] = 0;
    piece = HeaviestPiece(g, links, allowed);
  }
  f.seconds = clock.Seconds();
  return f;
}

}  // namespace respect
