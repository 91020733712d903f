// End-to-end: the respect-opt executable on good and bad input. Every bad
// input gives exactly one line on stderr and exit code 2; nothing is
// overwritten.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

const std::string kBin = std::string(RESPECT_BINARY_DIR) + "/respect-opt";
const std::string kSrc = RESPECT_SOURCE_DIR;

struct RunResult {
  int code;
  std::string out, err;
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

RunResult Exec(const std::string& args) {
  // Unique per process and call: ctest runs test cases in parallel processes.
  static int calls = 0;
  const std::string tag = std::to_string(getpid()) + "_" + std::to_string(++calls);
  const std::string dir = ::testing::TempDir();
  const std::string out = dir + "/cli_out_" + tag + ".txt", err = dir + "/cli_err_" + tag + ".txt";
  const std::string cmd = kBin + " " + args + " > " + out + " 2> " + err + " < /dev/null";
  int st = std::system(cmd.c_str());
  return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, Slurp(out), Slurp(err)};
}

std::string Write(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/" + std::to_string(getpid()) + "_" + name;
  std::ofstream(path) << text;
  return path;
}

int Lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

void ExpectBadInput(const std::string& args, const std::string& needle) {
  RunResult r = Exec(args);
  EXPECT_EQ(r.code, 2) << args << "\n" << r.err;
  EXPECT_EQ(Lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
  EXPECT_EQ(r.err.rfind("respect-opt: error: ", 0), 0u) << r.err;
}

TEST(Cli, HelpAndVersion) {
  RunResult h = Exec("--help");
  EXPECT_EQ(h.code, 0);
  EXPECT_NE(h.out.find("--solver.time_limit_s"), std::string::npos);
  EXPECT_NE(h.out.find("--config"), std::string::npos);
  RunResult v = Exec("--version");
  EXPECT_EQ(v.code, 0);
  EXPECT_NE(v.out.find("respect-opt "), std::string::npos);
}

// Every key's option name is followed by at least two spaces in --help: no
// name runs into its description, however long the key.
TEST(Cli, HelpSeparatesEveryNameFromItsDescription) {
  RunResult h = Exec("--help");
  ASSERT_EQ(h.code, 0);
  const size_t keys = h.out.find("Config keys (");
  ASSERT_NE(keys, std::string::npos);
  std::istringstream lines(h.out.substr(keys));
  int key_lines = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("  --", 0) != 0) continue;
    const size_t end = line.find(' ', 4);
    ASSERT_NE(end, std::string::npos) << line;
    EXPECT_EQ(line.compare(end, 2, "  "), 0) << "name runs into its description: " << line;
    ++key_lines;
  }
  EXPECT_GT(key_lines, 40);
  EXPECT_NE(h.out.find("--constraints.max_stage_activation_bytes  hard cap"), std::string::npos);
  // The per-key options are listed once, from the key table, not again by CLI11.
  EXPECT_EQ(h.out.find("Config keys:"), std::string::npos) << h.out;
}

// A repeated or value-less key option names the option, on one line, exit 2.
TEST(Cli, RepeatedOrMissingOptionValueNamesTheOption) {
  ExpectBadInput("--stages 4 --stages 5", "--stages given 2 times; give it once");
  ExpectBadInput("--solver.time_limit_s 1 --stages 4 --solver.time_limit_s 2", "--solver.time_limit_s given 2 times");
  ExpectBadInput("--stages", "--stages needs a value");
  ExpectBadInput("--stages --methods exact", "--stages: needs a value (got the option --methods)");
  ExpectBadInput("--config", "--config needs a value");
  ExpectBadInput("--config a.yaml --config b.yaml", "--config given 2 times; give it once");
}

TEST(Cli, ConfigReferenceIsDocsConfigMd) {
  RunResult r = Exec("--config-reference");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, Slurp(kSrc + "/docs/config.md"));
}

TEST(Cli, ListZoo) {
  RunResult r = Exec("--list-zoo");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("zoo:resnet50"), std::string::npos);
  EXPECT_NE(r.out.find("zoo:inception_resnet_v2"), std::string::npos);
}

