#include "sim/simulator.h"

#include <deque>
#include <limits>
#include <memory>

#include "env/faulty_object_store.h"
#include "materializer/log_reader.h"
#include "mirror/capture_session.h"
#include "sim/faulty_catalog.h"
#include "sim/memory_catalog.h"
#include "sim/sim_capture.h"
#include "sim/sim_iceberg_check.h"
#include "sim/sim_materializer.h"
#include "sim/sim_model.h"

namespace pg2iceberg::sim {
namespace {

// Independent streams of choices, so a change in how often one part draws does not reshuffle
// the others.
uint64_t DerivedSeed(uint64_t seed, uint64_t stream) {
  uint64_t z = seed + stream * 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Counts the log lines that name rare paths (a probe each), and drops the rest.
class ProbeLogger final : public Logger {
 public:
  explicit ProbeLogger(SimulationProbes& probes) : probes_(probes) {}
  void Write(LogLevel, std::string_view message) override {
    if (message.find("(a crash after the commit)") != std::string_view::npos) {
      ++probes_["commit ahead of cursor"];
    }
  }
  LogLevel min_level() const override { return LogLevel::kDebug; }

 private:
  SimulationProbes& probes_;
};

class Simulation {
 public:
  Simulation(uint64_t seed, const SimulationOptions& options)
      : options_(options),
        workload_random_(DerivedSeed(seed, 1)),
        fault_random_(DerivedSeed(seed, 2)),
        process_random_(DerivedSeed(seed, 3)),
        chaos_random_(DerivedSeed(seed, 4)),
        workload_({}, wal_, workload_random_),
        slot_(wal_, wal_.end()),
        faulty_(warehouse_, fault_random_, FaultPlan()),
        catalog_(catalog_state_),
        faulty_catalog_(catalog_, fault_random_, CatalogPlan()),
        format_version_(seed % 2 == 0 ? 2 : 3) {
    result_.seed = seed;
  }

  SimulationResult Run() {
    Status status = Chaos();
    if (status.ok()) status = Quiesce();
    if (status.ok()) status = CheckStagedLog();
    if (status.ok()) status = QuiesceMaterializer();
    if (status.ok()) status = CheckIceberg();
    Retire();
    materializer_.reset();
    result_.status = status.ok() ? status
                                 : status.WithContext("seed " + std::to_string(result_.seed) +
                                                      ", step " + std::to_string(step_));
    result_.steps = step_;
    result_.trace.assign(trace_.begin(), trace_.end());
    return std::move(result_);
  }

 private:
  ObjectStoreFaultPlan FaultPlan() {
    ObjectStoreFaultPlan plan;
    plan.put = {options_.put_fail_probability, options_.put_reply_lost_probability};
    plan.get.fail_before = options_.read_fail_probability;
    plan.get_range.fail_before = options_.read_fail_probability;
    plan.head.fail_before = options_.read_fail_probability;
    plan.list.fail_before = options_.read_fail_probability;
    plan.delete_objects = {options_.delete_fail_probability, options_.delete_fail_probability};
    plan.on_fault = [this](const InjectedObjectStoreFault& fault) {
      const std::string name = "staging " + std::string(ObjectStoreOperationName(fault.operation)) +
                               " " + std::string(ObjectStoreFaultName(fault.fault));
      ++result_.probes[name];
      Trace(name + " (" + fault.key + ")");
    };
    return plan;
  }

  CatalogFaultPlan CatalogPlan() {
    CatalogFaultPlan plan;
    plan.load_table.fail_before = options_.catalog_fail_probability;
    plan.ensure_namespace.fail_before = options_.catalog_fail_probability;
    for (CommitFaults* commit : {&plan.commit_snapshot, &plan.commit_snapshots}) {
      commit->fail_before = options_.catalog_fail_probability;
      commit->lose_reply = options_.catalog_commit_reply_lost_probability;
    }
    plan.on_fault = [this](const InjectedCatalogFault& fault) {
      std::string name = "catalog " + std::string(CatalogMethodName(fault.method)) + " " +
                         std::string(CatalogFaultName(fault.fault));
      if (fault.fault == CatalogFault::kReplyLost && fault.reached_inner) name += " (applied)";
      ++result_.probes[name];
      Trace(name + " (" + fault.target + ")");
    };
    return plan;
  }

  bool Chance(double probability) { return DrawWithProbability(chaos_random_, probability); }

  Status Chaos() {
    const SimStreamOptions stream{.break_probability = options_.stream_break_probability};
    for (; step_ < options_.steps; ++step_) {
      if (Chance(options_.source_step_probability)) workload_.Step(clock_.NowMicros());
      RETURN_IF_ERROR(StepProcess(faulty_, stream, /*faults=*/true));
      if (Chance(options_.materializer_step_probability)) {
        RETURN_IF_ERROR(StepMaterializer(faulty_, faulty_catalog_, /*faults=*/true).status());
      }
      if (process_ != nullptr && Chance(options_.crash_probability)) {
        ++result_.probes["crash"];
        Trace("crash");
        Retire();
        materializer_.reset();
      }
      if (materializer_ != nullptr && Chance(options_.materializer_crash_probability)) {
        ++result_.probes["materializer crash"];
        Trace("materializer crash");
        materializer_.reset();
      }
      RETURN_IF_ERROR(CheckInvariants());
      clock_.Advance(static_cast<int64_t>(chaos_random_.Uniform(20'000)));
    }
    return Status::Ok();
  }

  Status Quiesce() {
    workload_.Quiesce(clock_.NowMicros());
    Retire();
    Trace("quiesce: faults off, restart");
    const change::Lsn target = LastCommitEnd();
    const SimStreamOptions stream{.break_probability = 0};
    for (int i = 0; i < options_.quiesce_steps_max; ++i, ++step_) {
      RETURN_IF_ERROR(StepProcess(warehouse_, stream, /*faults=*/false));
      RETURN_IF_ERROR(CheckInvariants());
      ASSIGN_OR_RETURN(change::Lsn flushed, RecordedFlushed());
      if (flushed >= target && slot_.confirmed_flush() >= target) return Status::Ok();
    }
    ASSIGN_OR_RETURN(change::Lsn flushed, RecordedFlushed());
    return Status::Internal(
        "capture did not catch up within " + std::to_string(options_.quiesce_steps_max) +
        " steps: the last commit ends at " + change::FormatLsn(target) + ", flushed_lsn is " +
        change::FormatLsn(flushed) + ", the slot is confirmed at " +
        change::FormatLsn(slot_.confirmed_flush()));
  }

  // One materializer cycle, starting a materializer first when none runs (or the last one
  // found no table registered yet). Errors as for StepProcess. Whether it caught up.
  Result<bool> StepMaterializer(ObjectStore& warehouse, iceberg::Catalog& catalog, bool faults) {
    if (materializer_ == nullptr) {
      const SimMaterializerWorld world{clock_, wal_, coordinator_, log_};
      const SimMaterializerSeams seams{warehouse,
                                       catalog,
                                       process_random_,
                                       format_version_,
                                       options_.target_file_size_bytes,
                                       options_.batch_changes_max};
      Result<std::unique_ptr<SimMaterializerProcess>> started =
          SimMaterializerProcess::Start(world, seams);
      if (!started.ok()) {
        RETURN_IF_ERROR(MaterializerEnded("start", started.status(), faults));
        return false;
      }
      if (!(*started)->has_tables()) return false;
      materializer_ = std::move(*started);
      ++result_.probes["materializer start"];
      Trace("materializer started");
    }
    Result<materializer::CycleResult> cycle = materializer_->Step();
    if (!cycle.ok()) {
      RETURN_IF_ERROR(MaterializerEnded("cycle", cycle.status(), faults));
      return false;
    }
    if (cycle->tables_committed > 0) {
      result_.probes["materialized commit"] += cycle->tables_committed;
      Trace("materialized " + std::to_string(cycle->changes) + " change(s) up to " +
            change::FormatLsn(cycle->bound) + " into " + std::to_string(cycle->tables_committed) +
            " table(s)");
    }
    return cycle->caught_up;
  }

  Status MaterializerEnded(const std::string& what, const Status& status, bool faults) {
    if (!faults || !RetryableSessionError(status))
      return status.WithContext("materializer " + what);
    if (status.code() == StatusCode::kOutcomeUnknown) {
      ++result_.probes["materializer outcome unknown"];
    }
    Trace("materializer " + what + " ended: " + status.ToString());
    materializer_.reset();
    return Status::Ok();
  }

  // After capture caught up (faults off): the materializer must reach the flushed LSN.
  Status QuiesceMaterializer() {
    materializer_.reset();
    Trace("quiesce: materializer restart");
    for (int i = 0; i < options_.quiesce_steps_max; ++i, ++step_) {
      ASSIGN_OR_RETURN(bool caught_up, StepMaterializer(warehouse_, catalog_, /*faults=*/false));
      if (caught_up) return Status::Ok();
    }
    return Status::Internal("the materializer did not catch up within " +
                            std::to_string(options_.quiesce_steps_max) + " cycles");
  }

  Status CheckIceberg() {
    MemoryCatalog oracle(catalog_state_, {.serve_metadata = true});
    IcebergCheckCounts counts;
    RETURN_IF_ERROR(
        CheckIcebergSnapshots(oracle, warehouse_, wal_, workload_, format_version_, counts));
    result_.probes["snapshot checked"] += counts.snapshots;
    return Status::Ok();
  }

  change::Lsn LastCommitEnd() const {
    change::Lsn end = slot_.consistent_point();
    for (const SimTransaction* transaction : wal_.CommittedFrom(slot_.consistent_point())) {
      end = std::max(end, transaction->end_lsn);
    }
    return end;
  }

  // One step of the process, starting one when none runs. An error a restart resolves ends
  // the process (the next step starts another); any other error fails the run. Without
  // faults, every error fails it.
  Status StepProcess(ObjectStore& staging, const SimStreamOptions& stream, bool faults) {
    if (process_ == nullptr) {
      const SimCaptureWorld world{clock_, wal_, slot_, coordinator_, locks_, workload_.relids(),
                                  log_};
      const SimCaptureSeams seams{
          staging,
          process_random_,
          stream,
          capture::StreamerOptions{.standby_interval_ms = options_.standby_interval_ms},
          capture::FlushOptions{.flush_interval_ms = options_.flush_interval_ms,
                                .flush_rows = options_.flush_rows,
                                .flush_bytes = options_.flush_bytes},
          capture::TransactionBufferOptions{.memory_budget_bytes = options_.buffer_memory_bytes,
                                            .spill_chunk_bytes = 8 * 1024}};
      Result<std::unique_ptr<SimCaptureProcess>> started = SimCaptureProcess::Start(world, seams);
      if (!started.ok()) return Ended("start", started.status(), faults);
      process_ = std::move(*started);
      ++result_.probes["start"];
      Trace("started at " + change::FormatLsn(slot_.confirmed_flush()));
    }
    const Status status = process_->Step(clock_.MonotonicMicros() + 100'000);
    if (!status.ok()) return Ended("step", status, faults);
    if (process_->spilled_bytes() > 0) ++result_.probes["spill"];
    return Status::Ok();
  }

  Status Ended(const std::string& what, const Status& status, bool faults) {
    if (!faults || !RetryableSessionError(status)) return status.WithContext("capture " + what);
    if (status.message().find("replication connection lost") != std::string::npos) {
      ++result_.probes["stream break"];
    }
    Trace("capture " + what + " ended: " + status.ToString());
    Retire();
    return Status::Ok();
  }

  // Ends the running process (a crash: nothing more is flushed), keeping its counters.
  void Retire() {
    if (process_ == nullptr) return;
    const capture::StreamerStats& stats = process_->streamer_stats();
    result_.probes["transaction already staged"] += stats.transactions_skipped;
    result_.probes["slot re-send"] += process_->resent_changes();
    result_.probes["idle advance"] += stats.idle_advances;
    result_.probes["flush"] += process_->flush_stats().flushes;
    process_.reset();
  }

  Result<change::Lsn> RecordedFlushed() {
    MemoryCoordinator view(coordinator_, kSimGroup);
    Result<stage::RecordedLsn> recorded = view.RecordedFlushed();
    if (recorded.status().code() == StatusCode::kNotFound) return change::Lsn{0};
    RETURN_IF_ERROR(recorded.status());
    return recorded->lsn();
  }

  Status CheckInvariants() {
    ASSIGN_OR_RETURN(change::Lsn flushed, RecordedFlushed());
    const change::Lsn floor = std::max(flushed, slot_.consistent_point());
    if (slot_.confirmed_flush() > floor) {
      return Status::DataLoss("the slot was confirmed at " +
                              change::FormatLsn(slot_.confirmed_flush()) +
                              ", past the recorded flushed_lsn " + change::FormatLsn(flushed));
    }
    if (!slot_.violations().empty()) return Status::DataLoss(slot_.violations().front());
    return Status::Ok();
  }

  // The changes each table must hold, in log order: (commit LSN, kind).
  std::map<uint32_t, std::vector<std::pair<change::Lsn, change::ChangeKind>>> ExpectedLog() const {
    std::map<uint32_t, std::vector<std::pair<change::Lsn, change::ChangeKind>>> expected;
    for (const SimTransaction* transaction : wal_.CommittedFrom(slot_.consistent_point())) {
      for (const SimChange& change : transaction->changes) {
        if (!transaction->Survives(change)) continue;
        if (change.kind != change::ChangeKind::kTruncate) {
          expected[change.relid].push_back({transaction->commit_lsn, change.kind});
          continue;
        }
        for (uint32_t relid : change.truncated) {
          expected[relid].push_back({transaction->commit_lsn, change.kind});
        }
      }
    }
    return expected;
  }

  // The first offset of a table's log still indexed: segments every cursor passed are retired
  // (RetirePassedSegments), so once the materializer moved, the log starts later than 0.
  Result<int64_t> FirstIndexedOffset(stage::Coordinator& view, const stage::TableState& table) {
    ASSIGN_OR_RETURN(std::vector<stage::IndexedBlock> first, view.BlocksFrom(table.table_id, 0, 1));
    return first.empty() ? table.next_offset : first.front().first_offset;
  }

  // What the staged log still holds against what the source committed; when nothing was
  // retired yet, replaying it must also give the source's final contents (else the Iceberg
  // check covers the contents).
  Status CheckStagedLog() {
    MemoryCoordinator view(coordinator_, kSimGroup);
    ASSIGN_OR_RETURN(std::vector<stage::TableState> tables, view.LoadTables());
    auto expected = ExpectedLog();
    std::map<uint32_t, SimTableRows> replayed;
    for (uint32_t relid : workload_.relids()) replayed[relid];
    bool whole = true;
    for (const stage::TableState& table : tables) {
      ASSIGN_OR_RETURN(int64_t first, FirstIndexedOffset(view, table));
      whole = whole && first == 0;
    }
    for (const stage::TableState& table : tables) {
      ASSIGN_OR_RETURN(int64_t first, FirstIndexedOffset(view, table));
      ASSIGN_OR_RETURN(
          materializer::LogRead read,
          materializer::ReadTableLog(view, warehouse_,
                                     {.table_id = table.table_id,
                                      .table_name = table.QualifiedName(),
                                      .from_offset = first,
                                      .bound = std::numeric_limits<change::Lsn>::max(),
                                      .changes_max = std::numeric_limits<int64_t>::max(),
                                      .bytes_max = std::numeric_limits<int64_t>::max()}));
      RETURN_IF_ERROR(
          CompareLog(table.QualifiedName(), expected[table.relid], first, read.changes));
      if (!whole) continue;
      for (const materializer::LoggedChange& logged : read.changes) {
        RETURN_IF_ERROR(ApplyToModel(replayed, logged.staged.change)
                            .WithContext("replaying " + table.QualifiedName() + " offset " +
                                         std::to_string(logged.offset)));
      }
    }
    if (whole) {
      ++result_.probes["staged log replayed whole"];
      const std::string difference = DescribeModelDifference(workload_.model(), replayed);
      if (!difference.empty()) {
        return Status::DataLoss("the staged log replays to other contents than the source: " +
                                difference);
      }
    }
    return Status::Ok();
  }

  // `have` is the log from offset `first` on; offset k must be the source's k-th change.
  static Status CompareLog(const std::string& table,
                           const std::vector<std::pair<change::Lsn, change::ChangeKind>>& want,
                           int64_t first, const std::vector<materializer::LoggedChange>& have) {
    const size_t start = static_cast<size_t>(first);
    const size_t end = std::max(want.size(), start + have.size());
    for (size_t i = start; i < end; ++i) {
      const materializer::LoggedChange* got = i - start < have.size() ? &have[i - start] : nullptr;
      const bool differ =
          i >= want.size() || got == nullptr ||
          want[i] != std::make_pair(got->staged.commit.commit_lsn, got->staged.change.kind);
      if (!differ) continue;
      auto describe = [](change::Lsn lsn, change::ChangeKind kind) {
        return std::string(change::ChangeKindName(kind)) + " committed at " +
               change::FormatLsn(lsn);
      };
      return Status::DataLoss(
          "the staged log of " + table + " ends at offset " + std::to_string(start + have.size()) +
          ", the source committed " + std::to_string(want.size()) +
          " change(s); first difference at offset " + std::to_string(i) + ": expected " +
          (i < want.size() ? describe(want[i].first, want[i].second) : "nothing") + ", found " +
          (got != nullptr ? describe(got->staged.commit.commit_lsn, got->staged.change.kind)
                          : "nothing"));
    }
    return Status::Ok();
  }

  void Trace(std::string line) {
    trace_.push_back("step " + std::to_string(step_) + ": " + std::move(line));
    if (!options_.keep_trace && trace_.size() > kTraceTail) trace_.pop_front();
  }

  SimulationOptions options_;
  ManualClock clock_;
  SeededRandom workload_random_;
  SeededRandom fault_random_;
  SeededRandom process_random_;
  SeededRandom chaos_random_;
  SimWal wal_;
  SimWorkload workload_;
  SimSlot slot_;
  MemoryObjectStore warehouse_{"warehouse"};
  FaultyObjectStore faulty_;
  MemoryCoordinatorState coordinator_;
  SimAdvisoryLocks locks_;
  MemoryCatalogState catalog_state_;
  MemoryCatalog catalog_;
  FaultyCatalog faulty_catalog_;
  const int format_version_;
  SimulationResult result_;
  ProbeLogger log_{result_.probes};
  std::unique_ptr<SimCaptureProcess> process_;
  std::unique_ptr<SimMaterializerProcess> materializer_;
  std::deque<std::string> trace_;
  int64_t step_ = 0;
};

}  // namespace

SimulationResult RunSimulation(uint64_t seed, const SimulationOptions& options) {
  return Simulation(seed, options).Run();
}

const std::vector<std::string>& RequiredProbes() {
  static const std::vector<std::string> probes = {"crash",
                                                  "stream break",
                                                  "staging Put reply lost",
                                                  "slot re-send",
                                                  "spill",
                                                  "idle advance",
                                                  "materialized commit",
                                                  "materializer crash",
                                                  "catalog CommitSnapshots reply lost (applied)",
                                                  "catalog CommitSnapshots reply lost",
                                                  "materializer outcome unknown",
                                                  "commit ahead of cursor"};
  return probes;
}

}  // namespace pg2iceberg::sim
