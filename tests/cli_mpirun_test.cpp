// respect-opt under `mpirun -np 2` (ctest -L mpi; this test runs as one
// process and starts mpirun itself):
// - label: 2 ranks make the same labels as 1 process, merged in index order,
//   and the two datasets train to byte-identical weights (issue 14's Done-when);
// - label: a rank killed (SIGKILL), then the whole job (SIGTERM to mpirun),
//   then resumed: every index exactly once, each the label its index defines;
// - train: data-parallel run, rank 0 alone writes and prints, same weights
//   file as one process of 2 threads, resume continues the curve;
// - any other task refuses to run on several ranks.
#include <gtest/gtest.h>
#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "cost/evaluate.h"
#include "io/graph_io.h"
#include "io/model_source.h"
#include "label/dataset.h"
#include "label/label_gen.h"
#include "label_checks.h"

namespace respect {
namespace {

const std::string kBin = std::string(RESPECT_BINARY_DIR) + "/respect-opt";

std::string Fresh(const std::string& name) {
  const std::string d = ::testing::TempDir() + "/cli_mpirun_" + name;
  std::system(("rm -rf " + d + " && mkdir -p " + d).c_str());
  return d;
}

long FileSize(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 ? static_cast<long>(st.st_size) : -1;
}

// Starts respect-opt with `args` in directory `cwd`, under `mpirun -np ranks`
// when ranks > 0; stdout and stderr go to `log`.
pid_t Spawn(int ranks, const std::vector<std::string>& args, const std::string& cwd, const std::string& log) {
  std::vector<std::string> argv;
  if (ranks > 0) argv = {RESPECT_MPIRUN, "-np", std::to_string(ranks), "--oversubscribe", "--allow-run-as-root"};
  argv.push_back(kBin);
  argv.insert(argv.end(), args.begin(), args.end());
  std::fflush(stdout);  // else the child's freopen would print our buffered lines again
  pid_t pid = fork();
  if (pid == 0) {
    if (chdir(cwd.c_str()) != 0) _exit(126);
    freopen(log.c_str(), "w", stdout);
    dup2(fileno(stdout), fileno(stderr));
    std::vector<char*> c;
    for (auto& a : argv) c.push_back(const_cast<char*>(a.c_str()));
    c.push_back(nullptr);
    execv(c[0], c.data());
    _exit(127);
  }
  return pid;
}

// Exit code of a finished run (-signal if killed).
int Wait(pid_t pid) {
  int st = 0;
  waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
}

int RunRespect(int ranks, const std::vector<std::string>& args, const std::string& cwd, std::string* out = nullptr) {
  const std::string log = cwd + "/run.log";
  const int code = Wait(Spawn(ranks, args, cwd, log));
  auto text = ReadTextFile(log);
  if (out) *out = text.ok() ? *text : "";
  if (code != 0) ADD_FAILURE() << "exit " << code << ":\n" << (text.ok() ? *text : "");
  return code;
}

// The respect-opt processes mpirun started (its children).
std::vector<pid_t> Ranks(pid_t mpirun) {
  std::vector<pid_t> out;
  DIR* d = opendir("/proc");
  while (dirent* e = d ? readdir(d) : nullptr) {
    const pid_t pid = static_cast<pid_t>(std::atoi(e->d_name));
    if (pid <= 0) continue;
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(stat, line);
    const size_t close = line.rfind(')');
    if (close == std::string::npos || line.find("(respect-opt)") == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    char state;
    pid_t ppid = 0;
    rest >> state >> ppid;
    if (ppid == mpirun) out.push_back(pid);
  }
  if (d) closedir(d);
  return out;
}

std::vector<std::string> LabelArgs(const std::string& dataset, int count, int nodes) {
  return {"--task", "label", "--label.count", std::to_string(count), "--label.nodes", std::to_string(nodes),
          "--label.stages_min", "2", "--label.stages_max", "4", "--label.workers", "1", "--synthetic.levels_min",
          "3", "--synthetic.levels_max", "8", "--label.dataset", dataset, "--output.dir", "."};
}

// The records of a dataset in file order, each re-encoded without its solve
// time (the one field that differs from run to run).
std::vector<std::string> Content(const std::string& path, std::vector<uint32_t>* order) {
  auto ds = ReadDataset(path);
  EXPECT_TRUE(ds.ok()) << ds.status().message();
  std::vector<std::string> out;
  if (!ds.ok()) return out;
  EXPECT_FALSE(ds->torn_tail);
  for (LabelRecord r : ds->records) {
    order->push_back(r.index);
    r.solve_seconds = 0;
    out.push_back(EncodeLabel(r));
  }
  return out;
}

TEST(CliMpirun, TwoRanksMakeTheLabelsOfOneProcessAndTheyTrainToTheSameBytes) {
  const std::string one = Fresh("same1"), two = Fresh("same2");
  const std::vector<std::string> label = LabelArgs("labels.bin", 48, 12);
  ASSERT_EQ(RunRespect(0, label, one), 0);
  std::string log;
  ASSERT_EQ(RunRespect(2, label, two, &log), 0);
  EXPECT_NE(log.find("48 labels (0 existing, 48 written now"), std::string::npos) << log;
  EXPECT_NE(log.find("on 2 ranks"), std::string::npos) << log;
  EXPECT_TRUE(FindLabelShards(two + "/labels.bin").empty()) << "shards are removed after the merge";

  std::vector<uint32_t> order1, order2;
  const auto c1 = Content(one + "/labels.bin", &order1), c2 = Content(two + "/labels.bin", &order2);
  ASSERT_EQ(c2.size(), 48u);
  for (uint32_t i = 0; i < 48; ++i) EXPECT_EQ(order2[i], i) << "the merged dataset is in index order";
  EXPECT_EQ(order1, order2) << "one worker appends in index order too";
  EXPECT_EQ(c1, c2) << "the same labels, field for field, apart from solve times";
  // Byte for byte the files differ only in the solve times.
  const bool same_bytes = *ReadTextFile(one + "/labels.bin") == *ReadTextFile(two + "/labels.bin");
  std::printf("raw datasets byte-identical: %s (records carry solve_seconds)\n", same_bytes ? "yes" : "no");

  // The Done-when: both datasets train to byte-identical weights
  // (same relative paths, so the note in the weights file is the same too).
  const std::vector<std::string> train = {"--task", "train", "--train.reward", "cosine", "--train.dataset",
                                          "labels.bin", "--train.epochs", "2", "--train.supervised_epochs", "1",
                                          "--train.hidden", "8", "--train.batch_size", "8", "--train.holdout", "8",
                                          "--train.checkpoint_dir", "ckpt", "--train.weights_out", "policy.rspw",
                                          "--output.dir", "."};
  ASSERT_EQ(RunRespect(0, train, one), 0);
  ASSERT_EQ(RunRespect(0, train, two), 0);
  auto w1 = ReadTextFile(one + "/policy.rspw"), w2 = ReadTextFile(two + "/policy.rspw");
  ASSERT_TRUE(w1.ok() && w2.ok());
  EXPECT_GT(w1->size(), 1000u);
  EXPECT_TRUE(*w1 == *w2) << "weights trained on the 2-rank labels differ from the 1-process ones";
}

TEST(CliMpirun, KilledRanksAndJobResumeWithEveryLabelOnce) {
  const std::string dir = Fresh("kill");
  const std::string path = dir + "/labels.bin";
  const int count = 3000;  // ~4 s on 2 ranks: each run is killed mid-way
  auto shard_bytes = [&] {
    long total = 0;
    for (const std::string& s : FindLabelShards(path)) total += std::max(0L, FileSize(s));
    return total;
  };
  // Round 0 kills rank 1, round 1 rank 0 (both SIGKILL: torn shard tails),
  // round 2 the whole job (SIGTERM to mpirun); then a resume finishes.
  int killed = 0;
  for (int round = 0; round < 3; ++round) {
    std::vector<std::string> args = LabelArgs(path, count, 16);
    if (round > 0) args.insert(args.end(), {"--label.resume", "true"});
    const pid_t mpirun = Spawn(2, args, dir, dir + "/run.log");
    ASSERT_GT(mpirun, 0);
    const long before = shard_bytes();
    const auto t0 = std::chrono::steady_clock::now();
    bool finished = false;
    while (std::chrono::steady_clock::now() - t0 < std::chrono::seconds(60)) {
      if (shard_bytes() > before + 20000) break;
      int st;
      if (waitpid(mpirun, &st, WNOHANG) == mpirun) { finished = true; break; }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ASSERT_FALSE(finished) << "round " << round << " finished before it could be killed";
    if (round < 2) {
      const std::vector<pid_t> ranks = Ranks(mpirun);
      ASSERT_EQ(ranks.size(), 2u) << "mpirun's rank processes not found";
      // /proc order is pid order: rank 0 was started first.
      ::kill(round == 0 ? ranks[1] : ranks[0], SIGKILL);
    } else {
      ::kill(mpirun, SIGTERM);
    }
    const int code = Wait(mpirun);
    killed += code != 0;
    EXPECT_FALSE(ReadTextFile(path).ok()) << "no merged dataset before the job completes";
    EXPECT_FALSE(FindLabelShards(path).empty());
  }
  ASSERT_EQ(killed, 3);
  std::vector<std::string> args = LabelArgs(path, count, 16);
  args.insert(args.end(), {"--label.resume", "true"});
  std::string log;
  ASSERT_EQ(RunRespect(2, args, dir, &log), 0);
  EXPECT_TRUE(FindLabelShards(path).empty());

  auto ds = ReadDataset(path);
  ASSERT_TRUE(ds.ok()) << ds.status().message();
  for (size_t k = 0; k < ds->records.size(); ++k) ASSERT_EQ(ds->records[k].index, k) << "index order";
  // Every 25th label is checked against its index (enough to catch a wrong one).
  label_checks::ExpectEveryLabelOnce(*ds, label_checks::KillConfig(16), count, 25);
}

int CountLines(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) ++n;
  return n;
}

int Count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(CliMpirun, DataParallelTrainingWritesFromRankZeroAndMatchesTwoThreads) {
  const std::string one = Fresh("train1"), two = Fresh("train2");
  std::vector<std::string> train = {"--task", "train", "--train.reward", "cost", "--train.curriculum", "[10,14]",
                                    "--train.graphs_per_size", "8", "--train.holdout", "4", "--train.epochs", "2",
                                    "--train.batch_size", "4", "--train.hidden", "8", "--train.rollouts", "4",
                                    "--train.checkpoint_dir", "ckpt", "--train.weights_out", "policy.rspw",
                                    "--output.dir", "."};
  std::vector<std::string> alone = train, ranked = train;
  alone.insert(alone.end(), {"--train.threads", "2"});
  ranked.insert(ranked.end(), {"--train.threads", "1"});
  ASSERT_EQ(RunRespect(0, alone, one), 0);
  std::string log;
  ASSERT_EQ(RunRespect(2, ranked, two, &log), 0);
  EXPECT_EQ(Count(log, "training on "), 1) << log;
  EXPECT_EQ(Count(log, "best held-out"), 1) << log;
  EXPECT_NE(log.find("data-parallel on 2 ranks"), std::string::npos) << log;
  EXPECT_EQ(CountLines(two + "/ckpt/curve.csv"), 4) << "header + epochs 0-2, written once";
  auto w1 = ReadTextFile(one + "/policy.rspw"), w2 = ReadTextFile(two + "/policy.rspw");
  ASSERT_TRUE(w1.ok() && w2.ok());
  EXPECT_TRUE(*w1 == *w2) << "2 ranks x 1 thread should give the weights of 1 process x 2 threads";

  for (size_t i = 0; i + 1 < ranked.size(); ++i)
    if (ranked[i] == "--train.epochs") ranked[i + 1] = "3";
  ranked.insert(ranked.end(), {"--train.resume", "true"});
  ASSERT_EQ(RunRespect(2, ranked, two, &log), 0);
  EXPECT_EQ(CountLines(two + "/ckpt/curve.csv"), 5) << "the resumed run appends epoch 3 once";
}

TEST(CliMpirun, OtherTasksRefuseToRunOnSeveralRanks) {
  const std::string dir = Fresh("refuse");
  const std::string log = dir + "/run.log";
  const int code = Wait(Spawn(2, {"--task", "schedule", "--model", "zoo:resnet50", "--output.dir", "."}, dir, log));
  EXPECT_NE(code, 0);
  auto text = ReadTextFile(log);
  ASSERT_TRUE(text.ok());
  EXPECT_NE(text->find("task 'schedule' runs as one process"), std::string::npos) << *text;
  EXPECT_FALSE(ReadTextFile(dir + "/resnet50.4.heuristic.schedule.json").ok());
}

}  // namespace
}  // namespace respect
