// GML reader for graphs written by NetworkX (write_gml): a nested list of
// `key value` pairs where a value is a number, a "string" or a [ list ].
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <vector>

#include "io/graph_io.h"

namespace respect {

namespace {

struct GmlValue {
  enum Kind { kNumber, kString, kList } kind = kNumber;
  double number = 0;
  bool is_int = false;
  std::string text;  // the number as written
  std::string str;
  std::vector<std::pair<std::string, GmlValue>> list;

  const GmlValue* Find(const std::string& key) const {
    for (const auto& kv : list)
      if (kv.first == key) return &kv.second;
    return nullptr;
  }
};

class GmlParser {
 public:
  GmlParser(const std::string& text, const std::string& origin) : t_(text), origin_(origin) {}

  Status ParseTop(GmlValue* top) {
    top->kind = GmlValue::kList;
    RESPECT_RETURN_IF_ERROR(ParseList(top, /*nested=*/false, 0));
    return Status::Ok();
  }

 private:
  Status Err(const std::string& what) const {
    return Status::Invalid(origin_ + ": GML line " + std::to_string(line_) + ": " + what);
  }
  void SkipSpace() {
    while (pos_ < t_.size()) {
      char c = t_[pos_];
      if (c == '\n') { ++line_; ++pos_; }
      else if (std::isspace(static_cast<unsigned char>(c))) ++pos_;
      else if (c == '#') { while (pos_ < t_.size() && t_[pos_] != '\n') ++pos_; }
      else break;
    }
  }
  Status ParseList(GmlValue* out, bool nested, int depth) {
    if (depth > 64) return Err("lists nested too deeply");
    while (true) {
      SkipSpace();
      if (pos_ >= t_.size()) {
        if (nested) return Err("unexpected end of file: missing ']'");
        return Status::Ok();
      }
      if (t_[pos_] == ']') {
        if (!nested) return Err("unexpected ']'");
        ++pos_;
        return Status::Ok();
      }
      size_t start = pos_;
      while (pos_ < t_.size() && (std::isalnum(static_cast<unsigned char>(t_[pos_])) || t_[pos_] == '_')) ++pos_;
      if (start == pos_) return Err(std::string("expected a key, found '") + t_[pos_] + "'");
      std::string key = t_.substr(start, pos_ - start);
      SkipSpace();
      if (pos_ >= t_.size()) return Err("key '" + key + "' has no value");
      GmlValue v;
      char c = t_[pos_];
      if (c == '[') {
        ++pos_;
        v.kind = GmlValue::kList;
        RESPECT_RETURN_IF_ERROR(ParseList(&v, true, depth + 1));
      } else if (c == '"') {
        ++pos_;
        size_t s = pos_;
        while (pos_ < t_.size() && t_[pos_] != '"') { if (t_[pos_] == '\n') ++line_; ++pos_; }
        if (pos_ >= t_.size()) return Err("unterminated string for key '" + key + "'");
        v.kind = GmlValue::kString;
        v.str = Unescape(t_.substr(s, pos_ - s));
        ++pos_;
      } else {
        size_t s = pos_;
        while (pos_ < t_.size() && !std::isspace(static_cast<unsigned char>(t_[pos_])) && t_[pos_] != ']') ++pos_;
        std::string tok = t_.substr(s, pos_ - s);
        char* end = nullptr;
        v.number = std::strtod(tok.c_str(), &end);
        if (tok.empty() || end != tok.c_str() + tok.size())
          return Err("value of '" + key + "' is not a number, string or list: '" + tok + "'");
        v.is_int = tok.find_first_of(".eEnN") == std::string::npos;
        v.text = tok;
      }
      out->list.emplace_back(std::move(key), std::move(v));
    }
  }
  static std::string Unescape(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '&') {
        size_t semi = s.find(';', i);
        if (semi != std::string::npos) {
          std::string ent = s.substr(i + 1, semi - i - 1);
          std::string rep;
          if (ent == "amp") rep = "&";
          else if (ent == "quot") rep = "\"";
          else if (ent == "lt") rep = "<";
          else if (ent == "gt") rep = ">";
          else if (ent == "apos") rep = "'";
          else if (!ent.empty() && ent[0] == '#') {
            long code = std::strtol(ent.c_str() + 1, nullptr, 10);
            if (code > 0 && code < 128) rep = std::string(1, static_cast<char>(code));
          }
          if (!rep.empty()) { out += rep; i = semi; continue; }
        }
      }
      out += s[i];
    }
    return out;
  }

  const std::string& t_;
  const std::string& origin_;
  size_t pos_ = 0;
  int line_ = 1;
};

// llround of a value outside int64 (or NaN) is undefined; 2^63 is the first
// double that does not fit.
bool InInt64(double d) { return std::isfinite(d) && std::fabs(d) < 9223372036854775808.0; }

Status GmlInt(const GmlValue& node, const char* key, const std::string& where, int64_t* out) {
  const GmlValue* v = node.Find(key);
  if (!v) return Status::Ok();
  if (v->kind != GmlValue::kNumber || !std::isfinite(v->number))
    return Status::Invalid(where + ": '" + key + "' must be a finite number");
  if (!InInt64(v->number)) return Status::Invalid(where + ": '" + key + "' is out of range");
  *out = static_cast<int64_t>(std::llround(v->number));
  return Status::Ok();
}

