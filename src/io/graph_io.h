// Graph file formats: JSON (the interchange format, docs/formats.md), GML as
// NetworkX writes it, and DOT output. Readers return a one-line error naming
// the culprit (file, key or node) and never throw.
#pragma once

#include <string>

#include "core/status.h"
#include "cost/problem.h"
#include "graph/graph.h"
#include "io/output_guard.h"

namespace respect {

StatusOr<Graph> ParseGraphJson(const std::string& text, const std::string& origin);
StatusOr<Graph> ReadGraphJson(const std::string& path);
std::string GraphToJson(const Graph& g);

// NetworkX GML: node `id`, `label` (name), `parameter` (param bytes; also
// `param_bytes`), optional `output_bytes`/`macs`/`op`; edge `source`, `target`,
// `parameter` (the edge's tensor bytes, Edge::bytes: whole, >= 0).
StatusOr<Graph> ParseGraphGml(const std::string& text, const std::string& origin);
StatusOr<Graph> ReadGraphGml(const std::string& path);

// DOT, laid out left to right: nodes in columns of about sqrt(2n), top to
// bottom in topological order. When `stage` is non-null nodes are filled with
// their stage's colour, grouped in one cluster per stage (stage 0 leftmost),
// and edges between stages are red. Labels: name, op, parameter MiB, one per
// line (DOT's \n escape; quotes and backslashes in names are escaped).
std::string GraphToDot(const Graph& g, const std::vector<int>* stage = nullptr, int stages = 0);

// Small file helpers shared by readers and writers.
// Invalid unless `path` is a regular file of at most kMaxBinaryInputBytes
// (every reader calls this or ReadTextFile first; see output_guard.h).
Status CheckReadableFile(const std::string& path);
// Reads a whole text file of at most `max_bytes`; a directory, device or
// FIFO is Invalid, an unreadable file Io.
StatusOr<std::string> ReadTextFile(const std::string& path, uint64_t max_bytes = kMaxTextInputBytes);
// What the graph readers share: b.Build() with its error put in the context
// of `origin`; the graph of file `path`, read whole and given to
// parse(text, path).
StatusOr<Graph> BuildGraphFrom(const GraphBuilder& b, const std::string& origin);
StatusOr<Graph> ReadGraphFile(const std::string& path,
                              StatusOr<Graph> (*parse)(const std::string& text, const std::string& origin));
// `name` made safe as one file name component inside an output directory:
// every character outside [A-Za-z0-9._+=-] becomes '_', leading dots become
// '_' (so "..", "../x" or "/etc/x" can never leave the directory), at most
// 200 characters, never empty.
std::string SafeFileStem(const std::string& name);
// Writes atomically (WriteFileAtomic: unique temporary + rename). Refuses to
// write over any path registered with ProtectInputPath.
Status WriteTextFile(const std::string& path, const std::string& content);
// Creates a directory and its parents (like mkdir -p).
Status MakeDirs(const std::string& path);

}  // namespace respect
