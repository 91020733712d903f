#include "policy/reward.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace respect {

std::vector<int> LabelSequence(const std::vector<int>& order, const std::vector<int>& stage) {
  std::vector<int> out(order.size());
  for (size_t t = 0; t < order.size(); ++t) out[t] = stage[order[t]] + 1;
  return out;
}

double CosineSimilarity(const std::vector<int>& a, const std::vector<int>& b) {
  if (a.size() != b.size()) return 0.0;
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    dot += static_cast<double>(a[i]) * b[i];
    na += static_cast<double>(a[i]) * a[i];
    nb += static_cast<double>(b[i]) * b[i];
  }
  if (na <= 0 || nb <= 0) return 0.0;
  return dot / (std::sqrt(na) * std::sqrt(nb));
}

double LabelReward(const std::vector<int>& order, const std::vector<int>& target_order,
                   const std::vector<int>& stage) {
  return CosineSimilarity(LabelSequence(order, stage), LabelSequence(target_order, stage));
}

std::vector<int> TargetOrderFromStages(const Graph& g, const std::vector<int>& stage) {
  std::vector<int> order(g.size());
  std::iota(order.begin(), order.end(), 0);
  const auto& asap = g.asap();
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    if (stage[a] != stage[b]) return stage[a] < stage[b];
    if (asap[a] != asap[b]) return asap[a] < asap[b];
    return a < b;
  });
  return order;
}

}  // namespace respect
