#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>

#include "io/graph_io.h"
#include "io/model_source.h"
#include "label/dataset.h"
#include "label/label_gen.h"
#include "sched/heuristic.h"

namespace respect {
namespace {

std::string TempPath(const std::string& name) {
  std::string p = ::testing::TempDir() + "/" + name;
  std::remove(p.c_str());
  for (const std::string& shard : FindLabelShards(p)) std::remove(shard.c_str());
  return p;
}

Config SmallConfig(const std::string& path, int count) {
  Config c;
  c.label.dataset = path;
  c.label.count = count;
  c.label.nodes = 12;
  c.label.stages_min = 2;
  c.label.stages_max = 4;
  c.synthetic.levels_min = 4;
  c.synthetic.levels_max = 8;
  c.label.workers = 2;
  return c;
}

// A deterministic stand-in for the exact solver (the seam for tests).
StatusOr<ScheduleResult> FakeSolve(const Problem& p) {
  HeuristicScheduler h;
  auto r = h.Run(p);
  if (r.ok()) r->status = SolveStatus::kOptimal;
  return r;
}

TEST(Dataset, TargetOrderSortsByStageLevelId) {
  GraphBuilder b("g");
  for (int i = 0; i < 4; ++i) { Node n; n.id = std::to_string(i); b.AddNode(n); }
  b.AddEdgeIdx(0, 1); b.AddEdgeIdx(0, 2); b.AddEdgeIdx(2, 3);
  Graph g = *b.Build();
  // stages: 0->0, 1->1, 2->0, 3->1 ; levels 0,1,1,2
  EXPECT_EQ(TargetOrder(g, {0, 1, 0, 1}), (std::vector<int>{0, 2, 1, 3}));
}

TEST(Dataset, RoundTripAndTornTail) {
  const std::string path = TempPath("ds_torn.bin");
  Config c = SmallConfig(path, 3);
  auto stats = GenerateLabels(c, FakeSolve, false);
  ASSERT_TRUE(stats.ok()) << stats.status().message();
  EXPECT_EQ(stats->written, 3);
  auto ds = ReadDataset(path);
  ASSERT_TRUE(ds.ok());
  ASSERT_EQ(ds->records.size(), 3u);
  EXPECT_FALSE(ds->torn_tail);
  for (const LabelRecord& r : ds->records) {
    auto again = SampleLabelInstance(c, r.index);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(r.graph->size(), 12);
    EXPECT_EQ(r.graph->num_edges(), again->graph->num_edges());
    EXPECT_EQ(r.stages, again->stages);
    EXPECT_EQ(r.target_order, TargetOrder(*r.graph, r.stage));
    EXPECT_TRUE(r.graph->IsTopologicalOrder(r.target_order));
    Problem p = MakeProblem(r.graph, r.stages, c);
    Evaluation e = Evaluate(p, Schedule{r.stage});
    EXPECT_TRUE(e.feasible);
    EXPECT_DOUBLE_EQ(e.objective, r.objective);
  }
  // Simulate a crash mid-record: half a frame at the end.
  { std::ofstream(path, std::ios::app | std::ios::binary) << std::string("\x40\x00\x00\x00\x12\x34", 6); }
  auto torn = ReadDataset(path);
  ASSERT_TRUE(torn.ok());
  EXPECT_EQ(torn->records.size(), 3u);
  EXPECT_TRUE(torn->torn_tail);
  // Resume to 6: the torn bytes are cut, three more labels appended.
  c.label.count = 6;
  c.label.resume = true;
  stats = GenerateLabels(c, FakeSolve, false);
  ASSERT_TRUE(stats.ok()) << stats.status().message();
  EXPECT_EQ(stats->existing, 3);
  EXPECT_EQ(stats->written, 3);
  auto full = ReadDataset(path);
  ASSERT_TRUE(full.ok());
  EXPECT_FALSE(full->torn_tail);
  std::set<uint32_t> idx;
  for (const auto& r : full->records) idx.insert(r.index);
  EXPECT_EQ(idx, (std::set<uint32_t>{0, 1, 2, 3, 4, 5}));
}

TEST(Dataset, ExistingFileNeedsResume) {
  const std::string path = TempPath("ds_exists.bin");
  ASSERT_TRUE(GenerateLabels(SmallConfig(path, 1), FakeSolve, false).ok());
  auto again = GenerateLabels(SmallConfig(path, 2), FakeSolve, false);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.status().message().find("exists; pass --label.resume true"), std::string::npos);
}

TEST(Dataset, ForeignFileIsNeverTouched) {
  const std::string path = TempPath("ds_foreign.bin");
  { std::ofstream(path) << "precious data"; }
  Config c = SmallConfig(path, 2);
  c.label.resume = true;
  auto r = GenerateLabels(c, FakeSolve, false);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("not a respect-opt label dataset"), std::string::npos);
  EXPECT_EQ(*ReadTextFile(path), "precious data");
}

TEST(Dataset, SameLabelForSameIndexWhateverTheWorkers) {
  const std::string a = TempPath("ds_w1.bin"), b = TempPath("ds_w2.bin");
  Config ca = SmallConfig(a, 8), cb = SmallConfig(b, 8);
  ca.label.workers = 1;
  cb.label.workers = 2;
  ASSERT_TRUE(GenerateLabels(ca, FakeSolve, false).ok());
  ASSERT_TRUE(GenerateLabels(cb, FakeSolve, false).ok());
  auto da = ReadDataset(a), db = ReadDataset(b);
  ASSERT_TRUE(da.ok() && db.ok());
  std::map<uint32_t, std::string> ea, eb;
  for (const auto& r : da->records) { LabelRecord x = r; x.solve_seconds = 0; ea[r.index] = EncodeLabel(x); }
  for (const auto& r : db->records) { LabelRecord x = r; x.solve_seconds = 0; eb[r.index] = EncodeLabel(x); }
  EXPECT_EQ(ea, eb);
}

