// Checks of a finished label dataset shared by the kill/resume suites (tests only).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "cost/evaluate.h"
#include "io/model_source.h"
#include "label/dataset.h"
#include "label/label_gen.h"

namespace respect {
namespace label_checks {

// The label config of the kill tests: |V| = nodes, 2..4 stages, 3..8 levels.
inline Config KillConfig(int nodes) {
  Config c;
  c.label.nodes = nodes;
  c.label.stages_min = 2;
  c.label.stages_max = 4;
  c.synthetic.levels_min = 3;
  c.synthetic.levels_max = 8;
  return c;
}

// `ds` holds indices 0..count-1, each once, and every `stride`-th record is
// the label its index defines: the same graph and stage count, and a feasible
// schedule whose objective is the one recorded.
inline void ExpectEveryLabelOnce(const DatasetContents& ds, const Config& c, int count, size_t stride = 1) {
  EXPECT_FALSE(ds.torn_tail);
  ASSERT_EQ(ds.records.size(), static_cast<size_t>(count));
  std::set<uint32_t> seen;
  for (size_t k = 0; k < ds.records.size(); ++k) {
    const LabelRecord& r = ds.records[k];
    EXPECT_TRUE(seen.insert(r.index).second) << "label " << r.index << " written twice";
    if (k % stride != 0) continue;
    auto want = SampleLabelInstance(c, r.index);
    ASSERT_TRUE(want.ok());
    ASSERT_EQ(r.graph->num_edges(), want->graph->num_edges()) << r.index;
    EXPECT_EQ(r.stages, want->stages);
    Evaluation e = Evaluate(MakeProblem(r.graph, r.stages, c), Schedule{r.stage});
    EXPECT_TRUE(e.feasible) << e.violation;
    EXPECT_NEAR(e.objective, r.objective, 1e-6 * std::max(1.0, r.objective));
  }
  EXPECT_EQ(*seen.begin(), 0u);
  EXPECT_EQ(*seen.rbegin(), static_cast<uint32_t>(count - 1));
}

}  // namespace label_checks
}  // namespace respect
