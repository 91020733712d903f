// Graph file formats: JSON (the interchange format, docs/formats.md), GML as
// NetworkX writes it, and DOT output. Readers return a one-line error naming
// the culprit (file, key or node) and never throw.
#pragma once

#include <string>

#include "core/status.h"
#include "cost/problem.h"
#include "graph/graph.h"

namespace respect {

StatusOr<Graph> ParseGraphJson(const std::string& text, const std::string& origin);
StatusOr<Graph> ReadGraphJson(const std::string& path);
std::string GraphToJson(const Graph& g);

// NetworkX GML: node `id`, `label` (name), `parameter` (param bytes; also
// `param_bytes`), optional `output_bytes`/`macs`/`op`; edge `source`, `target`,
// `parameter` (kept as Edge::weight).
StatusOr<Graph> ParseGraphGml(const std::string& text, const std::string& origin);
StatusOr<Graph> ReadGraphGml(const std::string& path);

// DOT, laid out left to right: nodes in columns of about sqrt(2n), top to
// bottom in topological order. When `stage` is non-null nodes are filled with
// their stage's colour, grouped in one cluster per stage (stage 0 leftmost),
// and edges between stages are red. Labels: name, op, parameter MiB, one per
// line (DOT's \n escape; quotes and backslashes in names are escaped).
std::string GraphToDot(const Graph& g, const std::vector<int>* stage = nullptr, int stages = 0);

// Small file helpers shared by readers and writers.
StatusOr<std::string> ReadTextFile(const std::string& path);
// Writes atomically (temp file + rename). Refuses to write over any path
// registered with ProtectInputPath (inputs are never overwritten).
Status WriteTextFile(const std::string& path, const std::string& content);

// Registers an input file that no writer may replace. Thread-safe.
void ProtectInputPath(const std::string& path);
// Invalid if `path` names a protected input (same file, by canonical path).
Status CheckWritable(const std::string& path);
// Creates a directory and its parents (like mkdir -p).
Status MakeDirs(const std::string& path);

}  // namespace respect
