#include "io/output_guard.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <vector>

namespace respect {

namespace fs = std::filesystem;

namespace {

// One registered input: its resolved path and, when it existed at
// registration, its device and inode.
struct InputId {
  std::string resolved;
  bool has_inode = false;
  dev_t dev = 0;
  ino_t ino = 0;
  uint64_t scope = 0;  // the ProtectedInputScope that registered it; 0 = the process
};

std::mutex g_mu;
// The innermost ProtectedInputScope of this thread (0: none).
thread_local uint64_t t_scope = 0;
std::vector<InputId>& Inputs() {
  static std::vector<InputId> inputs;
  return inputs;
}

std::string Resolved(const std::string& path) {
  std::error_code ec;
  const fs::path abs = fs::absolute(path, ec);
  if (ec) return path;
  const fs::path p = fs::weakly_canonical(abs, ec);
  return (ec ? abs : p).lexically_normal().string();
}

InputId IdOf(const std::string& path) {
  InputId id;
  id.resolved = Resolved(path);
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    id.has_inode = true;
    id.dev = st.st_dev;
    id.ino = st.st_ino;
  }
  return id;
}

bool Same(const InputId& a, const InputId& b) {
  if (a.resolved == b.resolved) return true;
  return a.has_inode && b.has_inode && a.dev == b.dev && a.ino == b.ino;
}

}  // namespace

void ProtectInputPath(const std::string& path) {
  if (path.empty()) return;
  InputId id = IdOf(path);
  id.scope = t_scope;
  std::lock_guard<std::mutex> lock(g_mu);
  Inputs().push_back(std::move(id));
}

void ClearProtectedInputs() {
  std::lock_guard<std::mutex> lock(g_mu);
  Inputs().clear();
}

ProtectedInputScope::ProtectedInputScope() : outer_(t_scope) {
  static std::atomic<uint64_t> next{1};
  id_ = next.fetch_add(1);
  t_scope = id_;
}

ProtectedInputScope::~ProtectedInputScope() {
  t_scope = outer_;
  std::lock_guard<std::mutex> lock(g_mu);
  std::vector<InputId>& in = Inputs();
  in.erase(std::remove_if(in.begin(), in.end(), [this](const InputId& i) { return i.scope == id_; }), in.end());
}

Status CheckWritable(const std::string& path) {
  const InputId id = IdOf(path);
  std::lock_guard<std::mutex> lock(g_mu);
  for (const InputId& in : Inputs())
    if (Same(in, id)) return Status::Invalid("refusing to overwrite input file '" + path + "'");
  return Status::Ok();
}

Status CheckNoProtectedInputWithin(const std::string& dir) {
  std::string root = Resolved(dir);
  if (!root.empty() && root.back() != '/') root += '/';
  std::lock_guard<std::mutex> lock(g_mu);
  for (const InputId& in : Inputs()) {
    const std::string& p = in.resolved;
    if (p + "/" == root || p.compare(0, root.size(), root) == 0)
      return Status::Invalid("refusing to replace '" + dir + "': it holds input file '" + p + "'");
  }
  return Status::Ok();
}

std::string TempPathFor(const std::string& path) {
  static std::atomic<uint64_t> counter{0};
  static const uint64_t salt = [] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) ^ rd();
  }();
  const uint64_t n = counter.fetch_add(1);
  char buf[64];
  std::snprintf(buf, sizeof(buf), ".tmp.%ld.%llu.%08llx", static_cast<long>(::getpid()),
                static_cast<unsigned long long>(n),
                static_cast<unsigned long long>((salt ^ (n * 0x9E3779B97F4A7C15ULL)) & 0xFFFFFFFFULL));
  return path + buf;
}

namespace {

// Creates a fresh temporary beside `path` (never an input, never an existing
// file); -1 and `err` set on failure.
int OpenFreshTemp(const std::string& path, std::string* tmp, Status* err) {
  for (int attempt = 0; attempt < 16; ++attempt) {
    *tmp = TempPathFor(path);
    if (!CheckWritable(*tmp).ok()) continue;
    const int fd = ::open(tmp->c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) return fd;
    if (errno != EEXIST) {
      *err = Status::Io("cannot write '" + path + "': " + std::strerror(errno));
      return -1;
    }
  }
  *err = Status::Io("cannot write '" + path + "': no free temporary name");
  return -1;
}

bool WriteAll(int fd, const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

Status WriteFileAtomic(const std::string& path, const std::string& bytes) {
  RESPECT_RETURN_IF_ERROR(CheckWritable(path));
  std::string tmp;
  Status err;
  const int fd = OpenFreshTemp(path, &tmp, &err);
  if (fd < 0) return err;
  const bool wrote = WriteAll(fd, bytes);
  const int saved = errno;
  const bool closed = ::close(fd) == 0;
  if (!wrote || !closed) {
    ::unlink(tmp.c_str());
    return Status::Io("error while writing '" + path + "': " + std::strerror(wrote ? errno : saved));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    return Status::Io("cannot write '" + path + "': " + why);
  }
  return Status::Ok();
}

Status CheckInputFile(const std::string& path, uint64_t max_bytes) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    const int err = errno;
    std::string where;  // a config's relative paths are from where respect-opt runs, not from the config
    char cwd[4096];
    if (err == ENOENT && !path.empty() && path[0] != '/' && ::getcwd(cwd, sizeof(cwd)))
      where = " (relative paths are taken from the current directory, " + std::string(cwd) + ")";
    return Status::Io("cannot read '" + path + "': " + std::strerror(err) + where);
  }
  if (S_ISDIR(st.st_mode)) return Status::Invalid("'" + path + "' is a directory, not a file");
  if (!S_ISREG(st.st_mode))
    return Status::Invalid("'" + path + "' is not a regular file (a device, FIFO or socket); give a file");
  if (static_cast<uint64_t>(st.st_size) > max_bytes)
    return Status::Invalid("'" + path + "' has " + std::to_string(st.st_size) + " bytes, above the limit of " +
                           std::to_string(max_bytes));
  return Status::Ok();
}

StatusOr<std::string> ReadInputFile(const std::string& path, uint64_t max_bytes) {
  RESPECT_RETURN_IF_ERROR(CheckInputFile(path, max_bytes));
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Io("cannot read '" + path + "': " + std::strerror(errno));
  std::string out;
  char chunk[1 << 16];
  while (in) {
    in.read(chunk, sizeof(chunk));
    out.append(chunk, static_cast<size_t>(in.gcount()));
    if (out.size() > max_bytes)
      return Status::Invalid("'" + path + "' grew above the limit of " + std::to_string(max_bytes) + " bytes");
  }
  if (in.bad()) return Status::Io("error while reading '" + path + "'");
  return out;
}

bool ProcessIsGone(long pid) {
  if (pid <= 0) return false;
  return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

}  // namespace respect
