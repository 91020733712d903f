// kill -9 during label generation, then --label.resume: no label lost, none
// written twice, every label exactly the one its index defines.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <set>
#include <thread>

#include "io/model_source.h"
#include "label/dataset.h"
#include "label/label_gen.h"
#include "label_checks.h"

namespace respect {
namespace {

const std::string kBin = std::string(RESPECT_BINARY_DIR) + "/respect-opt";

long FileSize(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 ? static_cast<long>(st.st_size) : -1;
}

pid_t Spawn(const std::vector<std::string>& args) {
  pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(kBin.c_str()));
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    freopen("/dev/null", "w", stdout);
    freopen("/dev/null", "w", stderr);
    execv(kBin.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

TEST(LabelKill, KillNineThenResumeLosesAndDuplicatesNothing) {
  const std::string dir = ::testing::TempDir() + "/label_kill";
  std::system(("rm -rf " + dir + " && mkdir -p " + dir).c_str());
  const std::string path = dir + "/labels.bin";
  // Large enough that each run is killed mid-way even at ~1,000 labels/s.
  const int count = 6000;
  std::vector<std::string> args = {"--task", "label", "--label.count", std::to_string(count), "--label.nodes", "10",
                                   "--label.stages_min", "2", "--label.stages_max", "4", "--synthetic.levels_min",
                                   "3", "--synthetic.levels_max", "8", "--label.dataset", path, "--output.dir", dir};
  // Kill it three times at different points, then let it finish.
  int kills = 0;
  for (int round = 0; round < 3; ++round) {
    std::vector<std::string> a = args;
    if (round > 0) { a.push_back("--label.resume"); a.push_back("true"); }
    pid_t pid = Spawn(a);
    ASSERT_GT(pid, 0);
    const long before = FileSize(path);
    const auto t0 = std::chrono::steady_clock::now();
    // Wait until this run has appended something (or finished), then kill.
    while (std::chrono::steady_clock::now() - t0 < std::chrono::seconds(60)) {
      if (FileSize(path) > before + 20000 * (round + 1)) break;
      int st;
      if (waitpid(pid, &st, WNOHANG) == pid) { pid = -1; break; }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (pid > 0) {
      kill(pid, SIGKILL);
      int st;
      waitpid(pid, &st, 0);
      kills += WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
    }
  }
  ASSERT_EQ(kills, 3) << "a run finished before it could be killed; the test would prove nothing";
  args.push_back("--label.resume");
  args.push_back("true");
  pid_t pid = Spawn(args);
  int st = 0;
  waitpid(pid, &st, 0);
  ASSERT_TRUE(WIFEXITED(st));
  ASSERT_EQ(WEXITSTATUS(st), 0);

  auto ds = ReadDataset(path);
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  label_checks::ExpectEveryLabelOnce(*ds, label_checks::KillConfig(10), count);
}

}  // namespace
}  // namespace respect
