// Eigen aliases shared by the policy network. Matrices are column-major
// (Eigen's default); a "sequence" of n vectors of size H is an H x n matrix,
// one column per node in input order.
#pragma once

#include <Eigen/Dense>

namespace respect {

template <class S>
using PMat = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>;
template <class S>
using PVec = Eigen::Matrix<S, Eigen::Dynamic, 1>;

}  // namespace respect
