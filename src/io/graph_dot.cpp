#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "io/graph_io.h"

namespace respect {

namespace {

// A qualitative palette readable on white (one colour per stage, cycling).
const char* kStageColours[] = {"#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462",
                               "#b3de69", "#fccde5", "#d9d9d9", "#bc80bd", "#ccebc5", "#ffed6f"};

// Escapes one line of text for a double-quoted DOT string. Line breaks are
// added by the caller as DOT's own backslash-n escape and must not pass
// through here: escaping their backslash again shows a literal "\\n".
std::string EscapeDot(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string Quote(const std::string& s) { return "\"" + EscapeDot(s) + "\""; }

// A node's label: name, operator, parameter size, one per line.
std::string NodeLabel(const Node& n) {
  std::string label = "\"" + EscapeDot(n.name);
  if (!n.op.empty()) label += "\\n" + EscapeDot(n.op);
  if (n.param_bytes > 0) {
    char mib[32];
    std::snprintf(mib, sizeof(mib), "%.2f MiB", static_cast<double>(n.param_bytes) / 1048576.0);
    label += std::string("\\n") + mib;
  }
  return label + "\"";
}

// Nodes per column: about sqrt(2n), so a graph of n nodes is drawn in
// roughly sqrt(n/2) columns of sqrt(2n) boxes, a landscape page, instead of
// one column as deep as the graph (ResNet-50: 177 levels).
int ColumnHeight(int nodes) {
  return std::max(8, static_cast<int>(std::ceil(std::sqrt(2.0 * nodes))));
}

// The nodes of each group (a stage, or the whole graph) in topological order.
std::vector<std::vector<int>> Groups(const Graph& g, const std::vector<int>* stage, int stages) {
  const bool by_stage = stage && stages > 0;
  std::vector<std::vector<int>> groups(by_stage ? stages : 1);
  for (int v : g.topo_order()) groups[by_stage ? (*stage)[v] : 0].push_back(v);
  return groups;
}

}  // namespace

std::string GraphToDot(const Graph& g, const std::vector<int>* stage, int stages) {
  const bool by_stage = stage && stages > 0;
  std::ostringstream os;
  os << "digraph " << Quote(g.name()) << " {\n";
  // Left to right: columns of nodes (top to bottom in topological order),
  // stage after stage. Only invisible edges between column heads set the
  // ranks; the graph's edges follow (constraint=false) so a deep graph does
  // not become one long rank chain.
  os << "  rankdir=LR; newrank=true; ranksep=0.3; nodesep=0.12;\n"
     << "  node [shape=box, style=\"rounded,filled\", fillcolor=white, fontname=Helvetica, fontsize=9, "
        "margin=\"0.05,0.02\", height=0.3];\n"
     << "  edge [arrowsize=0.5, penwidth=0.6, color=\"#555555\"];\n";
  const int height = ColumnHeight(g.size());
  std::vector<int> heads;  // first node of every column, left to right
  const auto groups = Groups(g, stage, stages);
  for (size_t k = 0; k < groups.size(); ++k) {
    const std::string indent = by_stage ? "    " : "  ";
    if (by_stage) os << "  subgraph cluster_stage" << k << " {\n    label=\"stage " << k << "\"; style=dashed;\n";
    const std::vector<int>& nodes = groups[k];
    for (size_t i = 0; i < nodes.size(); i += height) {
      const size_t end = std::min(nodes.size(), i + height);
      os << indent << "{ rank=same;\n";
      for (size_t j = i; j < end; ++j) {
        const int v = nodes[j];
        os << indent << "  n" << v << " [label=" << NodeLabel(g.node(v));
        if (by_stage) os << ", fillcolor=" << Quote(kStageColours[k % 12]);
        os << "];\n";
      }
      os << indent << "}\n";
      heads.push_back(nodes[i]);
    }
    if (by_stage) os << "  }\n";
  }
  for (size_t c = 0; c + 1 < heads.size(); ++c)
    os << "  n" << heads[c] << " -> n" << heads[c + 1] << " [style=invis, weight=10];\n";
  for (const Edge& e : g.edges()) {
    os << "  n" << e.src << " -> n" << e.dst << " [constraint=false";
    if (by_stage && (*stage)[e.src] != (*stage)[e.dst]) os << ", color=red, penwidth=1.2";
    os << "];\n";
  }
  os << "}\n";
  return os.str();
}

}  // namespace respect
