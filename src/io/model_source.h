// Resolves the config's `model:` value into graphs:
//   file.json | file.gml | file.tflite | zoo:NAME | synthetic
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/status.h"
#include "graph/graph.h"

namespace respect {

// `synthetic` yields config.synthetic.count graphs; everything else one.
StatusOr<std::vector<std::shared_ptr<const Graph>>> LoadModel(const std::string& spec, const Config& config);

// Builds the Problem for one graph and stage count from the config.
struct Problem;
Problem MakeProblem(std::shared_ptr<const Graph> graph, int stages, const Config& config);

}  // namespace respect
