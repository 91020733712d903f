#include "formulations/reachability.h"

namespace respect {

Reachability::Reachability(const Graph& g, bool with_param_sums) {
  const int n = g.size();
  words_ = (n + 63) / 64;
  desc_.assign(n, std::vector<uint64_t>(words_, 0));
  anc_.assign(n, std::vector<uint64_t>(words_, 0));
  ndesc_.assign(n, 0);
  nanc_.assign(n, 0);
  ndesc_ops_.assign(n, 0);
  nanc_ops_.assign(n, 0);
  std::vector<uint64_t> ops(words_, 0);
  for (int v = 0; v < n; ++v)
    if (g.is_operator(v)) ops[v >> 6] |= uint64_t{1} << (v & 63);
  // rows[v] = the nodes reachable from v over `next` (children: descendants,
  // parents: ancestors), visiting v after all of next(v); counts[v] = |rows[v]|.
  auto close = [this, n, &g, &ops](bool down, std::vector<std::vector<uint64_t>>& rows, std::vector<int>& counts,
                                   std::vector<int>& op_counts) {
    const std::vector<int>& topo = g.topo_order();
    for (int i = 0; i < n; ++i) {
      const int v = down ? topo[n - 1 - i] : topo[i];
      std::vector<uint64_t>& rv = rows[v];
      for (int w : down ? g.children(v) : g.parents(v)) {
        rv[w >> 6] |= uint64_t{1} << (w & 63);
        const std::vector<uint64_t>& rw = rows[w];
        for (int j = 0; j < words_; ++j) rv[j] |= rw[j];
      }
      int c = 0, c_ops = 0;
      for (int j = 0; j < words_; ++j) {
        c += __builtin_popcountll(rv[j]);
        c_ops += __builtin_popcountll(rv[j] & ops[j]);
      }
      counts[v] = c;
      op_counts[v] = c_ops;
    }
  };
  close(true, desc_, ndesc_, ndesc_ops_);
  close(false, anc_, nanc_, nanc_ops_);
  if (!with_param_sums) return;
  desc_param_.assign(n, 0);
  anc_param_.assign(n, 0);
  for (int u = 0; u < n; ++u)
    for (int j = 0; j < words_; ++j) {
      uint64_t bits = desc_[u][j];
      while (bits) {
        const int b = __builtin_ctzll(bits);
        bits &= bits - 1;
        const int v = j * 64 + b;
        anc_param_[v] += g.node(u).param_bytes;
        desc_param_[u] += g.node(v).param_bytes;
      }
    }
}

std::vector<int> Reachability::LatestChildren(const Graph& g, int u) const {
  std::vector<int> out;
  const std::vector<int>& ch = g.children(u);
  for (int w : ch) {
    bool dominated = false;
    for (int c : ch)
      if (c != w && Reaches(w, c)) { dominated = true; break; }
    if (!dominated) out.push_back(w);
  }
  return out;
}

std::vector<Edge> Reachability::ReducedEdges(const Graph& g) const {
  std::vector<Edge> out;
  for (const Edge& e : g.edges()) {
    bool implied = false;
    for (int c : g.children(e.src))
      if (c != e.dst && Reaches(c, e.dst)) { implied = true; break; }
    if (!implied) out.push_back(e);
  }
  return out;
}

}  // namespace respect
