// Guards for JSON input (graph JSON, schedule JSON): a nesting cap checked on
// the raw text before nlohmann parses it (a value nested 10^6 deep would
// otherwise overflow the stack when it is destroyed or printed), and a
// one-line, bounded, non-recursive rendering of a value for error messages.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "core/status.h"

namespace respect {

// Deepest array/object nesting any respect-opt JSON input needs is 3.
inline constexpr int kMaxJsonDepth = 64;

// Invalid ("<origin>: JSON nests deeper than N levels at byte B") when `text`
// opens more than `max_depth` arrays/objects at once (strings are skipped).
Status CheckJsonNesting(const std::string& text, const std::string& origin, int max_depth = kMaxJsonDepth);

// A value for an error message: scalars as JSON, cut to `max_chars` with
// "..."; arrays and objects only by kind and size ("an array of 3 items"),
// never by their contents.
std::string BriefJson(const nlohmann::json& v, size_t max_chars = 40);

}  // namespace respect
