#include "core/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace respect {

namespace {
std::string Clock(double s) {
  if (!(s >= 0) || s > 359999) return "--:--";
  const int t = static_cast<int>(s + 0.5);
  char buf[32];
  if (t >= 3600) std::snprintf(buf, sizeof(buf), "%d:%02d:%02d", t / 3600, (t / 60) % 60, t % 60);
  else std::snprintf(buf, sizeof(buf), "%02d:%02d", t / 60, t % 60);
  return buf;
}
}  // namespace

Progress::Progress(std::string what, int64_t total, int64_t done)
    : what_(std::move(what)), total_(total), start_done_(done), done_(done), tty_(::isatty(2) == 1),
      t0_(SteadyClock::now()), last_(t0_ - std::chrono::hours(1)) {}

double Progress::rate_per_s() const {
  const double s = SecondsBetween(t0_, SteadyClock::now());
  return s > 0 ? static_cast<double>(done_ - start_done_) / s : 0.0;
}

void Progress::Update(int64_t done, const std::string& extra) {
  done_ = done;
  const auto now = SteadyClock::now();
  const double since = SecondsBetween(last_, now);
  if (since < (tty_ ? 0.2 : 5.0)) return;
  last_ = now;
  Draw(false, extra);
}

void Progress::Finish(const std::string& extra) { Draw(true, extra); }

void Progress::Draw(bool final_line, const std::string& extra) {
  const double rate = rate_per_s();
  const double eta = rate > 0 ? static_cast<double>(total_ - done_) / rate : -1;
  const double elapsed = SecondsBetween(t0_, SteadyClock::now());
  char line[256];
  if (tty_) {
    const int width = 30;
    const int fill = total_ > 0 ? static_cast<int>(width * done_ / total_) : width;
    std::string bar(fill, '#');
    bar.resize(width, '.');
    std::snprintf(line, sizeof(line), "\r%s [%s] %lld/%lld  %.1f/s  %s %s  %s", what_.c_str(), bar.c_str(),
                  static_cast<long long>(done_), static_cast<long long>(total_), rate,
                  final_line ? "took" : "ETA", Clock(final_line ? elapsed : eta).c_str(), extra.c_str());
    std::fprintf(stderr, "%s\033[K%s", line, final_line ? "\n" : "");
  } else {
    std::snprintf(line, sizeof(line), "%s: %lld/%lld  %.1f/s  %s %s  %s\n", what_.c_str(),
                  static_cast<long long>(done_), static_cast<long long>(total_), rate,
                  final_line ? "took" : "ETA", Clock(final_line ? elapsed : eta).c_str(), extra.c_str());
    std::fputs(line, stderr);
  }
  std::fflush(stderr);
}

SolveProgress::SolveProgress(std::string what, double quiet_s)
    : what_(std::move(what)), quiet_s_(quiet_s), tty_(::isatty(2) == 1), t0_(SteadyClock::now()),
      last_(t0_ - std::chrono::hours(1)) {}

SolveProgress::~SolveProgress() { Finish(); }

std::string SolveProgress::Format(const std::string& what, double seconds, double incumbent, double bound,
                                  const std::string& extra) {
  char inc[32] = "-", bnd[32] = "-", gap[32] = "-";
  const bool have_inc = std::isfinite(incumbent), have_bnd = std::isfinite(bound);
  if (have_inc) std::snprintf(inc, sizeof inc, "%.6g", incumbent);
  if (have_bnd) std::snprintf(bnd, sizeof bnd, "%.6g", bound);
  if (have_inc && have_bnd && incumbent != 0)
    std::snprintf(gap, sizeof gap, "%.2f%%", 100.0 * std::max(0.0, incumbent - bound) / std::fabs(incumbent));
  char line[256];
  std::snprintf(line, sizeof line, "%s: %s  incumbent %s  bound %s  gap %s", what.c_str(), Clock(seconds).c_str(),
                inc, bnd, gap);
  std::string out = line;
  if (!extra.empty()) out += "  " + extra;
  return out;
}

void SolveProgress::Update(double incumbent, double bound, const std::string& extra) {
  const auto now = SteadyClock::now();
  const double seconds = SecondsBetween(t0_, now);
  if (seconds < quiet_s_) return;
  if (SecondsBetween(last_, now) < (tty_ ? 0.2 : 5.0)) return;
  last_ = now;
  const std::string text = Format(what_, seconds, incumbent, bound, extra);
  if (tty_) {
    std::fprintf(stderr, "\r%s\033[K", text.c_str());
    live_ = true;
  } else {
    std::fprintf(stderr, "%s\n", text.c_str());
  }
  std::fflush(stderr);
  ++lines_;
}

void SolveProgress::Finish() {
  if (!live_) return;
  std::fputc('\n', stderr);  // keep the last live line
  std::fflush(stderr);
  live_ = false;
}

}  // namespace respect
