#include "label/label_gen.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <thread>

#include "core/deadline.h"
#include "core/parallel.h"
#include "core/progress.h"
#include "io/graph_io.h"
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

namespace {

// Adds the indices labelled in `path` to *done. A missing file adds none; a
// file that is not a dataset is an error (it is never touched).
Status CollectDone(const std::string& path, std::set<uint32_t>* done) {
  auto existing = ScanDataset(path, [&](LabelRecord&& r, const RecordSpan&) {
    done->insert(r.index);
    return Status::Ok();
  });
  if (!existing.ok()) return existing.status().code() == StatusCode::kIoError ? Status::Ok() : existing.status();
  return Status::Ok();
}

bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

// Solves `todo` on `workers` threads and appends each label to *writer as it
// completes (fsync at least every second). Counts into *stats.
Status SolveInto(const Config& config, const LabelSolver& solve, const std::vector<uint32_t>& todo, int workers,
                 DatasetWriter* writer, Progress* progress, LabelRunStats* stats) {
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

  Status failure = Status::Ok();
  size_t received = 0;
  Stopwatch since_sync;
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
    Status w = writer->Append(*r);
    if (!w.ok()) { failure = w; stop = true; break; }
    ++stats->written;
    if (!r->optimal) ++stats->not_optimal;
    if (since_sync.Seconds() > 1.0) {
      (void)writer->Sync();
      since_sync.Restart();
    }
    if (progress) progress->Update(stats->existing + stats->written);
  }
  stop = true;
  for (auto& t : pool) t.join();
  RESPECT_RETURN_IF_ERROR(writer->Sync());
  return failure;
}

int DefaultWorkers(const LabelConfig& lc) {
  if (lc.workers > 0) return lc.workers;
  // Ranks on one machine share its cores.
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()) / dist::LocalSize());
}

// One process: the dataset itself is appended to.
StatusOr<LabelRunStats> GenerateAlone(const Config& config, const LabelSolver& solve, bool show_progress) {
  const LabelConfig& lc = config.label;
  const Stopwatch clock;
  LabelRunStats stats;
  const std::vector<std::string> shards = FindLabelShards(lc.dataset);
  if (!shards.empty()) {
    if (!lc.resume)
      return Status::Invalid("label dataset '" + lc.dataset + "' has shards of an interrupted mpirun run (" +
                             shards.front() + "); pass --label.resume true to merge and continue them");
    auto merged = MergeLabelShards(lc.dataset);
    if (!merged.ok()) return merged.status();
  }
  std::set<uint32_t> done;
  if (lc.resume) RESPECT_RETURN_IF_ERROR(CollectDone(lc.dataset, &done));
  auto writer = DatasetWriter::Open(lc.dataset, lc.resume);
  if (!writer.ok()) return writer.status();
  stats.existing = static_cast<int64_t>(done.size());
  std::vector<uint32_t> todo;
  for (uint32_t i = 0; i < static_cast<uint32_t>(lc.count); ++i)
    if (!done.count(i)) todo.push_back(i);
  Progress progress("labels", lc.count, stats.existing);
  Status st = SolveInto(config, solve, todo, DefaultWorkers(lc), writer->get(), show_progress ? &progress : nullptr,
                        &stats);
  stats.seconds = clock.Seconds();
  stats.labels_per_s = stats.seconds > 0 ? stats.written / stats.seconds : 0;
  if (show_progress) progress.Finish();
  if (!st.ok()) return st;
  return stats;
}

// Rank r of N: its share of the indices into its own shard, then rank 0
// merges. Every step that can fail on one rank ends in a consensus (AllOk),
// so no rank waits for one that gave up.
StatusOr<LabelRunStats> GenerateShard(const Config& config, const LabelSolver& solve, bool show_progress) {
  const LabelConfig& lc = config.label;
  const Stopwatch clock;
  const int rank = dist::Rank(), size = dist::Size();
  const std::string mine = LabelShardPath(lc.dataset, rank, size);
  LabelRunStats stats;
  std::set<uint32_t> done;
  Status pre = [&]() -> Status {
    const std::vector<std::string> shards = FindLabelShards(lc.dataset);
    if (!lc.resume && (FileExists(lc.dataset) || !shards.empty()))
      return Status::Invalid("label dataset '" + lc.dataset + "' (or a shard of it) exists; pass --label.resume "
                             "true to continue it (or choose another label.dataset)");
    RESPECT_RETURN_IF_ERROR(CollectDone(lc.dataset, &done));
    // Only this rank writes its indices, so they are in the dataset, in this
    // rank's shard, or in a shard of a run with another rank count.
    for (const std::string& shard : shards) RESPECT_RETURN_IF_ERROR(CollectDone(shard, &done));
    return Status::Ok();
  }();
  // Every rank has looked before any rank creates its shard.
  RESPECT_RETURN_IF_ERROR(dist::AllOk(pre));
  auto writer = DatasetWriter::Open(mine, lc.resume);
  Status st = writer.status();
  std::vector<uint32_t> todo;
  int64_t mine_total = 0, mine_done = 0;
  for (uint32_t i = static_cast<uint32_t>(rank); i < static_cast<uint32_t>(lc.count); i += size) {
    ++mine_total;
    if (done.count(i)) ++mine_done; else todo.push_back(i);
  }
  // Rank 0 shows its own share (the others go at about the same pace).
  Progress progress("labels (rank 0 of " + std::to_string(size) + ")", mine_total, mine_done);
  const bool show = show_progress && dist::IsRoot();
  LabelRunStats local;
  local.existing = mine_done;
  if (st.ok()) {
    st = SolveInto(config, solve, todo, DefaultWorkers(lc), writer->get(), show ? &progress : nullptr, &local);
    writer->reset();  // closes (and fsyncs) the shard before rank 0 reads it
  }
  RESPECT_RETURN_IF_ERROR(dist::AllOk(st));
  if (show) progress.Finish();
  std::vector<double> counts = {static_cast<double>(local.written), static_cast<double>(local.not_optimal)};
  RESPECT_RETURN_IF_ERROR(dist::SumInRankOrder(&counts));
  stats.existing = static_cast<int64_t>(done.size());
  stats.written = static_cast<int64_t>(counts[0]);
  stats.not_optimal = static_cast<int64_t>(counts[1]);
  Status merged = Status::Ok();
  if (dist::IsRoot()) merged = MergeLabelShards(lc.dataset).status();
  RESPECT_RETURN_IF_ERROR(dist::AllOk(merged));
  stats.seconds = clock.Seconds();
  stats.labels_per_s = stats.seconds > 0 ? stats.written / stats.seconds : 0;
  return stats;
}

}  // namespace

