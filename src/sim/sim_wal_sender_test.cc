// The simulated source against capture's real decoders: whatever the generated history and
// wherever a connection starts, the bytes SimReplicationStream sends parse
// (ParseReplicationMessage, DecodePgoutputMessage), assemble (ChangeAssembler) into exactly the
// transactions that committed at or after the start, in commit order, with the changes that
// survived, and replaying them on the model at the start gives the model at the end.
#include "sim/sim_wal_sender.h"

#include <gtest/gtest.h>

#include <charconv>
#include <map>

#include "base/log.h"
#include "capture/change_assembler.h"
#include "capture/transaction_buffer.h"
#include "env/memory_object_store.h"
#include "pg/pgoutput.h"
#include "pg/replication_protocol.h"
#include "sim/sim_model.h"
#include "sim/sim_workload.h"

namespace pg2iceberg::sim {
namespace {

struct Received {
  change::CommitInfo commit;
  std::vector<change::RowChange> changes;
};

class RecordingSink final : public capture::CommittedSink {
 public:
  Status Change(const change::CommitInfo& commit, const change::RowChange& change) override {
    if (transactions.empty() || transactions.back().commit.end_lsn != commit.end_lsn) {
      transactions.push_back({commit, {}});
    }
    transactions.back().changes.push_back(change);
    return Status::Ok();
  }
  Status Commit(const change::CommitInfo& commit, int64_t change_count) override {
    // A streamed transaction whose changes all rolled back ends with nothing: capture skips it.
    if (change_count == 0) return Status::Ok();
    EXPECT_EQ(transactions.back().commit, commit);
    EXPECT_EQ(static_cast<int64_t>(transactions.back().changes.size()), change_count);
    return Status::Ok();
  }
  std::vector<Received> transactions;
};

// Capture's decoding path, fed from a simulated connection.
class Decoder {
 public:
  explicit Decoder(const std::vector<uint32_t>& relids)
      : store_("spill"), buffer_({.memory_budget_bytes = 64 * 1024}, store_) {
    std::vector<capture::MirroredTable> tables;
    for (uint32_t relid : relids) {
      const std::string name = SimWorkload::TableName(relid);
      tables.push_back({relid, "public", name.substr(name.find('.') + 1)});
    }
    assembler_.emplace(tables, types_, buffer_, sink_, log_);
  }

  // Receives until the stream is caught up (a keepalive at the end of the WAL, or nothing).
  // Returns the keepalives' positions.
  std::vector<change::Lsn> Drain(SimReplicationStream& stream, change::Lsn wal_end) {
    std::vector<change::Lsn> keepalives;
    for (int i = 0; i < 1'000'000; ++i) {
      Result<std::optional<Bytes>> message = stream.Receive(1000);
      EXPECT_TRUE(message.ok()) << message.status().ToString();
      if (!message.ok() || !message->has_value()) return keepalives;
      Result<pg::ReplicationMessage> framed = pg::ParseReplicationMessage(**message);
      EXPECT_TRUE(framed.ok()) << framed.status().ToString();
      if (auto* keepalive = std::get_if<pg::PrimaryKeepalive>(&*framed)) {
        keepalives.push_back(keepalive->wal_end);
        if (keepalive->wal_end == wal_end) return keepalives;
        continue;
      }
      const auto& data = std::get<pg::XLogData>(*framed);
      Result<pg::PgoutputMessage> decoded =
          pg::DecodePgoutputMessage(data.payload, assembler_->in_stream());
      EXPECT_TRUE(decoded.ok()) << decoded.status().ToString();
      const Status handled = assembler_->Handle(*decoded);
      EXPECT_TRUE(handled.ok()) << handled.ToString();
      if (!handled.ok()) return keepalives;
    }
    ADD_FAILURE() << "the stream never caught up";
    return keepalives;
  }

  const std::vector<Received>& transactions() const { return sink_.transactions; }

