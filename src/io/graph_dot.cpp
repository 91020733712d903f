#include <cstdio>
#include <sstream>

#include "io/graph_io.h"

namespace respect {

namespace {

// A qualitative palette readable on white (one colour per stage, cycling).
const char* kStageColours[] = {"#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462",
                               "#b3de69", "#fccde5", "#d9d9d9", "#bc80bd", "#ccebc5", "#ffed6f"};

std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string GraphToDot(const Graph& g, const std::vector<int>* stage, int stages) {
  std::ostringstream os;
  os << "digraph " << Quote(g.name()) << " {\n";
  os << "  rankdir=TB;\n  node [shape=box, style=\"rounded,filled\", fillcolor=white, fontname=Helvetica, fontsize=10];\n";
  auto node_line = [&](int v) {
    const Node& n = g.node(v);
    char mib[32];
    std::snprintf(mib, sizeof(mib), "%.2f MiB", static_cast<double>(n.param_bytes) / 1048576.0);
    std::string label = n.name + (n.op.empty() ? "" : "\\n" + n.op) + (n.param_bytes > 0 ? std::string("\\n") + mib : "");
    os << "    n" << v << " [label=" << Quote(label);
    if (stage) os << ", fillcolor=" << Quote(kStageColours[(*stage)[v] % 12]);
    os << "];\n";
  };
  if (stage && stages > 0) {
    for (int k = 0; k < stages; ++k) {
      os << "  subgraph cluster_stage" << k << " {\n    label=\"stage " << k << "\"; style=dashed;\n";
      for (int v = 0; v < g.size(); ++v)
        if ((*stage)[v] == k) node_line(v);
      os << "  }\n";
    }
  } else {
    for (int v = 0; v < g.size(); ++v) node_line(v);
  }
  for (const Edge& e : g.edges()) {
    os << "  n" << e.src << " -> n" << e.dst;
    if (stage && (*stage)[e.src] != (*stage)[e.dst]) os << " [color=red, penwidth=1.5]";
    os << ";\n";
  }
  os << "}\n";
  return os.str();
}

}  // namespace respect