TEST(Cli, QuickstartWritesScheduleJson) {
  const std::string dir = ::testing::TempDir() + "/cli_quick";
  RunResult r = Exec("--config " + kSrc + "/configs/quickstart.yaml --output.dir " + dir + " --methods heuristic");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("stage  nodes"), std::string::npos);
  EXPECT_NE(r.out.find("objective (memory_comm"), std::string::npos);
  std::string json = Slurp(dir + "/resnet50.4.heuristic.schedule.json");
  EXPECT_NE(json.find("\"status\": \"feasible\""), std::string::npos);
  EXPECT_NE(json.find("\"assignment\""), std::string::npos);
  EXPECT_NE(json.find("\"stage_param_bytes\""), std::string::npos);
}

// The quickstart (the embedded copy of configs/quickstart.yaml) shows the
// four methods and a summary line for each.
TEST(Cli, QuickstartShowsAllFourMethodsWithASummary) {
  const std::string dir = ::testing::TempDir() + "/cli_quick4_" + std::to_string(getpid());
  RunResult r = Exec("--output.dir " + dir);
  ASSERT_EQ(r.code, 0) << r.err;
  const size_t summary = r.out.find(
      "summary: resnet50 on 4 stages\n  best objective 27891200 (exact, proven optimal); "
      "over best = (objective - best) / best\n");
  ASSERT_NE(summary, std::string::npos) << r.out;
  for (const char* m : {"heuristic", "exact", "rl", "two_phase"}) {
    EXPECT_NE(r.out.find(std::string("method ") + m + ","), std::string::npos) << m;
    EXPECT_NE(r.out.find("\n  " + std::string(m) + " ", summary), std::string::npos) << m << "\n" << r.out;
    EXPECT_NE(Slurp(dir + "/resnet50.4." + m + ".schedule.json").find("\"assignment\""), std::string::npos) << m;
  }
  EXPECT_NE(r.out.find("+0.00%", summary), std::string::npos) << r.out;  // exact is the optimum
}

