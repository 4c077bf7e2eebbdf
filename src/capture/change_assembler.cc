#include "capture/change_assembler.h"

#include "pg/value_decoding.h"

namespace pg2iceberg::capture {

ChangeAssembler::ChangeAssembler(std::vector<MirroredTable> tables, pg::TypeResolver& types,
                                 TransactionBuffer& buffer, CommittedSink& sink, Logger& log)
    : types_(types), buffer_(buffer), sink_(sink), log_(log) {
  for (MirroredTable& table : tables) mirrored_[table.relid] = std::move(table);
}

Status ChangeAssembler::Handle(const pg::PgoutputMessage& message) {
  using namespace pg;  // NOLINT: the message structs
  if (auto* m = std::get_if<RelationMessage>(&message)) return OnRelation(*m);
  if (auto* m = std::get_if<BeginMessage>(&message)) return OnBegin(*m);
  if (auto* m = std::get_if<CommitMessage>(&message)) {
    if (!in_transaction_) return Status::DataLoss("pgoutput: Commit without Begin");
    if (m->commit_lsn != final_lsn_)
      return Status::DataLoss("pgoutput: Commit LSN differs from its Begin's");
    in_transaction_ = false;
    return OnCommit({xid_, m->commit_lsn, m->end_lsn, m->commit_time_micros});
  }
  if (auto* m = std::get_if<InsertMessage>(&message)) {
    return OnRow(m->stream_xid, m->relid, change::ChangeKind::kInsert, change::OldRow::kNone,
                 nullptr, &m->new_tuple);
  }
  if (auto* m = std::get_if<UpdateMessage>(&message)) {
    const TupleData* old_tuple = m->old_kind == change::OldRow::kNone ? nullptr : &m->old_tuple;
    return OnRow(m->stream_xid, m->relid, change::ChangeKind::kUpdate, m->old_kind, old_tuple,
                 &m->new_tuple);
  }
  if (auto* m = std::get_if<DeleteMessage>(&message)) {
    return OnRow(m->stream_xid, m->relid, change::ChangeKind::kDelete, m->old_kind, &m->old_tuple,
                 nullptr);
  }
  if (auto* m = std::get_if<TruncateMessage>(&message)) return OnTruncate(*m);
  if (auto* m = std::get_if<StreamStartMessage>(&message)) return OnStreamStart(*m);
  if (std::holds_alternative<StreamStopMessage>(message)) {
    if (!in_stream_) return Status::DataLoss("pgoutput: Stream Stop without Stream Start");
    in_stream_ = false;
    return Status::Ok();
  }
  if (auto* m = std::get_if<StreamCommitMessage>(&message)) {
    if (in_stream_ || in_transaction_)
      return Status::DataLoss("pgoutput: Stream Commit inside a block");
    return OnCommit({m->xid, m->commit_lsn, m->end_lsn, m->commit_time_micros});
  }
  if (auto* m = std::get_if<StreamAbortMessage>(&message)) return OnStreamAbort(*m);
  // Origin, Type and logical Message carry nothing the mirror stores.
  return Status::Ok();
}

Status ChangeAssembler::OnRelation(const pg::RelationMessage& relation) {
  auto mirrored = mirrored_.find(relation.relid);
  if (mirrored == mirrored_.end()) {
    for (const auto& [relid, table] : mirrored_) {
      if (table.schema_name == relation.schema_name && table.table_name == relation.table_name) {
        return Status::DataLoss("mirrored table " + table.schema_name + "." + table.table_name +
                                " was dropped and recreated (pg_class.oid " +
                                std::to_string(relid) + " is now " +
                                std::to_string(relation.relid) +
                                ") while pg2iceberg was streaming; rebuild the "
                                "mirror with `pg2iceberg cleanup` and a fresh start");
      }
    }
    return Status::Ok();  // published, but not mirrored by this group
  }
  auto schema = std::make_shared<change::TableSchema>();
  schema->relid = relation.relid;
  schema->schema_name = relation.schema_name;
  schema->table_name = relation.table_name;
  schema->replica_identity = relation.replica_identity;
  schema->columns = relation.columns;
  for (change::ColumnSchema& column : schema->columns) {
    Result<pg::ResolvedType> type = types_.Resolve(column.type_oid, column.type_modifier);
    if (!type.ok()) {
      return type.status().WithContext("table " + schema->QualifiedName() + ", column \"" +
                                       column.name + "\"");
    }
    column.type_oid = type->type_oid;
    column.type_modifier = type->type_modifier;
  }
  auto known = schemas_.find(relation.relid);
  if (known == schemas_.end() || !(*known->second == *schema)) {
    log_.Debug("relation " + schema->QualifiedName() + " (oid " + std::to_string(relation.relid) +
               "): " + std::to_string(schema->columns.size()) + " columns");
    schemas_[relation.relid] = std::move(schema);
  }
  return Status::Ok();
}

Status ChangeAssembler::OnBegin(const pg::BeginMessage& begin) {
  if (in_transaction_ || in_stream_)
    return Status::DataLoss("pgoutput: Begin inside a transaction");
  in_transaction_ = true;
  xid_ = begin.xid;
  final_lsn_ = begin.final_lsn;
  commit_time_micros_ = begin.commit_time_micros;
  return Status::Ok();
}

Status ChangeAssembler::OnCommit(const change::CommitInfo& commit) {
  int64_t count = 0;
  RETURN_IF_ERROR(buffer_.Commit(commit.xid, [&](const change::RowChange& change) {
    ++count;
    return sink_.Change(commit, change);
  }));
  return sink_.Commit(commit, count);
}

Status ChangeAssembler::OnStreamStart(const pg::StreamStartMessage& start) {
  if (in_stream_ || in_transaction_)
    return Status::DataLoss("pgoutput: Stream Start inside a block");
  in_stream_ = true;
  stream_xid_ = start.xid;
  return Status::Ok();
}

Status ChangeAssembler::OnStreamAbort(const pg::StreamAbortMessage& abort) {
  if (in_stream_ || in_transaction_)
    return Status::DataLoss("pgoutput: Stream Abort inside a block");
  if (abort.subxid == abort.xid) return buffer_.Abort(abort.xid);
  return buffer_.AbortSubtransaction(abort.xid, abort.subxid);
}

Result<std::pair<uint32_t, uint32_t>> ChangeAssembler::Owner(uint32_t stream_xid) const {
  if (in_stream_) return std::pair{stream_xid_, stream_xid == 0 ? stream_xid_ : stream_xid};
  if (in_transaction_) return std::pair{xid_, xid_};
  return Status::DataLoss("pgoutput: a change outside any transaction");
}

Status ChangeAssembler::OnTruncate(const pg::TruncateMessage& truncate) {
  ASSIGN_OR_RETURN(auto owner, Owner(truncate.stream_xid));
  for (uint32_t relid : truncate.relids) {
    if (!mirrored_.contains(relid)) continue;
    auto schema = schemas_.find(relid);
    if (schema == schemas_.end())
      return Status::DataLoss("pgoutput: Truncate of a relation never described");
    RETURN_IF_ERROR(buffer_.Add(
        owner.first, owner.second,
        change::RowChange{.kind = change::ChangeKind::kTruncate, .table = schema->second}));
  }
  return Status::Ok();
}

Status ChangeAssembler::OnRow(uint32_t stream_xid, uint32_t relid, change::ChangeKind kind,
                              change::OldRow old_kind, const pg::TupleData* old_tuple,
                              const pg::TupleData* new_tuple) {
  ASSIGN_OR_RETURN(auto owner, Owner(stream_xid));
  if (!mirrored_.contains(relid)) return Status::Ok();
  auto schema = schemas_.find(relid);
  if (schema == schemas_.end())
    return Status::DataLoss("pgoutput: a change of relation " + std::to_string(relid) +
                            " before its Relation message");
  change::RowChange row{.kind = kind, .table = schema->second, .old_kind = old_kind};
  if (old_tuple != nullptr) {
    ASSIGN_OR_RETURN(row.old_row, DecodeRow(*schema->second, *old_tuple));
  }
  if (new_tuple != nullptr) {
    ASSIGN_OR_RETURN(row.new_row, DecodeRow(*schema->second, *new_tuple));
  }
  return buffer_.Add(owner.first, owner.second, std::move(row));
}

Result<change::Row> ChangeAssembler::DecodeRow(const change::TableSchema& table,
                                               const pg::TupleData& tuple) const {
  if (tuple.size() != table.columns.size()) {
    return Status::DataLoss("pgoutput: a row of " + table.QualifiedName() + " has " +
                            std::to_string(tuple.size()) + " columns, its Relation message " +
                            std::to_string(table.columns.size()));
  }
  change::Row row;
  row.reserve(tuple.size());
  for (size_t i = 0; i < tuple.size(); ++i) {
    Result<change::Value> value = pg::DecodeColumnValue(table.columns[i], tuple[i]);
    if (!value.ok()) return value.status().WithContext("table " + table.QualifiedName());
    row.push_back(std::move(value).value());
  }
  return row;
}

}  // namespace pg2iceberg::capture
