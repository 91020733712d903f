// respect-opt: the command-line entry. The only place a Status becomes an exit
// code: 0 ok, 2 bad input / infeasible / i/o, 1 internal error, and 128 +
// the signal (130 for SIGINT, 143 for SIGTERM) for a schedule or compare run
// that a signal stopped after it printed and wrote its results.
#include <CLI/CLI.hpp>
#include <signal.h>

#include <algorithm>
#include <iostream>
#include <map>

#include "app/tasks.h"
#include "config/config.h"
#include "core/parallel.h"
#include "core/signal_stop.h"
#include "io/graph_io.h"
#include "quickstart_config.h"
#include "sched/registry.h"
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
  // Under mpirun every rank that fails says so, marked with its rank.
  const std::string who = respect::dist::Size() > 1 ? "[rank " + std::to_string(respect::dist::Rank()) + "] " : "";
  // A message may quote an input (a name, a value); a hostile one can be
  // megabytes long. The line is cut, never the refusal.
  std::string msg = s.message();
  constexpr size_t kMaxMessage = 800;
  if (msg.size() > kMaxMessage)
    msg = msg.substr(0, kMaxMessage) + "... (" + std::to_string(msg.size()) + " characters, cut)";
  std::cerr << "respect-opt: error: " << who << msg << "\n";
  return ExitCode(s);
}

// Schedule or compare with Ctrl-C handling (core/signal_stop.h): the first
// SIGINT / SIGTERM stops the method under way, whose results are printed and
// written as usual; *stopped_by is the signal that stopped the run (0: none).
// A second signal ends the process at once.
respect::Status RunStoppable(const respect::Config& c, int* stopped_by) {
  const respect::StopToken stop = respect::StopToken::Make();
  const respect::SignalStop on_signal(stop);
  respect::Status s = c.task == respect::Task::kSchedule ? respect::RunScheduleTask(c, stop)
                                                        : respect::RunCompareTask(c, stop);
  *stopped_by = on_signal.signal();
  return s;
}

respect::Status Dispatch(const respect::Config& c, int* stopped_by) {
  const std::string name = respect::TaskName(c.task);  // the registry's task table
  // N ranks of another task would each do the whole job and write the same files.
  if (respect::dist::Size() > 1 && !respect::TaskRunsUnderMpi(c.task)) {
    std::string shared;  // "task label and task train", from the registry
    for (const auto& row : respect::TaskChoices())
      if (row.runs_under_mpi) shared += (shared.empty() ? "task " : " and task ") + std::string(row.name);
    return respect::Status::Invalid("task '" + name + "' runs as one process; under mpirun only " + shared +
                                    " share their work (run it without mpirun)");
  }
  switch (c.task) {
    case respect::Task::kSchedule:
    case respect::Task::kCompare: return RunStoppable(c, stopped_by);
    case respect::Task::kLabel: return respect::RunLabelTask(c);
    case respect::Task::kTrain: return respect::RunTrainTask(c);
    case respect::Task::kDeploy: return respect::RunDeployTask(c);
    case respect::Task::kDevices: return respect::RunDevicesTask(c);
    case respect::Task::kCalibrate: return respect::RunCalibrateTask(c);
  }
  return respect::Status::Internal("task '" + name + "' has no runner");
}

// Every config key is also an option (--stages 5). They are listed in the
// footer from the key table, so the formatter leaves their group out; the
// group still names them, which CLI11 needs to name an option in its errors.
const char kKeyGroup[] = "Config keys";

// CLI11 names the option but words the two common mistakes obscurely
// ("--stages: 1 required TEXT missing", "--stages: At Most 1 required but
// received 2"); say them plainly. Anything else is passed on as it is.
std::string ParseErrorText(const CLI::ParseError& e) {
  const std::string what = e.what();
  const std::string extra = "The following argument was not expected: ";
  if (what.rfind(extra, 0) == 0)
    return "unexpected argument '" + what.substr(extra.size()) +
           "': give one MODEL (several: --task compare --model [a,b])";
  const size_t colon = what.find(": ");
  if (what.rfind("--", 0) != 0 || colon == std::string::npos) return what;
  const std::string name = what.substr(0, colon), rest = what.substr(colon + 2);
  if (rest.find(" required ") != std::string::npos && rest.size() >= 8 && rest.compare(rest.size() - 8, 8, " missing") == 0)
    return name + " needs a value";
  if (rest.rfind("At Most 1 required but received ", 0) == 0) {
    const std::vector<std::string> keys = respect::ConfigKeys();
    const bool is_key = std::find(keys.begin(), keys.end(), name.substr(2)) != keys.end();
    return name + " given " + rest.substr(32) + " times; give it once" +
           (is_key ? " (a list is one value: " + name + " [a,b])" : "");
  }
  return what;
}

