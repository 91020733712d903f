#include "sched/lattice_common.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace respect {
namespace lattice_internal {

double StageTerm(const Problem& p, int64_t cap, int64_t dp, int64_t dmacs, int64_t xs, int64_t xt, bool last) {
  if (cap > 0 && dp > cap) return std::numeric_limits<double>::infinity();
  if (p.objective.kind != ObjectiveKind::kLatency) return static_cast<double>(dp);
  const double xin = static_cast<double>(xs);
  const double xout = last ? 0.0 : static_cast<double>(xt);
  return StageTimeS(p.edgetpu, dmacs, dp, xin + xout);
}

void SolverCore::ReadObjectiveAndSizes() {
  latency_ = p_.objective.kind == ObjectiveKind::kLatency;
  nonempty_ = p_.constraints.nonempty_stages;
  w_ = latency_ ? 0.0 : p_.objective.comm_weight;
  cap_ = p_.constraints.max_stage_param_bytes;
  param_.assign(n_, 0);
  macs_.assign(n_, 0);
  for (int v = 0; v < n_; ++v) {
    param_[v] = g_.node(v).param_bytes;
    macs_[v] = g_.node(v).macs;
    total_p_ += param_[v];
    total_macs_ += macs_[v];
  }
}

double SolverCore::RootLowerBound() const {
  if (latency_)
    return p_.edgetpu.segment_overhead_s + static_cast<double>((total_macs_ + S_ - 1) / S_) / p_.edgetpu.macs_per_s;
  int64_t per = (total_p_ + S_ - 1) / S_;
  for (int v = 0; v < n_; ++v) per = std::max(per, param_[v]);
  return static_cast<double>(per) + w_ * static_cast<double>(min_x_after_[0] + min_x_layer_[0]);
}

bool BeginSearch(const Problem& p, const Windows* windows, const Schedule* start, Windows* win, double* U,
                 LatticeResult* res) {
  if (Status v = p.Validate(); !v.ok()) {
    res->message = v.message();
    return true;
  }
  if (std::string why = p.NoScheduleReason(); !why.empty()) {
    res->outcome = LatticeResult::Outcome::kInfeasible;
    res->message = std::move(why);
    return true;
  }
  const EdgeTpuParams& tp = p.edgetpu;
  if (p.objective.kind == ObjectiveKind::kLatency &&
      (!(tp.macs_per_s > 0) || !(tp.link_bytes_per_s > 0) || !(tp.offchip_bytes_per_s > 0))) {
    res->message = "latency objective needs positive rates";
    return true;
  }
  auto w = TightenWindows(p, windows ? *windows : FullWindows(p));
  if (!w.ok()) {
    res->message = w.status().message();
    return true;
  }
  if (std::string why = EmptyWindowReason(p, *w); !why.empty()) {
    res->outcome = LatticeResult::Outcome::kInfeasible;
    res->message = std::move(why);
    return true;
  }
  *win = std::move(*w);
  *U = std::numeric_limits<double>::infinity();
  if (start && WithinWindows(*win, *start)) {
    Evaluation ev = Evaluate(p, *start);
    if (ev.feasible) {
      *U = ev.objective;
      res->start_used = true;
      res->schedule = *start;
      res->objective = ev.objective;
    }
  }
  if (p.stages == 1) {
    Schedule s;
    s.stage.assign(p.g().size(), 0);
    Evaluation ev = Evaluate(p, s);
    if (!ev.feasible) {
      res->outcome = LatticeResult::Outcome::kInfeasible;
      res->message = ev.violation;
      res->schedule = Schedule();
      return true;
    }
    res->outcome = LatticeResult::Outcome::kOptimal;
    res->start_optimal = res->start_used;
    res->schedule = s;
    res->objective = res->bound = ev.objective;
    return true;
  }
  return false;
}

void AddParetoLabel(std::vector<Label>* labels, const Label& nl) {
  std::vector<Label>& ls = *labels;
  for (const Label& o : ls)
    if (o.m <= nl.m && o.x <= nl.x) return;
  ls.erase(std::remove_if(ls.begin(), ls.end(), [&nl](const Label& o) { return nl.m <= o.m && nl.x <= o.x; }),
           ls.end());
  ls.push_back(nl);
}

std::vector<double> SearchTargets(double lb, double U) {
  std::vector<double> targets;
  auto add = [&targets, lb](double t) {
    if (t > lb && (targets.empty() || t > targets.back())) targets.push_back(t);
  };
  if (std::isfinite(U)) {
    for (double f : {0.02, 0.1, 0.35}) add(lb + f * (U - lb));
    if (targets.empty() || targets.back() < U) targets.push_back(U);
  } else {
    for (double f : {1.02, 1.1, 1.3, 2.0}) add(lb * f);
    targets.push_back(std::numeric_limits<double>::infinity());
  }
  return targets;
}

}  // namespace lattice_internal
}  // namespace respect
