// The process-group facade without mpirun: a group of one whose collectives
// are the identity (tests/trainer_mpi_test.cpp runs it under mpirun -np 2).
#include <gtest/gtest.h>

#include <cstdlib>

#include "core/parallel.h"

namespace respect {
namespace {

TEST(Parallel, WithoutALauncherTheGroupIsOneProcess) {
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"}) ::unsetenv(var);
  int argc = 1;
  char arg0[] = "parallel_test";
  char* args[] = {arg0, nullptr};
  char** argv = args;
  dist::Session session(&argc, &argv);
  ASSERT_TRUE(session.status().ok()) << session.status().message();
  EXPECT_EQ(dist::Rank(), 0);
  EXPECT_EQ(dist::Size(), 1);
  EXPECT_TRUE(dist::IsRoot());
  EXPECT_EQ(dist::LocalSize(), 1);
  EXPECT_EQ(dist::Describe(), "1 process");
  EXPECT_EQ(argc, 1);
}

TEST(Parallel, CollectivesOfOneAreTheIdentity) {
  std::vector<double> v = {1.5, -0.0, 1e300, 3};
  ASSERT_TRUE(dist::SumInRankOrder(&v).ok());
  EXPECT_EQ(v, (std::vector<double>{1.5, -0.0, 1e300, 3}));
  std::string bytes("a\0b", 3);
  ASSERT_TRUE(dist::Broadcast(&bytes).ok());
  EXPECT_EQ(bytes, std::string("a\0b", 3));
  EXPECT_TRUE(dist::Barrier().ok());
}

TEST(Parallel, AllOkOfOnePassesTheLocalStatusOn) {
  EXPECT_TRUE(dist::AllOk(Status::Ok()).ok());
  const Status st = dist::AllOk(Status::Io("disk full"));
  EXPECT_EQ(st.code(), StatusCode::kIoError);
  EXPECT_EQ(st.message(), "disk full");
}

}  // namespace
}  // namespace respect