// `respect-opt MODEL --stages N`: the model scheduled by exact alone, with
// the per-stage table saying which stages fit on chip.
TEST(Cli, PositionalModelSchedulesWithExact) {
  const std::string dir = ::testing::TempDir() + "/cli_positional_" + std::to_string(getpid());
  RunResult r = Exec("zoo:resnet50 --stages 4 --output.dir " + dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("method exact, status optimal"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("method heuristic"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("summary:"), std::string::npos) << r.out;  // one method: no summary
  EXPECT_NE(r.out.find("off-chip MiB  fits"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("fits on chip: 0 of 4 stages (parameters within edgetpu.sram_bytes = 8.00 MiB)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find(") = 27891200 = "), std::string::npos) << r.out;
  // A cap of 64 MiB per stage: every stage fits.
  r = Exec("zoo:resnet50 --stages 4 --edgetpu.sram_bytes 67108864 --output.dir " + dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("fits on chip: 4 of 4 stages"), std::string::npos) << r.out;
  // A .tflite file, and --methods still choosing.
  r = Exec(kSrc + "/tests/data/tflite/tiny_uint8.tflite --stages 2 --methods [heuristic,exact] --output.dir " + dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("method heuristic"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("summary: tiny_uint8 on 2 stages"), std::string::npos) << r.out;
  // Bad positional input: one line, exit 2.
  ExpectBadInput("/nonexistent/model.tflite --stages 4", "/nonexistent/model.tflite");
  ExpectBadInput("zoo:resnet50 zoo:vgg16", "zoo:vgg16");
  ExpectBadInput("resnet50.tflite.bak", "resnet50.tflite.bak");
}

// A misspelt option is refused naming the nearest one, as a misspelt YAML
// key is; a list may be written with commas on the command line.
TEST(Cli, OptionTyposAndCommaLists) {
  ExpectBadInput("--stage 4", "unknown option --stage (did you mean --stages?)");
  ExpectBadInput("--solver.time_limit 4", "(did you mean --solver.time_limit_s?)");
  ExpectBadInput("--confg run.yaml", "(did you mean --config?)");
  ExpectBadInput("--stage=4", "unknown option --stage (did you mean --stages?)");
  const std::string dir = ::testing::TempDir() + "/cli_commas_" + std::to_string(getpid());
  RunResult r = Exec("--model zoo:resnet50 --methods heuristic,exact --output.dir " + dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("method heuristic,"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("method exact,"), std::string::npos) << r.out;
  r = Exec("--task compare --model zoo:vgg16 --stages 4,5 --methods heuristic --output.dir " + dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("vgg16"), std::string::npos) << r.out;
  // A YAML value with commas is one string: the error says how lists are written.
  ExpectBadInput("--config " + Write("commas.yaml", "methods: heuristic,rl\n"), "(a list is written [a, b])");
}

// The help names what a bare run takes from the embedded quickstart.
TEST(Cli, HelpSaysWhatTheQuickstartSets) {
  RunResult h = Exec("--help");
  ASSERT_EQ(h.code, 0);
  EXPECT_NE(h.out.find("it sets methods [heuristic, exact, rl, two_phase]"), std::string::npos) << h.out;
  EXPECT_NE(h.out.find("respect-opt model.tflite --stages 4"), std::string::npos);
}

// heuristic at once, then exact on a 2,000-node graph for up to 60 s (then
// dp_topo with compare), with stdout in `out` (stderr to `err`); the child's pid.
pid_t StartSlowRun(const std::string& dir, const std::string& out, const std::string& err,
                   const std::string& task = "schedule") {
  std::remove(out.c_str());
  const std::vector<std::string> args = {
      kBin, "--task", task, "--model", "synthetic", "--synthetic.nodes", "2000", "--synthetic.levels_min", "100",
      "--synthetic.levels_max", "200", "--stages", task == "compare" ? "10,12" : "10", "--methods",
      task == "compare" ? "[heuristic,exact,dp_topo]" : "[heuristic,exact]", "--solver.time_limit_s", "60",
      "--output.dir", dir};
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    FILE* f = std::freopen(out.c_str(), "w", stdout);
    if (!f || !std::freopen(err.c_str(), "w", stderr)) _exit(127);
    execv(kBin.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

// The exit status of `pid`, killing it if it has not ended 30 s from now
// (then *ended is false).
int WaitAtMost30s(pid_t pid, bool* ended) {
  int status = 0;
  for (int i = 0; i < 300; ++i) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      *ended = true;
      return status;
    }
    usleep(100000);
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  *ended = false;
  return status;
}

// Waits until `out` holds the first "  wrote " line (heuristic's table, 30 s at most).
std::string WaitForFirstTable(const std::string& out) {
  std::string text;
  for (int i = 0; i < 300 && text.find("  wrote ") == std::string::npos; ++i) {
    usleep(100000);
    text = Slurp(out);
  }
  return text;
}

// Sends `sig` to `pid`: the run must exit with 128 + sig within 30 s.
::testing::AssertionResult StopsWithExitCode(pid_t pid, int sig) {
  kill(pid, sig);
  bool ended = false;
  const int status = WaitAtMost30s(pid, &ended);
  if (!ended) return ::testing::AssertionFailure() << "the run went on after signal " << sig;
  if (!WIFEXITED(status)) return ::testing::AssertionFailure() << "killed by signal " << WTERMSIG(status);
  if (WEXITSTATUS(status) != 128 + sig) return ::testing::AssertionFailure() << "exit code " << WEXITSTATUS(status);
  return ::testing::AssertionSuccess();
}

// The path on the last "  wrote PATH" line of a schedule task's stdout.
std::string LastWritten(const std::string& text) {
  const size_t at = text.rfind("  wrote ");
  if (at == std::string::npos) return "";
  const size_t from = at + 8, eol = text.find('\n', from);
  return text.substr(from, eol == std::string::npos ? std::string::npos : eol - from);
}

// Ctrl-C with stdout in a file: exact stops with its best schedule, whose
// table and schedule JSON are written as usual, and the run exits 130. Each
// table is flushed as it is printed.
TEST(Cli, SigintStopsTheRunWithItsBestScheduleAndExits130) {
  const std::string dir = ::testing::TempDir() + "/cli_sigint_" + std::to_string(getpid());
  const std::string out = dir + ".out", err = dir + ".err";
  const pid_t pid = StartSlowRun(dir, out, err);
  ASSERT_GT(pid, 0);
  ASSERT_NE(WaitForFirstTable(out).find("  wrote "), std::string::npos) << Slurp(err);
  usleep(2000000);  // exact under way
  ASSERT_TRUE(StopsWithExitCode(pid, SIGINT)) << Slurp(err);  // 130
  const std::string text = Slurp(out);
  EXPECT_NE(text.find("method heuristic"), std::string::npos) << text;
  EXPECT_NE(text.find("method exact, status feasible (stopped)"), std::string::npos) << text;
  EXPECT_NE(text.find("fits on chip:"), std::string::npos) << text;
  EXPECT_NE(text.find("summary:"), std::string::npos) << text;
  const std::string schedule = LastWritten(text);
  EXPECT_NE(schedule.find(".exact.schedule.json"), std::string::npos) << text;
  const std::string json = Slurp(schedule);
  EXPECT_NE(json.find("\"stopped\""), std::string::npos) << json.substr(0, 2000);
  EXPECT_NE(json.find("\"status\": \"feasible\""), std::string::npos) << json.substr(0, 2000);
  EXPECT_NE(Slurp(err).find("respect-opt: stopped by SIGINT"), std::string::npos) << Slurp(err);
}

// compare: the run under way (exact) stops and keeps its row; the four runs
// after it are skipped, said in one line; the tables are written.
TEST(Cli, SigtermStopsACompareAfterTheRunUnderWay) {
  const std::string dir = ::testing::TempDir() + "/cli_sigterm_compare_" + std::to_string(getpid());
  const std::string out = dir + ".out", err = dir + ".err";
  const pid_t pid = StartSlowRun(dir, out, err, "compare");
  ASSERT_GT(pid, 0);
  std::string progress;
  for (int i = 0; i < 300 && progress.find("exact (2000 nodes)") == std::string::npos; ++i) {
    usleep(100000);
    progress = Slurp(err);
  }
  ASSERT_NE(progress.find("heuristic: feasible"), std::string::npos) << progress;
  ASSERT_TRUE(StopsWithExitCode(pid, SIGTERM)) << Slurp(err);  // 143
  const std::string text = Slurp(out);
  EXPECT_NE(text.find("stopped: skipped the remaining 4 of 6 runs"), std::string::npos) << text;
  EXPECT_NE(text.find("feasible (stopped)"), std::string::npos) << text;
  EXPECT_EQ(text.find("dp_topo"), std::string::npos) << text;
  const std::string csv = Slurp(dir + "/compare.csv");
  EXPECT_EQ(Lines(csv), 3) << csv;  // the header, heuristic, exact
  EXPECT_NE(csv.find(",exact,feasible,"), std::string::npos) << csv;
  EXPECT_EQ(csv.substr(csv.size() - 3), ",1\n") << csv;  // the exact row, the last, is marked stopped
  EXPECT_NE(Slurp(err).find("respect-opt: stopped by SIGTERM"), std::string::npos) << Slurp(err);
}

// A second signal ends the run at once, by the default action: the tables
// printed so far stay in the file.
TEST(Cli, ASecondSignalKillsAtOnce) {
  const std::string dir = ::testing::TempDir() + "/cli_sigint2_" + std::to_string(getpid());
  const std::string out = dir + ".out", err = dir + ".err";
  const pid_t pid = StartSlowRun(dir, out, err);
  ASSERT_GT(pid, 0);
  ASSERT_NE(WaitForFirstTable(out).find("  wrote "), std::string::npos) << Slurp(err);
  // Two distinct signals: both are delivered (one of a kind may merge).
  kill(pid, SIGINT);
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "exit code " << WEXITSTATUS(status);
  EXPECT_TRUE(WTERMSIG(status) == SIGTERM || WTERMSIG(status) == SIGINT) << WTERMSIG(status);
  EXPECT_NE(Slurp(out).find("method heuristic"), std::string::npos);
}

TEST(Cli, BadConfigs) {
  ExpectBadInput("--config /nonexistent/run.yaml", "cannot read '/nonexistent/run.yaml'");
  ExpectBadInput("--config " + Write("c1.yaml", "stagez: 4\n"), "unknown key 'stagez'");
  ExpectBadInput("--config " + Write("c2.yaml", "solver: {time_limit_s: soon}\n"), "key 'solver.time_limit_s'");
  ExpectBadInput("--config " + Write("c3.yaml", "stages: [4\n"), "invalid YAML");
  ExpectBadInput("--config " + Write("c4.yaml", "model: weights.bin\n"), "is not a .json, .gml or .tflite");
  ExpectBadInput("--stages zero", "key 'stages'");
  ExpectBadInput("--set nokey", "--set needs KEY=VALUE");
  ExpectBadInput("--no-such-flag", "no-such-flag");
  ExpectBadInput("--model zoo:resnet5", "unknown zoo model 'resnet5'");
}

TEST(Cli, BadGraphs) {
  const std::string dir = " --output.dir " + ::testing::TempDir() + "/cli_bad";
  ExpectBadInput("--model " + Write("g1.json", "{\"nodes\": [") + dir, "invalid JSON");
  ExpectBadInput("--model " + Write("g2.json", R"({"nodes": [{"id": 1, "param_bytes": 0}, {"id": 2, "param_bytes": 0}],
      "edges": [{"src": 1, "dst": 2}, {"src": 2, "dst": 1}]})") + dir, "cycle: 1 -> 2 -> 1");
  ExpectBadInput("--model " + Write("g3.json", R"({"nodes": [{"id": 1, "param_bytes": 0}],
      "edges": [{"src": 1, "dst": 9}]})") + dir, "unknown target node '9'");
  ExpectBadInput("--model " + Write("g4.json", R"({"nodes": [{"id": 1, "param_bytes": 0}, {"id": 1, "param_bytes": 0}]})") + dir,
                 "duplicate node id '1'");
  ExpectBadInput("--model " + Write("g5.json", R"({"nodes": [{"id": 1, "param_bytes": -8}]})") + dir, "negative");
  ExpectBadInput("--model " + Write("g6.json", R"({"nodes": []})") + dir, "empty");
  ExpectBadInput("--model " + Write("g7.gml", "graph [ node [ id 0 ") + dir, "missing ']'");
}

TEST(Cli, BadDatasetsForLabelAndTrain) {
  const std::string dir = " --output.dir " + ::testing::TempDir() + "/cli_ds";
  const std::string junk = Write("junk.bin", "not a dataset at all");
  ExpectBadInput("--task train --train.dataset " + junk + dir, "not a respect-opt label dataset");
  ExpectBadInput("--task train --train.dataset /nonexistent/labels.bin" + dir, "cannot read");
  ExpectBadInput("--task label --label.count 2 --label.dataset " + junk + dir, "exists; pass --label.resume true");
  ExpectBadInput("--task label --label.resume true --label.count 2 --label.dataset " + junk + dir,
                 "not a respect-opt label dataset");
  EXPECT_EQ(Slurp(junk), "not a dataset at all");  // never touched
}

TEST(Cli, InfeasibleSettingsFailFast) {
  const std::string g = Write("small.json", R"({"name": "small", "nodes": [{"id": 1, "param_bytes": 5},
      {"id": 2, "param_bytes": 7}], "edges": [{"src": 1, "dst": 2}]})");
  const std::string dir = " --output.dir " + ::testing::TempDir() + "/cli_inf";
  ExpectBadInput("--model " + g + " --stages 3 --methods heuristic" + dir, "fewer than the 3");
  ExpectBadInput("--model " + g + " --stages 2 --constraints.max_stage_param_bytes 6 --methods heuristic" + dir,
                 "below node '2'");
}

// An activation cap below a node's own step is refused before any method
// runs; one that every schedule breaks on these stages ends the run after
// the tables, in one line naming the cap (exit 2).
TEST(Cli, ImpossibleActivationCapIsRefused) {
  const std::string g = Write("diamond.json", R"({"name": "diamond", "nodes": [
      {"id": "a", "param_bytes": 4, "output_bytes": 8}, {"id": "b", "param_bytes": 1, "output_bytes": 4},
      {"id": "c", "param_bytes": 2, "output_bytes": 6}, {"id": "d", "param_bytes": 4, "output_bytes": 2},
      {"id": "e", "param_bytes": 3, "output_bytes": 1}],
      "edges": [{"src": "a", "dst": "b"}, {"src": "a", "dst": "c"}, {"src": "b", "dst": "d"},
                {"src": "c", "dst": "d"}, {"src": "d", "dst": "e"}]})");
  const std::string dir = " --output.dir " + ::testing::TempDir() + "/cli_act";
  ExpectBadInput("--model " + g + " --stages 3 --constraints.max_stage_activation_bytes 13 --methods exact" + dir,
                 "max_stage_activation_bytes 13 is below node 'c' with its inputs (14 bytes live while it runs)");
  ExpectBadInput("--model " + g + " --stages 2 --constraints.max_stage_activation_bytes 17 --methods exact" + dir,
                 "max_stage_activation_bytes 17");
  RunResult ok = Exec("--model " + g + " --stages 3 --constraints.max_stage_activation_bytes 17 --methods exact" + dir);
  EXPECT_EQ(ok.code, 0) << ok.err;
  EXPECT_NE(ok.out.find("act MiB"), std::string::npos) << ok.out;
}

// The malformed inputs a user found in the field (issue 12): each one a
// single line and exit 2, where they used to abort or run a default job.
TEST(Cli, FieldReportedBadInputs) {
  const std::string tmp = ::testing::TempDir() + "/cli_field_" + std::to_string(getpid());
  std::system(("mkdir -p " + tmp + "/model_dir.tflite " + tmp + "/config_dir").c_str());
  const std::string out = " --output.dir " + tmp + "/out";
  ExpectBadInput("--model " + Write("f1.json", R"({"nodes": [{"id": 1, "param_bytes": 1e999}]})") + out,
                 "number overflow");
  ExpectBadInput("--model " + Write("f2.json", R"({"nodes": [{"id": 1, "param_bytes": 18446744073709551615}]})") + out,
                 "'param_bytes' is too large");
  ExpectBadInput("--task deploy --model " + tmp + "/model_dir.tflite" + out, "is a directory, not a file");
  ExpectBadInput("--model " + tmp + "/model_dir.tflite" + out, "is a directory");
  ExpectBadInput("--config " + Write("f3.yaml", ""), "the config is empty");
  ExpectBadInput("--config " + tmp + "/config_dir", "is a directory, not a file");
  ExpectBadInput("--config " + Write("f4.yaml", "stages: 4\nstages: 5\n"), "key 'stages' is repeated");
  ExpectBadInput("--model " + Write("f5.gml", "graph [ directed 0 node [ id 0 ] ]") + out, "undirected");
}

TEST(Cli, GraphNameCannotLeaveOutputDir) {
  const std::string tmp = ::testing::TempDir() + "/cli_escape_" + std::to_string(getpid());
  const std::string dir = tmp + "/a/b/out";
  std::system(("mkdir -p " + dir).c_str());
  const std::string g = Write("escape.json", R"({"name": "../../x", "nodes": [{"id": 1, "param_bytes": 5},
      {"id": 2, "param_bytes": 7}], "edges": [{"src": 1, "dst": 2}]})");
  RunResult r = Exec("--model " + g + " --stages 2 --methods heuristic --output.dir " + dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(std::ifstream(tmp + "/a/x.2.heuristic.schedule.json").good());
  EXPECT_TRUE(std::ifstream(dir + "/___.._x.2.heuristic.schedule.json").good());
}

TEST(Cli, NeverOverwritesInputs) {
  // A graph whose name makes the schedule file collide with the model path.
  const std::string dir = ::testing::TempDir() + "/cli_protect";
  std::system(("mkdir -p " + dir).c_str());
  const std::string model = dir + "/g.2.heuristic.schedule.json";
  const std::string text = R"({"name": "g", "nodes": [{"id": 1, "param_bytes": 5}, {"id": 2, "param_bytes": 7}],
      "edges": [{"src": 1, "dst": 2}]})";
  std::ofstream(model) << text;
  RunResult r = Exec("--model " + model + " --stages 2 --methods heuristic --output.dir " + dir);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("refusing to overwrite input file"), std::string::npos) << r.err;
  EXPECT_EQ(Slurp(model), text);
}

