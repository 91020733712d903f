#include "formulations/reachability.h"

#include <algorithm>

namespace respect {

namespace {
inline uint64_t Bit(int v) { return uint64_t{1} << (v & 63); }
}  // namespace

Reachability::Reachability(const Graph& g, bool with_param_sums) : g_(&g) {
  const int n = g.size();
  topo_pos_.assign(n, 0);
  for (int i = 0; i < n; ++i) topo_pos_[g.topo_order()[i]] = i;
  ndesc_.assign(n, 0);
  nanc_.assign(n, 0);
  ndesc_ops_.assign(n, 0);
  nanc_ops_.assign(n, 0);
  if (with_param_sums) {
    desc_param_.assign(n, 0);
    anc_param_.assign(n, 0);
  }
  implied_.assign(g.num_edges(), 0);
  not_latest_.resize(n);
  for (int u = 0; u < n; ++u) not_latest_[u].assign(g.children(u).size(), 0);
  // One block of target nodes at a time: the rows hold, per node, which
  // targets of the block it reaches; every figure is a sum over blocks.
  const int total_words = (n + 63) / 64;
  std::vector<uint64_t> rows;
  for (int first = 0; first < total_words; first += kBlockWords) {
    const int words = std::min(kBlockWords, total_words - first);
    CountBlock(first, words, /*down=*/true, with_param_sums, &rows);
    MarkSiblingsInBlock(first, words, rows);
    CountBlock(first, words, /*down=*/false, false, &rows);
  }
}

void Reachability::CountBlock(int first_word, int words, bool down, bool with_param_sums,
                              std::vector<uint64_t>* rows) {
  const Graph& g = *g_;
  const int n = g.size();
  const int lo = first_word * 64, hi = std::min(n, (first_word + words) * 64);
  std::vector<uint64_t> ops(words, 0);
  for (int v = lo; v < hi; ++v)
    if (g.is_operator(v)) ops[(v >> 6) - first_word] |= Bit(v);
  rows->assign(static_cast<size_t>(n) * words, 0);
  std::vector<int>& counts = down ? ndesc_ : nanc_;
  std::vector<int>& op_counts = down ? ndesc_ops_ : nanc_ops_;
  const std::vector<int>& topo = g.topo_order();
  // Visit v after every node of next(v): reverse topological order for
  // descendants, topological order for ancestors.
  for (int i = 0; i < n; ++i) {
    const int v = down ? topo[n - 1 - i] : topo[i];
    uint64_t* rv = rows->data() + static_cast<size_t>(v) * words;
    for (int w : down ? g.children(v) : g.parents(v)) {
      if (w >= lo && w < hi) rv[(w >> 6) - first_word] |= Bit(w);
      const uint64_t* rw = rows->data() + static_cast<size_t>(w) * words;
      for (int j = 0; j < words; ++j) rv[j] |= rw[j];
    }
    for (int j = 0; j < words; ++j) {
      counts[v] += __builtin_popcountll(rv[j]);
      op_counts[v] += __builtin_popcountll(rv[j] & ops[j]);
    }
    if (!with_param_sums) continue;
    for (int j = 0; j < words; ++j)
      for (uint64_t bits = rv[j]; bits; bits &= bits - 1) {
        const int w = (first_word + j) * 64 + __builtin_ctzll(bits);
        desc_param_[v] += g.node(w).param_bytes;
        anc_param_[w] += g.node(v).param_bytes;
      }
  }
}

void Reachability::MarkSiblingsInBlock(int first_word, int words, const std::vector<uint64_t>& rows) {
  // rows: descendants of every node among the block's targets.
  const Graph& g = *g_;
  const int n = g.size();
  const int lo = first_word * 64, hi = std::min(n, (first_word + words) * 64);
  std::vector<uint64_t> mask(words);
  auto row = [&](int v) { return rows.data() + static_cast<size_t>(v) * words; };
  for (int u = 0; u < n; ++u) {
    const std::vector<int>& ch = g.children(u);
    if (ch.size() < 2) continue;
    // u -> w is implied iff w descends from another child; a node never
    // descends from itself, so the union over all children will do.
    std::fill(mask.begin(), mask.end(), 0);
    for (int c : ch)
      for (int j = 0; j < words; ++j) mask[j] |= row(c)[j];
    for (size_t i = 0; i < ch.size(); ++i) {
      const int w = ch[i];
      if (w >= lo && w < hi && (mask[(w >> 6) - first_word] & Bit(w))) implied_[g.out_edges(u)[i]] = 1;
    }
    // A child is not latest iff another child descends from it.
    std::fill(mask.begin(), mask.end(), 0);
    bool any = false;
    for (int c : ch)
      if (c >= lo && c < hi) {
        mask[(c >> 6) - first_word] |= Bit(c);
        any = true;
      }
    if (!any) continue;
    for (size_t i = 0; i < ch.size(); ++i)
      for (int j = 0; j < words && !not_latest_[u][i]; ++j)
        if (row(ch[i])[j] & mask[j]) not_latest_[u][i] = 1;
  }
}

bool Reachability::Reaches(int u, int v) const {
  if (topo_pos_[u] >= topo_pos_[v]) return false;
  std::vector<char> seen(g_->size(), 0);
  std::vector<int> stack{u};
  while (!stack.empty()) {
    const int x = stack.back();
    stack.pop_back();
    for (int w : g_->children(x)) {
      if (w == v) return true;
      if (seen[w] || topo_pos_[w] > topo_pos_[v]) continue;
      seen[w] = 1;
      stack.push_back(w);
    }
  }
  return false;
}

std::vector<int> Reachability::LatestChildren(const Graph& g, int u) const {
  std::vector<int> out;
  const std::vector<int>& ch = g.children(u);
  for (size_t i = 0; i < ch.size(); ++i)
    if (!not_latest_[u][i]) out.push_back(ch[i]);
  return out;
}

std::vector<Edge> Reachability::ReducedEdges(const Graph& g) const {
  std::vector<Edge> out;
  for (int e = 0; e < g.num_edges(); ++e)
    if (!implied_[e]) out.push_back(g.edges()[e]);
  return out;
}

}  // namespace respect
