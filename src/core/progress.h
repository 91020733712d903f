// Progress of a long job: a bar with rate and ETA on a terminal, a plain line
// every few seconds otherwise (logs, CI). Writes to stderr. Not thread-safe:
// call from one thread (the one collecting results).
#pragma once

#include <cstdint>
#include <string>

#include "core/deadline.h"

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
  SteadyClock::time_point t0_, last_;
};

// Progress of one solver run (no known total): elapsed time, incumbent,
// bound and gap, in the style of Progress. Quiet for the first `quiet_s`
// seconds (short solves print nothing); then a live line on a terminal
// (redrawn at most 5 times a second, ended by Finish) or a plain line every 5
// seconds otherwise. Writes to stderr. Not thread-safe.
class SolveProgress {
 public:
  explicit SolveProgress(std::string what, double quiet_s = 2.0);
  ~SolveProgress();  // Finish()
  // incumbent/bound: +inf / -inf (or NaN) when not known yet.
  void Update(double incumbent, double bound, const std::string& extra = "");
  void Finish();
  int lines() const { return lines_; }  // lines (or redraws) written so far

  // The text of one line, e.g. "exact (cbc): 00:12  incumbent 1.52e+08  bound
  // 8.34e+07  gap 45.1%  nodes 10"; gap "-" while either is unknown.
  static std::string Format(const std::string& what, double seconds, double incumbent, double bound,
                            const std::string& extra);

 private:
  std::string what_;
  double quiet_s_;
  bool tty_;
  bool live_ = false;  // a live line is on the terminal
  int lines_ = 0;
  SteadyClock::time_point t0_, last_;
};

}  // namespace respect
