#include "solver/model_names.h"

#include <algorithm>
#include <cctype>
#include <unordered_set>

namespace respect {

namespace {

bool IsKeyword(const std::string& s) {
  static const char* const kWords[] = {
      "min", "max", "minimize", "minimise", "maximize", "maximise", "minimum", "maximum",
      "st", "s.t.", "subject", "such", "that", "to", "bound", "bounds", "int", "integer",
      "integers", "gen", "general", "generals", "bin", "binary", "binaries", "end", "free",
      "inf", "infinity", "sec", "semi", "semis", "semi-continuous", "sos", "sos1", "sos2", "obj"};
  std::string low = s;
  std::transform(low.begin(), low.end(), low.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* w : kWords)
    if (low == w) return true;
  return false;
}

std::vector<std::string> MakeNames(const std::vector<std::string>& raw, char prefix) {
  std::vector<std::string> out(raw.size());
  std::unordered_set<std::string> used;
  // Reserve the automatic names first so that a model name never collides
  // with the fallback of another entry.
  for (size_t i = 0; i < raw.size(); ++i) {
    std::string s = SanitizeName(raw[i], "");
    if (s.empty() || IsKeyword(s) || s.size() > 90 || used.count(s)) {
      s.clear();
    } else {
      used.insert(s);
    }
    out[i] = s;
  }
  for (size_t i = 0; i < raw.size(); ++i) {
    if (!out[i].empty()) continue;
    std::string s = std::string(1, prefix) + std::to_string(i);
    while (used.count(s)) s += "_";
    used.insert(s);
    out[i] = s;
  }
  return out;
}

}  // namespace

std::string SanitizeName(const std::string& name, const std::string& fallback) {
  if (name.empty()) return fallback;
  std::string s = name;
  for (char& c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (!(std::isalnum(u) || c == '_' || c == '.')) c = '_';
  }
  if (std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '.') s = "n_" + s;
  return s;
}

std::vector<std::string> MakeColumnNames(const MilpModel& model) {
  std::vector<std::string> raw;
  raw.reserve(model.cols.size());
  for (const auto& c : model.cols) raw.push_back(c.name);
  return MakeNames(raw, 'c');
}

std::vector<std::string> MakeRowNames(const MilpModel& model) {
  std::vector<std::string> raw;
  raw.reserve(model.rows.size());
  for (const auto& r : model.rows) raw.push_back(r.name);
  return MakeNames(raw, 'r');
}

}  // namespace respect
