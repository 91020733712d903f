#include "solver/coin_arrays.h"

#include "CoinFinite.hpp"

namespace respect {

CoinArrays ToCoinArrays(const MilpModel& model, bool extra_constant_col) {
  CoinArrays a;
  const int nc = model.num_cols(), nr = model.num_rows();
  a.ncols = nc + (extra_constant_col ? 1 : 0);
  auto fin = [](double v) { return v == kMilpInf ? COIN_DBL_MAX : (v == -kMilpInf ? -COIN_DBL_MAX : v); };
  a.collb.assign(a.ncols, 0.0);
  a.colub.assign(a.ncols, 0.0);
  a.obj.assign(a.ncols, 0.0);
  a.integer.assign(a.ncols, 0);
  for (int c = 0; c < nc; ++c) {
    a.collb[c] = fin(model.cols[c].lb);
    a.colub[c] = fin(model.cols[c].ub);
    a.obj[c] = model.cols[c].obj;
    a.integer[c] = model.cols[c].integer ? 1 : 0;
  }
  if (extra_constant_col) {
    a.collb[nc] = a.colub[nc] = 1.0;
    a.obj[nc] = model.obj_offset;
  }
  a.rowlb.resize(nr);
  a.rowub.resize(nr);
  std::vector<CoinBigIndex> starts(nr + 1, 0);
  std::vector<int> lengths(nr), idx;
  std::vector<double> val;
  for (int r = 0; r < nr; ++r) {
    a.rowlb[r] = fin(model.rows[r].lb);
    a.rowub[r] = fin(model.rows[r].ub);
    idx.insert(idx.end(), model.rows[r].idx.begin(), model.rows[r].idx.end());
    val.insert(val.end(), model.rows[r].val.begin(), model.rows[r].val.end());
    starts[r + 1] = static_cast<CoinBigIndex>(idx.size());
    lengths[r] = static_cast<int>(model.rows[r].idx.size());
  }
  a.matrix = CoinPackedMatrix(false, a.ncols, nr, static_cast<CoinBigIndex>(idx.size()), val.data(), idx.data(),
                              starts.data(), lengths.data());
  return a;
}

}  // namespace respect
