// Every path of a run checked before any work (issue 23): inputs registered
// with the output guard and examined, outputs checked against the inputs, so
// a bad path is refused in one line before the first progress line.
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "app/tasks.h"
#include "io/output_guard.h"
#include "policy/policy.h"
#include "policy/stage_net.h"

namespace respect {

namespace {

bool EndsWith(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

bool IsModelFile(const std::string& spec) { return spec.rfind("zoo:", 0) != 0 && spec != "synthetic"; }

// The files the task reads (besides the config file).
std::vector<std::string> InputFiles(const Config& c) {
  std::vector<std::string> in;
  for (const std::string& m : c.models)
    if (IsModelFile(m)) in.push_back(m);
  if (c.policy.weights != "random") in.push_back(ResolveWeightsPath(c.policy.weights));
  if (c.policy.window_weights != "random")
    in.push_back(c.policy.window_weights == "default" ? DefaultStageNetPath() : c.policy.window_weights);
  if (!c.deploy.schedule.empty()) in.push_back(c.deploy.schedule);
  if (c.task == Task::kCalibrate) in.push_back(c.calibrate.measurements);
  if (c.task == Task::kTrain) {
    in.push_back(c.train.dataset);
    if (!c.train.init_weights.empty()) in.push_back(c.train.init_weights);
  }
  return in;
}

// The files the task must read now: refused up front when they are not
// regular files (a missing file is left to its reader, which names the key).
std::vector<std::string> RequiredFiles(const Config& c) {
  std::vector<std::string> req;
  if (c.task == Task::kDevices) return req;
  if (c.task != Task::kLabel && c.task != Task::kTrain)
    for (const std::string& m : c.models)
      if (EndsWith(m, ".json") || EndsWith(m, ".gml") || EndsWith(m, ".tflite")) req.push_back(m);
  for (const std::string& w : {c.policy.weights, c.policy.window_weights})
    if (w != "default" && w != "random") req.push_back(w);
  if (c.task == Task::kDeploy && !c.deploy.schedule.empty()) req.push_back(c.deploy.schedule);
  if (c.task == Task::kTrain && !c.train.init_weights.empty()) req.push_back(c.train.init_weights);
  if (c.task == Task::kCalibrate) req.push_back(c.calibrate.measurements);
  return req;
}

// The fixed-name files the task writes (schedules are named after their
// graph and checked when written).
std::vector<std::string> OutputFiles(const Config& c) {
  std::vector<std::string> out;
  if (!c.solver.write_lp.empty() && c.task != Task::kLabel) out.push_back(c.solver.write_lp);
  if (!c.solver.write_mip_start.empty() && c.task != Task::kLabel) out.push_back(c.solver.write_mip_start);
  if (c.task == Task::kLabel) out.push_back(c.label.dataset);
  if (c.task == Task::kTrain) {
    out.push_back(c.train.weights_out);
    for (const char* f : {"/checkpoint.rspc", "/curve.csv", "/best_so_far.rspw"})
      out.push_back(c.train.checkpoint_dir + f);
  }
  if (c.task == Task::kCalibrate) out.push_back(c.calibrate.output);
  if (c.task == Task::kCompare)
    for (const char* f : {"/compare.csv", "/compare.json"}) out.push_back(c.output_dir + f);
  return out;
}

// output.dir must be a directory or not exist yet; a symlink loop or a
// file in its way is named as such.
Status CheckOutputDir(const std::string& dir) {
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) return Status::Invalid("output.dir '" + dir + "' exists and is not a directory");
    return Status::Ok();
  }
  if (errno == ENOENT) return Status::Ok();  // created later (a dangling part is reported then)
  return Status::Io("output.dir '" + dir + "': " + std::strerror(errno));
}

}  // namespace

Status CheckRunPaths(const std::string& config_path, const Config& c) {
  ProtectInputPath(config_path);
  for (const std::string& p : InputFiles(c)) ProtectInputPath(p);
  for (const std::string& p : RequiredFiles(c)) {
    const bool text = EndsWith(p, ".json") || EndsWith(p, ".gml") || EndsWith(p, ".csv");
    RESPECT_RETURN_IF_ERROR(CheckInputFile(p, text ? kMaxTextInputBytes : kMaxBinaryInputBytes));
  }
  if (c.task != Task::kDevices) RESPECT_RETURN_IF_ERROR(CheckOutputDir(c.output_dir));
  const std::string& lp = c.solver.write_lp;
  if (!lp.empty() && !(EndsWith(lp, ".lp") || EndsWith(lp, ".mps")))
    return Status::Invalid("key 'solver.write_lp': '" + lp + "' must end in .lp or .mps");
  const std::string& mst = c.solver.write_mip_start;
  if (!mst.empty() && !(EndsWith(mst, ".mst") || EndsWith(mst, ".sol")))
    return Status::Invalid("key 'solver.write_mip_start': '" + mst + "' must end in .mst or .sol");
  for (const std::string& p : OutputFiles(c)) RESPECT_RETURN_IF_ERROR(CheckWritable(p));
  // A deploy replaces <output.dir>/segments as a whole.
  if (c.task == Task::kDeploy) RESPECT_RETURN_IF_ERROR(CheckNoProtectedInputWithin(c.output_dir + "/segments"));
  return Status::Ok();
}

}  // namespace respect
