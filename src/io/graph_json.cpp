#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>

#include "io/graph_io.h"
#include "io/json_guard.h"

namespace respect {

using nlohmann::json;

namespace {

constexpr int64_t kMaxInt = std::numeric_limits<int64_t>::max();

// Reads an optional non-negative-or-not integer field; sizes may be written as
// floats (e.g. 1.2e6) by other tools, so accept integral floats.
Status ReadInt(const json& obj, const char* key, const std::string& where, int64_t* out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return Status::Ok();
  // An unsigned above INT64_MAX (e.g. 2^64-1) would wrap to a negative value.
  if (it->is_number_unsigned() && it->get<uint64_t>() > static_cast<uint64_t>(kMaxInt))
    return Status::Invalid(where + ": '" + key + "' is too large (" + BriefJson(*it) + " > " +
                           std::to_string(kMaxInt) + ")");
  if (it->is_number_integer()) { *out = it->get<int64_t>(); return Status::Ok(); }
  if (it->is_number_float()) {
    const double d = it->get<double>();
    // 2^63 itself is not representable: compare against it before converting.
    if (!std::isfinite(d) || std::fabs(d) >= 9223372036854775808.0)
      return Status::Invalid(where + ": '" + key + "' is out of range, got " + BriefJson(*it));
    if (d != std::floor(d))
      return Status::Invalid(where + ": '" + key + "' must be a whole number, got " + BriefJson(*it));
    *out = static_cast<int64_t>(d);
    return Status::Ok();
  }
  return Status::Invalid(where + ": '" + key + "' must be a number, got " + BriefJson(*it));
}

Status ReadId(const json& v, const std::string& where, std::string* id, bool* is_int) {
  // Beyond int64 the id is kept as text (it is written back as a string).
  if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(kMaxInt)) {
    *id = std::to_string(v.get<uint64_t>());
    *is_int = false;
    return Status::Ok();
  }
  if (v.is_number_integer()) { *id = std::to_string(v.get<int64_t>()); *is_int = true; return Status::Ok(); }
  if (v.is_string()) { *id = v.get<std::string>(); *is_int = false; return Status::Ok(); }
  return Status::Invalid(where + " must be an integer or a string, got " + BriefJson(v));
}

}  // namespace

StatusOr<Graph> ParseGraphJson(const std::string& text, const std::string& origin) {
  RESPECT_RETURN_IF_ERROR(CheckJsonNesting(text, origin));
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    // e.byte is the 1-based offset of the offending character.
    return Status::Invalid(origin + ": invalid JSON at byte " + std::to_string(e.byte));
  } catch (const json::exception& e) {
    // out_of_range for numbers such as 1e999 (not a parse_error).
    // The message quotes the number, which may be megabytes long.
    std::string what = e.what();
    if (what.size() > 160) what = what.substr(0, 160) + "...";
    return Status::Invalid(origin + ": invalid JSON: " + what);
  }
  if (!doc.is_object()) return Status::Invalid(origin + ": top level must be an object with 'nodes' and 'edges'");
  std::string name = "graph";
  if (doc.contains("name")) {
    if (!doc["name"].is_string()) return Status::Invalid(origin + ": 'name' must be a string");
    name = doc["name"].get<std::string>();
  }
  if (!doc.contains("nodes") || !doc["nodes"].is_array())
    return Status::Invalid(origin + ": 'nodes' must be an array");
  GraphBuilder b(name);
  const json& nodes = doc["nodes"];
  for (size_t i = 0; i < nodes.size(); ++i) {
    const json& jn = nodes[i];
    const std::string where = origin + ": nodes[" + std::to_string(i) + "]";
    if (!jn.is_object()) return Status::Invalid(where + " must be an object");
    if (!jn.contains("id")) return Status::Invalid(where + " has no 'id'");
    Node nd;
    RESPECT_RETURN_IF_ERROR(ReadId(jn["id"], where + ".id", &nd.id, &nd.id_is_int));
    if (jn.contains("name")) {
      if (!jn["name"].is_string()) return Status::Invalid(where + ": 'name' must be a string");
      nd.name = jn["name"].get<std::string>();
    }
    if (jn.contains("op") && !jn["op"].is_null()) {
      if (!jn["op"].is_string()) return Status::Invalid(where + ": 'op' must be a string");
      nd.op = jn["op"].get<std::string>();
    }
    if (!jn.contains("param_bytes")) return Status::Invalid(where + " has no 'param_bytes'");
    RESPECT_RETURN_IF_ERROR(ReadInt(jn, "param_bytes", where, &nd.param_bytes));
    RESPECT_RETURN_IF_ERROR(ReadInt(jn, "output_bytes", where, &nd.output_bytes));
    RESPECT_RETURN_IF_ERROR(ReadInt(jn, "macs", where, &nd.macs));
    b.AddNode(std::move(nd));
  }
  if (doc.contains("edges")) {
    const json& edges = doc["edges"];
    if (!edges.is_array()) return Status::Invalid(origin + ": 'edges' must be an array");
    for (size_t i = 0; i < edges.size(); ++i) {
      const json& je = edges[i];
      const std::string where = origin + ": edges[" + std::to_string(i) + "]";
      if (!je.is_object() || !je.contains("src") || !je.contains("dst"))
        return Status::Invalid(where + " must be an object with 'src' and 'dst'");
      std::string s, d;
      bool si, di;
      RESPECT_RETURN_IF_ERROR(ReadId(je["src"], where + ".src", &s, &si));
      RESPECT_RETURN_IF_ERROR(ReadId(je["dst"], where + ".dst", &d, &di));
      int64_t bytes = Edge::kNoBytes;
      const std::string edge_where = where + " (" + s + " -> " + d + ")";
      RESPECT_RETURN_IF_ERROR(ReadInt(je, "bytes", edge_where, &bytes));
      if (bytes < 0 && je.contains("bytes") && !je["bytes"].is_null())
        return Status::Invalid(edge_where + ": 'bytes' is negative: " + BriefJson(je["bytes"]));
      b.AddEdge(s, d, bytes);
    }
  }
  return BuildGraphFrom(b, origin);
}

StatusOr<Graph> ReadGraphJson(const std::string& path) { return ReadGraphFile(path, ParseGraphJson); }

std::string GraphToJson(const Graph& g) {
  json doc;
  doc["name"] = g.name();
  json nodes = json::array();
  for (const Node& n : g.nodes()) {
    json jn;
    if (n.id_is_int) jn["id"] = std::stoll(n.id); else jn["id"] = n.id;
    jn["name"] = n.name;
    jn["op"] = n.op;
    jn["param_bytes"] = n.param_bytes;
    jn["output_bytes"] = n.output_bytes;
    jn["macs"] = n.macs;
    nodes.push_back(std::move(jn));
  }
  json edges = json::array();
  for (const Edge& e : g.edges()) {
    const Node& s = g.node(e.src);
    const Node& d = g.node(e.dst);
    json je;
    if (s.id_is_int) je["src"] = std::stoll(s.id); else je["src"] = s.id;
    if (d.id_is_int) je["dst"] = std::stoll(d.id); else je["dst"] = d.id;
    if (e.has_bytes()) je["bytes"] = e.bytes;
    edges.push_back(std::move(je));
  }
  doc["nodes"] = std::move(nodes);
  doc["edges"] = std::move(edges);
  return doc.dump(1, ' ', false, json::error_handler_t::replace) + "\n";  // names from GML may be invalid UTF-8
}

}  // namespace respect
