// experiments/cluster.h and cluster_messages.h over MPI (Open MPI; any MPI-3 library).
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "core/error.h"
#include "experiments/cluster.h"
#include "experiments/cluster_messages.h"

namespace splitleak::experiments::cluster {
namespace {

constexpr int kControlTag = 1, kTextTag = 2;
Place g_place;
bool g_mpi = false, g_exit_agreed = false;

bool env_set(const char* name) { return std::getenv(name) != nullptr; }

// Started by mpirun / mpiexec (Open MPI, PMIx, PMI) or as an srun step of several tasks.
bool launched_by_mpi() {
  if (env_set("OMPI_COMM_WORLD_SIZE") || env_set("PMIX_RANK") || env_set("PMI_RANK")) return true;
  const char* step_tasks = std::getenv("SLURM_STEP_NUM_TASKS");
  return step_tasks && std::atoi(step_tasks) > 1;
}

// Completes `request`, sleeping between tests; the sleep grows to 20 ms while nothing arrives.
void wait_for(MPI_Request& request) {
  auto pause = std::chrono::microseconds(50);
  for (int done = 0;;) {
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
    if (done) return;
    std::this_thread::sleep_for(pause);
    pause = std::min<std::chrono::microseconds>(pause * 2, std::chrono::milliseconds(20));
  }
}

template <typename T>
void broadcast_chunks(T* data, size_t count, MPI_Datatype type) {
  constexpr size_t kChunk = size_t{1} << 28;  // MPI counts are int
  for (size_t begin = 0; begin < count; begin += kChunk) {
    MPI_Request request;
    MPI_Ibcast(data + begin, static_cast<int>(std::min(kChunk, count - begin)), type, 0, MPI_COMM_WORLD, &request);
    wait_for(request);
  }
}

}  // namespace

void start(int& argc, char**& argv) {
  if (!launched_by_mpi()) return;
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  g_mpi = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &g_place.rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_place.size);
  MPI_Comm local;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, g_place.rank, MPI_INFO_NULL, &local);
  MPI_Comm_rank(local, &g_place.local_rank);
  MPI_Comm_size(local, &g_place.local_size);
  MPI_Comm_free(&local);
  if (provided < MPI_THREAD_FUNNELED) {
    std::fprintf(stderr, "splitleak: error: the MPI library gives no MPI_THREAD_FUNNELED support\n");
    MPI_Abort(MPI_COMM_WORLD, 2);
  }
}

const Place& place() { return g_place; }

std::string rank_prefix() {
  if (g_place.size == 1) return "";
  return "rank " + std::to_string(g_place.rank) + "/" + std::to_string(g_place.size) + ": ";
}

void agree_on_exit() { g_exit_agreed = true; }

int finish(int code) {
  if (!g_mpi) return code;
  if (code != 0 && !g_exit_agreed) {
    std::fprintf(stderr, "splitleak: %saborting the job (exit %d)\n", rank_prefix().c_str(), code);
    MPI_Abort(MPI_COMM_WORLD, code);
  }
  MPI_Request request;
  MPI_Ibarrier(MPI_COMM_WORLD, &request);
  wait_for(request);
  MPI_Finalize();
  return code;
}

int share_status(int status) {
  int64_t value = status;
  broadcast(std::span<int64_t>(&value, 1));
  return static_cast<int>(value);
}

void broadcast(std::span<float> values) {
  if (g_place.size > 1) broadcast_chunks(values.data(), values.size(), MPI_FLOAT);
}

void broadcast(std::span<int64_t> values) {
  if (g_place.size > 1) broadcast_chunks(values.data(), values.size(), MPI_INT64_T);
}

void send(int to, const Words& words) {
  MPI_Send(words.data(), static_cast<int>(words.size()), MPI_INT64_T, to, kControlTag, MPI_COMM_WORLD);
}

std::optional<Message> poll() {
  int arrived = 0;
  MPI_Status status;
  MPI_Iprobe(MPI_ANY_SOURCE, kControlTag, MPI_COMM_WORLD, &arrived, &status);
  if (!arrived) return std::nullopt;
  Message m;
  m.from = status.MPI_SOURCE;
  MPI_Recv(m.words.data(), static_cast<int>(m.words.size()), MPI_INT64_T, m.from, kControlTag, MPI_COMM_WORLD,
           MPI_STATUS_IGNORE);
  return m;
}

Words wait_message(int from) {
  Words words{};
  MPI_Request request;
  MPI_Irecv(words.data(), static_cast<int>(words.size()), MPI_INT64_T, from, kControlTag, MPI_COMM_WORLD, &request);
  wait_for(request);
  return words;
}

void send_text(int to, const std::string& text) {
  MPI_Send(text.data(), static_cast<int>(text.size()), MPI_CHAR, to, kTextTag, MPI_COMM_WORLD);
}

std::string receive_text(int from) {
  MPI_Status status;
  MPI_Probe(from, kTextTag, MPI_COMM_WORLD, &status);
  int count = 0;
  MPI_Get_count(&status, MPI_CHAR, &count);
  std::string text(static_cast<size_t>(count), '\0');
  MPI_Recv(text.data(), count, MPI_CHAR, from, kTextTag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return text;
}

}  // namespace splitleak::experiments::cluster