// An edge's `parameter`: the bytes of the tensor it carries, a whole
// non-negative number within int64 (the ICML'24 benchmark graphs write 0 or
// a byte count). Absent: Edge::kNoBytes.
Status GmlEdgeBytes(const GmlValue& edge, const std::string& where, int64_t* out) {
  const GmlValue* v = edge.Find("parameter");
  if (!v) return Status::Ok();
  if (v->kind != GmlValue::kNumber || !std::isfinite(v->number))
    return Status::Invalid(where + ": 'parameter' must be a finite number of bytes");
  if (!InInt64(v->number)) return Status::Invalid(where + ": 'parameter' is out of range: " + v->text);
  if (v->number < 0) return Status::Invalid(where + ": 'parameter' is negative: " + v->text);
  if (v->number != std::floor(v->number))
    return Status::Invalid(where + ": 'parameter' must be a whole number of bytes, got " + v->text);
  *out = static_cast<int64_t>(v->number);
  return Status::Ok();
}

// Integral ids print as integers; other numbers (1.5, 1e300, nan) keep their
// text so they neither collide nor overflow.
std::string GmlId(const GmlValue& v) {
  if (v.kind == GmlValue::kString) return v.str;
  if (v.kind == GmlValue::kNumber) {
    if (InInt64(v.number) && v.number == std::floor(v.number))
      return std::to_string(static_cast<long long>(v.number));
    return v.text;
  }
  return "";
}

}  // namespace

StatusOr<Graph> ParseGraphGml(const std::string& text, const std::string& origin) {
  GmlValue top;
  GmlParser parser(text, origin);
  RESPECT_RETURN_IF_ERROR(parser.ParseTop(&top));
  const GmlValue* graph = top.Find("graph");
  if (!graph || graph->kind != GmlValue::kList) return Status::Invalid(origin + ": no 'graph [ ... ]' block");
  std::string name = origin;
  size_t slash = name.find_last_of('/');
  if (slash != std::string::npos) name = name.substr(slash + 1);
  size_t dot = name.find_last_of('.');
  if (dot != std::string::npos && dot > 0) name = name.substr(0, dot);
  if (const GmlValue* nm = graph->Find("name"); nm && nm->kind == GmlValue::kString && !nm->str.empty())
    name = nm->str;
  // NetworkX writes `directed 1` for a DiGraph; a dataflow graph read as
  // undirected would lose every edge direction, so it is refused.
  if (const GmlValue* d = graph->Find("directed"); d && !(d->kind == GmlValue::kNumber && d->number == 1))
    return Status::Invalid(origin + ": the graph is undirected ('directed " +
                           (d->kind == GmlValue::kNumber ? d->text : std::string("?")) +
                           "'); a DNN graph needs 'directed 1'");
  GraphBuilder b(name);
  int ni = 0, ei = 0;
  for (const auto& kv : graph->list) {
    if (kv.first == "node") {
      const std::string where = origin + ": node #" + std::to_string(ni++);
      if (kv.second.kind != GmlValue::kList) return Status::Invalid(where + " must be a [ ] block");
      const GmlValue* id = kv.second.Find("id");
      if (!id || id->kind == GmlValue::kList) return Status::Invalid(where + " has no id");
      Node nd;
      nd.id = GmlId(*id);
      nd.id_is_int = id->kind == GmlValue::kNumber && InInt64(id->number) && id->number == std::floor(id->number);
      if (const GmlValue* l = kv.second.Find("label"); l && l->kind != GmlValue::kList) nd.name = GmlId(*l);
      if (const GmlValue* o = kv.second.Find("op"); o && o->kind == GmlValue::kString) nd.op = o->str;
      const std::string w = where + " ('" + (nd.name.empty() ? nd.id : nd.name) + "')";
      RESPECT_RETURN_IF_ERROR(GmlInt(kv.second, "parameter", w, &nd.param_bytes));
      RESPECT_RETURN_IF_ERROR(GmlInt(kv.second, "param_bytes", w, &nd.param_bytes));
      RESPECT_RETURN_IF_ERROR(GmlInt(kv.second, "output_bytes", w, &nd.output_bytes));
      RESPECT_RETURN_IF_ERROR(GmlInt(kv.second, "macs", w, &nd.macs));
      b.AddNode(std::move(nd));
    } else if (kv.first == "edge") {
      const std::string where = origin + ": edge #" + std::to_string(ei++);
      if (kv.second.kind != GmlValue::kList) return Status::Invalid(where + " must be a [ ] block");
      const GmlValue* s = kv.second.Find("source");
      const GmlValue* t = kv.second.Find("target");
      if (!s || !t) return Status::Invalid(where + " needs 'source' and 'target'");
      const std::string src = GmlId(*s), dst = GmlId(*t);
      int64_t bytes = Edge::kNoBytes;
      RESPECT_RETURN_IF_ERROR(GmlEdgeBytes(kv.second, where + " (" + src + " -> " + dst + ")", &bytes));
      b.AddEdge(src, dst, bytes);
    }
  }
  return BuildGraphFrom(b, origin);
}

StatusOr<Graph> ReadGraphGml(const std::string& path) { return ReadGraphFile(path, ParseGraphGml); }

}  // namespace respect
