#include "formulations/reachability.h"

namespace respect {

Reachability::Reachability(const Graph& g, bool with_param_sums) {
  const int n = g.size();
  words_ = (n + 63) / 64;
  desc_.assign(n, std::vector<uint64_t>(words_, 0));
  anc_.assign(n, std::vector<uint64_t>(words_, 0));
  ndesc_.assign(n, 0);
  nanc_.assign(n, 0);
  auto count = [this](const std::vector<uint64_t>& bits) {
    int c = 0;
    for (int j = 0; j < words_; ++j) c += __builtin_popcountll(bits[j]);
    return c;
  };
  const std::vector<int>& topo = g.topo_order();
  for (int i = n - 1; i >= 0; --i) {
    const int u = topo[i];
    std::vector<uint64_t>& du = desc_[u];
    for (int w : g.children(u)) {
      du[w >> 6] |= uint64_t{1} << (w & 63);
      const std::vector<uint64_t>& dw = desc_[w];
      for (int j = 0; j < words_; ++j) du[j] |= dw[j];
    }
    ndesc_[u] = count(du);
  }
  for (int i = 0; i < n; ++i) {
    const int v = topo[i];
    std::vector<uint64_t>& av = anc_[v];
    for (int u : g.parents(v)) {
      av[u >> 6] |= uint64_t{1} << (u & 63);
      const std::vector<uint64_t>& au = anc_[u];
      for (int j = 0; j < words_; ++j) av[j] |= au[j];
    }
    nanc_[v] = count(av);
  }
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
