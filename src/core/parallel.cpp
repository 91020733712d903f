#include "core/parallel.h"

#include <cstdint>
#include <cstdlib>

#ifdef RESPECT_HAVE_MPI
#include <mpi.h>
#endif

namespace respect {
namespace dist {

namespace {

int g_rank = 0;
int g_size = 1;
int g_local_size = 1;

bool LaunchedByMpi() {
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"})
    if (std::getenv(var) != nullptr) return true;
  return false;
}

#ifdef RESPECT_HAVE_MPI
Status Check(int rc, const char* what) {
  if (rc == MPI_SUCCESS) return Status::Ok();
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(rc, text, &len);
  return Status::Internal(std::string(what) + " failed: " + std::string(text, static_cast<size_t>(len)));
}
#endif

}  // namespace

Session::Session(int* argc, char*** argv) {
  if (!LaunchedByMpi()) return;
#ifdef RESPECT_HAVE_MPI
  // Worker threads never call MPI; only the main thread does.
  int provided = 0;
  status_ = Check(MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  if (!status_.ok()) return;
  initialized_ = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
  MPI_Comm local;
  if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &local) == MPI_SUCCESS) {
    MPI_Comm_size(local, &g_local_size);
    MPI_Comm_free(&local);
  }
#else
  (void)argc;
  (void)argv;
  status_ = Status::Invalid("started by mpirun, but this respect-opt was built without MPI "
                            "(install libopenmpi-dev: scripts/setup.sh, then rebuild)");
#endif
}

Session::~Session() {
#ifdef RESPECT_HAVE_MPI
  if (initialized_) MPI_Finalize();
#endif
  g_rank = 0;
  g_size = 1;
  g_local_size = 1;
}

int Rank() { return g_rank; }
int Size() { return g_size; }
bool IsRoot() { return g_rank == 0; }
int LocalSize() { return g_local_size; }

std::string Describe() {
  if (g_size == 1) return "1 process";
  std::string s = "rank " + std::to_string(g_rank) + " of " + std::to_string(g_size);
#ifdef RESPECT_HAVE_MPI
  char version[MPI_MAX_LIBRARY_VERSION_STRING];
  int len = 0;
  if (MPI_Get_library_version(version, &len) == MPI_SUCCESS) {
    std::string v(version, static_cast<size_t>(len));
    const size_t comma = v.find(',');
    s += " (" + v.substr(0, comma) + ")";
  }
#endif
  return s;
}

Status Barrier() {
  if (g_size == 1) return Status::Ok();
#ifdef RESPECT_HAVE_MPI
  return Check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier");
#else
  return Status::Ok();
#endif
}

Status SumInRankOrder(std::vector<double>* v) {
  if (g_size == 1) return Status::Ok();
#ifdef RESPECT_HAVE_MPI
  const size_t n = v->size();
  if (n > static_cast<size_t>(INT32_MAX) / static_cast<size_t>(g_size))
    return Status::Internal("SumInRankOrder: vector too long");
  std::vector<double> all;
  if (g_rank == 0) all.resize(n * static_cast<size_t>(g_size));
  RESPECT_RETURN_IF_ERROR(Check(MPI_Gather(v->data(), static_cast<int>(n), MPI_DOUBLE, all.data(),
                                           static_cast<int>(n), MPI_DOUBLE, 0, MPI_COMM_WORLD),
                                "MPI_Gather"));
  if (g_rank == 0) {
    for (int r = 1; r < g_size; ++r) {
      const double* part = all.data() + static_cast<size_t>(r) * n;
      for (size_t i = 0; i < n; ++i) (*v)[i] += part[i];
    }
  }
  return Check(MPI_Bcast(v->data(), static_cast<int>(n), MPI_DOUBLE, 0, MPI_COMM_WORLD), "MPI_Bcast");
#else
  return Status::Ok();
#endif
}

Status Broadcast(std::string* bytes, int root) {
  if (g_size == 1) return Status::Ok();
#ifdef RESPECT_HAVE_MPI
  unsigned long long size = bytes->size();
  RESPECT_RETURN_IF_ERROR(Check(MPI_Bcast(&size, 1, MPI_UNSIGNED_LONG_LONG, root, MPI_COMM_WORLD), "MPI_Bcast"));
  if (size > static_cast<unsigned long long>(INT32_MAX)) return Status::Internal("Broadcast: message too long");
  bytes->resize(static_cast<size_t>(size));
  return Check(MPI_Bcast(&(*bytes)[0], static_cast<int>(size), MPI_CHAR, root, MPI_COMM_WORLD), "MPI_Bcast");
#else
  return Status::Ok();
#endif
}

Status AllOk(const Status& local) {
  if (g_size == 1) return local;
  // Slot r holds rank r's status code (0 = ok).
  std::vector<double> codes(static_cast<size_t>(g_size), 0.0);
  codes[static_cast<size_t>(g_rank)] = static_cast<double>(static_cast<int>(local.code()));
  RESPECT_RETURN_IF_ERROR(SumInRankOrder(&codes));
  if (!local.ok()) return local;
  for (int r = 0; r < g_size; ++r) {
    const int code = static_cast<int>(codes[static_cast<size_t>(r)]);
    if (code == 0) continue;
    const std::string msg = "rank " + std::to_string(r) + " failed (its message is above)";
    switch (static_cast<StatusCode>(code)) {
      case StatusCode::kInvalidInput: return Status::Invalid(msg);
      case StatusCode::kIoError: return Status::Io(msg);
      default: return Status::Internal(msg);
    }
  }
  return Status::Ok();
}

}  // namespace dist
}  // namespace respect
