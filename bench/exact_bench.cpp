// Exact scheduling benchmark: the ten zoo models of the RESPECT paper's
// Table I x {4, 5, 6} stages, memory_comm objective (comm_weight 1, tensor
// comm model, default constraints).
//
// For every (model, stages) it runs the heuristics (heuristic, dp_topo,
// list), the exact scheduler through the Cbc libraries warm-started from
// dp_topo ("exact") and without a start ("exact_cold"), writes the ILP as an
// LP file, and solves that file with the `cbc` program
// (`cbc FILE.lp -sec T -solve -quit`) for comparison with exact_cold. One CSV
// row per (model, stages, method), appended and flushed as soon as it is
// known, so a partial run keeps its results. The CSV starts with `#` lines
// describing the machine (read it with pandas.read_csv(comment='#')).
//
// usage: exact_bench [--out FILE.csv] [--lp-dir DIR] [--models a,b,...]
//                    [--stages 4,5,6] [--time-limit S] [--threads N]
//                    [--no-cold] [--no-cbc-program] [--cbc PATH]
#include <sys/utsname.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "formulations/schedule_ilp.h"
#include "sched/exact.h"
#include "sched/heuristic.h"
#include "sched/list_schedule.h"
#include "solver/cbc_solver.h"
#include "solver/milp.h"
#include "zoo/zoo.h"

#include "bench_args.h"

using namespace respect;

namespace {

std::string ReadFirstMatch(const std::string& path, const std::string& key) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line))
    if (line.compare(0, key.size(), key) == 0) {
      const size_t colon = line.find(':');
      if (colon == std::string::npos) return line;
      size_t b = colon + 1;
      while (b < line.size() && line[b] == ' ') ++b;
      return line.substr(b);
    }
  return "unknown";
}

