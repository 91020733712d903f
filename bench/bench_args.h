// Command-line and model helpers shared by the benchmark programs (bench/ only).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "zoo/zoo.h"

namespace respect {
namespace bench {

// The RESPECT paper's Table I models, in its order.
inline const std::vector<std::string>& TableIModels() {
  static const std::vector<std::string> kModels = {"xception",    "resnet50",    "resnet101",   "resnet152",
                                                   "densenet121", "resnet101v2", "resnet152v2", "densenet169",
                                                   "densenet201", "inception_resnet_v2"};
  return kModels;
}

// "a,b,,c" -> {"a", "b", "c"}.
inline std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

// The value after option argv[*i], advancing *i; a missing value ends the
// benchmark with a one-line message and exit code 2.
inline std::string NextArg(int argc, char** argv, int* i) {
  if (*i + 1 >= argc) {
    std::fprintf(stderr, "%s needs a value\n", argv[*i]);
    std::exit(2);
  }
  return argv[++*i];
}

// Zoo model `name` as a shared graph; nullptr, after a line on stderr, when
// it cannot be built.
inline std::shared_ptr<const Graph> ZooGraph(const std::string& name) {
  auto built = BuildZooModel(name);
  if (!built.ok()) {
    std::fprintf(stderr, "%s: %s\n", name.c_str(), built.status().message().c_str());
    return nullptr;
  }
  return std::make_shared<const Graph>(std::move(*built));
}

}  // namespace bench
}  // namespace respect
