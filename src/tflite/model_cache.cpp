#include "tflite/model_cache.h"

#include <cstdlib>
#include <filesystem>

namespace respect {

std::vector<std::string> ModelSearchDirs(const std::vector<std::string>& extra_dirs) {
  std::vector<std::string> dirs;
  if (const char* env = std::getenv("RESPECT_MODELS"); env && *env) dirs.push_back(env);
#ifdef RESPECT_SOURCE_DIR
  dirs.push_back(std::string(RESPECT_SOURCE_DIR) + "/build/models");
#endif
  for (const std::string& d : extra_dirs) dirs.push_back(d);
  return dirs;
}

std::string FindCachedModel(const std::string& file_name, const std::vector<std::string>& extra_dirs) {
  std::error_code ec;
  for (const std::string& d : ModelSearchDirs(extra_dirs)) {
    const std::filesystem::path p = std::filesystem::path(d) / file_name;
    if (std::filesystem::is_regular_file(p, ec)) return p.string();
  }
  return "";
}

}  // namespace respect