 private:
  pg::BuiltInTypeResolver types_;
  NullLogger log_;
  MemoryObjectStore store_;
  capture::TransactionBuffer buffer_;
  RecordingSink sink_;
  std::optional<capture::ChangeAssembler> assembler_;
};

struct History {
  SimWal wal;
  std::unique_ptr<SimWorkload> workload;
};

std::unique_ptr<History> Generate(uint64_t seed, int steps) {
  auto history = std::make_unique<History>();
  SeededRandom random(seed);
  SimWorkloadOptions options;
  options.streamed_start_probability = 0.08;
  history->workload = std::make_unique<SimWorkload>(options, history->wal, random);
  for (int i = 0; i < steps; ++i) history->workload->Step(1'700'000'000'000'000 + i * 1000);
  history->workload->Quiesce(1'700'000'000'000'000 + steps * 1000);
  return history;
}

void CheckConnectionFrom(const History& history, change::Lsn start, uint64_t seed) {
  SimSlot slot(history.wal, start);
  ManualClock clock;
  SeededRandom random(seed);
  SimReplicationStream stream(history.wal, slot, 0, clock, random);
  Decoder decoder(history.workload->relids());
  const std::vector<change::Lsn> keepalives = decoder.Drain(stream, history.wal.end());
  for (change::Lsn lsn : keepalives) EXPECT_LE(lsn, history.wal.end());

  const std::vector<const SimTransaction*> expected = history.wal.CommittedFrom(start);
  std::vector<const SimTransaction*> nonempty;
  for (const SimTransaction* transaction : expected) {
    for (const SimChange& change : transaction->changes) {
      if (transaction->Survives(change)) {
        nonempty.push_back(transaction);
        break;
      }
    }
  }
  const std::vector<Received>& received = decoder.transactions();
  ASSERT_EQ(received.size(), nonempty.size()) << "from " << change::FormatLsn(start);
  // What the source held at the start: every transaction that ended at or before it.
  std::map<uint32_t, SimTableRows> replayed = history.workload->ModelAsOf(start);
  for (size_t i = 0; i < received.size(); ++i) {
    EXPECT_EQ(received[i].commit.xid, nonempty[i]->xid);
    EXPECT_EQ(received[i].commit.commit_lsn, nonempty[i]->commit_lsn);
    EXPECT_EQ(received[i].commit.end_lsn, nonempty[i]->end_lsn);
    int64_t surviving = 0;
    for (const SimChange& change : nonempty[i]->changes) surviving += nonempty[i]->Survives(change);
    int64_t decoded = 0;
    for (const change::RowChange& change : received[i].changes) {
      decoded += change.kind == change::ChangeKind::kTruncate ? 0 : 1;
      const Status applied = ApplyToModel(replayed, change);
      EXPECT_TRUE(applied.ok()) << applied.ToString();
    }
    int64_t truncates = 0;
    for (const SimChange& change : nonempty[i]->changes) {
      truncates += nonempty[i]->Survives(change) && change.kind == change::ChangeKind::kTruncate;
    }
    EXPECT_EQ(decoded, surviving - truncates) << "transaction " << nonempty[i]->xid;
  }
  EXPECT_EQ(replayed, history.workload->model()) << "from " << change::FormatLsn(start);
  EXPECT_TRUE(slot.violations().empty());
}

TEST(SimWalSenderTest, EveryStartSendsExactlyTheTransactionsCommittedAfterIt) {
  for (uint64_t seed = 1; seed <= 24; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const std::unique_ptr<History> history = Generate(seed, 120);
    SeededRandom starts(seed * 7919);
    std::vector<change::Lsn> points = {SimWal::kStartLsn, history->wal.end()};
    // Where a client confirms: a record's start (a keepalive's position) or a commit's end.
    for (const SimEvent& event : history->wal.events()) {
      if (starts.Uniform(16) == 0) points.push_back(event.lsn);
      if (event.kind == SimEventKind::kCommit && starts.Uniform(16) == 0) {
        points.push_back(history->wal.transactions()[event.transaction].end_lsn);
      }
    }
    for (change::Lsn start : points) CheckConnectionFrom(*history, start, seed);
  }
}

TEST(SimWalSenderTest, TheGeneratorReachesEveryKindOfHistory) {
  std::map<std::string, int> seen;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    const std::unique_ptr<History> history = Generate(seed, 120);
    for (const SimEvent& event : history->wal.events()) {
      const SimTransaction* transaction = event.kind == SimEventKind::kRelation
                                              ? nullptr
                                              : &history->wal.transactions()[event.transaction];
      if (event.kind == SimEventKind::kSubAbort) ++seen["subtransaction abort in a stream"];
      if (event.kind == SimEventKind::kStreamAbort) ++seen["streamed abort"];
      if (event.kind == SimEventKind::kStreamCommit) ++seen["streamed commit"];
      if (transaction == nullptr) continue;
      if (event.kind == SimEventKind::kCommit && !transaction->aborted_subxids.empty()) {
        ++seen["rolled-back savepoint"];
      }
      for (const SimChange& change : transaction->changes) {
        if (change.kind == change::ChangeKind::kTruncate) ++seen["truncate"];
        if (change.old_kind == change::OldRow::kKey && change.kind == change::ChangeKind::kUpdate)
          ++seen["primary-key change"];
        if (change.old_kind == change::OldRow::kFull) ++seen["replica identity full"];
        if (!change.new_tuple.empty() &&
            change.new_tuple[2].kind == pg::TupleColumnKind::kUnchangedToast)
          ++seen["unchanged toast"];
      }
    }
  }
  for (const char* kind : {"subtransaction abort in a stream", "streamed abort", "streamed commit",
                           "rolled-back savepoint", "truncate", "primary-key change",
                           "replica identity full", "unchanged toast"}) {
    EXPECT_GT(seen[kind], 0) << kind;
  }
}

TEST(SimWalSenderTest, TheSlotMovesOnlyForwardWithStatusUpdates) {
  const std::unique_ptr<History> history = Generate(3, 30);
  SimSlot slot(history->wal, SimWal::kStartLsn);
  ManualClock clock;
  SeededRandom random(1);
  SimReplicationStream stream(history->wal, slot, 0, clock, random);
  const change::Lsn middle = history->wal.events()[history->wal.events().size() / 2].lsn;
  ASSERT_TRUE(stream.Send(pg::EncodeStandbyStatusUpdate(middle, middle, middle, 0, false)).ok());
  EXPECT_EQ(slot.confirmed_flush(), middle);
  ASSERT_TRUE(stream
                  .Send(pg::EncodeStandbyStatusUpdate(SimWal::kStartLsn, SimWal::kStartLsn,
                                                      SimWal::kStartLsn, 0, false))
                  .ok());
  EXPECT_EQ(slot.confirmed_flush(), middle);
  EXPECT_TRUE(slot.violations().empty());
  ASSERT_TRUE(stream
                  .Send(pg::EncodeStandbyStatusUpdate(history->wal.end() + 8,
                                                      history->wal.end() + 8, 0, 0, false))
                  .ok());
  EXPECT_EQ(slot.violations().size(), 1u);
  // A new connection starts at the confirmed position, whatever the client asks for.
  SimReplicationStream again(history->wal, slot, SimWal::kStartLsn, clock, random);
  EXPECT_EQ(again.start(), history->wal.end() + 8);
}

TEST(SimWalSenderTest, ABrokenConnectionFailsEveryCallAfter) {
  const std::unique_ptr<History> history = Generate(5, 10);
  SimSlot slot(history->wal, SimWal::kStartLsn);
  ManualClock clock;
  SeededRandom random(1);
  SimReplicationStream stream(history->wal, slot, 0, clock, random, {.break_probability = 1});
  EXPECT_EQ(stream.Receive(0).status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(stream.Send(pg::EncodeStandbyStatusUpdate(0, 0, 0, 0, false)).code(),
            StatusCode::kUnavailable);
  EXPECT_EQ(slot.confirmed_flush(), SimWal::kStartLsn);
}

}  // namespace
}  // namespace pg2iceberg::sim