std::string Csv(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string Num(double v) {
  if (std::isnan(v)) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

struct ProgramRun {
  bool ran = false;
  std::string status;     // optimal / stopped / infeasible / error text
  double objective = std::nan("");  // model units
  double seconds = std::nan("");    // wall, measured around the process
  double nodes = std::nan("");
};

// Runs the cbc program on an LP file and parses its summary.
ProgramRun RunCbcProgram(const std::string& cbc, const std::string& lp, double seconds) {
  ProgramRun r;
  const std::string cmd = cbc + " '" + lp + "' -sec " + Num(seconds) + " -solve -quit 2>&1";
  const auto t0 = std::chrono::steady_clock::now();
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) {
    r.status = "could not start cbc";
    return r;
  }
  char buf[4096];
  std::string out;
  while (fgets(buf, sizeof buf, p)) out += buf;
  const int rc = pclose(p);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.ran = rc == 0;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Result - ", 0) == 0) {
      if (line.find("Optimal") != std::string::npos) r.status = "optimal";
      else if (line.find("infeasible") != std::string::npos) r.status = "infeasible";
      else if (line.find("Stopped") != std::string::npos) r.status = "stopped";
      else r.status = line.substr(9);
    } else if (line.rfind("Objective value:", 0) == 0) {
      r.objective = std::atof(line.c_str() + 16);
    } else if (line.rfind("Enumerated nodes:", 0) == 0) {
      r.nodes = std::atof(line.c_str() + 17);
    }
  }
  if (r.status.empty()) r.status = rc == 0 ? "unparsed" : "cbc exit " + std::to_string(rc);
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  std::string out_path = "bench/results/exact.csv";
  std::string lp_dir = "/tmp/respect_exact_lp";
  std::string cbc = "cbc";
  std::vector<std::string> models = bench::TableIModels();
  std::vector<int> stages = {4, 5, 6};
  double time_limit = 600;
  int threads = 1;
  bool cold = true, program = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&] { return bench::NextArg(argc, argv, &i); };
    if (a == "--out") out_path = next();
    else if (a == "--lp-dir") lp_dir = next();
    else if (a == "--models") models = bench::SplitList(next());
    else if (a == "--stages") {
      stages.clear();
      for (const auto& s : bench::SplitList(next())) stages.push_back(std::atoi(s.c_str()));
    } else if (a == "--time-limit") time_limit = std::atof(next().c_str());
    else if (a == "--threads") threads = std::atoi(next().c_str());
    else if (a == "--no-cold") cold = false;
    else if (a == "--no-cbc-program") program = false;
    else if (a == "--cbc") cbc = next();
    else {
      std::fprintf(stderr, "unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  if (std::system(("mkdir -p '" + lp_dir + "'").c_str()) != 0) {
    std::fprintf(stderr, "cannot create %s\n", lp_dir.c_str());
    return 1;
  }
  FILE* out = std::fopen(out_path.c_str(), "w");
  if (!out) {
    std::fprintf(stderr, "cannot write %s\n", out_path.c_str());
    return 1;
  }
  utsname un{};
  uname(&un);
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  std::fprintf(out, "# exact_bench: memory_comm, comm_weight 1, comm_model tensor, nonempty stages\n");
  std::fprintf(out, "# machine: nproc=%u, cpu=%s, ram=%.1f GiB, kernel=%s %s\n", std::thread::hardware_concurrency(),
               ReadFirstMatch("/proc/cpuinfo", "model name").c_str(),
               static_cast<double>(pages) * static_cast<double>(page) / (1024.0 * 1024 * 1024), un.sysname, un.release);
  std::fprintf(out, "# cbc %s (libraries, CbcMain0/CbcMain1, wall-clock limit); time limit %g s; threads %d\n",
               CbcVersion().c_str(), time_limit, threads);
  std::fprintf(out,
               "# cbc_program_*: `%s FILE.lp -sec %g -solve -quit` on the same model (its -sec is CPU time), "
               "objective in bytes; time_ratio = exact_cold seconds / cbc program seconds\n",
               cbc.c_str(), time_limit);
  std::fprintf(out,
               "model,nodes,edges,stages,method,status,objective,bound,gap,seconds,bb_nodes,ilp_cols,ilp_rows,"
               "ilp_binaries,cbc_program_status,cbc_program_objective,cbc_program_seconds,cbc_program_nodes,"
               "time_ratio,objective_match\n");
  std::fflush(out);

  for (const std::string& name : models) {
    const std::shared_ptr<const Graph> g = bench::ZooGraph(name);
    if (!g) continue;
    for (int s : stages) {
      Problem p;
      p.graph = g;
      p.stages = s;
      auto row = [&](const ScheduleResult& r, const std::string& method, const ProgramRun* prog) {
        const auto stats = r.stats.ToMap();
        auto stat = [&stats](const char* k) {
          auto it = stats.find(k);
          return it == stats.end() ? std::string() : Num(it->second);
        };
        std::string gap = stat("gap");
        if (r.status == SolveStatus::kOptimal && gap.empty() && method.rfind("exact", 0) == 0) gap = "0";
        std::fprintf(out, "%s,%d,%d,%d,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s", Csv(name).c_str(), g->size(), g->num_edges(), s,
                     method.c_str(), ToString(r.status), Num(r.objective).c_str(), Num(r.bound).c_str(), gap.c_str(),
                     Num(r.seconds).c_str(), stat("bb_nodes").c_str(), stat("ilp_cols").c_str(),
                     stat("ilp_rows").c_str(), stat("ilp_binaries").c_str());
        if (prog && prog->ran) {
          const double obj_bytes = prog->objective * 1048576.0;
          const bool match = std::fabs(obj_bytes - r.objective) <= 1e-6 * std::max(1.0, std::fabs(r.objective));
          std::fprintf(out, ",%s,%s,%s,%s,%s,%s\n", Csv(prog->status).c_str(), Num(obj_bytes).c_str(),
                       Num(prog->seconds).c_str(), Num(prog->nodes).c_str(),
                       Num(prog->seconds > 0 ? r.seconds / prog->seconds : std::nan("")).c_str(),
                       match ? "yes" : "no");
        } else if (prog) {
          std::fprintf(out, ",%s,,,,,\n", Csv(prog->status).c_str());
        } else {
          std::fprintf(out, ",,,,,,\n");
        }
        std::fflush(out);
        std::printf("%-20s S=%d %-10s %-10s obj %.0f bound %s %.2fs %s\n", name.c_str(), s, method.c_str(),
                    ToString(r.status), r.objective, Num(r.bound).c_str(), r.seconds, r.message.c_str());
        std::fflush(stdout);
      };
      auto fail = [&](const std::string& method, const Status& st) {
        std::fprintf(out, "%s,%d,%d,%d,%s,error: %s,,,,,,,,,,,,,,\n", Csv(name).c_str(), g->size(), g->num_edges(), s,
                     method.c_str(), Csv(st.message()).c_str());
        std::fflush(out);
        std::printf("%-20s S=%d %-10s error %s\n", name.c_str(), s, method.c_str(), st.message().c_str());
      };
      HeuristicScheduler heuristic;
      DpTopoScheduler dp;
      ListScheduler list;
      for (Scheduler* h : std::initializer_list<Scheduler*>{&heuristic, &dp, &list}) {
        auto r = h->Run(p);
        if (r.ok()) row(*r, h->name(), nullptr);
        else fail(h->name(), r.status());
      }
      ExactOptions eo;
      eo.time_limit_s = time_limit;
      eo.threads = threads;
      eo.write_lp = lp_dir + "/" + name + "." + std::to_string(s) + ".lp";
      {
        ExactScheduler exact(eo);
        auto r = exact.Run(p);
        if (r.ok()) row(*r, "exact", nullptr);
        else fail("exact", r.status());
      }
      if (cold) {
        eo.warm_start = false;
        ExactScheduler exact(eo);
        auto r = exact.Run(p);
        ProgramRun prog;
        if (program) prog = RunCbcProgram(cbc, eo.write_lp, time_limit);
        if (r.ok()) row(*r, "exact_cold", program ? &prog : nullptr);
        else fail("exact_cold", r.status());
      }
    }
  }
  std::fclose(out);
  return 0;
}
