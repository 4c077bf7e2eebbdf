// ChangeAssembler: pgoutput messages in, committed transactions of the mirrored tables out.
//
// It tracks Relation messages (one schema per relid, replaced when the table's shape changes;
// each column's type resolved to the built-in type it is decoded as — a domain's base type,
// text for an enum — so the staged schema names that type),
// decodes tuple values into change::Values, keeps the changes of open transactions in the
// TransactionBuffer (streamed in-progress transactions interleave with ordinary ones), applies
// subtransaction and transaction aborts, and on commit hands the transaction's changes, in
// order, to a CommittedSink. Changes of tables it does not mirror are dropped.
//
// Not thread-safe. Borrows the resolver, buffer and sink, which must outlive it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "base/log.h"
#include "capture/transaction_buffer.h"
#include "change/change.h"
#include "pg/pgoutput.h"
#include "pg/type_resolver.h"

namespace pg2iceberg::capture {

class CommittedSink {
 public:
  virtual ~CommittedSink() = default;
  // One change of the committed transaction `commit`, in commit order.
  virtual Status Change(const change::CommitInfo& commit, const change::RowChange& change) = 0;
  // The end of the committed transaction `commit`, after its `change_count` changes.
  virtual Status Commit(const change::CommitInfo& commit, int64_t change_count) = 0;
};

// A mirrored table: its registered relid and name.
struct MirroredTable {
  uint32_t relid = 0;
  std::string schema_name;
  std::string table_name;
};

class ChangeAssembler {
 public:
  // `types` resolves the column types of Relation messages (see type_resolver.h).
  ChangeAssembler(std::vector<MirroredTable> tables, pg::TypeResolver& types,
                  TransactionBuffer& buffer, CommittedSink& sink, Logger& log);

  // Handles one decoded message. kDataLoss for a protocol violation (a change outside a
  // transaction, a Relation of a mirrored table's name under a new relid — the table was
  // dropped and recreated); kInvalidArgument for a value Iceberg cannot hold exactly or a
  // column type capture cannot decode; the resolver's lookup errors.
  Status Handle(const pg::PgoutputMessage& message);

  // Between Begin and Commit of an ordinary transaction.
  bool in_transaction() const { return in_transaction_; }
  // Between Stream Start and Stream Stop.
  bool in_stream() const { return in_stream_; }

 private:
  Status OnRelation(const pg::RelationMessage& relation);
  Status OnBegin(const pg::BeginMessage& begin);
  Status OnCommit(const change::CommitInfo& commit);
  Status OnStreamStart(const pg::StreamStartMessage& start);
  Status OnStreamAbort(const pg::StreamAbortMessage& abort);
  Status OnTruncate(const pg::TruncateMessage& truncate);
  Status OnRow(uint32_t subxid, uint32_t relid, change::ChangeKind kind, change::OldRow old_kind,
               const pg::TupleData* old_tuple, const pg::TupleData* new_tuple);
  Result<change::Row> DecodeRow(const change::TableSchema& table, const pg::TupleData& tuple) const;
  // The top-level xid and subxid a change belongs to; kDataLoss outside a transaction.
  Result<std::pair<uint32_t, uint32_t>> Owner(uint32_t stream_xid) const;

  std::map<uint32_t, MirroredTable> mirrored_;  // by relid
  pg::TypeResolver& types_;
  std::map<uint32_t, std::shared_ptr<const change::TableSchema>> schemas_;  // by relid
  TransactionBuffer& buffer_;
  CommittedSink& sink_;
  Logger& log_;
  bool in_transaction_ = false;
  bool in_stream_ = false;
  uint32_t xid_ = 0;  // the open ordinary transaction
  change::Lsn final_lsn_ = 0;
  int64_t commit_time_micros_ = 0;
  uint32_t stream_xid_ = 0;  // the transaction of the current stream block
};

}  // namespace pg2iceberg::capture
