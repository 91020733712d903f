// Column and row names that every LP/MPS reader and Cbc accept: unique,
// made of [A-Za-z0-9_.], not starting with a digit, not an LP keyword.
// Internal to solver/ (used for model files and name-based MIP starts).
#pragma once

#include <string>
#include <vector>

#include "solver/milp.h"

namespace respect {

// `name` with every character outside [A-Za-z0-9_.] replaced by '_', a
// prefix if it would start with a digit or '.', `fallback` if empty.
std::string SanitizeName(const std::string& name, const std::string& fallback);

// One name per column / row: the model's names, sanitised and made unique
// (a duplicate or empty name becomes c<index> / r<index>).
std::vector<std::string> MakeColumnNames(const MilpModel& model);
std::vector<std::string> MakeRowNames(const MilpModel& model);

}  // namespace respect
