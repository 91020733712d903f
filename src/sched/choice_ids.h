// The ids of the names a config chooses from: methods, exact engines, exact's
// MIP starts and tasks. Config holds these (a name is parsed once, when the
// config is loaded); the names, help and factories behind them are the rows
// of sched/registry.h and sched/engines.h. Rows registered at run time
// (RegisterMethod, RegisterEngine) take the values after the last built-in
// one.
#pragma once

namespace respect {

enum class Method : int { kHeuristic, kExact, kRl, kTwoPhase, kDpTopo, kList };
enum class Task : int { kSchedule, kCompare, kLabel, kTrain, kDeploy, kDevices, kCalibrate };
// solver.start: exact's MIP start (registry.cpp ExactWithStartSearch).
enum class StartChoice : int { kAuto, kDpTopo, kTwoPhase };
// Which exact engine solves the problem (sched/exact.h describes the
// built-in ones, sched/engines.h holds their rows).
enum class ExactEngine : int { kAuto, kCbcMain, kCbcDirect, kLattice };

}  // namespace respect
