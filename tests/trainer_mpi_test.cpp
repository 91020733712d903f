// Data-parallel training under `mpirun -np 2` (ctest -L mpi): the facade's
// collectives across real ranks; the ranks keep bitwise identical weights;
// two ranks of one thread give bitwise the weights of one process of two
// threads; only rank 0 writes files; a resume across ranks reproduces an
// uninterrupted run.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/parallel.h"
#include "policy_examples.h"

namespace respect {
namespace {

using namespace policy_examples;

// Rank 0's value of x on every rank.
std::string RootValue(std::string x) {
  EXPECT_TRUE(dist::Broadcast(&x).ok());
  return x;
}

// Every rank holds the parameters rank 0 holds.
void ExpectSameOnAllRanks(const PolicyParams<double>& p) {
  const std::string mine = std::to_string(ParamsFingerprint(p));
  EXPECT_EQ(RootValue(mine), mine) << "rank " << dist::Rank() << "'s weights differ from rank 0's";
}

// A fresh directory, the same path on every rank.
std::string SharedDir(const std::string& name) {
  const std::string d = RootValue(std::string(RESPECT_BINARY_DIR) + "/trainer_mpi_test_" + name + "_" +
                                  std::to_string(::getpid()));
  if (dist::IsRoot()) std::filesystem::remove_all(d);
  EXPECT_TRUE(dist::Barrier().ok());
  return d;
}

TEST(TrainerMpi, RunsOnTwoRanks) {
  ASSERT_EQ(dist::Size(), 2) << "run me as: mpirun -np 2 " << "trainer_mpi_test";
  EXPECT_EQ(dist::IsRoot(), dist::Rank() == 0);
}

TEST(TrainerMpi, CollectivesAddInRankOrderAndAgreeOnErrors) {
  // 1e16 + 1 + -1e16: rank order (1e16 + 1) + -1e16 = 0 (1 is lost to
  // rounding); any other order would give 1 on some element.
  std::vector<double> v = {dist::Rank() == 0 ? 1e16 : 1.0, dist::Rank() == 0 ? 1.0 : 1e16};
  v.push_back(dist::Rank() == 0 ? 1e16 : -1e16);
  ASSERT_TRUE(dist::SumInRankOrder(&v).ok());
  EXPECT_EQ(v, (std::vector<double>{1e16 + 1.0, 1.0 + 1e16, 0.0}));
  std::string s = "from rank " + std::to_string(dist::Rank());
  ASSERT_TRUE(dist::Broadcast(&s).ok());
  EXPECT_EQ(s, "from rank 0");
  const Status local = dist::Rank() == 1 ? Status::Io("rank 1's disk is full") : Status::Ok();
  const Status all = dist::AllOk(local);
  EXPECT_EQ(all.code(), StatusCode::kIoError);
  EXPECT_EQ(all.message(), dist::Rank() == 0 ? "rank 1 failed (its message is above)" : "rank 1's disk is full");
  EXPECT_TRUE(dist::AllOk(Status::Ok()).ok());
}

TEST(TrainerMpi, TwoRanksKeepIdenticalWeightsAndOnlyRankZeroWrites) {
  const auto train = CostExamples(20, 12, 600), holdout = CostExamples(6, 12, 9000);
  TrainerOptions o = CostOptions(5);
  o.epochs = 3;
  o.threads = 1;
  // Each rank is given its own directory: rank 1's must stay empty.
  const std::string base = SharedDir("write");
  o.checkpoint_dir = base + "/rank" + std::to_string(dist::Rank());
  o.weights_out = o.checkpoint_dir + "/policy.rspw";
  PolicyTrainer t(o);
  ASSERT_TRUE(t.Train(train, holdout).ok());
  ExpectSameOnAllRanks(t.params());
  ExpectSameOnAllRanks(t.best_params());
  ASSERT_EQ(t.curve().size(), 4u);  // every rank sees the whole curve
  const bool root = dist::IsRoot();
  for (const char* f : {"/checkpoint.rspc", "/curve.csv", "/best_so_far.rspw", "/policy.rspw"})
    EXPECT_EQ(std::filesystem::exists(o.checkpoint_dir + f), root) << o.checkpoint_dir << f;

  // One process of 2 threads splits every batch the same way (graph b on
  // worker b mod 2) and adds the two parts in the same order: same bits.
  TrainerOptions alone = o;
  alone.threads = 2;
  alone.data_parallel = false;
  alone.checkpoint_dir.clear();
  alone.weights_out.clear();
  PolicyTrainer a(alone);
  ASSERT_TRUE(a.Train(train, holdout).ok());
  EXPECT_EQ(ParamsFingerprint(a.params()), ParamsFingerprint(t.params()));
  EXPECT_EQ(a.best_holdout_reward(), t.best_holdout_reward());
  EXPECT_NE(ParamsFingerprint(t.params()), ParamsFingerprint(InitParams(o.hparams, o.seed)));  // it did train
}

TEST(TrainerMpi, ResumeAcrossRanksReproducesAnUninterruptedRun) {
  const auto train = CostExamples(16, 10, 700), holdout = CostExamples(4, 10, 9300);
  TrainerOptions o = CostOptions(9);
  o.epochs = 4;
  o.threads = 1;
  PolicyTrainer whole(o);
  ASSERT_TRUE(whole.Train(train, holdout).ok());

  o.checkpoint_dir = SharedDir("resume");
  o.epochs = 2;
  PolicyTrainer first(o);
  ASSERT_TRUE(first.Train(train, holdout).ok());
  o.epochs = 4;
  o.resume = true;
  PolicyTrainer second(o);
  ASSERT_TRUE(second.Train(train, holdout).ok());
  EXPECT_EQ(second.curve().size(), 2u);  // epochs 3 and 4 only
  EXPECT_EQ(ParamsFingerprint(second.params()), ParamsFingerprint(whole.params()));
  ExpectSameOnAllRanks(second.params());
  // The curve was written once: a header and epochs 0-4.
  if (dist::IsRoot()) {
    std::ifstream csv(o.checkpoint_dir + "/curve.csv");
    std::string line;
    int rows = 0;
    while (std::getline(csv, line)) ++rows;
    EXPECT_EQ(rows, 6);
  }
}

TEST(TrainerMpi, SupervisedAndCosineEpochsKeepRanksIdentical) {
  const auto train = Examples(24, 12, 100), holdout = Examples(8, 12, 5000);
  TrainerOptions o = Small(4);
  o.supervised_epochs = 2;
  o.epochs = 2;
  PolicyTrainer t(o);
  ASSERT_TRUE(t.Train(train, holdout).ok());
  ExpectSameOnAllRanks(t.params());
  EXPECT_NE(ParamsFingerprint(t.params()), ParamsFingerprint(InitParams(o.hparams, o.seed)));
}

}  // namespace
}  // namespace respect

int main(int argc, char** argv) {
  respect::dist::Session mpi(&argc, &argv);
  if (!mpi.status().ok()) {
    std::fprintf(stderr, "%s\n", mpi.status().message().c_str());
    return 1;
  }
  ::testing::InitGoogleTest(&argc, argv);
  const int failed = RUN_ALL_TESTS() != 0 ? 1 : 0;
  // The job fails if any rank failed.
  std::vector<double> any = {static_cast<double>(failed)};
  (void)respect::dist::SumInRankOrder(&any);
  return any[0] > 0 ? 1 : 0;
}
