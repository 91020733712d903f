#include "io/json_guard.h"

namespace respect {

Status CheckJsonNesting(const std::string& text, const std::string& origin, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth)
        return Status::Invalid(origin + ": JSON nests deeper than " + std::to_string(max_depth) + " levels at byte " +
                               std::to_string(i + 1));
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return Status::Ok();
}

std::string BriefJson(const nlohmann::json& v, size_t max_chars) {
  if (v.is_array()) return "an array of " + std::to_string(v.size()) + (v.size() == 1 ? " item" : " items");
  if (v.is_object()) return "an object of " + std::to_string(v.size()) + (v.size() == 1 ? " key" : " keys");
  std::string s = v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (s.size() > max_chars) s = s.substr(0, max_chars) + "...";
  for (char& c : s)
    if (c == '\n' || c == '\r') c = ' ';
  return s;
}

}  // namespace respect
