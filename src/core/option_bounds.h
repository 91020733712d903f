// The bounds of option fields that both the config's key table
// (config/config.cpp) and the options' own Validate() check: one source, so
// a value the config refuses is refused in the same words of bounds when
// code builds the options directly (tests, benchmarks, the Python module).
#pragma once

#include <cmath>
#include <string>

#include "core/status.h"

namespace respect {

struct OptionBounds {
  double min;
  double max;
  bool Contains(double v) const { return v >= min && v <= max; }  // false for NaN
};

namespace option_bounds {

inline constexpr OptionBounds kThreads{1, 256};              // solver.threads, ExactOptions/MilpOptions threads
inline constexpr OptionBounds kRelativeGap{0, 1};            // solver.relative_gap
inline constexpr OptionBounds kWindow{0, 1024};              // policy.window, TwoPhaseOptions::window
inline constexpr OptionBounds kMaxWiden{0, 64};              // policy.max_widen
inline constexpr OptionBounds kWindowBudget{0.01, 1.0};      // policy.window_budget
inline constexpr OptionBounds kWindowGroup{0, 1000000};      // policy.window_group
inline constexpr OptionBounds kBeamWidth{1, 256};            // policy.beam_width, DecodeOptions::beam_width
inline constexpr OptionBounds kSamples{1, 4096};             // policy.samples, DecodeOptions::samples
inline constexpr OptionBounds kSampleTimeS{0, 1e7};          // policy.sample_time_s, RlOptions::sample_time_s

}  // namespace option_bounds

// Ok when `v` lies in `b`; else InvalidInput "<owner>: <field> = v (must be in [min, max])".
inline Status CheckOptionBounds(const std::string& owner, const char* field, double v, OptionBounds b) {
  if (b.Contains(v)) return Status::Ok();
  auto num = [](double x) {
    std::string s = std::to_string(x);
    if (s.find('.') != std::string::npos) {
      while (!s.empty() && s.back() == '0') s.pop_back();
      if (!s.empty() && s.back() == '.') s.pop_back();
    }
    return s;
  };
  return Status::Invalid(owner + ": " + field + " = " + num(v) + " (must be in [" + num(b.min) + ", " + num(b.max) +
                         "])");
}

}  // namespace respect
