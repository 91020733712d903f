// The trainer's small numerics: incomplete beta, Student t CDF, paired
// t-test, label reward, Adam and gradient clipping.
#include <cmath>

#include <gtest/gtest.h>

#include "policy/adam.h"
#include "policy/reward.h"
#include "policy/rng.h"
#include "policy/stats.h"

#include "test_graphs.h"

namespace respect {
namespace {

TEST(PolicyStats, IncompleteBeta) {
  EXPECT_NEAR(RegularizedIncompleteBeta(1, 1, 0.3), 0.3, 1e-14);  // uniform
  EXPECT_NEAR(RegularizedIncompleteBeta(2, 3, 0.4), 0.5248, 1e-12);
  EXPECT_NEAR(RegularizedIncompleteBeta(0.5, 0.5, 0.5), 0.5, 1e-12);
  // I_x(a,b) = 1 - I_{1-x}(b,a)
  EXPECT_NEAR(RegularizedIncompleteBeta(3.5, 1.2, 0.8), 1 - RegularizedIncompleteBeta(1.2, 3.5, 0.2), 1e-13);
  EXPECT_TRUE(std::isnan(RegularizedIncompleteBeta(-1, 1, 0.5)));
}

TEST(PolicyStats, StudentT) {
  EXPECT_NEAR(StudentTCdf(0.0, 5), 0.5, 1e-14);
  EXPECT_NEAR(StudentTCdf(1.812461122811676, 10), 0.95, 1e-9);  // t_{0.95,10}
  EXPECT_NEAR(StudentTCdf(2.0, 10), 0.963305982, 1e-8);
  EXPECT_NEAR(StudentTCdf(-2.0, 10), 1 - 0.963305982, 1e-8);
  EXPECT_NEAR(StudentTCdf(1.0, 1), 0.75, 1e-12);  // Cauchy
  EXPECT_NEAR(StudentTCdf(1.6448536269514722, 1e7), 0.95, 1e-6);  // ~normal
}

TEST(PolicyStats, PairedTTest) {
  std::vector<double> x = {0.9, 0.8, 0.95, 0.85, 0.92, 0.88};
  std::vector<double> y = {0.8, 0.79, 0.9, 0.8, 0.9, 0.8};
  PairedTTest t = PairedTTestGreater(x, y);
  EXPECT_EQ(t.n, 6);
  EXPECT_NEAR(t.mean_diff, 0.051666666666666666, 1e-12);
  // d = .1,.01,.05,.05,.02,.08; sd = 0.0343025752; t = mean / (sd / sqrt 6)
  EXPECT_NEAR(t.t, 3.68943058167, 1e-8);
  EXPECT_NEAR(t.p_value, 0.0070770067, 1e-8);  // upper tail of t_5 (numerical integration)
  EXPECT_GT(PairedTTestGreater(y, x).p_value, 0.99);
  EXPECT_EQ(PairedTTestGreater({1, 1}, {0, 0}).p_value, 0.0);  // all differences equal, positive
  EXPECT_EQ(PairedTTestGreater({1, 1}, {1, 1}).p_value, 1.0);
  EXPECT_EQ(PairedTTestGreater({1}, {0}).p_value, 1.0);
}

TEST(PolicyReward, LabelCosine) {
  const std::vector<int> stage = {0, 0, 1, 1, 2};
  const std::vector<int> target = {0, 1, 2, 3, 4};
  EXPECT_EQ(LabelSequence(target, stage), (std::vector<int>{1, 1, 2, 2, 3}));
  EXPECT_NEAR(LabelReward(target, target, stage), 1.0, 1e-15);
  EXPECT_NEAR(LabelReward({1, 0, 3, 2, 4}, target, stage), 1.0, 1e-15);  // same labels
  const double r = LabelReward({0, 2, 1, 3, 4}, target, stage);
  // dot = 1*1 + 2*1 + 1*2 + 2*2 + 3*3 = 18; norm^2 = 19
  EXPECT_NEAR(r, 18.0 / 19.0, 1e-15);
  EXPECT_EQ(CosineSimilarity({0, 0}, {1, 2}), 0.0);
}

TEST(PolicyReward, TargetOrderFromStages) {
  using test_graphs::N;
  auto g = test_graphs::BuildGraph("g", {N("0"), N("1"), N("2"), N("3")}, {{"0", "1"}, {"0", "2"}, {"2", "3"}});
  EXPECT_EQ(TargetOrderFromStages(*g, {0, 1, 0, 1}), (std::vector<int>{0, 2, 1, 3}));
}

TEST(PolicyAdam, MinimisesQuadraticAndClips) {
  PolicyHParams hp;
  hp.embed = 2;
  hp.hidden = 2;
  PolicyParams<double> p = InitParams(hp, 1);
  Adam adam(hp, AdamOptions{0.05});
  // f = 0.5 |theta - 0.3|^2, gradient theta - 0.3.
  for (int it = 0; it < 2000; ++it) {
    PolicyParams<double> g = p;
    g.ForEach([](const char*, auto& t) { t.array() -= 0.3; });
    adam.Step(&p, g);
  }
  p.ForEach([](const char* name, const auto& t) {
    EXPECT_LT((t.array() - 0.3).abs().maxCoeff(), 1e-3) << name;
  });
  EXPECT_EQ(adam.step(), 2000);
  PolicyParams<double> g = ZeroParams<double>(hp);
  g.emb_b(0) = 3;
  g.emb_b(1) = 4;
  EXPECT_NEAR(ClipGlobalNorm(&g, 1.0), 5.0, 1e-12);
  EXPECT_NEAR(GlobalNorm(g), 1.0, 1e-12);
  EXPECT_NEAR(g.emb_b(0), 0.6, 1e-12);
}

TEST(PolicyRngTest, KnownSequenceAndCategorical) {
  PolicyRng a(1), b(1);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(a.Next(), b.Next());
  auto st = a.state();
  const uint64_t x = a.Next();
  a.set_state(st);
  EXPECT_EQ(a.Next(), x);
  PolicyRng r(7);
  const double probs[3] = {0.2, 0.0, 0.8};
  int counts[3] = {0, 0, 0};
  for (int i = 0; i < 20000; ++i) ++counts[r.Categorical(probs, 3)];
  EXPECT_EQ(counts[1], 0);
  EXPECT_NEAR(counts[0] / 20000.0, 0.2, 0.02);
  for (int i = 0; i < 1000; ++i) {
    const double u = r.Uniform01();
    EXPECT_GE(u, 0.0);
    EXPECT_LT(u, 1.0);
  }
}

}  // namespace
}  // namespace respect
