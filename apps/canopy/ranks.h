// The processes a command runs on: one, or the ranks of an MPI job when
// canopy is built with Open MPI and started by mpirun (docs/montecarlo.md).
// Without MPI every call is the single-process identity.
//
//   Ranks ranks = Ranks::init(argc, argv);     // MPI_Init under mpirun only
//   if (ranks.rank() == 0) write_outputs();
//   std::string all = ranks.gather(mine);      // rank 0: every rank's text
#pragma once

#include <string>

namespace canopy {

class Ranks {
 public:
  // Starts MPI when the process was started by an MPI launcher (its
  // environment says so); otherwise a single process.
  static Ranks& init(int& argc, char**& argv);
  static Ranks& get();
  ~Ranks();

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool mpi() const { return mpi_; }

  void barrier() const;
  // True on every rank if any rank passes true.
  bool any(bool mine) const;
  // Rank 0 receives every rank's text, concatenated in rank order; other
  // ranks receive an empty string.
  std::string gather(const std::string& mine) const;
  // Every rank receives rank 0's text.
  std::string broadcast(const std::string& from_root) const;

 private:
  Ranks() = default;
  int rank_ = 0, size_ = 1;
  bool mpi_ = false;
};

}  // namespace canopy