// Leaves out the key group (the footer lists it) and the extra blank line
// CLI11 would print in its place.
class HelpFormatter : public CLI::Formatter {
 public:
  std::string make_group(std::string group, bool is_positional, std::vector<const CLI::Option*> opts) const override {
    if (group == kKeyGroup) return "";
    return CLI::Formatter::make_group(std::move(group), is_positional, std::move(opts));
  }
  std::string make_help(const CLI::App* app, std::string name, CLI::AppFormatMode mode) const override {
    std::string help = CLI::Formatter::make_help(app, std::move(name), mode);
    for (size_t at = help.find("\n\n\n"); at != std::string::npos; at = help.find("\n\n\n", at)) help.erase(at, 1);
    return help;
  }
};

struct CommandLine {
  std::string model;  // the positional MODEL: `respect-opt model.tflite --stages 4`
  std::string config_path;
  bool list_zoo = false;
  bool config_reference = false;
  std::vector<std::string> sets;
  std::string write_lp;
  std::string write_mip_start;
  std::map<std::string, std::string> overrides;  // --KEY VALUE, by key
};

std::string QuickstartNote();

void AddOptions(CLI::App* app, CommandLine* cl) {
  app->formatter(std::make_shared<HelpFormatter>());
  app->set_version_flag("--version", "respect-opt " RESPECT_VERSION);
  app->add_option("model", cl->model,
                  "the model to schedule (file.tflite | file.json | file.gml | zoo:NAME), as --model; "
                  "without --config and --methods it is scheduled with exact alone");
  app->add_option("-c,--config", cl->config_path, "YAML config file (run.yaml)");
  app->add_flag("--list-zoo", cl->list_zoo, "list the built-in zoo models and exit");
  app->add_flag("--config-reference", cl->config_reference,
                "print the config key reference as Markdown (docs/config.md) and exit");
  app->add_option("--set", cl->sets, "override a config key: --set solver.time_limit_s=60 (repeatable)");
  app->add_option("--write-lp", cl->write_lp, "write each exact model as an LP/MPS file (same as solver.write_lp)");
  app->add_option("--write-mip-start", cl->write_mip_start,
                  "with --write-lp: write exact's MIP start for `cbc LP mipstart FILE` (same as solver.write_mip_start)");
  // CLI11 takes the next argument as the value even when it is another
  // option (--stages --methods exact); no config value starts with "--".
  const CLI::Validator not_an_option(
      [](std::string& v) { return v.rfind("--", 0) == 0 ? "needs a value (got the option " + v + ")" : std::string(); },
      "VALUE");
  for (const std::string& key : respect::ConfigKeys()) {
    app->add_option_function<std::string>(
           "--" + key, [cl, key](const std::string& v) { cl->overrides[key] = v; }, "")
        ->check(not_an_option)
        ->group(kKeyGroup);
  }
  app->footer("Config keys (YAML keys; each is also a --KEY VALUE override; a list is [a,b] or a,b):\n" +
              respect::ConfigHelp() + QuickstartNote() +
              "\nExit codes: 0 ok, 2 bad input / infeasible / i/o error, 1 internal error.");
}

// The defaults above are what a key takes when a config leaves it out; a
// run without --config takes the embedded quickstart, which sets a few.
std::string QuickstartNote() {
  auto quickstart = respect::ParseConfig(respect::kQuickstartYaml, "configs/quickstart.yaml (embedded)");
  if (!quickstart.ok()) return "";
  std::string set;
  for (const auto& [key, value] : respect::KeysDifferingFromDefaults(*quickstart))
    set += (set.empty() ? "" : ", ") + key + " " + value;
  return "\nThe defaults are for keys a config leaves out. Without --config the embedded configs/quickstart.yaml\n"
         "is the config; it sets " + set + ".\n"
         "With a positional MODEL and no --config, methods is [exact] unless --methods is given.\n";
}

