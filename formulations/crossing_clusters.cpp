#include "formulations/crossing_clusters.h"

#include <algorithm>
#include <numeric>
#include <queue>
#include <string>
#include <utility>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/strong_components.hpp>

namespace respect {
namespace {

// Union-find with path halving.
class Components {
 public:
  explicit Components(int n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0); }
  int Find(int v) {
    while (parent_[v] != v) v = parent_[v] = parent_[parent_[v]];
    return v;
  }
  void Join(int a, int b) { parent_[Find(a)] = Find(b); }

 private:
  std::vector<int> parent_;
};

// Per node, its component of positive-weight links.
std::vector<int> LinkComponents(const Graph& g, const CrossingWeights& weights) {
  Components c(g.size());
  for (int u = 0; u < g.size(); ++u) {
    if (weights.silent(u)) continue;
    const std::vector<int>& ch = g.children(u);
    for (size_t i = 0; i < ch.size(); ++i)
      if (weights.per_tensor() || weights.edge(u, static_cast<int>(i)) > 0) c.Join(u, ch[i]);
  }
  std::vector<int> comp(g.size());
  for (int v = 0; v < g.size(); ++v) comp[v] = c.Find(v);
  return comp;
}

// Per node, its cluster's index (0..*count-1, in no particular order): the
// strong components of the graph of link components, whose members reach
// each other and so share every schedule's zero-crossing stage.
std::vector<int> ClusterIds(const Graph& g, const CrossingWeights& weights, int* count) {
  const std::vector<int> comp = LinkComponents(g, weights);
  using Digraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
  Digraph dg(g.size());  // one vertex per union-find root (the others stay alone)
  for (const Edge& e : g.edges())
    if (comp[e.src] != comp[e.dst]) boost::add_edge(comp[e.src], comp[e.dst], dg);
  std::vector<int> scc(g.size());
  boost::strong_components(dg, boost::make_iterator_property_map(scc.begin(), boost::get(boost::vertex_index, dg)));
  // Renumber the roots' components densely.
  std::vector<int> dense(g.size(), -1), id(g.size());
  *count = 0;
  for (int v = 0; v < g.size(); ++v) {
    int& d = dense[scc[comp[v]]];
    if (d < 0) d = (*count)++;
    id[v] = d;
  }
  return id;
}

}  // namespace

std::vector<CrossingCluster> CrossingClusters(const Graph& g, const CrossingWeights& weights) {
  int count = 0;
  const std::vector<int> id = ClusterIds(g, weights, &count);
  std::vector<CrossingCluster> clusters(count);
  for (int v = 0; v < g.size(); ++v) {
    CrossingCluster& c = clusters[id[v]];
    c.nodes.push_back(v);
    c.param_bytes += g.node(v).param_bytes;
  }
  std::stable_sort(clusters.begin(), clusters.end(),
                   [](const CrossingCluster& a, const CrossingCluster& b) { return a.param_bytes > b.param_bytes; });
  return clusters;
}

std::vector<int> ClusterOrder(const Graph& g, const CrossingWeights& weights) {
  int count = 0;
  const std::vector<int> id = ClusterIds(g, weights, &count);
  if (count < 2) return {};
  std::vector<std::vector<int>> members(count);
  for (int v : g.topo_order()) members[id[v]].push_back(v);  // each in topo_order
  // Kahn on the graph of clusters, the cluster whose first node comes
  // earliest in topo_order first.
  std::vector<int> first(count), indeg(count, 0);
  std::vector<int> pos(g.size());
  for (int i = 0; i < g.size(); ++i) pos[g.topo_order()[i]] = i;
  for (int c = 0; c < count; ++c) first[c] = pos[members[c].front()];
  std::vector<std::vector<int>> next(count);
  for (const Edge& e : g.edges())
    if (id[e.src] != id[e.dst]) {
      next[id[e.src]].push_back(id[e.dst]);
      ++indeg[id[e.dst]];
    }
  auto later = [&](int a, int b) { return first[a] > first[b]; };
  std::priority_queue<int, std::vector<int>, decltype(later)> ready(later);
  for (int c = 0; c < count; ++c)
    if (indeg[c] == 0) ready.push(c);
  std::vector<int> order;
  order.reserve(g.size());
  while (!ready.empty()) {
    const int c = ready.top();
    ready.pop();
    order.insert(order.end(), members[c].begin(), members[c].end());
    for (int d : next[c])
      if (--indeg[d] == 0) ready.push(d);
  }
  return order;
}

StatusOr<Problem> InducedProblem(const Problem& problem, const std::vector<int>& nodes) {
  const Graph& g = problem.g();
  std::vector<int> index(g.size(), -1);
  GraphBuilder b(g.name() + "/cluster");
  for (size_t i = 0; i < nodes.size(); ++i) {
    Node nd = g.node(nodes[i]);
    nd.id = std::to_string(i);  // ids stay unique whatever the original ones were
    index[nodes[i]] = b.AddNode(std::move(nd));
  }
  for (const Edge& e : g.edges())
    if (index[e.src] >= 0 && index[e.dst] >= 0) b.AddEdgeIdx(index[e.src], index[e.dst], e.bytes);
  auto built = b.Build();
  if (!built.ok()) return Status::Internal("induced subgraph: " + built.status().message());
  Problem sub;
  sub.graph = std::make_shared<const Graph>(std::move(*built));
  sub.stages = problem.stages;
  sub.objective = problem.objective;
  sub.edgetpu = problem.edgetpu;
  sub.constraints = ScheduleConstraints{};
  sub.constraints.nonempty_stages = false;
  return sub;
}

}  // namespace respect
