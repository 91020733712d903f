// respect-opt: the command-line entry. The only place a Status becomes an exit
// code: 0 ok, 2 bad input / infeasible / i/o, 1 internal error.
#include <CLI/CLI.hpp>

#include <iostream>
#include <map>

#include "app/tasks.h"
#include "config/config.h"
#include "io/graph_io.h"
#include "quickstart_config.h"
#include "zoo/zoo.h"

namespace {

int ExitCode(const respect::Status& s) {
  switch (s.code()) {
    case respect::StatusCode::kOk: return 0;
    case respect::StatusCode::kInternal: return 1;
    default: return 2;
  }
}

int Fail(const respect::Status& s) {
  std::cerr << "respect-opt: error: " << s.message() << "\n";
  return ExitCode(s);
}

respect::Status Dispatch(const respect::Config& c) {
  if (c.task == "schedule") return respect::RunScheduleTask(c);
  if (c.task == "compare") return respect::RunCompareTask(c);
  if (c.task == "label") return respect::RunLabelTask(c);
  if (c.task == "train") return respect::RunTrainTask(c);
  if (c.task == "deploy") return respect::RunDeployTask(c);
  if (c.task == "devices") return respect::RunDevicesTask(c);
  return respect::Status::Invalid("unknown task '" + c.task + "'");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"respect-opt " RESPECT_VERSION
               " — schedule DNN graphs onto a pipeline of Edge TPUs.\n"
               "Runs the job of a YAML config (default: the embedded configs/quickstart.yaml)."};
  app.set_version_flag("--version", "respect-opt " RESPECT_VERSION);
  std::string config_path;
  bool list_zoo = false;
  std::vector<std::string> sets;
  std::string write_lp;
  app.add_option("-c,--config", config_path, "YAML config file (run.yaml)");
  app.add_flag("--list-zoo", list_zoo, "list the built-in zoo models and exit");
  app.add_option("--set", sets, "override a config key: --set solver.time_limit_s=60 (repeatable)");
  app.add_option("--write-lp", write_lp, "write each exact model as an LP/MPS file (same as solver.write_lp)");
  // Every config key is also a flag: --stages 5, --solver.time_limit_s 60.
  std::map<std::string, std::string> overrides;
  for (const std::string& key : respect::ConfigKeys()) {
    app.add_option_function<std::string>(
           "--" + key, [&overrides, key](const std::string& v) { overrides[key] = v; }, "")
        ->group("");  // listed below, from the config table
  }
  app.footer("Config keys (YAML keys; each is also a --KEY VALUE override):\n" + respect::ConfigHelp() +
             "\nExit codes: 0 ok, 2 bad input / infeasible / i/o error, 1 internal error.");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "respect-opt: error: " << e.what() << " (see --help)\n";
    return 2;
  }
  if (list_zoo) {
    for (const auto& z : respect::ListZooModels()) std::cout << "zoo:" << z.name << "  " << z.description << "\n";
    return 0;
  }
  respect::StatusOr<respect::Config> config =
      config_path.empty() ? respect::ParseConfig(respect::kQuickstartYaml, "configs/quickstart.yaml (embedded)")
                          : respect::LoadConfigFile(config_path);
  if (!config.ok()) return Fail(config.status());
  for (const std::string& kv : sets) {
    const size_t eq = kv.find('=');
    if (eq == std::string::npos) return Fail(respect::Status::Invalid("--set needs KEY=VALUE, got '" + kv + "'"));
    respect::Status s = respect::ApplyOverride(&*config, kv.substr(0, eq), kv.substr(eq + 1));
    if (!s.ok()) return Fail(s);
  }
  for (const auto& kv : overrides) {
    respect::Status s = respect::ApplyOverride(&*config, kv.first, kv.second);
    if (!s.ok()) return Fail(s);
  }
  if (!write_lp.empty()) config->solver.write_lp = write_lp;
  respect::Status v = respect::ValidateConfig(*config);
  if (!v.ok()) return Fail(v);
  // Inputs are never overwritten: register every file the run reads.
  if (!config_path.empty()) respect::ProtectInputPath(config_path);
  for (const std::string& m : config->models) respect::ProtectInputPath(m);
  if (!config->deploy.schedule.empty()) respect::ProtectInputPath(config->deploy.schedule);
  if (config->policy.weights != "default") respect::ProtectInputPath(config->policy.weights);
  respect::Status s = Dispatch(*config);
  if (!s.ok()) return Fail(s);
  return 0;
}
