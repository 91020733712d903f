// The one place that decides whether a path may be written, and the one
// place that reads input files.
//
// Contract:
// - Every path a run reads is registered with ProtectInputPath before any
//   work (main does it for the config, models, weights, datasets, init
//   weights and deploy schedule). Inputs are compared by identity: resolved
//   path (weakly_canonical) and, where the file exists, device + inode, so a
//   hard link, a symlink or "./x" vs "x" are the same input.
// - CheckWritable(path) is Invalid when `path` is an input. Every writer
//   calls it (WriteFileAtomic does), for its final name and its temporary.
// - Temporary names (TempPathFor) carry pid, a process counter and random
//   bits, are created with O_EXCL (an existing file is never truncated) and
//   are removed when the write fails.
// - Input files must be regular files (after symlinks) of bounded size:
//   /dev/zero, a FIFO or a directory are refused before reading.
// Thread-safe. Nothing here exits or throws.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"

namespace respect {

// Size caps for input files (refused above, one line).
inline constexpr uint64_t kMaxTextInputBytes = uint64_t{256} << 20;   // graphs, schedules
inline constexpr uint64_t kMaxConfigBytes = uint64_t{1} << 20;        // YAML configs
inline constexpr uint64_t kMaxBinaryInputBytes = uint64_t{2} << 30;   // .tflite, weights, datasets

// Registers an input file that no writer may replace. Inside a
// ProtectedInputScope (on this thread) the registration ends with the scope;
// otherwise it lasts as long as the process (the CLI: one run per process).
void ProtectInputPath(const std::string& path);
// Forgets every registered input (tests only).
void ClearProtectedInputs();

// The inputs of one run inside a long-lived process (a Python API call): the
// paths registered on this thread while the scope lives are forgotten when it
// ends, so a file one call read may be written by a later call. Inputs of
// other threads' scopes stay protected meanwhile (every registered input is
// checked by CheckWritable, whoever registered it). Scopes nest; not
// copyable. The thread that makes a scope must register its inputs itself
// (worker threads it starts register process-wide inputs).
class ProtectedInputScope {
 public:
  ProtectedInputScope();
  ~ProtectedInputScope();
  ProtectedInputScope(const ProtectedInputScope&) = delete;
  ProtectedInputScope& operator=(const ProtectedInputScope&) = delete;

 private:
  uint64_t id_;
  uint64_t outer_;
};
// Invalid if `path` names a protected input (same resolved path or same file).
Status CheckWritable(const std::string& path);
// Invalid if a protected input is `dir` or lies inside it (for writers that
// replace a whole directory).
Status CheckNoProtectedInputWithin(const std::string& dir);

// A fresh temporary name beside `path`: "<path>.tmp.<pid>.<counter>.<random>".
std::string TempPathFor(const std::string& path);
// Writes `bytes` to `path` atomically: a fresh temporary (O_EXCL, never an
// input), then rename. The temporary is removed on any failure. Refuses when
// `path` is an input.
Status WriteFileAtomic(const std::string& path, const std::string& bytes);

// Ok when `path` is a regular file (after symlinks) of at most `max_bytes`;
// Invalid for a directory, device, FIFO or socket, or a file too large; Io
// when it cannot be examined (missing, no permission).
Status CheckInputFile(const std::string& path, uint64_t max_bytes);
// CheckInputFile, then the whole file (refused if it grows past max_bytes).
StatusOr<std::string> ReadInputFile(const std::string& path, uint64_t max_bytes);

// True when process `pid` no longer exists (for stale temporaries).
bool ProcessIsGone(long pid);

}  // namespace respect
