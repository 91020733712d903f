// Communication cost of one data-parallel training step: the gradient sum in
// rank order (dist::SumInRankOrder: gather to rank 0, add in rank order,
// broadcast) on a vector of the policy's parameter count, timed over many
// repetitions. Run under mpirun (one process: the facade's identity).
//
// usage: mpirun -np N allreduce_bench [--hidden H] [--dynamic 0|1] [--reps R]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "core/parallel.h"
#include "policy/network.h"

#include "bench_args.h"

using namespace respect;

int main(int argc, char** argv) {
  dist::Session mpi(&argc, &argv);
  if (!mpi.status().ok()) {
    std::fprintf(stderr, "%s\n", mpi.status().message().c_str());
    return 1;
  }
  int hidden = 64, reps = 200;
  bool dynamic = true;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--hidden") hidden = std::atoi(argv[i + 1]);
    else if (a == "--reps") reps = std::atoi(argv[i + 1]);
    else if (a == "--dynamic") dynamic = std::atoi(argv[i + 1]) != 0;
  }
  PolicyHParams hp;
  hp.embed = hp.hidden = hidden;
  hp.dynamic = dynamic;
  const PolicyParams<double> p = ZeroParams<double>(hp);
  const size_t n = static_cast<size_t>(p.NumParams()) + 1;  // + the failure flag
  std::vector<double> v(n, 1.0 + dist::Rank());
  std::vector<double> times;
  for (int r = 0; r < reps + 5; ++r) {
    (void)dist::Barrier();
    const auto t0 = std::chrono::steady_clock::now();
    if (!dist::SumInRankOrder(&v).ok()) return 1;
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (r >= 5) times.push_back(s);  // the first few set up connections
  }
  std::sort(times.begin(), times.end());
  double mean = 0;
  for (double t : times) mean += t / times.size();
  if (dist::IsRoot()) {
    std::printf("ranks %d, hidden %d, %zu doubles (%.1f KiB) per step: mean %.1f us, median %.1f us, p90 %.1f us\n",
                dist::Size(), hidden, n, n * 8 / 1024.0, mean * 1e6, times[times.size() / 2] * 1e6,
                times[times.size() * 9 / 10] * 1e6);
  }
  return 0;
}
