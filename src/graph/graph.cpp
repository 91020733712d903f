#include "graph/graph.h"

#include <algorithm>
#include <map>
#include <queue>

namespace respect {

bool IsBoundaryNode(const Node& node) {
  return node.op == kModelInputOp || node.op == kPipelineStartOp || node.op == kPipelineEndOp;
}

int64_t Graph::total_param_bytes() const {
  int64_t s = 0;
  for (const Node& n : nodes_) s += n.param_bytes;
  return s;
}

int64_t Graph::max_param_bytes() const {
  int64_t m = 0;
  for (const Node& n : nodes_) m = std::max(m, n.param_bytes);
  return m;
}

int Graph::max_in_degree() const {
  size_t m = 0;
  for (const auto& p : parents_) m = std::max(m, p.size());
  return static_cast<int>(m);
}

static std::vector<int> Reach(const std::vector<std::vector<int>>& adj, int v) {
  std::vector<char> seen(adj.size(), 0);
  std::vector<int> stack{v};
  std::vector<int> out;
  while (!stack.empty()) {
    int u = stack.back();
    stack.pop_back();
    for (int w : adj[u]) {
      if (!seen[w]) {
        seen[w] = 1;
        out.push_back(w);
        stack.push_back(w);
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<int> Graph::Descendants(int v) const { return Reach(children_, v); }
std::vector<int> Graph::Ancestors(int v) const { return Reach(parents_, v); }

int Graph::FindId(const std::string& id) const {
  auto it = index_.find(id);
  return it == index_.end() ? -1 : it->second;
}

bool Graph::IsTopologicalOrder(const std::vector<int>& order) const {
  if (static_cast<int>(order.size()) != size()) return false;
  std::vector<int> pos(size(), -1);
  for (int i = 0; i < size(); ++i) {
    int v = order[i];
    if (v < 0 || v >= size() || pos[v] != -1) return false;
    pos[v] = i;
  }
  for (const Edge& e : edges_) {
    if (pos[e.src] > pos[e.dst]) return false;
  }
  return true;
}

int GraphBuilder::AddNode(Node node) {
  if (node.name.empty()) node.name = node.id;
  nodes_.push_back(std::move(node));
  return static_cast<int>(nodes_.size()) - 1;
}

void GraphBuilder::AddEdge(const std::string& src_id, const std::string& dst_id, int64_t bytes) {
  edges_.push_back({src_id, dst_id, -1, -1, bytes});
}

void GraphBuilder::AddEdgeIdx(int src, int dst, int64_t bytes) {
  edges_.push_back({"", "", src, dst, bytes});
}

// Finds one cycle among the nodes Kahn's algorithm could not remove and
// renders it as "a -> b -> c -> a".
static std::string DescribeCycle(const Graph& g, const std::vector<std::vector<int>>& children,
                                 const std::vector<int>& indeg) {
  int n = static_cast<int>(children.size());
  // Every node Kahn could not remove has a parent that was not removed
  // either, so walking parents from any of them must repeat a node: a cycle.
  std::vector<std::vector<int>> parents(n);
  for (int u = 0; u < n; ++u)
    for (int w : children[u])
      if (indeg[u] > 0 && indeg[w] > 0) parents[w].push_back(u);
  int start = -1;
  for (int v = 0; v < n; ++v)
    if (indeg[v] > 0) { start = v; break; }
  if (start < 0) return "";
  std::vector<int> seen_at(n, -1);
  std::vector<int> path;
  int v = start;
  while (seen_at[v] < 0) {
    seen_at[v] = static_cast<int>(path.size());
    path.push_back(v);
    v = parents[v].front();
  }
  std::vector<int> cyc(path.begin() + seen_at[v], path.end());
  std::reverse(cyc.begin(), cyc.end());  // parent walk -> forward order
  // Start at the lowest index so the message does not depend on the walk.
  std::rotate(cyc.begin(), std::min_element(cyc.begin(), cyc.end()), cyc.end());
  std::string s;
  for (int u : cyc) s += g.node(u).name + " -> ";
  s += g.node(cyc.front()).name;
  return s;
}

namespace {

// Sums of bytes (and macs) are int64 and exact as doubles only up to 2^53:
// a graph whose totals exceed that would overflow or round in the cost
// model, so it is refused whole (a checked sum, never an overflowing one).
constexpr int64_t kMaxTotal = int64_t{1} << 53;

Status CheckTotal(const std::string& graph, const char* what, const std::vector<int64_t>& values) {
  int64_t sum = 0;
  for (int64_t v : values) {
    if (v > kMaxTotal - sum)
      return Status::Invalid("graph '" + graph + "': the " + what + " add up to more than 2^53 (" +
                             std::to_string(kMaxTotal) + "); sizes that large are not supported");
    sum += v;
  }
  return Status::Ok();
}

Status CheckTotals(const std::string& graph, const std::vector<Node>& nodes, const std::vector<Edge>& edges) {
  std::vector<int64_t> params, outputs, macs, edge_bytes;
  for (const Node& nd : nodes) {
    params.push_back(nd.param_bytes);
    outputs.push_back(nd.output_bytes);
    macs.push_back(nd.macs);
  }
  for (const Edge& e : edges)
    if (e.has_bytes()) edge_bytes.push_back(e.bytes);
  RESPECT_RETURN_IF_ERROR(CheckTotal(graph, "nodes' param_bytes", params));
  RESPECT_RETURN_IF_ERROR(CheckTotal(graph, "nodes' output_bytes", outputs));
  RESPECT_RETURN_IF_ERROR(CheckTotal(graph, "nodes' macs", macs));
  return CheckTotal(graph, "edges' bytes", edge_bytes);
}

}  // namespace

Status GraphBuilder::IndexNodes(Graph* g) const {
  g->nodes_ = nodes_;
  const int n = static_cast<int>(nodes_.size());
  for (int v = 0; v < n; ++v) {
    const Node& nd = nodes_[v];
    if (nd.id.empty()) return Status::Invalid("node #" + std::to_string(v) + " has an empty id");
    if (!g->index_.emplace(nd.id, v).second)
      return Status::Invalid("duplicate node id '" + nd.id + "'");
    if (nd.param_bytes < 0)
      return Status::Invalid("node '" + nd.name + "' has negative param_bytes " + std::to_string(nd.param_bytes));
    if (nd.output_bytes < 0)
      return Status::Invalid("node '" + nd.name + "' has negative output_bytes " + std::to_string(nd.output_bytes));
    if (nd.macs < 0)
      return Status::Invalid("node '" + nd.name + "' has negative macs " + std::to_string(nd.macs));
  }
  g->is_operator_.assign(n, 0);
  for (int v = 0; v < n; ++v) {
    g->is_operator_[v] = IsBoundaryNode(nodes_[v]) ? 0 : 1;
    g->num_operators_ += g->is_operator_[v];
  }
  return Status::Ok();
}

Status GraphBuilder::AddEdges(Graph* g) const {
  const int n = static_cast<int>(nodes_.size());
  g->children_.assign(n, {});
  g->parents_.assign(n, {});
  g->out_edges_.assign(n, {});
  std::map<std::pair<int, int>, int> seen;  // (src, dst) -> index in edges_
  for (const PendingEdge& e : edges_) {
    int s = e.src_idx, d = e.dst_idx;
    if (s < 0) {
      auto it = g->index_.find(e.src);
      if (it == g->index_.end())
        return Status::Invalid("edge " + e.src + " -> " + e.dst + " names unknown source node '" + e.src + "'");
      s = it->second;
    }
    if (d < 0) {
      auto it = g->index_.find(e.dst);
      if (it == g->index_.end())
        return Status::Invalid("edge " + e.src + " -> " + e.dst + " names unknown target node '" + e.dst + "'");
      d = it->second;
    }
    if (s >= n || d >= n) return Status::Invalid("edge index out of range");
    if (s == d) return Status::Invalid("cycle: " + nodes_[s].name + " -> " + nodes_[s].name + " (self-loop)");
    if (e.bytes < 0 && e.bytes != Edge::kNoBytes)
      return Status::Invalid("edge " + nodes_[s].name + " -> " + nodes_[d].name + " has negative bytes " +
                             std::to_string(e.bytes));
    auto [it, fresh] = seen.emplace(std::make_pair(s, d), g->num_edges());
    if (!fresh) {
      Edge& kept = g->edges_[it->second];
      if (kept.has_bytes() && e.bytes != Edge::kNoBytes && kept.bytes != e.bytes)
        return Status::Invalid("edge " + nodes_[s].name + " -> " + nodes_[d].name + " is repeated with " +
                               std::to_string(kept.bytes) + " and " + std::to_string(e.bytes) + " bytes");
      if (!kept.has_bytes()) kept.bytes = e.bytes;
      continue;
    }
    g->out_edges_[s].push_back(g->num_edges());
    g->edges_.push_back({s, d, e.bytes});
    g->children_[s].push_back(d);
    g->parents_[d].push_back(s);
  }
  return Status::Ok();
}

Status GraphBuilder::SortTopologically(Graph* g) const {
  // Kahn with a min-heap: deterministic order independent of edge order.
  const int n = static_cast<int>(nodes_.size());
  std::vector<int> indeg(n);
  for (int v = 0; v < n; ++v) indeg[v] = static_cast<int>(g->parents_[v].size());
  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  for (int v = 0; v < n; ++v)
    if (indeg[v] == 0) ready.push(v);
  while (!ready.empty()) {
    int u = ready.top();
    ready.pop();
    g->topo_.push_back(u);
    for (int w : g->children_[u])
      if (--indeg[w] == 0) ready.push(w);
  }
  if (static_cast<int>(g->topo_.size()) != n)
    return Status::Invalid("graph '" + name_ + "' has a cycle: " + DescribeCycle(*g, g->children_, indeg));
  return Status::Ok();
}

void GraphBuilder::ComputeLevels(Graph* g) {
  const int n = static_cast<int>(g->nodes_.size());
  g->asap_.assign(n, 0);
  for (int u : g->topo_)
    for (int w : g->children_[u]) g->asap_[w] = std::max(g->asap_[w], g->asap_[u] + 1);
  g->depth_ = 1 + *std::max_element(g->asap_.begin(), g->asap_.end());
  std::vector<int> to_sink(n, 0);
  for (auto it = g->topo_.rbegin(); it != g->topo_.rend(); ++it)
    for (int w : g->children_[*it]) to_sink[*it] = std::max(to_sink[*it], to_sink[w] + 1);
  g->alap_.resize(n);
  for (int v = 0; v < n; ++v) g->alap_[v] = g->depth_ - 1 - to_sink[v];
}

StatusOr<Graph> GraphBuilder::Build() const {
  Graph g;
  g.name_ = name_;
  if (nodes_.empty()) return Status::Invalid("graph '" + name_ + "' is empty (no nodes)");
  RESPECT_RETURN_IF_ERROR(IndexNodes(&g));
  RESPECT_RETURN_IF_ERROR(AddEdges(&g));
  RESPECT_RETURN_IF_ERROR(SortTopologically(&g));
  RESPECT_RETURN_IF_ERROR(CheckTotals(name_, g.nodes_, g.edges_));
  ComputeLevels(&g);
  return g;
}

}  // namespace respect
