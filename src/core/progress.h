// Progress of a long job: a bar with rate and ETA on a terminal, a plain line
// every few seconds otherwise (logs, CI). Writes to stderr. Not thread-safe:
// call from one thread (the one collecting results).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace respect {

class Progress {
 public:
  // `done` counts work finished before this run (resume); the rate counts
  // only this run's work.
  Progress(std::string what, int64_t total, int64_t done = 0);
  void Update(int64_t done, const std::string& extra = "");
  void Finish(const std::string& extra = "");
  double rate_per_s() const;  // this run's items per second

 private:
  void Draw(bool final_line, const std::string& extra);
  std::string what_;
  int64_t total_, start_done_, done_;
  bool tty_;
  std::chrono::steady_clock::time_point t0_, last_;
};

}  // namespace respect
