#include "io/model_source.h"

#include "cost/problem.h"
#include "io/graph_io.h"
#include "synthetic/synthetic.h"
#include "zoo/zoo.h"

namespace respect {

namespace {

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

// Defined in src/tflite (the TFLite frontend); declared here to keep this
// file free of flatbuffers headers.
StatusOr<Graph> LoadTfliteGraph(const std::string& path);

StatusOr<std::vector<std::shared_ptr<const Graph>>> LoadModel(const std::string& spec, const Config& config) {
  std::vector<std::shared_ptr<const Graph>> out;
  auto one = [&out](StatusOr<Graph> g) -> Status {
    if (!g.ok()) return g.status();
    out.push_back(std::make_shared<const Graph>(std::move(g).value()));
    return Status::Ok();
  };
  if (spec.rfind("zoo:", 0) == 0) {
    RESPECT_RETURN_IF_ERROR(one(BuildZooModel(spec.substr(4))));
  } else if (spec == "synthetic") {
    const SyntheticConfig& sc = config.synthetic;
    SyntheticSpec s{sc.nodes, sc.levels_min, sc.levels_max, sc.max_in_degree};
    auto family = ParseSyntheticFamily(sc.family);
    if (!family.ok()) return family.status();
    s.family = *family;
    Rng rng(sc.seed);
    for (int i = 0; i < sc.count; ++i) {
      const std::string name = "synthetic_n" + std::to_string(sc.nodes) + "_s" + std::to_string(sc.seed) +
                               (sc.count > 1 ? "_" + std::to_string(i) : "");
      RESPECT_RETURN_IF_ERROR(one(SampleSyntheticGraph(s, &rng, name)));
    }
  } else if (EndsWith(spec, ".json")) {
    RESPECT_RETURN_IF_ERROR(one(ReadGraphJson(spec)));
  } else if (EndsWith(spec, ".gml")) {
    RESPECT_RETURN_IF_ERROR(one(ReadGraphGml(spec)));
  } else if (EndsWith(spec, ".tflite")) {
    RESPECT_RETURN_IF_ERROR(one(LoadTfliteGraph(spec)));
  } else {
    return Status::Invalid("key 'model': '" + spec +
                           "' is not a .json, .gml or .tflite file, zoo:NAME or synthetic");
  }
  return out;
}

Problem MakeProblem(std::shared_ptr<const Graph> graph, int stages, const Config& config) {
  Problem p;
  p.graph = std::move(graph);
  p.stages = stages;
  p.objective = config.objective;
  p.edgetpu = config.edgetpu;
  p.constraints = config.constraints;
  return p;
}

}  // namespace respect
