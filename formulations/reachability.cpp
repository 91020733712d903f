#include "formulations/reachability.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include "core/time_shares.h"

namespace respect {

namespace {
inline uint64_t Bit(int v) { return uint64_t{1} << (v & 63); }

// param_bytes summed over the set bits of a block's rows, eight bits per
// lookup: table[pos * 256 + byte] is the sum over the nodes of byte `pos` of
// the block that `byte` marks. A row costs words * 8 lookups however many
// bits it has, where walking the bits costs the reachable pairs (n^2 / 2 on
// deep graphs: 40 s at 100,000 nodes).
class BlockParamTable {
 public:
  BlockParamTable(const Graph& g, int first_word, int words) : table_(static_cast<size_t>(words) * 8 * 256, 0) {
    const int n = g.size();
    for (int pos = 0; pos < words * 8; ++pos) {
      int64_t* t = table_.data() + static_cast<size_t>(pos) * 256;
      const int base = first_word * 64 + pos * 8;
      for (int b = 1; b < 256; ++b) {
        const int low = __builtin_ctz(b);
        const int v = base + low;
        t[b] = t[b & (b - 1)] + (v < n ? g.node(v).param_bytes : 0);
      }
    }
  }
  int64_t Sum(const uint64_t* row, int words) const {
    int64_t s = 0;
    for (int j = 0; j < words; ++j) {
      const uint64_t x = row[j];
      if (x == 0) continue;
      const int64_t* t = table_.data() + static_cast<size_t>(j) * 8 * 256;
      for (int k = 0; k < 8; ++k) s += t[k * 256 + ((x >> (8 * k)) & 0xFF)];
    }
    return s;
  }

 private:
  std::vector<int64_t> table_;
};

// Where one direction of a block's pass adds its figures; params may be null.
struct BlockSums {
  std::vector<int>* counts;
  std::vector<int>* op_counts;
  std::vector<int64_t>* params;
};

// rows[v] := the block's targets that v reaches (down: descendants; up:
// ancestors), and their counts / params added to `out`.
void SumBlock(const Graph& g, int first_word, int words, bool down, std::vector<uint64_t>* rows,
              const BlockSums& out) {
  const int n = g.size();
  const int lo = first_word * 64, hi = std::min(n, (first_word + words) * 64);
  std::vector<uint64_t> ops(words, 0);
  for (int v = lo; v < hi; ++v)
    if (g.is_operator(v)) ops[(v >> 6) - first_word] |= Bit(v);
  rows->assign(static_cast<size_t>(n) * words, 0);
  std::unique_ptr<BlockParamTable> table;
  if (out.params) table = std::make_unique<BlockParamTable>(g, first_word, words);
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
      (*out.counts)[v] += __builtin_popcountll(rv[j]);
      (*out.op_counts)[v] += __builtin_popcountll(rv[j] & ops[j]);
    }
    if (table) (*out.params)[v] += table->Sum(rv, words);
  }
}

// Zero counts for n nodes; parameter sums only when asked for (else empty).
ClosureSums ZeroSums(int n, bool with_param_sums) {
  ClosureSums c;
  c.num_descendants.assign(n, 0);
  c.num_ancestors.assign(n, 0);
  c.num_descendant_operators.assign(n, 0);
  c.num_ancestor_operators.assign(n, 0);
  if (with_param_sums) {
    c.descendant_param_bytes.assign(n, 0);
    c.ancestor_param_bytes.assign(n, 0);
  }
  return c;
}

// The figures of the descendant pass and of the ancestor pass.
BlockSums DownSums(ClosureSums* c) {
  return {&c->num_descendants, &c->num_descendant_operators,
          c->descendant_param_bytes.empty() ? nullptr : &c->descendant_param_bytes};
}
BlockSums UpSums(ClosureSums* c) {
  return {&c->num_ancestors, &c->num_ancestor_operators,
          c->ancestor_param_bytes.empty() ? nullptr : &c->ancestor_param_bytes};
}

}  // namespace

Reachability::Reachability(const Graph& g, bool with_param_sums) : Reachability(g, with_param_sums, nullptr) {}

Reachability::Reachability(const Graph& g, bool with_param_sums, const std::function<bool()>& give_up) : g_(&g) {
  const int n = g.size();
  topo_pos_.assign(n, 0);
  for (int i = 0; i < n; ++i) topo_pos_[g.topo_order()[i]] = i;
  sums_ = ZeroSums(n, with_param_sums);
  implied_.assign(g.num_edges(), 0);
  not_latest_.resize(n);
  for (int u = 0; u < n; ++u) not_latest_[u].assign(g.children(u).size(), 0);
  // One block of target nodes at a time: the rows hold, per node, which
  // targets of the block it reaches; every figure is a sum over blocks.
  const int total_words = (n + 63) / 64;
  std::vector<uint64_t> rows;
  for (int first = 0; first < total_words; first += kBlockWords) {
    if (give_up && give_up()) {
      complete_ = false;
      return;
    }
    const int words = std::min(kBlockWords, total_words - first);
    SumBlock(g, first, words, /*down=*/true, &rows, DownSums(&sums_));
    MarkSiblingsInBlock(first, words, rows);
    SumBlock(g, first, words, /*down=*/false, &rows, UpSums(&sums_));
  }
}

double EstimatedReachabilitySeconds(const Graph& g) {
  const double n = g.size();
  const double words = std::ceil(n / 64.0);
  return (n + static_cast<double>(g.num_edges())) * words * time_shares::kReachabilitySecondsPerStep;
}

ClosureSums ComputeClosureSums(const Graph& g, bool with_param_sums) {
  ClosureSums c;
  ComputeClosureSums(g, with_param_sums, nullptr, &c);
  return c;
}

bool ComputeClosureSums(const Graph& g, bool with_param_sums, const std::function<bool()>& give_up,
                        ClosureSums* out) {
  const int n = g.size();
  ClosureSums& c = *out;
  c = ZeroSums(n, with_param_sums);
  const int total_words = (n + 63) / 64;
  std::vector<uint64_t> rows;
  for (int first = 0; first < total_words; first += Reachability::kBlockWords) {
    if (give_up && give_up()) return false;
    const int words = std::min(Reachability::kBlockWords, total_words - first);
    SumBlock(g, first, words, /*down=*/true, &rows, DownSums(&c));
    SumBlock(g, first, words, /*down=*/false, &rows, UpSums(&c));
  }
  return true;
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
