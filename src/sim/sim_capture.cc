#include "sim/sim_capture.h"

#include "capture/capture_start.h"
#include "stage/staging_janitor.h"

namespace pg2iceberg::sim {
namespace {

std::vector<stage::TableToRegister> TablesOf(const std::vector<uint32_t>& relids) {
  std::vector<stage::TableToRegister> tables;
  for (uint32_t relid : relids) {
    const std::string name = SimWorkload::TableName(relid);
    tables.push_back({"public", name.substr(name.find('.') + 1), relid, 0});
  }
  return tables;
}

// The first start's registration, as PrepareCapture does it around creating the slot (which the
// world created already): the group and its tables, then the slot's consistent point.
Status RegisterFirstStart(stage::Coordinator& coordinator, const SimCaptureWorld& world) {
  ASSIGN_OR_RETURN(std::optional<stage::CaptureState> capture, coordinator.LoadCapture());
  if (!capture.has_value()) {
    stage::CaptureState state{.system_identifier = "7300000000000000001",
                              .database = "sim",
                              .slot_name = "pg2iceberg_sim",
                              .publication_name = "pg2iceberg_sim"};
    RETURN_IF_ERROR(coordinator.BeginCapture(state, TablesOf(world.relids)).status());
  } else if (!capture->slot_pending()) {
    return Status::Ok();
  }
  return coordinator.CompleteCapture(world.slot.consistent_point());
}

}  // namespace

Result<std::unique_ptr<SimCaptureProcess>> SimCaptureProcess::Start(const SimCaptureWorld& world,
                                                                    const SimCaptureSeams& seams) {
  std::unique_ptr<SimCaptureProcess> process(new SimCaptureProcess());
  RETURN_IF_ERROR(process->Open(world, seams));
  return process;
}

Status SimCaptureProcess::Open(const SimCaptureWorld& world, const SimCaptureSeams& seams) {
  session_ = world.locks.Connect();
  ASSIGN_OR_RETURN(stage::GroupLock lock,
                   stage::GroupLock::Acquire(*session_, world.coordinator.schema(), kSimGroup,
                                             {.wait_ms = 0}, world.clock, world.log));
  lock_.emplace(std::move(lock));
  coordinator_ = std::make_unique<MemoryCoordinator>(world.coordinator, kSimGroup);
  RETURN_IF_ERROR(RegisterFirstStart(*coordinator_, world));
  RETURN_IF_ERROR(capture::CheckNewestSegment(*coordinator_, seams.staging));
  RETURN_IF_ERROR(
      stage::CheckAndTidyStagingLog(*coordinator_, seams.staging, kSimStagingPrefix, *lock_)
          .status());
  spill_ = std::make_unique<MemoryObjectStore>("spill");
  buffer_ = std::make_unique<capture::TransactionBuffer>(seams.buffer, *spill_);
  types_ = std::make_unique<pg::BuiltInTypeResolver>();
  ASSIGN_OR_RETURN(stage::RecordedLsn recorded, coordinator_->RecordedFlushed());
  ASSIGN_OR_RETURN(std::vector<stage::TableState> tables, coordinator_->LoadTables());
  stream_ = std::make_unique<SimReplicationStream>(world.wal, world.slot, recorded.lsn(),
                                                   world.clock, seams.random, seams.stream);
  feedback_ =
      std::make_unique<capture::SlotFeedback>(*stream_, world.clock, recorded, fail_points_);
  capture::FlushOptions flush = seams.flush;
  flush.key_prefix = kSimStagingPrefix;
  flusher_ =
      std::make_unique<capture::StagingFlusher>(flush, seams.staging, world.clock, seams.random,
                                                *coordinator_, tables, recorded, fail_points_);
  ObjectStore& staging = seams.staging;
  stage::Coordinator& coordinator = *coordinator_;
  streamer_ = std::make_unique<capture::Streamer>(
      seams.streamer, *stream_, *flusher_, *feedback_, world.clock, world.log,
      [&staging, &coordinator]() -> Status {
        return stage::RetirePassedSegments(coordinator, staging).status();
      },
      []() -> Status { return Status::Ok(); });
  assembler_ = std::make_unique<capture::ChangeAssembler>(capture::MirroredTablesOf(tables),
                                                          *types_, *buffer_, *streamer_, world.log);
  return streamer_->Start();
}

Status SimCaptureProcess::Step(int64_t deadline_micros) {
  return streamer_->Step(*assembler_, deadline_micros);
}

}  // namespace pg2iceberg::sim
