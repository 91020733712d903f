#include <filesystem>

#include "io/graph_io.h"

namespace respect {

namespace fs = std::filesystem;

Status MakeDirs(const std::string& path) {
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) return Status::Io("cannot create directory '" + path + "': " + ec.message());
  if (!fs::is_directory(path)) return Status::Io("'" + path + "' exists and is not a directory");
  return Status::Ok();
}

Status CheckReadableFile(const std::string& path) {
  return CheckInputFile(path, kMaxBinaryInputBytes);
}

std::string SafeFileStem(const std::string& name) {
  std::string out;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '-' || c == '.' || c == '+' || c == '=';
    out += ok ? c : '_';
  }
  // A leading dot would hide the file or, as "..", name the parent directory.
  for (char& c : out) {
    if (c != '.') break;
    c = '_';
  }
  if (out.size() > 200) out.resize(200);
  return out.empty() ? "_" : out;
}

StatusOr<Graph> BuildGraphFrom(const GraphBuilder& b, const std::string& origin) {
  auto g = b.Build();
  if (!g.ok()) return g.status().WithContext(origin);
  return g;
}

StatusOr<Graph> ReadGraphFile(const std::string& path,
                              StatusOr<Graph> (*parse)(const std::string& text, const std::string& origin)) {
  auto text = ReadTextFile(path);
  if (!text.ok()) return text.status();
  return parse(*text, path);
}

StatusOr<std::string> ReadTextFile(const std::string& path, uint64_t max_bytes) {
  return ReadInputFile(path, max_bytes);
}

Status WriteTextFile(const std::string& path, const std::string& content) {
  return WriteFileAtomic(path, content);
}

}  // namespace respect