// task calibrate: measured segment times in, the fitted edgetpu.* keys out
// as a config fragment that a run loads as its config.
TEST(Cli, CalibrateWritesAFragmentThatLoadsBack) {
  const std::string dir = ::testing::TempDir() + "/cli_calibrate_" + std::to_string(getpid());
  std::string csv = "model,stages,stage,measured_ms\n";
  const double ms[] = {9.0, 8.5, 12.0, 11.0, 7.5, 7.0, 9.5, 10.0, 8.0};
  for (int i = 0; i < 9; ++i)
    csv += "zoo:resnet50," + std::to_string(i < 4 ? 4 : 5) + "," + std::to_string(i < 4 ? i : i - 4) + "," +
           std::to_string(ms[i]) + "\n";
  const std::string in = Write("measured.csv", csv);
  const std::string out = dir + "/fitted.yaml";
  RunResult r = Exec("--task calibrate --calibrate.measurements " + in + " --calibrate.output " + out +
                     " --output.dir " + dir);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("calibrate: 9 measured segments from " + in), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("fit error: rms "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("wrote " + out), std::string::npos) << r.out;
  const std::string fragment = Slurp(out);
  EXPECT_NE(fragment.find("edgetpu:\n  sram_bytes: 8388608"), std::string::npos) << fragment;
  EXPECT_NE(fragment.find("  segment_overhead_s: "), std::string::npos) << fragment;
  RunResult run = Exec("zoo:resnet50 --config " + out + " --stages 4 --methods heuristic --objective.kind latency --output.dir " + dir);
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(Slurp(in), csv);  // the input untouched
}

