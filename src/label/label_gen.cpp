#include "label/label_gen.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <thread>

#include "core/progress.h"
#include "core/rng.h"
#include "io/model_source.h"
#include "synthetic/synthetic.h"

namespace respect {

StatusOr<LabelRecord> SampleLabelInstance(const Config& config, uint32_t index) {
  const LabelConfig& lc = config.label;
  LabelRecord r;
  r.index = index;
  r.seed = MixSeed(lc.seed, index);
  Rng rng(r.seed);
  r.stages = static_cast<int>(rng.UniformInt(lc.stages_min, lc.stages_max));
  r.max_in_degree = static_cast<int>(rng.UniformInt(lc.degree_min, lc.degree_max));
  SyntheticSpec spec{lc.nodes, config.synthetic.levels_min, std::min(config.synthetic.levels_max, lc.nodes),
                     r.max_in_degree};
  spec.levels_min = std::min(spec.levels_min, spec.levels_max);
  auto family = ParseSyntheticFamily(config.synthetic.family);
  if (!family.ok()) return family.status();
  spec.family = *family;
  auto g = SampleSyntheticGraph(spec, &rng, "label_" + std::to_string(index));
  if (!g.ok()) return g.status().WithContext("label " + std::to_string(index));
  r.graph = std::make_shared<const Graph>(std::move(g).value());
  return r;
}

StatusOr<LabelRunStats> GenerateLabels(const Config& config, const LabelSolver& solve, bool show_progress) {
  const LabelConfig& lc = config.label;
  const auto t0 = std::chrono::steady_clock::now();
  LabelRunStats stats;
  std::set<uint32_t> done;
  if (lc.resume) {
    auto existing = ReadDataset(lc.dataset);
    if (existing.ok()) {
      for (const LabelRecord& r : existing->records) done.insert(r.index);
    } else if (existing.status().code() != StatusCode::kIoError) {
      return existing.status();  // a file that is not a dataset: never touch it
    }
  }
  auto writer = DatasetWriter::Open(lc.dataset, lc.resume);
  if (!writer.ok()) return writer.status();
  stats.existing = static_cast<int64_t>(done.size());
  std::vector<uint32_t> todo;
  for (uint32_t i = 0; i < static_cast<uint32_t>(lc.count); ++i)
    if (!done.count(i)) todo.push_back(i);

  int workers = lc.workers > 0 ? lc.workers : static_cast<int>(std::thread::hardware_concurrency());
  workers = std::max(1, std::min<int>(workers, static_cast<int>(todo.size())));
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::condition_variable cv;
  std::deque<StatusOr<LabelRecord>> results;
  auto work = [&]() {
    while (!stop.load()) {
      const size_t k = next.fetch_add(1);
      if (k >= todo.size()) break;
      StatusOr<LabelRecord> out = SampleLabelInstance(config, todo[k]);
      if (out.ok()) {
        LabelRecord& r = *out;
        Problem p = MakeProblem(r.graph, r.stages, config);
        auto res = solve(p);
        if (!res.ok()) {
          out = res.status().WithContext("label " + std::to_string(r.index));
        } else if (res->status != SolveStatus::kOptimal && res->status != SolveStatus::kFeasible) {
          out = Status::Internal("label " + std::to_string(r.index) + ": exact solve returned " +
                                 ToString(res->status) + " " + res->message);
        } else {
          r.stage = res->schedule.stage;
          r.target_order = TargetOrder(*r.graph, r.stage);
          r.objective = res->objective;
          r.bound = res->bound;
          r.solve_seconds = res->seconds;
          r.optimal = res->status == SolveStatus::kOptimal;
        }
      }
      std::lock_guard<std::mutex> lock(mu);
      results.push_back(std::move(out));
      cv.notify_one();
    }
  };
  std::vector<std::thread> pool;
  for (int w = 0; w < workers; ++w) pool.emplace_back(work);

  Progress progress("labels", lc.count, stats.existing);
  Status failure = Status::Ok();
  size_t received = 0;
  auto last_sync = std::chrono::steady_clock::now();
  while (received < todo.size()) {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return !results.empty(); });
    StatusOr<LabelRecord> r = std::move(results.front());
    results.pop_front();
    lock.unlock();
    ++received;
    if (!r.ok()) {
      failure = r.status();
      stop = true;
      break;
    }
    Status w = (*writer)->Append(*r);
    if (!w.ok()) { failure = w; stop = true; break; }
    ++stats.written;
    if (!r->optimal) ++stats.not_optimal;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_sync > std::chrono::seconds(1)) {
      (void)(*writer)->Sync();
      last_sync = now;
    }
    if (show_progress) progress.Update(stats.existing + stats.written);
  }
  stop = true;
  for (auto& t : pool) t.join();
  RESPECT_RETURN_IF_ERROR((*writer)->Sync());
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  stats.labels_per_s = stats.seconds > 0 ? stats.written / stats.seconds : 0;
  if (show_progress) progress.Finish();
  if (!failure.ok()) return failure;
  return stats;
}

}  // namespace respect
