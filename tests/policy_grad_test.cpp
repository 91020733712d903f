// Finite-difference gradient checks of every policy layer and of the whole
// network, in double on tiny sizes (relative error < 1e-5).
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <vector>

#include <gtest/gtest.h>

#include "policy/layers.h"
#include "policy/network.h"
#include "policy/random_dag.h"
#include "policy/rng.h"

namespace respect {
namespace {

using Mat = PMat<double>;
using Vec = PVec<double>;

constexpr double kTol = 1e-5;

Mat RandMat(int r, int c, PolicyRng* rng, double scale = 1.0) {
  Mat m(r, c);
  for (int j = 0; j < c; ++j)
    for (int i = 0; i < r; ++i) m(i, j) = rng->Uniform(-scale, scale);
  return m;
}
Vec RandVec(int r, PolicyRng* rng, double scale = 1.0) { return RandMat(r, 1, rng, scale).col(0); }

// Norm-wise relative error ||a - n|| / max(||a||, ||n||, 1e-12).
template <class T>
double RelErr(const T& analytic, const T& numeric) {
  const double d = (analytic - numeric).norm();
  const double s = std::max({analytic.norm(), numeric.norm(), 1e-12});
  return d / s;
}

// Five-point central-difference gradient of loss() with respect to every
// entry of *t: truncation error O(h^4), so h = 1e-4 keeps both truncation and
// rounding error far below the tolerance even where the gradient is small
// (e.g. behind a saturated tanh clip).
template <class T>
T NumGrad(T* t, const std::function<double()>& loss, double h = 1e-4) {
  T g = T::Zero(t->rows(), t->cols());
  for (Eigen::Index i = 0; i < t->size(); ++i) {
    const double keep = t->data()[i];
    auto at = [&](double d) {
      t->data()[i] = keep + d;
      return loss();
    };
    const double f2 = at(2 * h), f1 = at(h), m1 = at(-h), m2 = at(-2 * h);
    t->data()[i] = keep;
    g.data()[i] = (-f2 + 8 * f1 - 8 * m1 + m2) / (12 * h);
  }
  return g;
}

double g_worst = 0.0;
void Report(const char* what, double err) {
  g_worst = std::max(g_worst, err);
  std::printf("  grad check %-34s rel err %.3e\n", what, err);
  EXPECT_LT(err, kTol) << what;
}

TEST(PolicyGrad, Linear) {
  PolicyRng rng(1);
  Mat W = RandMat(4, 3, &rng), X = RandMat(3, 5, &rng), Rw = RandMat(4, 5, &rng);
  Vec b = RandVec(4, &rng);
  auto loss = [&]() {
    Mat Y;
    LinearForward<double>(W, b, X, &Y);
    return (Y.array() * Rw.array()).sum();
  };
  Mat dW = Mat::Zero(4, 3), dX;
  Vec db = Vec::Zero(4);
  LinearBackward<double>(W, X, Rw, &dW, &db, &dX);
  Report("linear dW", RelErr(dW, NumGrad(&W, loss)));
  Report("linear db", RelErr(db, NumGrad(&b, loss)));
  Report("linear dX", RelErr(dX, NumGrad(&X, loss)));
}

TEST(PolicyGrad, LstmCell) {
  PolicyRng rng(2);
  const int I = 3, H = 4;
  Mat W = RandMat(4 * H, I + H, &rng);
  Vec b = RandVec(4 * H, &rng), x = RandVec(I, &rng), h0 = RandVec(H, &rng), c0 = RandVec(H, &rng);
  Vec rh = RandVec(H, &rng), rc = RandVec(H, &rng);
  auto loss = [&]() {
    Vec wx = W.leftCols(I) * x, h, c;
    LstmStepForward<double>(W, b, x, wx, h0, c0, &h, &c, nullptr);
    return rh.dot(h) + rc.dot(c);
  };
  Vec wx = W.leftCols(I) * x, h, c;
  LstmStepCache<double> cache;
  LstmStepForward<double>(W, b, x, wx, h0, c0, &h, &c, &cache);
  Mat dW = Mat::Zero(4 * H, I + H);
  Vec db = Vec::Zero(4 * H), dx, dh0, dc0;
  LstmStepBackward<double>(W, cache, rh, rc, &dW, &db, &dx, &dh0, &dc0);
  Report("lstm cell dW", RelErr(dW, NumGrad(&W, loss)));
  Report("lstm cell db", RelErr(db, NumGrad(&b, loss)));
  Report("lstm cell dx", RelErr(dx, NumGrad(&x, loss)));
  Report("lstm cell dh_prev", RelErr(dh0, NumGrad(&h0, loss)));
  Report("lstm cell dc_prev", RelErr(dc0, NumGrad(&c0, loss)));
}

TEST(PolicyGrad, LstmSequenceBptt) {
  PolicyRng rng(3);
  const int I = 3, H = 4, n = 6;
  Mat W = RandMat(4 * H, I + H, &rng), X = RandMat(I, n, &rng), RH = RandMat(H, n, &rng);
  Vec b = RandVec(4 * H, &rng), h0 = RandVec(H, &rng), c0 = RandVec(H, &rng);
  Vec rh = RandVec(H, &rng), rc = RandVec(H, &rng);
  auto loss = [&]() {
    Mat Hs;
    Vec hT, cT;
    LstmSequenceForward<double>(W, b, X, h0, c0, &Hs, &hT, &cT, nullptr);
    return (Hs.array() * RH.array()).sum() + rh.dot(hT) + rc.dot(cT);
  };
  Mat Hs;
  Vec hT, cT;
  LstmSeqCache<double> cache;
  LstmSequenceForward<double>(W, b, X, h0, c0, &Hs, &hT, &cT, &cache);
  Mat dW = Mat::Zero(4 * H, I + H), dX;
  Vec db = Vec::Zero(4 * H), dh0, dc0;
  LstmSequenceBackward<double>(W, cache, RH, rh, rc, &dW, &db, &dX, &dh0, &dc0);
  Report("lstm sequence dW", RelErr(dW, NumGrad(&W, loss)));
  Report("lstm sequence db", RelErr(db, NumGrad(&b, loss)));
  Report("lstm sequence dX", RelErr(dX, NumGrad(&X, loss)));
  Report("lstm sequence dh0", RelErr(dh0, NumGrad(&h0, loss)));
  Report("lstm sequence dc0", RelErr(dc0, NumGrad(&c0, loss)));
}

TEST(PolicyGrad, GlimpseWithMask) {
  PolicyRng rng(4);
  const int H = 4, Hq = 3, n = 7;
  Mat R = RandMat(H, n, &rng), Wq = RandMat(H, Hq, &rng);
  Vec q = RandVec(Hq, &rng), v = RandVec(H, &rng), r = RandVec(H, &rng);
  const std::vector<int> idx = {5, 1, 3, 6};  // columns 0, 2, 4 masked
  auto loss = [&]() {
    Vec g;
    GlimpseForward<double>(R, idx, q, Wq, v, &g, nullptr);
    return r.dot(g);
  };
  Vec g, dv = Vec::Zero(H), dq;
  AttnCache<double> cache;
  GlimpseForward<double>(R, idx, q, Wq, v, &g, &cache);
  Mat dR = Mat::Zero(H, n), dWq = Mat::Zero(H, Hq);
  GlimpseBackward<double>(R, Wq, v, cache, r, &dR, &dWq, &dv, &dq);
  const Mat nR = NumGrad(&R, loss);
  Report("glimpse dR", RelErr(dR, nR));
  Report("glimpse dWq", RelErr(dWq, NumGrad(&Wq, loss)));
  Report("glimpse dv", RelErr(dv, NumGrad(&v, loss)));
  Report("glimpse dq", RelErr(dq, NumGrad(&q, loss)));
  for (int masked : {0, 2, 4}) {
    EXPECT_EQ(dR.col(masked).norm(), 0.0);
    EXPECT_LT(nR.col(masked).norm(), 1e-12);
  }
}

void PointerCheck(double clip, const char* tag) {
  PolicyRng rng(5);
  const int H = 4, Hq = 4, n = 6;
  Mat R = RandMat(H, n, &rng), Wq = RandMat(H, Hq, &rng);
  Vec q = RandVec(Hq, &rng), v = RandVec(H, &rng, 2.0);
  const std::vector<int> idx = {0, 2, 3, 5};
  Vec r = RandVec(static_cast<int>(idx.size()), &rng);
  auto loss = [&]() {
    Vec l;
    PointerForward<double>(R, idx, q, Wq, v, clip, &l, nullptr);
    return r.dot(l);
  };
  Vec l, dv = Vec::Zero(H), dq;
  AttnCache<double> cache;
  PointerForward<double>(R, idx, q, Wq, v, clip, &l, &cache);
  if (clip > 0) {
    EXPECT_LE(l.cwiseAbs().maxCoeff(), clip);
  }
  const Vec full = ScatterMasked<double>(l, idx, n);
  EXPECT_TRUE(std::isinf(full(1)) && full(1) < 0);
  EXPECT_TRUE(std::isinf(full(4)) && full(4) < 0);
  Mat dR = Mat::Zero(H, n), dWq = Mat::Zero(H, Hq);
  PointerBackward<double>(R, Wq, v, clip, cache, r, &dR, &dWq, &dv, &dq);
  std::string t(tag);
  Report((t + " dR").c_str(), RelErr(dR, NumGrad(&R, loss)));
  Report((t + " dWq").c_str(), RelErr(dWq, NumGrad(&Wq, loss)));
  Report((t + " dv").c_str(), RelErr(dv, NumGrad(&v, loss)));
  Report((t + " dq").c_str(), RelErr(dq, NumGrad(&q, loss)));
  EXPECT_EQ(dR.col(1).norm(), 0.0);
  EXPECT_EQ(dR.col(4).norm(), 0.0);
}

TEST(PolicyGrad, PointerTanhClip) { PointerCheck(10.0, "pointer C=10"); }
TEST(PolicyGrad, PointerNoClip) { PointerCheck(0.0, "pointer no clip"); }

TEST(PolicyGrad, LogSoftmax) {
  PolicyRng rng(6);
  Vec z = RandVec(5, &rng, 3.0), r = RandVec(5, &rng);
  auto loss = [&]() {
    Vec lp;
    LogSoftmaxForward<double>(z, &lp);
    return r.dot(lp);
  };
  Vec lp, dz;
  LogSoftmaxForward<double>(z, &lp);
  EXPECT_NEAR(lp.array().exp().sum(), 1.0, 1e-12);
  LogSoftmaxBackward<double>(lp, r, &dz);
  Report("log-softmax dz", RelErr(dz, NumGrad(&z, loss)));
  // -inf entries (masked) get probability 0.
  Vec zm = z;
  zm(2) = -std::numeric_limits<double>::infinity();
  LogSoftmaxForward<double>(zm, &lp);
  EXPECT_NEAR(lp.array().exp().sum(), 1.0, 1e-12);
  EXPECT_EQ(std::exp(lp(2)), 0.0);
}

// The whole network: gradient of weight * sum_t log p(a_t) for a given
// (non-default) topological order, for every parameter tensor.
// With `dynamic`, the step features' weights dyn_w are checked too; without,
// their gradient must be exactly zero (the term is absent).
void NetworkCheck(GlimpseMask mask, double clip, FeatureSet fs, const char* tag, bool dynamic = true) {
  auto g = RandomLayeredDag(8, 4, 3, 11);
  ASSERT_TRUE(g.ok()) << g.status().message();
  PolicyHParams hp;
  hp.embed = 5;
  hp.hidden = 4;
  hp.tanh_clip = clip;
  hp.glimpse_mask = mask;
  hp.features = fs;
  hp.dynamic = dynamic;
  PolicyParams<double> p = InitParams(hp, 99);
  // Larger weights than the init so every path carries a visible gradient.
  // The decoder reaches the logits only through the glimpse weights, which are
  // near uniform at init; sharpen the glimpse so that path is well exercised.
  p.ForEach([](const char*, auto& t) { t *= 2.0; });
  p.glimpse_v *= 4.0;
  p.glimpse_q *= 3.0;
  // A topological order that differs from the input (topo) order: sort by
  // (ALAP level, descending index) and emit greedily respecting precedence.
  Episode<double> ep;
  Chooser<double> last_ready = [](const PVec<double>&, const DecoderState<double>& st) {
    return static_cast<int>(st.ready.size()) - 1;
  };
  ASSERT_TRUE(RunEpisode<double>(hp, p, *g, last_ready, false, &ep).ok());
  const std::vector<int> order = ep.order;
  ASSERT_TRUE(g->IsTopologicalOrder(order));
  ASSERT_NE(order, g->topo_order());
  const double weight = -0.7;  // e.g. minus an advantage
  auto loss = [&]() {
    Episode<double> e;
    EXPECT_TRUE(ForcedEpisode<double>(hp, p, *g, order, false, &e).ok());
    return weight * e.log_prob;
  };
  ASSERT_TRUE(ForcedEpisode<double>(hp, p, *g, order, true, &ep).ok());
  EXPECT_EQ(ep.order, order);
  PolicyParams<double> grads = ZeroParams<double>(hp);
  EpisodeBackward<double>(hp, p, ep, weight, &grads);
  // Pair analytic and numeric tensor by tensor.
  std::vector<std::pair<std::string, double>> errs;
  std::vector<const void*> analytic;
  grads.ForEach([&](const char*, const auto& t) { analytic.push_back(&t); });
  size_t i = 0;
  double worst = 0;
  p.ForEach([&](const char* name, auto& t) {
    using T = std::decay_t<decltype(t)>;
    const T& a = *static_cast<const T*>(analytic[i++]);
    const T num = NumGrad(&t, loss);
    if (!dynamic && std::string(name) == "dyn_w") {
      EXPECT_EQ(a.norm(), 0.0);
      EXPECT_LT(num.norm(), 1e-9);  // rounding only
      return;
    }
    const double e = RelErr(a, num);
    worst = std::max(worst, e);
    EXPECT_GT(num.norm(), 0.0) << name << ": no gradient flows";
    EXPECT_LT(e, kTol) << tag << " " << name << " |grad|=" << num.norm();
    if (std::getenv("POLICY_GRAD_VERBOSE")) {
      std::printf("    %-12s |grad| %.3e  rel err %.3e\n", name, num.norm(), e);
    }
  });
  Report(tag, worst);
}

TEST(PolicyGrad, WholeNetworkUnvisitedGlimpse) {
  NetworkCheck(GlimpseMask::kUnvisited, 10.0, FeatureSet::kFull, "network (glimpse unvisited, C=10)");
}
TEST(PolicyGrad, WholeNetworkReadyGlimpse) {
  NetworkCheck(GlimpseMask::kReady, 10.0, FeatureSet::kFull, "network (glimpse ready, C=10)");
}
TEST(PolicyGrad, WholeNetworkNoClipPaperFeatures) {
  NetworkCheck(GlimpseMask::kUnvisited, 0.0, FeatureSet::kPaper, "network (no clip, paper features)");
}
TEST(PolicyGrad, WholeNetworkWithoutStepFeatures) {
  NetworkCheck(GlimpseMask::kReady, 10.0, FeatureSet::kFull, "network (no step features)", false);
}

// Gradients of several episodes accumulate (batch = sum of per-episode terms).
TEST(PolicyGrad, BackwardAccumulates) {
  auto g = RandomLayeredDag(6, 3, 2, 5);
  ASSERT_TRUE(g.ok());
  PolicyHParams hp;
  hp.embed = 3;
  hp.hidden = 3;
  PolicyParams<double> p = InitParams(hp, 3);
  Episode<double> ep;
  ASSERT_TRUE(ForcedEpisode<double>(hp, p, *g, g->topo_order(), true, &ep).ok());
  PolicyParams<double> g1 = ZeroParams<double>(hp), g2 = ZeroParams<double>(hp);
  EpisodeBackward<double>(hp, p, ep, 1.0, &g1);
  EpisodeBackward<double>(hp, p, ep, 0.5, &g2);
  EpisodeBackward<double>(hp, p, ep, 0.5, &g2);
  std::vector<double> a, b;
  g1.ForEach([&](const char*, const auto& t) { a.push_back(t.norm()); });
  g2.ForEach([&](const char*, const auto& t) { b.push_back(t.norm()); });
  for (size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-12 * (1 + a[i]));
}

TEST(PolicyGrad, Summary) { std::printf("  worst relative error so far: %.3e\n", g_worst); }

}  // namespace
}  // namespace respect
