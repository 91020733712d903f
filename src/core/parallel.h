// The process group of a run: one process, or the ranks of `mpirun -np N`.
//
// Every MPI call of respect-opt is behind this facade (parallel.cpp is the
// only file that includes mpi.h). It is built with MPI when CMake finds it
// (compile definition RESPECT_HAVE_MPI on parallel.cpp only); otherwise, and
// whenever the process was not started by mpirun, it is a group of one and
// every collective is the identity.
//
// Collectives must be called by every rank in the same order (MPI's rule).
// Library code reaches them on every path, errors included: a rank that
// fails says so through AllOk (or a flag in a SumInRankOrder vector), so no
// rank waits forever for one that returned early.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace respect {
namespace dist {

// Joins the process group for the lifetime of the object: MPI_Init when the
// process was started by an MPI launcher (mpirun sets OMPI_COMM_WORLD_SIZE,
// PMI_SIZE or PMIX_RANK), nothing otherwise. Construct one in main, before
// anything else runs; its destructor calls MPI_Finalize.
class Session {
 public:
  Session(int* argc, char*** argv);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  // Not ok if the launcher started the process but MPI could not start.
  const Status& status() const { return status_; }

 private:
  Status status_;
  bool initialized_ = false;
};

int Rank();       // 0 .. Size() - 1
int Size();       // 1 without mpirun
bool IsRoot();    // Rank() == 0: the rank that writes shared files and prints progress
int LocalSize();  // ranks on this machine (for sizing thread pools)
std::string Describe();  // "1 process" | "rank 1 of 4 (Open MPI ...)"

// Blocks until every rank has arrived.
Status Barrier();

// Every rank passes a vector of the same length; afterwards every rank holds
// v_0 + v_1 + ... + v_{N-1}, added element by element in rank order on rank
// 0 (gather, sum, broadcast), so the result is bitwise the same on every
// rank and from run to run. Used for gradients: a rank's partial sum goes in
// as a whole.
Status SumInRankOrder(std::vector<double>* v);

// Replaces *bytes on every rank with root's.
Status Broadcast(std::string* bytes, int root = 0);

// Consensus on errors. Returns `local` where it is an error; otherwise ok
// if every rank passed ok, else an error naming the first failing rank (its
// code, so exit codes agree). Every rank must call it.
Status AllOk(const Status& local);

}  // namespace dist
}  // namespace respect
