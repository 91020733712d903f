// The window network: backward against finite differences, the features'
// ranges, training on a fixed target, and the weights file.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>

#include "cost/evaluate.h"
#include "formulations/schedule_ilp.h"
#include "policy/stage_features.h"
#include "policy/stage_net.h"
#include "sched/list_schedule.h"
#include "test_graphs.h"

namespace respect {
namespace {

struct Fixture {
  Problem problem;
  Schedule center;
  Eigen::MatrixXd x;
  GraphMeans means;
};

Fixture MakeFixture(uint64_t seed, int n, CommModel cm) {
  std::mt19937_64 rng(seed);
  Fixture f;
  f.problem = test_graphs::MakeProblem(test_graphs::RandomGraph(rng, n, 3, "g"), 3, ObjectiveKind::kMemoryComm, cm);
  auto dp = DpTopoScheduler().Run(f.problem);
  EXPECT_TRUE(dp.ok());
  f.center = dp->schedule;
  f.x = StageFeatures(f.problem, f.center, FullWindows(f.problem));
  f.means = MakeGraphMeans(f.problem.g());
  return f;
}

double Loss(const StageNetHParams& hp, const StageNetParams& p, const Fixture& f, const std::vector<int>& y,
            const std::vector<double>& w) {
  StageNetTape tape;
  StageNetForward(hp, p, f.means, f.x, &tape);
  double l = 0;
  for (size_t v = 0; v < y.size(); ++v)
    if (y[v] >= 0) l -= w[v] * tape.logp(y[v], static_cast<Eigen::Index>(v));
  return l;
}

TEST(StageNet, BackwardMatchesFiniteDifferences) {
  const StageNetHParams hp{kStageFeatureDim, 5, 2};
  for (CommModel cm : {CommModel::kTensor, CommModel::kEdge}) {
    Fixture f = MakeFixture(3, 9, cm);
    StageNetParams p = InitStageNetParams(hp, 11);
    std::vector<int> y(9);
    std::vector<double> w(9);
    for (int v = 0; v < 9; ++v) {
      y[v] = v == 4 ? -1 : (v * 5) % kOffsetClasses;  // one node skipped
      w[v] = 0.5 + 0.1 * v;
    }
    StageNetTape tape;
    StageNetForward(hp, p, f.means, f.x, &tape);
    StageNetParams g = ZeroStageNetParams(hp);
    const double loss = StageNetBackward(hp, p, f.means, f.x, tape, y, w, &g);
    EXPECT_NEAR(loss, Loss(hp, p, f, y, w), 1e-12);
    std::vector<double*> gs;
    g.ForEach([&](const std::string&, auto& t) { gs.push_back(t.data()); });
    size_t k = 0, checked = 0;
    const double h = 1e-6;
    p.ForEach([&](const std::string& name, auto& t) {
      for (Eigen::Index i = 0; i < t.size(); i += 3) {  // every third entry of every tensor
        const double keep = t.data()[i];
        t.data()[i] = keep + h;
        const double up = Loss(hp, p, f, y, w);
        t.data()[i] = keep - h;
        const double down = Loss(hp, p, f, y, w);
        t.data()[i] = keep;
        const double fd = (up - down) / (2 * h);
        EXPECT_NEAR(gs[k][i], fd, 1e-6 * std::max(1.0, std::fabs(fd))) << name << "[" << i << "]";
        ++checked;
      }
      ++k;
    });
    EXPECT_GT(checked, 50u);
  }
}

TEST(StageNet, FeaturesAreBoundedAndSeeTheCenter) {
  Fixture f = MakeFixture(5, 30, CommModel::kTensor);
  ASSERT_EQ(f.x.rows(), kStageFeatureDim);
  ASSERT_EQ(f.x.cols(), 30);
  EXPECT_TRUE(f.x.allFinite());
  EXPECT_LE(f.x.maxCoeff(), 1.0 + 1e-12);
  EXPECT_GE(f.x.minCoeff(), -1.0 - 1e-12);
  // Feature 11 is the center's stage: moving every node of the last stage
  // changes it, and the node features 0-10 stay.
  Schedule moved = f.center;
  for (int& s : moved.stage) s = std::min(s, 1);
  const Eigen::MatrixXd y = StageFeatures(f.problem, moved, FullWindows(f.problem));
  EXPECT_EQ((y.topRows(11) - f.x.topRows(11)).cwiseAbs().maxCoeff(), 0.0);
  EXPECT_GT((y.row(11) - f.x.row(11)).cwiseAbs().maxCoeff(), 0.0);
}

TEST(StageNet, TrainingFitsAFixedTarget) {
  // A learnable rule: offset +1 where the node's tensor crosses a boundary
  // (feature 17), else 0. Adam must drive the loss well below its start.
  const StageNetHParams hp{kStageFeatureDim, 8, 2};
  Fixture f = MakeFixture(8, 40, CommModel::kTensor);
  std::vector<int> y(40);
  for (int v = 0; v < 40; ++v) y[v] = kMaxOffset + (f.x(17, v) > 0.5 ? 1 : 0);
  const std::vector<double> w(40, 1.0 / 40);
  StageNetParams p = InitStageNetParams(hp, 2);
  const double before = Loss(hp, p, f, y, w);
  StageNetAdam adam(hp, 0.01);
  for (int it = 0; it < 300; ++it) {
    StageNetTape tape;
    StageNetForward(hp, p, f.means, f.x, &tape);
    StageNetParams g = ZeroStageNetParams(hp);
    StageNetBackward(hp, p, f.means, f.x, tape, y, w, &g);
    adam.Step(&p, &g, 1.0);
  }
  const double after = Loss(hp, p, f, y, w);
  EXPECT_LT(after, 0.1 * before) << before << " -> " << after;
}

TEST(StageNet, WeightsFileRoundTripsAndRefusesCorruption) {
  StageNet net{StageNetHParams{kStageFeatureDim, 4, 1}, {}, "test"};
  net.params = InitStageNetParams(net.hparams, 3);
  const std::string path = ::testing::TempDir() + "/stage_net_test.rspw";
  ASSERT_TRUE(SaveStageNet(net, path).ok());
  auto back = LoadStageNet(path);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->hparams, net.hparams);
  EXPECT_EQ(back->note, "test");
  EXPECT_EQ((back->params.w_msg[0] - net.params.w_msg[0]).cwiseAbs().maxCoeff(), 0.0);
  // One flipped byte in the middle: the checksum refuses it.
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  bytes[bytes.size() / 2] ^= 0x10;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  auto bad = LoadStageNet(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("checksum"), std::string::npos) << bad.status().message();
  EXPECT_EQ(bad.status().message().find('\n'), std::string::npos);
  std::remove(path.c_str());
}

TEST(StageNet, ShippedWeightsLoad) {
  auto net = LoadStageNet(DefaultStageNetPath());
  ASSERT_TRUE(net.ok()) << net.status().message();
  EXPECT_TRUE(ValidateStageNetHParams(net->hparams).ok());
  EXPECT_FALSE(net->note.empty());
}

}  // namespace
}  // namespace respect
