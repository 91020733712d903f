#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <filesystem>
#include <mutex>
#include <set>
#include <sstream>

#include "io/graph_io.h"

namespace respect {

namespace fs = std::filesystem;

namespace {
std::mutex g_protect_mu;
std::set<std::string>& Protected() {
  static std::set<std::string> paths;
  return paths;
}
std::string Canonical(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
  return ec ? path : p.string();
}
}  // namespace

void ProtectInputPath(const std::string& path) {
  std::lock_guard<std::mutex> lock(g_protect_mu);
  Protected().insert(Canonical(path));
}

Status CheckWritable(const std::string& path) {
  std::lock_guard<std::mutex> lock(g_protect_mu);
  if (Protected().count(Canonical(path)))
    return Status::Invalid("refusing to overwrite input file '" + path + "'");
  return Status::Ok();
}

Status CheckNoProtectedInputWithin(const std::string& dir) {
  std::string root = Canonical(dir);
  if (!root.empty() && root.back() != '/') root += '/';
  std::lock_guard<std::mutex> lock(g_protect_mu);
  for (const std::string& p : Protected())
    if (p + "/" == root || p.compare(0, root.size(), root) == 0)
      return Status::Invalid("refusing to replace '" + dir + "': it holds input file '" + p + "'");
  return Status::Ok();
}

Status MakeDirs(const std::string& path) {
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) return Status::Io("cannot create directory '" + path + "': " + ec.message());
  if (!fs::is_directory(path)) return Status::Io("'" + path + "' exists and is not a directory");
  return Status::Ok();
}

Status CheckReadableFile(const std::string& path) {
  std::error_code ec;
  // An ifstream or fopen of a directory succeeds on Linux and reads as empty
  // (or as a file of absurd size), so a directory must be refused up front.
  if (fs::is_directory(path, ec)) return Status::Invalid("'" + path + "' is a directory, not a file");
  return Status::Ok();
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

StatusOr<std::string> ReadTextFile(const std::string& path) {
  RESPECT_RETURN_IF_ERROR(CheckReadableFile(path));
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Io("cannot read '" + path + "': " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::Io("error while reading '" + path + "'");
  return ss.str();
}

Status WriteTextFile(const std::string& path, const std::string& content) {
  RESPECT_RETURN_IF_ERROR(CheckWritable(path));
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Status::Io("cannot write '" + path + "': " + std::strerror(errno));
    out << content;
    out.flush();
    if (!out) return Status::Io("error while writing '" + path + "'");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    return Status::Io("cannot move '" + tmp + "' to '" + path + "': " + std::strerror(errno));
  return Status::Ok();
}

}  // namespace respect
