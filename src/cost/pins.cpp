#include "cost/pins.h"

#include <algorithm>
#include <unordered_map>

#include "config/config.h"  // NearestName

namespace respect {

namespace {

std::string Quoted(const std::string& s) { return "'" + s + "'"; }

// "node 'x' (stage 2)" for messages.
std::string PinName(const Graph& g, int v, int stage) {
  return "node " + Quoted(g.node(v).name) + " (stage " + std::to_string(stage) + ")";
}

// Index of the node a pin names: by name, else by id; -1 none, -2 a name
// several nodes share.
int FindPinned(const Graph& g, const std::unordered_map<std::string, int>& by_name, const std::string& key) {
  auto it = by_name.find(key);
  if (it != by_name.end()) return it->second;
  return g.FindId(key);
}

std::unordered_map<std::string, int> NamesOf(const Graph& g) {
  std::unordered_map<std::string, int> by_name;
  for (int v = 0; v < g.size(); ++v) {
    auto [it, fresh] = by_name.emplace(g.node(v).name, v);
    if (!fresh) it->second = -2;
  }
  return by_name;
}

}  // namespace

StatusOr<std::vector<int>> ResolvePins(const Problem& p) {
  const Graph& g = p.g();
  std::vector<int> pinned(g.size(), -1);
  if (p.constraints.pin.empty()) return pinned;
  const std::unordered_map<std::string, int> by_name = NamesOf(g);
  for (const auto& [key, stage] : p.constraints.pin) {
    const std::string where = "constraints.pin: " + Quoted(key);
    const int v = FindPinned(g, by_name, key);
    if (v == -2)
      return Status::Invalid(where + ": several nodes of graph " + Quoted(g.name()) +
                             " have this name; pin one by its id");
    if (v < 0) {
      std::vector<std::string> names;
      for (const Node& nd : g.nodes()) names.push_back(nd.name);
      const std::string near = NearestName(key, names);
      return Status::Invalid(where + ": graph " + Quoted(g.name()) + " has no node of this name or id" +
                             (near.empty() ? "" : " (did you mean " + Quoted(near) + "?)"));
    }
    if (stage < 0 || stage >= p.stages)
      return Status::Invalid(where + ": stage " + std::to_string(stage) + " is outside 0.." +
                             std::to_string(p.stages - 1) + " (" + std::to_string(p.stages) + " stages)");
    if (pinned[v] >= 0 && pinned[v] != stage)
      return Status::Invalid(where + ": node " + Quoted(g.node(v).name) + " is pinned twice, to stages " +
                             std::to_string(pinned[v]) + " and " + std::to_string(stage));
    pinned[v] = stage;
  }
  return pinned;
}

std::vector<int> PinnedStages(const Problem& p) {
  if (p.constraints.pin.empty() || !p.graph) return {};
  auto pinned = ResolvePins(p);
  return pinned.ok() ? std::move(pinned).value() : std::vector<int>{};
}

PinBounds ComputePinBounds(const Problem& p, const std::vector<int>& pinned) {
  PinBounds b;
  if (pinned.empty()) return b;
  const Graph& g = p.g();
  b.lo.assign(g.size(), 0);
  b.hi.assign(g.size(), p.stages - 1);
  const std::vector<int>& topo = g.topo_order();
  for (int u : topo) {
    if (pinned[u] >= 0) b.lo[u] = std::max(b.lo[u], pinned[u]);
    for (int c : g.children(u)) b.lo[c] = std::max(b.lo[c], b.lo[u]);
  }
  for (auto it = topo.rbegin(); it != topo.rend(); ++it) {
    const int u = *it;
    for (int c : g.children(u)) b.hi[u] = std::min(b.hi[u], b.hi[c]);
    if (pinned[u] >= 0) b.hi[u] = std::min(b.hi[u], pinned[u]);
  }
  return b;
}

namespace {

// A pinned node below a pinned ancestor: "" when none.
std::string PrecedenceConflict(const Problem& p, const std::vector<int>& pinned) {
  const Graph& g = p.g();
  // from[v]: the pinned node (v or an ancestor) with the largest stage.
  std::vector<int> from(g.size(), -1);
  for (int u : g.topo_order()) {
    if (pinned[u] >= 0) {
      if (from[u] >= 0 && pinned[from[u]] > pinned[u])
        return "constraints.pin: " + PinName(g, from[u], pinned[from[u]]) + " is an ancestor of " +
               PinName(g, u, pinned[u]) + ", which cannot come before it";
      from[u] = u;
    }
    for (int c : g.children(u))
      if (from[u] >= 0 && (from[c] < 0 || pinned[from[c]] < pinned[from[u]])) from[c] = from[u];
  }
  return "";
}

// The pinned node with the largest stage below a (or the smallest above b),
// for naming the pins around stages a..b; -1 if none.
int NearestPin(const std::vector<int>& pinned, int stage, bool below) {
  int best = -1;
  for (int v = 0; v < static_cast<int>(pinned.size()); ++v) {
    if (pinned[v] < 0 || (below ? pinned[v] >= stage : pinned[v] <= stage)) continue;
    if (best < 0 || (below ? pinned[v] > pinned[best] : pinned[v] < pinned[best])) best = v;
  }
  return best;
}

// Hall's condition on intervals of stages: stages a..b need b - a + 1
// operators whose pin bounds meet [a, b]. "" when every interval has them.
std::string CountConflict(const Problem& p, const std::vector<int>& pinned) {
  const Graph& g = p.g();
  const int S = p.stages;
  const PinBounds b = ComputePinBounds(p, pinned);
  // lo_le[k]: operators with lo <= k; hi_lt[k]: operators with hi < k.
  std::vector<int> lo_le(S + 1, 0), hi_lt(S + 1, 0);
  for (int v = 0; v < g.size(); ++v) {
    if (!g.is_operator(v)) continue;
    ++lo_le[b.lo[v]];
    if (b.hi[v] + 1 <= S) ++hi_lt[b.hi[v] + 1];
  }
  for (int k = 1; k <= S; ++k) { lo_le[k] += lo_le[k - 1]; hi_lt[k] += hi_lt[k - 1]; }
  for (int a = 0; a < S; ++a)
    for (int z = a; z < S; ++z) {
      const int reach = lo_le[z] - hi_lt[a];  // lo <= z and hi >= a (hi < a implies lo <= z)
      if (reach >= z - a + 1) continue;
      const int below = NearestPin(pinned, a, true), above = NearestPin(pinned, z, false);
      std::string around;
      if (below >= 0) around += "after " + PinName(g, below, pinned[below]);
      if (above >= 0) around += std::string(around.empty() ? "" : " and ") + "before " + PinName(g, above, pinned[above]);
      return "constraints.pin: stages " + std::to_string(a) + ".." + std::to_string(z) + " need " +
             std::to_string(z - a + 1) + " operator nodes, but only " + std::to_string(reach) + " can go there " +
             around + " (nonempty_stages)";
    }
  return "";
}

}  // namespace

std::string PinConflict(const Problem& p) {
  const std::vector<int> pinned = PinnedStages(p);
  if (pinned.empty()) return "";
  if (std::string why = PrecedenceConflict(p, pinned); !why.empty()) return why;
  if (p.constraints.nonempty_stages) return CountConflict(p, pinned);
  return "";
}

std::string PinViolation(const Problem& p, const std::vector<int>& stage) {
  const std::vector<int> pinned = PinnedStages(p);
  for (int v = 0; v < static_cast<int>(pinned.size()); ++v)
    if (pinned[v] >= 0 && stage[v] != pinned[v])
      return "node " + Quoted(p.g().node(v).name) + " is pinned to stage " + std::to_string(pinned[v]) +
             " but is in stage " + std::to_string(stage[v]) + " (constraints.pin)";
  return "";
}

std::vector<int> PinConsistentOrder(const Problem& p, const std::vector<int>& order) {
  const std::vector<int> pinned = PinnedStages(p);
  if (pinned.empty()) return order;
  int last = -1;
  bool sorted = true;
  for (int v : order) {
    if (pinned[v] < 0) continue;
    if (pinned[v] < last) { sorted = false; break; }
    last = pinned[v];
  }
  if (sorted) return order;
  const PinBounds b = ComputePinBounds(p, pinned);
  std::vector<int> out = order;
  std::stable_sort(out.begin(), out.end(), [&b](int u, int v) { return b.lo[u] < b.lo[v]; });
  return out;
}

PinCuts ComputePinCuts(const Problem& p, const std::vector<int>& order) {
  PinCuts c;
  const std::vector<int> pinned = PinnedStages(p);
  c.n = static_cast<int>(order.size());
  if (pinned.empty()) return c;
  const int S = p.stages;
  // max_pos[s] / min_pos[s]: the last / first position of a node pinned to s.
  std::vector<int> max_pos(S, -1), min_pos(S, c.n);
  for (int i = 0; i < c.n; ++i) {
    const int s = pinned[order[i]];
    if (s < 0) continue;
    max_pos[s] = std::max(max_pos[s], i);
    min_pos[s] = std::min(min_pos[s], i);
    c.max_pin = std::max(c.max_pin, s);
  }
  c.lo.assign(S, 0);
  c.hi.assign(S, c.n);
  int run = -1;  // last position pinned below k
  for (int k = 1; k < S; ++k) {
    run = std::max(run, max_pos[k - 1]);
    c.lo[k] = run + 1;
  }
  int first = c.n;  // first position pinned at k or later
  for (int k = S - 1; k >= 1; --k) {
    first = std::min(first, min_pos[k]);
    c.hi[k] = first;
  }
  return c;
}

}  // namespace respect
