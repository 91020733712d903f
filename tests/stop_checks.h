// A stop requested from another thread, for the suites that check how a
// scheduler ends under Scheduler::RunUntil (tests only).
#pragma once

#include <chrono>
#include <thread>

#include "core/stop_token.h"
#include "sched/scheduler.h"

namespace respect {
namespace stop_checks {

// Runs `scheduler` on `problem` under a fresh token that a second thread
// requests `delay` after the start; returns when the run does.
inline StatusOr<ScheduleResult> RunStoppedAfter(Scheduler& scheduler, const Problem& problem,
                                                std::chrono::milliseconds delay) {
  const StopToken stop = StopToken::Make();
  std::thread stopper([stop, delay] {
    std::this_thread::sleep_for(delay);
    stop.Request();
  });
  auto r = scheduler.RunUntil(problem, stop);
  stopper.join();
  return r;
}

}  // namespace stop_checks
}  // namespace respect