StatusOr<LabelRunStats> GenerateLabels(const Config& config, const LabelSolver& solve, bool show_progress) {
  if (dist::Size() > 1) return GenerateShard(config, solve, show_progress);
  return GenerateAlone(config, solve, show_progress);
}

std::string LabelShardPath(const std::string& dataset, int rank, int size) {
  return dataset + ".rank" + std::to_string(rank) + "of" + std::to_string(size);
}

std::vector<std::string> FindLabelShards(const std::string& dataset) {
  const size_t slash = dataset.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : dataset.substr(0, slash));
  const std::string base = (slash == std::string::npos ? dataset : dataset.substr(slash + 1)) + ".rank";
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return out;
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name.compare(0, base.size(), base) != 0) continue;
    // The rest must be <digits>of<digits>.
    const std::string rest = name.substr(base.size());
    const size_t of = rest.find("of");
    auto digits = [](const std::string& x) {
      return !x.empty() && std::all_of(x.begin(), x.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (of == std::string::npos || !digits(rest.substr(0, of)) || !digits(rest.substr(of + 2))) continue;
    out.push_back(slash == std::string::npos ? name : dataset.substr(0, slash + 1) + name);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

StatusOr<int64_t> MergeLabelShards(const std::string& dataset) {
  const std::vector<std::string> shards = FindLabelShards(dataset);
  std::vector<std::string> sources = {dataset};
  sources.insert(sources.end(), shards.begin(), shards.end());
  // Where each index's first copy lies; the records themselves are copied
  // frame by frame below, so a merge never holds a dataset in memory.
  struct Where {
    size_t source;
    RecordSpan span;
  };
  std::map<uint32_t, Where> by_index;
  for (size_t k = 0; k < sources.size(); ++k) {
    auto scanned = ScanDataset(sources[k], [&](LabelRecord&& r, const RecordSpan& span) {
      by_index.emplace(r.index, Where{k, span});
      return Status::Ok();
    });
    if (!scanned.ok()) {
      if (k == 0 && scanned.status().code() == StatusCode::kIoError) continue;  // no dataset yet
      return scanned.status();
    }
  }
  const std::string tmp = dataset + ".merging";
  RESPECT_RETURN_IF_ERROR(CheckWritable(tmp));  // never remove an input of the run
  std::remove(tmp.c_str());  // left by a merge that was interrupted
  {
    auto writer = DatasetWriter::Open(tmp, false);
    if (!writer.ok()) return writer.status();
    std::vector<std::ifstream> in(sources.size());
    std::vector<uint8_t> payload;
    for (const auto& kv : by_index) {
      const Where& w = kv.second;
      std::ifstream& f = in[w.source];
      if (!f.is_open()) f.open(sources[w.source], std::ios::binary);
      payload.resize(w.span.payload_size);
      f.seekg(static_cast<std::streamoff>(w.span.offset + 8));
      if (!f.read(reinterpret_cast<char*>(payload.data()), static_cast<std::streamsize>(payload.size())))
        return Status::Io("cannot read label " + std::to_string(kv.first) + " from '" + sources[w.source] + "'");
      RESPECT_RETURN_IF_ERROR((*writer)->AppendPayload(payload.data(), payload.size()));
    }
    RESPECT_RETURN_IF_ERROR((*writer)->Sync());
  }
  RESPECT_RETURN_IF_ERROR(CheckWritable(dataset));
  if (std::rename(tmp.c_str(), dataset.c_str()) != 0)
    return Status::Io("cannot rename '" + tmp + "' to '" + dataset + "': " + std::strerror(errno));
  for (const std::string& shard : shards) {
    RESPECT_RETURN_IF_ERROR(CheckWritable(shard));
    if (std::remove(shard.c_str()) != 0)
      return Status::Io("cannot remove the merged shard '" + shard + "': " + std::strerror(errno));
  }
  return static_cast<int64_t>(by_index.size());
}

}  // namespace respect
