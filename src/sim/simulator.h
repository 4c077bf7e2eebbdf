// The deterministic simulator (docs/simulation.md): one seed drives a generated source workload,
// the real capture code (SimCaptureProcess) and the real materializer (SimMaterializerProcess),
// faults and crash-restarts, single-threaded on a ManualClock, and checks invariants after
// every step, then the staged log and every Iceberg snapshot against the source at
// quiescence. The same seed replays the same run bit for bit: every choice comes from
// SeededRandoms derived from it, and nothing reads real time or real I/O.
//
// Invariants checked after every step:
//   - the slot is never confirmed past the flushed_lsn the coordinator recorded (durable
//     segment → index commit → recorded LSN → slot ack);
//   - no standby status update confirms a position beyond the WAL;
//   - every error the pipeline returns is one a restart resolves (kUnavailable,
//     kOutcomeUnknown) — any other stops the run as a failure.
// At quiescence (workload ended, faults off, one more restart), capture must catch up to the
// last commit within a bounded number of steps, and then every mirrored table's staged log —
// read through the materializer's real reader (ReadTableLog), which checks gapless offsets and
// block counts — must hold exactly the changes that committed after the slot's consistent
// point, each once, in commit order, and replaying it must give the source's final contents;
// the materializer must catch up too, and every snapshot it committed must equal the source as
// of its pg2iceberg.commit-lsn (sim_iceberg_check.h). Even seeds mirror into format version 2
// tables (position deletes), odd ones into version 3 (deletion vectors).
//
// Probes count the rare paths a run reached, so a batch of seeds can fail when its generator
// drifts away from them.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/status.h"

namespace pg2iceberg::sim {

struct SimulationOptions {
  int steps = 400;                 // chaos steps before quiescence
  int quiesce_steps_max = 50'000;  // the bound on catching up after it
  double source_step_probability = 0.6;
  double crash_probability = 0.01;           // per step: the process dies, in-memory state is lost
  double stream_break_probability = 0.005;   // per Receive and Send
  double put_fail_probability = 0.05;        // staging writes: refused before they apply
  double put_reply_lost_probability = 0.05;  // applied, but the answer is lost
  double read_fail_probability = 0.005;      // Get, GetRange, Head, List
  double delete_fail_probability = 0.01;
  double materializer_step_probability = 0.3;     // a materializer cycle after the capture step
  double materializer_crash_probability = 0.005;  // the materializer alone dies (a worker)
  double catalog_fail_probability = 0.01;         // catalog calls refused before they apply
  double catalog_commit_reply_lost_probability = 0.05;  // a commit whose answer is lost
  int64_t standby_interval_ms = 1'000;                  // the timer: idle advancement, janitor
  int64_t flush_interval_ms = 1'000;
  int64_t flush_rows = 50;  // small, so segments and flushes are many
  int64_t flush_bytes = 64 * 1024;
  int64_t target_file_size_bytes = 16 * 1024;  // small, so tables have many data files
  int64_t batch_changes_max = 100;
  uint64_t buffer_memory_bytes = 32 * 1024;  // small, so large transactions spill
  bool keep_trace = false;  // keep every trace line (else only the last kTraceTail)
};

// How often each rare path was taken.
using SimulationProbes = std::map<std::string, int64_t>;

struct SimulationResult {
  uint64_t seed = 0;
  Status status;                   // OK, or what broke, naming the step
  std::vector<std::string> trace;  // the steps taken (the tail, unless keep_trace)
  SimulationProbes probes;
  int64_t steps = 0;
};

inline constexpr size_t kTraceTail = 200;

SimulationResult RunSimulation(uint64_t seed, const SimulationOptions& options = {});

// The probes every batch of seeds must reach (see SimulationResult::probes).
const std::vector<std::string>& RequiredProbes();

}  // namespace pg2iceberg::sim
