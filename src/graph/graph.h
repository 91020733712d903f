// The computational graph: an immutable, validated DAG of operators.
//
// Contract: a Graph is only obtained from GraphBuilder::Build(), which
// validates it (no cycles, no unknown endpoints, no duplicate ids, no negative
// sizes, not empty). Nodes are indexed 0..size()-1 in insertion order; derived
// data (topological order, ASAP/ALAP levels) is computed once at Build() and
// read-only afterwards, so a const Graph is safe to share between threads.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/status.h"

namespace respect {

struct Node {
  std::string id;            // unique; the interchange id (integer or string)
  bool id_is_int = false;    // write the id back as a JSON integer
  std::string name;          // human name (defaults to the id)
  std::string op;            // operator kind, e.g. "Conv2D"
  int64_t param_bytes = 0;   // constant weights the accelerator caches
  int64_t output_bytes = 0;  // bytes of the tensor this node produces
  int64_t macs = 0;          // multiply-accumulates (optional, for latency)
};

// Boundary pseudo-nodes (the TFLite reader's graph input/output nodes, see
// src/tflite/tflite_reader.h): they carry tensors to and from the pipeline's
// ends but are no operator, so a stage holding only them runs nothing.
// Graphs of the zoo, the synthetic generator, GML and JSON have none.
constexpr const char* kModelInputOp = "MODEL_INPUT";
constexpr const char* kPipelineStartOp = "PIPELINE_START";
constexpr const char* kPipelineEndOp = "PIPELINE_END";
bool IsBoundaryNode(const Node& node);

struct Edge {
  static constexpr int64_t kNoBytes = -1;
  int src = 0;
  int dst = 0;
  // Bytes of the tensor this edge carries (GML `parameter`, graph JSON
  // `bytes`), or kNoBytes when the file gives none. Read by the edge comm
  // model (cost/crossing.h EdgeCrossingWeight).
  int64_t bytes = kNoBytes;
  bool has_bytes() const { return bytes != kNoBytes; }
};

class Graph {
 public:
  const std::string& name() const { return name_; }
  int size() const { return static_cast<int>(nodes_.size()); }
  int num_edges() const { return static_cast<int>(edges_.size()); }
  const Node& node(int v) const { return nodes_[v]; }
  const std::vector<Node>& nodes() const { return nodes_; }
  const std::vector<Edge>& edges() const { return edges_; }
  const std::vector<int>& children(int v) const { return children_[v]; }
  const std::vector<int>& parents(int v) const { return parents_[v]; }
  // Indices into edges() of v's out-edges, parallel to children(v).
  const std::vector<int>& out_edges(int v) const { return out_edges_[v]; }
  // Operator nodes are all nodes but the boundary nodes (IsBoundaryNode);
  // constraints.nonempty_stages asks for one operator per stage.
  bool is_operator(int v) const { return is_operator_[v] != 0; }
  int num_operators() const { return num_operators_; }

  // Deterministic topological order (Kahn, smallest index first).
  const std::vector<int>& topo_order() const { return topo_; }
  // ASAP level: longest path (in edges) from any source; sources are 0.
  const std::vector<int>& asap() const { return asap_; }
  // ALAP level: depth() - 1 - longest path to any sink; sinks are depth()-1.
  const std::vector<int>& alap() const { return alap_; }
  // Number of levels (longest path in nodes).
  int depth() const { return depth_; }

  int64_t total_param_bytes() const;
  int64_t max_param_bytes() const;
  int max_in_degree() const;

  // All nodes reachable from v (excluding v), ascending indices.
  std::vector<int> Descendants(int v) const;
  // All nodes from which v is reachable (excluding v), ascending indices.
  std::vector<int> Ancestors(int v) const;
  // Index of the node with this id, or -1.
  int FindId(const std::string& id) const;

  // True iff `order` is a permutation of all nodes respecting every edge.
  bool IsTopologicalOrder(const std::vector<int>& order) const;

 private:
  friend class GraphBuilder;
  std::string name_;
  std::vector<Node> nodes_;
  std::vector<Edge> edges_;
  std::vector<std::vector<int>> children_, parents_, out_edges_;
  std::vector<int> topo_, asap_, alap_;
  std::vector<char> is_operator_;
  int num_operators_ = 0;
  int depth_ = 0;
  std::unordered_map<std::string, int> index_;
};

// Collects nodes and edges (edges by node id, in any order) and validates.
// Not thread-safe; use one builder per thread.
class GraphBuilder {
 public:
  explicit GraphBuilder(std::string name = "graph") : name_(std::move(name)) {}
  void set_name(std::string name) { name_ = std::move(name); }
  // Returns the new node's index. Duplicate ids are reported by Build().
  int AddNode(Node node);
  // Edge between node ids; endpoints may be added later. Repeated edges
  // between the same pair are merged (a tensor is consumed once per consumer);
  // their bytes must agree where both give some (Build() names the edge).
  // `bytes`: Edge::kNoBytes, or the edge's tensor bytes (negative: refused).
  void AddEdge(const std::string& src_id, const std::string& dst_id, int64_t bytes = Edge::kNoBytes);
  // Edge between indices returned by AddNode.
  void AddEdgeIdx(int src, int dst, int64_t bytes = Edge::kNoBytes);
  int num_nodes() const { return static_cast<int>(nodes_.size()); }

  // Validates and returns the graph, or a one-line error naming the culprit.
  StatusOr<Graph> Build() const;

 private:
  struct PendingEdge {
    std::string src, dst;
    int src_idx = -1, dst_idx = -1;
    int64_t bytes = Edge::kNoBytes;
  };
  // Build's steps: the nodes indexed and checked; the edges resolved,
  // checked and merged; the topological order (a cycle refused); the levels.
  Status IndexNodes(Graph* g) const;
  Status AddEdges(Graph* g) const;
  Status SortTopologically(Graph* g) const;
  static void ComputeLevels(Graph* g);

  std::string name_;
  std::vector<Node> nodes_;
  std::vector<PendingEdge> edges_;
};

}  // namespace respect
