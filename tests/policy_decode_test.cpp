// Features and decoding: every decode (greedy, sampled, beam; both glimpse
// masks) is a topological order; seeded sampling is reproducible; beam width
// 1 equals greedy; log-probs agree with teacher forcing.
#include <cmath>
#include <limits>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "policy/decode.h"
#include "policy/features.h"
#include "policy/network.h"
#include "policy/policy.h"
#include "policy/random_dag.h"

#include "test_graphs.h"

namespace respect {
namespace {

using test_graphs::BuildGraph;
using test_graphs::N;

Graph Dag(int n, int levels, int deg, uint64_t seed) {
  auto g = RandomLayeredDag(n, levels, deg, seed);
  EXPECT_TRUE(g.ok()) << g.status().message();
  return std::move(g).value();
}

PolicyHParams Hp(GlimpseMask mask = GlimpseMask::kReady, int h = 16) {
  PolicyHParams hp;
  hp.embed = h;
  hp.hidden = h;
  hp.glimpse_mask = mask;
  return hp;
}

// 0 -> 1 -> 3, 0 -> 2 -> 3 with params 0/100/300/50 and outputs 1000/200/400/100.
Graph Diamond() {
  return *BuildGraph("diamond", {N("0", 0, 1000), N("1", 100, 200), N("2", 300, 400), N("3", 50, 100)},
                     {{"0", "1"}, {"0", "2"}, {"1", "3"}, {"2", "3"}});
}

TEST(PolicyFeatures, AncestorAndDescendantShares) {
  const Graph g = Diamond();
  const NodeFeatures f = ComputeFeatures(g, FeatureSet::kFull);
  ASSERT_EQ(f.order, (std::vector<int>{0, 1, 2, 3}));
  const double anc[] = {0, 100, 300, 450}, desc[] = {450, 150, 350, 50};
  const double anc_n[] = {0, 1, 1, 3}, desc_n[] = {3, 1, 1, 0};
  for (int v = 0; v < 4; ++v) {
    EXPECT_DOUBLE_EQ(f.x(24, v), anc[v] / 450) << v;
    EXPECT_DOUBLE_EQ(f.x(25, v), desc[v] / 450) << v;
    EXPECT_DOUBLE_EQ(f.x(26, v), anc_n[v] / 3) << v;
    EXPECT_DOUBLE_EQ(f.x(27, v), desc_n[v] / 3) << v;
  }
  EXPECT_EQ(FeatureName(24), "ancestor_param_share");
  EXPECT_FALSE(IsPaperFeature(24));
}

TEST(PolicyFeatures, StepFeaturesFollowTheDecoder) {
  const Graph g = Diamond();
  const PolicyHParams hp = Hp();
  const PolicyParams<double> p = InitParams(hp, 1);
  Encoding<double> enc;
  ASSERT_TRUE(Encode<double>(hp, p, g, false, &enc).ok());
  DecoderState<double> st = InitialState(enc);
  PMat<double> d;
  StepFeatures(enc, st, &d);
  ASSERT_EQ(d.rows(), kDynamicDim);
  ASSERT_EQ(d.cols(), 1);  // only the source is ready
  EXPECT_EQ(d(0, 0), 0.0);
  EXPECT_DOUBLE_EQ(d(2, 0), 1.0);  // its own output, nothing freed
  EXPECT_EQ(d(4, 0), 1.0);         // the input order's next node
  Emit(enc, &st, 0, 0.0);          // emit 0: 1 and 2 become ready
  StepFeatures(enc, st, &d);
  ASSERT_EQ(d.cols(), 2);
  for (int k = 0; k < 2; ++k) {
    EXPECT_EQ(d(0, k), 1.0);  // children of the node emitted last
    EXPECT_EQ(d(1, k), 0.0);
    EXPECT_EQ(d(3, k), 1.0);  // just became ready
  }
  EXPECT_DOUBLE_EQ(d(2, 0), 0.2);
  EXPECT_DOUBLE_EQ(d(2, 1), 0.4);
  EXPECT_EQ(d(4, 0), 1.0);  // column 1 comes next in the input order
  EXPECT_EQ(d(4, 1), 0.0);
  {
    // Emitting 2 first instead would leave 1 as the input order's next node.
    DecoderState<double> alt = st;
    Emit(enc, &alt, 1, 0.0);
    PMat<double> da;
    StepFeatures(enc, alt, &da);
    ASSERT_EQ(da.cols(), 1);
    EXPECT_EQ(da(4, 0), 1.0);
  }
  Emit(enc, &st, 0, 0.0);  // emit 1: only 2 is ready (3 waits for it)
  StepFeatures(enc, st, &d);
  ASSERT_EQ(d.cols(), 1);
  EXPECT_EQ(d(0, 0), 0.0);
  EXPECT_EQ(d(1, 0), 1.0);              // a sibling of 1
  EXPECT_DOUBLE_EQ(d(2, 0), 0.4 - 1.0);  // 2 is 0's last pending child: 0's tensor dies
  EXPECT_DOUBLE_EQ(d(3, 0), 0.5);        // ready for one step already
  EXPECT_EQ(d(4, 0), 1.0);
}

TEST(PolicyFeatures, ShapeRangesAndPadding) {
  const Graph g = Dag(40, 12, 6, 3);
  const NodeFeatures f = ComputeFeatures(g, FeatureSet::kFull);
  ASSERT_EQ(f.x.rows(), kFeatureDim);
  ASSERT_EQ(f.x.cols(), g.size());
  EXPECT_EQ(f.order, g.topo_order());
  EXPECT_LE(f.x.maxCoeff(), 1.0 + 1e-12);
  EXPECT_GE(f.x.minCoeff(), -1.0);
  for (int j = 0; j < g.size(); ++j) {
    const int v = f.order[j];
    const int np = static_cast<int>(g.parents(v).size());
    EXPECT_DOUBLE_EQ(f.x(0, j), g.asap()[v] / double(std::max(1, g.depth() - 1)));
    for (int k = 0; k < kMaxParents; ++k) {
      if (k >= np) {
        EXPECT_EQ(f.x(2 + k, j), -1.0);
        EXPECT_EQ(f.x(8 + k, j), -1.0);
      } else {
        EXPECT_GE(f.x(8 + k, j), 0.0);
        EXPECT_LT(f.x(8 + k, j), j / double(g.size()) + 1e-12);  // parents come earlier
      }
    }
  }
  EXPECT_NEAR(f.x(18, g.size() - 1), 1.0, 1e-12);  // cumulative param share ends at 1
  const NodeFeatures p = ComputeFeatures(g, FeatureSet::kPaper);
  for (int i = 0; i < kFeatureDim; ++i) {
    if (IsPaperFeature(i)) {
      EXPECT_EQ((p.x.row(i) - f.x.row(i)).norm(), 0.0) << FeatureName(i);
    } else {
      EXPECT_EQ(p.x.row(i).norm(), 0.0) << FeatureName(i);
    }
  }
}

TEST(PolicyFeatures, OpHashIsStable) {
  // FNV-1a test vectors.
  EXPECT_EQ(Fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
}

TEST(PolicyDecode, EveryModeGivesTopologicalOrders) {
  for (GlimpseMask mask : {GlimpseMask::kReady, GlimpseMask::kUnvisited}) {
    auto policy = PointerPolicy::Random(Hp(mask), 5);
    ASSERT_TRUE(policy);
    for (uint64_t s = 1; s <= 6; ++s) {
      const Graph g = Dag(10 + 7 * static_cast<int>(s), 3 + static_cast<int>(s), 1 + static_cast<int>(s % 6), s);
      DecodeOptions o;
      for (DecodeMode m : {DecodeMode::kGreedy, DecodeMode::kSample, DecodeMode::kBeam}) {
        o.mode = m;
        o.samples = 5;
        o.beam_width = 3;
        o.seed = s;
        auto c = policy->DecodeCandidates(g, o);
        ASSERT_TRUE(c.ok()) << c.status().message();
        ASSERT_FALSE(c->empty());
        for (const auto& d : *c) {
          EXPECT_TRUE(g.IsTopologicalOrder(d.order)) << ToString(m);
          EXPECT_LE(d.log_prob, 1e-6);
        }
        auto one = policy->Decode(g, o);
        ASSERT_TRUE(one.ok());
        EXPECT_TRUE(g.IsTopologicalOrder(*one));
      }
    }
  }
}

TEST(PolicyDecode, SingleNodeAndChain) {
  const Graph g = test_graphs::ChainGraph(5);
  auto policy = PointerPolicy::Random(Hp(), 1);
  auto o = policy->DecodeCandidates(g, DecodeOptions{});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ((*o)[0].order, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_NEAR((*o)[0].log_prob, 0.0, 1e-6);  // one choice at every step
}

TEST(PolicyDecode, SamplingIsSeeded) {
  auto policy = PointerPolicy::Random(Hp(), 9);
  const Graph g = Dag(30, 6, 3, 4);
  DecodeOptions o;
  o.mode = DecodeMode::kSample;
  o.samples = 8;
  o.seed = 123;
  auto a = policy->DecodeCandidates(g, o), b = policy->DecodeCandidates(g, o);
  ASSERT_TRUE(a.ok() && b.ok());
  std::set<std::vector<int>> distinct;
  for (size_t i = 0; i < a->size(); ++i) {
    EXPECT_EQ((*a)[i].order, (*b)[i].order);
    distinct.insert((*a)[i].order);
  }
  EXPECT_GT(distinct.size(), 1u);  // a wide DAG: samples differ
  o.seed = 124;
  auto c = policy->DecodeCandidates(g, o);
  ASSERT_TRUE(c.ok());
  bool any_diff = false;
  for (size_t i = 0; i < c->size(); ++i) any_diff = any_diff || (*c)[i].order != (*a)[i].order;
  EXPECT_TRUE(any_diff);
}

// A passed deadline: greedy takes no network step and completes the order
// by smallest ready column (still topological); sampling draws no more
// candidates than the one greedy order. No deadline: every step is the net's.
TEST(PolicyDecode, PassedDeadlineCompletesWithoutTheNetwork) {
  auto policy = PointerPolicy::Random(Hp(), 9);
  const Graph g = Dag(200, 10, 3, 4);
  DecodeOptions o;
  auto full = policy->DecodeCandidates(g, o);
  ASSERT_TRUE(full.ok());
  EXPECT_EQ((*full)[0].network_steps, g.size());
  o.time_limit_s = 0.0;
  auto cut = policy->DecodeCandidates(g, o);
  ASSERT_TRUE(cut.ok());
  ASSERT_EQ(cut->size(), 1u);
  EXPECT_EQ((*cut)[0].network_steps, 0);
  EXPECT_TRUE(g.IsTopologicalOrder((*cut)[0].order));
  EXPECT_EQ((*cut)[0].log_prob, 0.0);
  o.mode = DecodeMode::kSample;
  o.samples = 8;
  auto sampled = policy->DecodeCandidates(g, o);
  ASSERT_TRUE(sampled.ok());
  EXPECT_EQ(sampled->size(), 1u);
  o.time_limit_s = std::numeric_limits<double>::infinity();
  auto all = policy->DecodeCandidates(g, o);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 9u);
}

// Features abandoned at the deadline (their closure sums, on 2,500 nodes three
// blocks) leave the network out of every mode, beam included: the encoder's
// order, network_steps 0. Given the time, they match ComputeFeatures.
TEST(PolicyDecode, FeaturesPastTheDeadlineGiveTheEncoderOrder) {
  std::mt19937_64 rng(3);
  const auto g = test_graphs::RandomGraph(rng, 2500, 3, "features_deadline");
  int asked = 0;
  NodeFeatures f;
  EXPECT_FALSE(ComputeFeaturesInto(*g, FeatureSet::kFull, &f, [&asked] { return ++asked == 2; }));
  ASSERT_TRUE(ComputeFeaturesInto(*g, FeatureSet::kFull, &f, [] { return false; }));
  EXPECT_TRUE(f.x.isApprox(ComputeFeatures(*g, FeatureSet::kFull).x));
  auto policy = PointerPolicy::Random(Hp(), 4);
  for (DecodeMode mode : {DecodeMode::kGreedy, DecodeMode::kSample, DecodeMode::kBeam}) {
    DecodeOptions o;
    o.mode = mode;
    o.time_limit_s = 0.0;
    auto c = policy->DecodeCandidates(*g, o);
    ASSERT_TRUE(c.ok());
    ASSERT_EQ(c->size(), 1u);
    EXPECT_EQ((*c)[0].order, g->topo_order());
    EXPECT_EQ((*c)[0].network_steps, 0);
  }
}

TEST(PolicyDecode, BeamWidthOneIsGreedyAndBeamsAreSorted) {
  auto policy = PointerPolicy::Random(Hp(GlimpseMask::kUnvisited), 13);
  const Graph g = Dag(25, 6, 3, 8);
  DecodeOptions greedy;
  auto gr = policy->DecodeCandidates(g, greedy);
  DecodeOptions beam1;
  beam1.mode = DecodeMode::kBeam;
  beam1.beam_width = 1;
  auto b1 = policy->DecodeCandidates(g, beam1);
  ASSERT_TRUE(gr.ok() && b1.ok());
  EXPECT_EQ((*gr)[0].order, (*b1)[0].order);
  DecodeOptions beam5 = beam1;
  beam5.beam_width = 5;
  beam5.include_greedy = false;
  auto b5 = policy->DecodeCandidates(g, beam5);
  ASSERT_TRUE(b5.ok());
  ASSERT_EQ(b5->size(), 5u);
  // With include_greedy (the default) the greedy order is always a candidate.
  beam5.include_greedy = true;
  auto b5g = policy->DecodeCandidates(g, beam5);
  ASSERT_TRUE(b5g.ok());
  bool has_greedy = false;
  for (const auto& d : *b5g) has_greedy = has_greedy || d.order == (*gr)[0].order;
  EXPECT_TRUE(has_greedy);
  for (size_t i = 1; i < b5->size(); ++i) EXPECT_GE((*b5)[i - 1].log_prob, (*b5)[i].log_prob);
  EXPECT_GE((*b5)[0].log_prob, (*gr)[0].log_prob - 1e-5);
  std::set<std::vector<int>> distinct;
  for (const auto& d : *b5) distinct.insert(d.order);
  EXPECT_EQ(distinct.size(), 5u);
}

TEST(PolicyDecode, LogProbMatchesTeacherForcing) {
  auto policy = PointerPolicy::Random(Hp(), 21);
  const Graph g = Dag(20, 5, 3, 6);
  DecodeOptions o;
  o.mode = DecodeMode::kSample;
  o.samples = 3;
  auto c = policy->DecodeCandidates(g, o);
  ASSERT_TRUE(c.ok());
  for (const auto& d : *c) {
    auto lp = policy->LogProb(g, d.order);
    ASSERT_TRUE(lp.ok());
    EXPECT_NEAR(*lp, d.log_prob, 1e-4);
  }
  std::vector<int> bad = g.topo_order();
  std::reverse(bad.begin(), bad.end());
  EXPECT_EQ(policy->LogProb(g, bad).status().code(), StatusCode::kInvalidInput);
}

TEST(PolicyDecode, MaskedNodesGetNoProbability) {
  const PolicyHParams hp = Hp(GlimpseMask::kUnvisited, 8);
  const PolicyParams<double> p = InitParams(hp, 4);
  const Graph g = Dag(15, 5, 3, 2);
  Encoding<double> enc;
  ASSERT_TRUE(Encode<double>(hp, p, g, false, &enc).ok());
  DecoderState<double> st = InitialState(enc);
  PVec<double> logp;
  for (int t = 0; t < enc.n; ++t) {
    DecoderStep<double>(hp, p, enc, &st, &logp, nullptr);
    ASSERT_EQ(logp.size(), static_cast<Eigen::Index>(st.ready.size()));
    EXPECT_NEAR(logp.array().exp().sum(), 1.0, 1e-12);
    for (int col : st.ready) {
      EXPECT_EQ(st.unvisited_slot[col] >= 0, true);
      EXPECT_EQ(st.remaining[col], 0);
    }
    Emit(enc, &st, static_cast<int>(st.ready.size()) - 1, logp(logp.size() - 1));
  }
  EXPECT_TRUE(st.unvisited.empty());
}

TEST(PolicyDecode, FloatAndDoubleAgree) {
  const PolicyHParams hp = Hp(GlimpseMask::kReady, 16);
  const PolicyParams<double> pd = InitParams(hp, 77);
  const PolicyParams<float> pf = CastParams<float>(pd);
  const Graph g = Dag(30, 8, 3, 12);
  Encoding<double> ed;
  Encoding<float> ef;
  ASSERT_TRUE(Encode<double>(hp, pd, g, false, &ed).ok());
  ASSERT_TRUE(Encode<float>(hp, pf, g, false, &ef).ok());
  Episode<float> epf;
  const DecodedOrder od = GreedyDecode<double>(hp, pd, ed);
  ASSERT_TRUE(ForcedEpisode<float>(hp, pf, g, od.order, false, &epf).ok());
  EXPECT_NEAR(epf.log_prob, od.log_prob, 1e-3 * (1 + std::fabs(od.log_prob)));
}

TEST(PolicyDecode, InvalidHParams) {
  PolicyHParams hp;
  hp.hidden = 0;
  EXPECT_EQ(PointerPolicy::Random(hp, 1), nullptr);
  EXPECT_FALSE(ValidateHParams(hp).ok());
  EXPECT_TRUE(ParseDecodeMode("beam").ok());
  EXPECT_FALSE(ParseDecodeMode("best").ok());
}

}  // namespace
}  // namespace respect