TEST(Dataset, SolverFailureStopsWithMessage) {
  const std::string path = TempPath("ds_fail.bin");
  LabelSolver bad = [](const Problem&) -> StatusOr<ScheduleResult> { return Status::Internal("solver exploded"); };
  auto r = GenerateLabels(SmallConfig(path, 4), bad, false);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("solver exploded"), std::string::npos);
}

// ---------------------------------------------------------------- shards

TEST(LabelShards, NamesAndDiscovery) {
  const std::string dir = ::testing::TempDir() + "/label_shards_names";
  std::system(("rm -rf " + dir + " && mkdir -p " + dir).c_str());
  const std::string ds = dir + "/labels.bin";
  EXPECT_EQ(LabelShardPath(ds, 1, 4), ds + ".rank1of4");
  for (const char* name : {"labels.bin.rank1of4", "labels.bin.rank0of2", "labels.bin.rank0of", "labels.bin.rankXof2",
                           "labels.bin.merging", "other.bin.rank0of2", "labels.bin.rank3of4x"})
    std::ofstream(dir + "/" + name) << "x";
  EXPECT_EQ(FindLabelShards(ds), (std::vector<std::string>{ds + ".rank0of2", ds + ".rank1of4"}));
  EXPECT_TRUE(FindLabelShards(dir + "/none.bin").empty());
}

// Writes `records` (in the given order) as a new dataset file.
void WriteRecords(const std::string& path, const std::vector<const LabelRecord*>& records) {
  auto w = DatasetWriter::Open(path, false);
  ASSERT_TRUE(w.ok()) << w.status().message();
  for (const LabelRecord* r : records) ASSERT_TRUE((*w)->Append(*r).ok());
}

// A dataset in index order, cut into two rank shards and merged again, is the
// same file byte for byte; a record in both the dataset and a shard is kept once.
TEST(LabelShards, MergeIsByteIdenticalToIndexOrder) {
  const std::string whole = TempPath("shards_whole.bin"), ds = TempPath("shards_merged.bin");
  Config c = SmallConfig(whole, 9);
  c.label.workers = 1;  // one worker appends in index order
  ASSERT_TRUE(GenerateLabels(c, FakeSolve, false).ok());
  auto all = ReadDataset(whole);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->records.size(), 9u);
  std::vector<const LabelRecord*> even, odd, head;
  for (const LabelRecord& r : all->records) (r.index % 2 ? odd : even).push_back(&r);
  head = {&all->records[0], &all->records[1]};  // also in the shards
  std::reverse(odd.begin(), odd.end());          // completion order is not index order
  WriteRecords(ds, head);
  WriteRecords(LabelShardPath(ds, 0, 2), even);
  WriteRecords(LabelShardPath(ds, 1, 2), odd);
  // A torn tail in a shard (a killed rank) is dropped.
  { std::ofstream(LabelShardPath(ds, 1, 2), std::ios::app | std::ios::binary) << std::string("\x40\x00\x00", 3); }
  auto merged = MergeLabelShards(ds);
  ASSERT_TRUE(merged.ok()) << merged.status().message();
  EXPECT_EQ(*merged, 9);
  EXPECT_EQ(*ReadTextFile(ds), *ReadTextFile(whole));
  EXPECT_TRUE(FindLabelShards(ds).empty());
  EXPECT_FALSE(ReadTextFile(ds + ".merging").ok());
}

TEST(LabelShards, OneProcessMergesLeftShardsOnlyWithResume) {
  const std::string ds = TempPath("shards_left.bin");
  const std::string donor = TempPath("shards_donor.bin");
  Config c = SmallConfig(donor, 4);
  ASSERT_TRUE(GenerateLabels(c, FakeSolve, false).ok());
  auto four = ReadDataset(donor);
  ASSERT_TRUE(four.ok());
  std::vector<const LabelRecord*> some;
  for (const LabelRecord& r : four->records)
    if (r.index == 1 || r.index == 3) some.push_back(&r);
  WriteRecords(LabelShardPath(ds, 1, 2), some);
  c = SmallConfig(ds, 6);
  auto refused = GenerateLabels(c, FakeSolve, false);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("shards of an interrupted mpirun run"), std::string::npos);
  c.label.resume = true;
  auto stats = GenerateLabels(c, FakeSolve, false);
  ASSERT_TRUE(stats.ok()) << stats.status().message();
  EXPECT_EQ(stats->existing, 2);
  EXPECT_EQ(stats->written, 4);
  auto out = ReadDataset(ds);
  ASSERT_TRUE(out.ok());
  std::set<uint32_t> idx;
  for (const auto& r : out->records) EXPECT_TRUE(idx.insert(r.index).second) << r.index;
  EXPECT_EQ(idx, (std::set<uint32_t>{0, 1, 2, 3, 4, 5}));
  EXPECT_TRUE(FindLabelShards(ds).empty());
}

TEST(LabelShards, MergeRefusesAShardThatIsNotADataset) {
  const std::string ds = TempPath("shards_bad.bin");
  { std::ofstream(LabelShardPath(ds, 0, 2)) << "precious data"; }
  auto merged = MergeLabelShards(ds);
  ASSERT_FALSE(merged.ok());
  EXPECT_NE(merged.status().message().find("not a respect-opt label dataset"), std::string::npos);
  EXPECT_EQ(*ReadTextFile(LabelShardPath(ds, 0, 2)), "precious data");
  std::remove(LabelShardPath(ds, 0, 2).c_str());
}

}  // namespace
}  // namespace respect