TEST(Cli, BadCalibrationCsvsAreRefused) {
  const std::string dir = " --output.dir " + ::testing::TempDir() + "/cli_calibrate_bad";
  const std::string head = "model,stages,stage,measured_ms\n";
  auto run = [&](const std::string& name, const std::string& text) {
    return "--task calibrate --calibrate.measurements " + Write(name, text) + dir;
  };
  ExpectBadInput("--task calibrate" + dir, "task calibrate needs the CSV of measured segment times");
  ExpectBadInput(run("c1.csv", "model,stages,stage\nzoo:resnet50,4,0\n"), "the header has no column 'measured_ms'");
  ExpectBadInput(run("c2.csv", head + "zoo:resnet50,4,0,slow\n"), "measured_ms is not a number: 'slow'");
  ExpectBadInput(run("c3.csv", head + "zoo:nonet,4,0,1\n"), "c3.csv:2: unknown zoo model 'nonet'");
  ExpectBadInput(run("c4.csv", head + "zoo:resnet50,4,4,1\n"), "c4.csv:2: stage 4 is outside [0, 3] for 4 stages");
  ExpectBadInput(run("c5.csv", head + "zoo:resnet50,4,0,1\nzoo:resnet50,4,1,2\n"),
                 "needs at least 4 measured segments for the 4 constants");
  const std::string csv = Write("c6.csv", head + "zoo:resnet50,4,0,1\n");
  ExpectBadInput("--task calibrate --calibrate.measurements " + csv + " --calibrate.output " + csv + dir,
                 "refusing to overwrite input file");
  EXPECT_EQ(Slurp(csv), head + "zoo:resnet50,4,0,1\n");
}

}  // namespace