// An option CLI11 does not know ("--stage 4") is refused naming the nearest
// known one, as a misspelt YAML key is. "" when every option is known.
std::string UnknownOption(const CLI::App& app, int argc, char** argv) {
  std::vector<std::string> names;
  for (const CLI::Option* o : app.get_options())
    for (const std::string& n : o->get_lnames()) names.push_back(n);
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") break;
    if (arg.size() < 3 || arg.compare(0, 2, "--") != 0) continue;
    const std::string name = arg.substr(2, arg.find('=') == std::string::npos ? std::string::npos : arg.find('=') - 2);
    if (std::find(names.begin(), names.end(), name) != names.end()) continue;
    const std::string near = respect::NearestName(name, names);
    return "unknown option --" + name + (near.empty() ? "" : " (did you mean --" + near + "?)");
  }
  return "";
}

// The config of the run: the file (or the embedded quickstart), then --set,
// then --KEY VALUE, then --write-lp, validated.
respect::StatusOr<respect::Config> BuildConfig(const CommandLine& cl) {
  respect::StatusOr<respect::Config> config =
      cl.config_path.empty() ? respect::ParseConfig(respect::kQuickstartYaml, "configs/quickstart.yaml (embedded)")
                             : respect::LoadConfigFile(cl.config_path);
  if (!config.ok()) return config.status();
  // `respect-opt model.tflite --stages 4`: the model, scheduled by exact
  // unless the command line or a config names the methods.
  if (!cl.model.empty()) {
    config->models = {cl.model};
    if (cl.config_path.empty()) config->methods = {respect::Method::kExact};
  }
  for (const std::string& kv : cl.sets) {
    const size_t eq = kv.find('=');
    if (eq == std::string::npos) return respect::Status::Invalid("--set needs KEY=VALUE, got '" + kv + "'");
    RESPECT_RETURN_IF_ERROR(respect::ApplyOverride(&*config, kv.substr(0, eq), kv.substr(eq + 1)));
  }
  for (const auto& kv : cl.overrides) RESPECT_RETURN_IF_ERROR(respect::ApplyOverride(&*config, kv.first, kv.second));
  if (!cl.write_lp.empty()) config->solver.write_lp = cl.write_lp;
  if (!cl.write_mip_start.empty()) config->solver.write_mip_start = cl.write_mip_start;
  respect::ResolveOutputPaths(&*config);
  RESPECT_RETURN_IF_ERROR(respect::ValidateConfig(*config));
  return config;
}

}  // namespace

int main(int argc, char** argv) {
  // MPI_Init under mpirun (and MPI_Finalize when main returns); nothing otherwise.
  respect::dist::Session mpi(&argc, &argv);
  if (!mpi.status().ok()) return Fail(mpi.status());
  CLI::App app{"respect-opt " RESPECT_VERSION
               " — schedule DNN graphs onto a pipeline of Edge TPUs.\n"
               "Runs the job of a YAML config (default: the embedded configs/quickstart.yaml).\n"
               "  respect-opt model.tflite --stages 4      schedule a model with exact: per-stage table\n"
               "  respect-opt --config run.yaml            run the job of a config"};
  CommandLine cl;
  AddOptions(&app, &cl);
  if (const std::string unknown = UnknownOption(app, argc, argv); !unknown.empty()) {
    std::cerr << "respect-opt: error: " << unknown << " (see --help)\n";
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "respect-opt: error: " << ParseErrorText(e) << " (see --help)\n";
    return 2;
  }
  if (cl.config_reference) {
    std::cout << respect::ConfigReferenceMarkdown();
    return 0;
  }
  if (cl.list_zoo) {
    for (const auto& z : respect::ListZooModels()) std::cout << "zoo:" << z.name << "  " << z.description << "\n";
    return 0;
  }
  respect::StatusOr<respect::Config> config = BuildConfig(cl);
  if (!config.ok()) return Fail(config.status());
  respect::Status s = respect::CheckRunPaths(cl.config_path, *config);
  int stopped_by = 0;
  if (s.ok()) s = Dispatch(*config, &stopped_by);
  if (!s.ok()) return Fail(s);
  if (stopped_by != 0) {
    std::cout << std::flush;
    std::cerr << "respect-opt: stopped by " << (stopped_by == SIGINT ? "SIGINT" : "SIGTERM")
              << ": the results above are the best found by then\n";
    return 128 + stopped_by;
  }
  return 0;
}
