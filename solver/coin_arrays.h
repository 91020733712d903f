// A MilpModel as the arrays Coin's loaders and writers take (OsiClp's
// loadProblem, CoinLpIO, CoinMpsIO). Internal to solver/.
#pragma once

#include <vector>

#include "CoinPackedMatrix.hpp"
#include "solver/milp.h"

namespace respect {

struct CoinArrays {
  int ncols = 0;                  // model columns, plus one with extra_constant_col
  std::vector<double> collb, colub, obj, rowlb, rowub;  // kMilpInf -> COIN_DBL_MAX
  std::vector<char> integer;      // 1 for integer columns
  CoinPackedMatrix matrix;        // row-wise, ncols columns
};

// extra_constant_col appends a column fixed at 1 whose cost is the model's
// objective constant (the caller names it); obj_offset is otherwise ignored.
CoinArrays ToCoinArrays(const MilpModel& model, bool extra_constant_col);

}  // namespace respect
