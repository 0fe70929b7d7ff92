#include "ranks.h"

#include <cstdlib>
#include <vector>

#ifdef CANOPY_WITH_MPI
#include <mpi.h>
#endif

namespace canopy {
namespace {

Ranks* g_ranks = nullptr;

#ifdef CANOPY_WITH_MPI
// Launchers that set these: Open MPI's mpirun (OMPI_*), PMIx and PMI
// (Slurm's srun, MPICH's Hydra).
bool launched_by_mpi() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE"})
    if (std::getenv(v) != nullptr) return true;
  return false;
}
#endif

}  // namespace

Ranks& Ranks::init([[maybe_unused]] int& argc, [[maybe_unused]] char**& argv) {
  static Ranks ranks;
  g_ranks = &ranks;
#ifdef CANOPY_WITH_MPI
  if (launched_by_mpi() && !ranks.mpi_) {
    MPI_Init(&argc, &argv);
    ranks.mpi_ = true;
    MPI_Comm_rank(MPI_COMM_WORLD, &ranks.rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &ranks.size_);
  }
#endif
  return ranks;
}

Ranks& Ranks::get() {
  if (g_ranks == nullptr) {
    static Ranks single;
    return single;
  }
  return *g_ranks;
}

Ranks::~Ranks() {
#ifdef CANOPY_WITH_MPI
  if (mpi_) MPI_Finalize();
#endif
}

void Ranks::barrier() const {
#ifdef CANOPY_WITH_MPI
  if (mpi_) MPI_Barrier(MPI_COMM_WORLD);
#endif
}

bool Ranks::any(bool mine) const {
#ifdef CANOPY_WITH_MPI
  if (mpi_) {
    int in = mine ? 1 : 0, out = 0;
    MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return out != 0;
  }
#endif
  return mine;
}

std::string Ranks::gather(const std::string& mine) const {
#ifdef CANOPY_WITH_MPI
  if (mpi_) {
    int n = static_cast<int>(mine.size());
    std::vector<int> sizes(static_cast<size_t>(size_)), offsets(static_cast<size_t>(size_));
    MPI_Gather(&n, 1, MPI_INT, sizes.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
    std::string all;
    if (rank_ == 0) {
      int total = 0;
      for (int r = 0; r < size_; ++r) {
        offsets[static_cast<size_t>(r)] = total;
        total += sizes[static_cast<size_t>(r)];
      }
      all.resize(static_cast<size_t>(total));
    }
    MPI_Gatherv(mine.data(), n, MPI_CHAR, all.data(), sizes.data(), offsets.data(), MPI_CHAR, 0,
                MPI_COMM_WORLD);
    return all;
  }
#endif
  return mine;
}

std::string Ranks::broadcast(const std::string& from_root) const {
#ifdef CANOPY_WITH_MPI
  if (mpi_) {
    int n = static_cast<int>(from_root.size());
    MPI_Bcast(&n, 1, MPI_INT, 0, MPI_COMM_WORLD);
    std::string out = rank_ == 0 ? from_root : std::string(static_cast<size_t>(n), '\0');
    MPI_Bcast(out.data(), n, MPI_CHAR, 0, MPI_COMM_WORLD);
    return out;
  }
#endif
  return from_root;
}

}  // namespace canopy
