#include "sim/sim_workload.h"

#include <charconv>
#include <memory>

#include "base/check.h"

namespace pg2iceberg::sim {
namespace {

int64_t ParseInt(const std::string& text) {
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  CHECK_MSG(error == std::errc() && end == text.data() + text.size(), "a generated number");
  return value;
}

std::optional<int32_t> ColumnN(const SimColumn& column) {
  if (column.kind == pg::TupleColumnKind::kNull) return std::nullopt;
  return static_cast<int32_t>(ParseInt(column.text));
}

// The row a new tuple makes, taking unchanged-TOAST values from `old` (the row it replaces).
SimRow RowOf(const SimTuple& tuple, const SimRow* old) {
  SimRow row{ColumnN(tuple[1]), std::nullopt};
  if (tuple[2].kind == pg::TupleColumnKind::kUnchangedToast) {
    CHECK_MSG(old != nullptr, "an unchanged TOAST value without an old row");
    row.doc = old->doc;
  } else if (tuple[2].kind == pg::TupleColumnKind::kText) {
    row.doc = tuple[2].text;
  }
  return row;
}

// Applies one surviving change to `tables`, from its tuples alone.
void Apply(std::map<uint32_t, SimTableRows>& tables, const SimChange& change) {
  switch (change.kind) {
    case change::ChangeKind::kInsert: {
      SimTableRows& rows = tables[change.relid];
      const int64_t key = ParseInt(change.new_tuple[0].text);
      CHECK_MSG(!rows.contains(key), "a generated insert of an existing key");
      rows[key] = RowOf(change.new_tuple, nullptr);
      return;
    }
    case change::ChangeKind::kUpdate: {
      SimTableRows& rows = tables[change.relid];
      const int64_t key = ParseInt(change.new_tuple[0].text);
      const int64_t old_key =
          change.old_kind == change::OldRow::kNone ? key : ParseInt(change.old_tuple[0].text);
      const auto old = rows.find(old_key);
      CHECK_MSG(old != rows.end(), "a generated update of a missing key");
      const SimRow row = RowOf(change.new_tuple, &old->second);
      rows.erase(old);
      rows[key] = row;
      return;
    }
    case change::ChangeKind::kDelete:
      CHECK_MSG(tables[change.relid].erase(ParseInt(change.old_tuple[0].text)) == 1,
                "a generated delete of a missing key");
      return;
    case change::ChangeKind::kTruncate:
      for (uint32_t relid : change.truncated) tables[relid].clear();
      return;
  }
}

}  // namespace

// A transaction being generated: the rows it sees (the committed ones plus its own changes).
struct SimWorkload::Draft {
  std::map<uint32_t, SimTableRows> rows;
  std::vector<SimChange> changes;
  // A streamed transaction changes only rows it inserted itself.
  std::map<uint32_t, std::vector<int64_t>> own_keys;
};

struct SimWorkload::Streaming {
  size_t index = 0;
  uint32_t xid = 0;
  Draft draft;
  int chunks_left = 0;
};

SimWorkload::SimWorkload(SimWorkloadOptions options, SimWal& wal, Random& random)
    : options_(options), wal_(wal), random_(random) {
  for (int i = 0; i < options_.tables; ++i) {
    const uint32_t relid = kFirstRelid + static_cast<uint32_t>(i);
    const char identity = i % 3 == 2 ? 'f' : 'd';
    relids_.push_back(relid);
    replica_identity_[relid] = identity;
    model_[relid];
    wal_.DefineRelation(
        {.relid = relid,
         .schema_name = "public",
         .table_name = "t" + std::to_string(i),
         .replica_identity = identity,
         .columns = {{.name = "id", .type_oid = kIdType, .key = true},
                     {.name = "n", .type_oid = kNType, .key = identity == 'f'},
                     {.name = "doc", .type_oid = kDocType, .key = identity == 'f'}}});
  }
}

SimWorkload::~SimWorkload() = default;

std::string SimWorkload::TableName(uint32_t relid) {
  return "public.t" + std::to_string(relid - kFirstRelid);
}

void SimWorkload::Step(int64_t now_micros) {
  if (streaming_ != nullptr && Chance(0.3)) return AdvanceStreamed(now_micros);
  if (streaming_ == nullptr && Chance(options_.streamed_start_probability)) {
    streaming_ = std::make_unique<Streaming>();
    streaming_->xid = next_xid_++;
    streaming_->index = wal_.BeginStreamed(streaming_->xid);
    streaming_->draft.rows = model_;
    streaming_->chunks_left = 2 + static_cast<int>(random_.Uniform(3));
    return AdvanceStreamed(now_micros);
  }
  if (Chance(options_.unpublished_probability)) {
    wal_.AdvanceUnpublished(64 + random_.Uniform(4096));
    return;
  }
  CommitOne(now_micros);
}

void SimWorkload::Quiesce(int64_t now_micros) {
  while (streaming_ != nullptr) AdvanceStreamed(now_micros);
}

void SimWorkload::CommitOne(int64_t now_micros) {
  const uint32_t xid = next_xid_++;
  Draft draft{.rows = model_};
  std::set<uint32_t> aborted;
  const int count = 1 + static_cast<int>(random_.Uniform(8));
  for (int i = 0; i < count; ++i) draft.changes.push_back(RandomChange(draft, 0, false));
  if (Chance(options_.savepoint_rollback_probability)) {
    // SAVEPOINT; a few changes; ROLLBACK TO SAVEPOINT: logged, never applied.
    const uint32_t subxid = next_xid_++;
    Draft scratch = draft;
    const int sub_count = 1 + static_cast<int>(random_.Uniform(3));
    for (int i = 0; i < sub_count; ++i)
      draft.changes.push_back(RandomChange(scratch, subxid, false));
    aborted.insert(subxid);
    for (int i = 0; i < 2; ++i) draft.changes.push_back(RandomChange(draft, 0, false));
  }
  const size_t index = wal_.Commit(xid, std::move(draft.changes), aborted, now_micros);
  const SimTransaction& committed = wal_.transactions()[index];
  for (const SimChange& change : committed.changes) {
    if (committed.Survives(change)) Apply(model_, change);
  }
  Record(committed.end_lsn);
}

void SimWorkload::AdvanceStreamed(int64_t now_micros) {
  Streaming& open = *streaming_;
  if (open.chunks_left-- > 0) {
    const uint32_t subxid = Chance(0.3) ? next_xid_++ : 0;
    Draft scratch = open.draft;
    Draft& target = subxid != 0 ? scratch : open.draft;
    std::vector<SimChange> chunk;
    const int count = 3 + static_cast<int>(random_.Uniform(8));
    for (int i = 0; i < count; ++i) chunk.push_back(RandomChange(target, subxid, true));
    wal_.StreamChunk(open.index, std::move(chunk));
    if (subxid != 0) {
      if (Chance(0.5)) {
        wal_.AbortSubtransaction(open.index, subxid);
      } else {
        open.draft = std::move(scratch);  // RELEASE SAVEPOINT: its changes stay
      }
    }
    return;
  }
  const size_t index = open.index;
  if (Chance(options_.streamed_abort_probability)) {
    wal_.AbortStreamed(index);
  } else {
    wal_.CommitStreamed(index, now_micros);
    const SimTransaction& committed = wal_.transactions()[index];
    for (const SimChange& change : committed.changes) {
      if (committed.Survives(change)) Apply(model_, change);
    }
    Record(committed.end_lsn);
  }
  streaming_.reset();
}

void SimWorkload::Record(change::Lsn end_lsn) { history_[end_lsn] = model_; }

std::map<uint32_t, SimTableRows> SimWorkload::ModelAsOf(change::Lsn lsn) const {
  auto it = history_.upper_bound(lsn);
  if (it != history_.begin()) return std::prev(it)->second;
  std::map<uint32_t, SimTableRows> empty;
  for (uint32_t relid : relids_) empty[relid];
  return empty;
}

SimChange SimWorkload::RandomChange(Draft& draft, uint32_t subxid, bool fresh_keys_only) {
  if (!fresh_keys_only && streaming_ == nullptr && Chance(options_.truncate_probability)) {
    return Truncate(draft, subxid);
  }
  const uint32_t relid = relids_[random_.Uniform(relids_.size())];
  std::optional<int64_t> key;
  if (fresh_keys_only) {
    std::vector<int64_t>& own = draft.own_keys[relid];
    std::erase_if(own, [&](int64_t k) { return !draft.rows[relid].contains(k); });
    if (!own.empty()) key = own[random_.Uniform(own.size())];
  } else {
    key = AnyKey(draft.rows[relid]);
  }
  const uint64_t kind = random_.Uniform(10);
  if (!key.has_value() || kind < 4) return Insert(draft, relid, subxid);
  if (kind < 8) return Update(draft, relid, *key, subxid);
  return Delete(draft, relid, *key, subxid);
}

// The rows an open streamed transaction changes are its own fresh keys, which no other
// transaction sees before it commits: a committed row is never one of them.
std::optional<int64_t> SimWorkload::AnyKey(const SimTableRows& rows) {
  if (rows.empty()) return std::nullopt;
  auto it = rows.begin();
  std::advance(it, static_cast<long>(random_.Uniform(rows.size())));
  return it->first;
}

std::string SimWorkload::RandomDoc() {
  const uint64_t shape = random_.Uniform(10);
  if (shape == 0) return "";
  const size_t length = shape < 4
                            ? static_cast<size_t>(options_.long_doc_bytes) + random_.Uniform(512)
                            : 1 + random_.Uniform(40);
  std::string doc(length, 'a');
  for (char& c : doc) c = static_cast<char>('a' + random_.Uniform(26));
  return doc;
}

SimTuple SimWorkload::Tuple(int64_t key, const SimRow& row) const {
  return {SimColumn::Text(std::to_string(key)),
          row.n ? SimColumn::Text(std::to_string(*row.n)) : SimColumn::Null(),
          row.doc ? SimColumn::Text(*row.doc) : SimColumn::Null()};
}

SimTuple SimWorkload::KeyTuple(int64_t key) const {
  return {SimColumn::Text(std::to_string(key)), SimColumn::Null(), SimColumn::Null()};
}

SimChange SimWorkload::Insert(Draft& draft, uint32_t relid, uint32_t subxid) {
  const int64_t key = next_key_++;
  SimRow row;
  if (!Chance(0.1)) row.n = static_cast<int32_t>(random_.Uniform(1000000));
  if (!Chance(0.1)) row.doc = RandomDoc();
  SimChange change{.kind = change::ChangeKind::kInsert,
                   .relid = relid,
                   .subxid = subxid,
                   .new_tuple = Tuple(key, row)};
  Apply(draft.rows, change);
  draft.own_keys[relid].push_back(key);
  return change;
}

SimChange SimWorkload::Update(Draft& draft, uint32_t relid, int64_t key, uint32_t subxid) {
  const SimRow old = draft.rows[relid].at(key);  // at-ok: a key drawn from these rows
  SimRow row = old;
  const uint64_t what = random_.Uniform(4);
  if (what != 1) row.n = static_cast<int32_t>(random_.Uniform(1000000));
  if (what == 1 || what == 2) row.doc = RandomDoc();
  const bool key_change = what == 3 && Chance(0.5);
  const int64_t new_key = key_change ? next_key_++ : key;
  SimChange change{.kind = change::ChangeKind::kUpdate,
                   .relid = relid,
                   .subxid = subxid,
                   .new_tuple = Tuple(new_key, row)};
  // A long doc the update did not set is not logged again: 'u'.
  const bool toasted = old.doc && old.doc->size() >= static_cast<size_t>(options_.long_doc_bytes);
  if (row.doc == old.doc && toasted && what != 1 && what != 2) {
    change.new_tuple[2] = SimColumn::UnchangedToast();
  }
  if (replica_identity_.at(relid) == 'f') {  // at-ok: every relid is one of ours
    change.old_kind = change::OldRow::kFull;
    change.old_tuple = Tuple(key, old);
  } else if (key_change) {
    change.old_kind = change::OldRow::kKey;
    change.old_tuple = KeyTuple(key);
  }
  Apply(draft.rows, change);
  if (key_change) draft.own_keys[relid].push_back(new_key);
  return change;
}

SimChange SimWorkload::Delete(Draft& draft, uint32_t relid, int64_t key, uint32_t subxid) {
  const bool full = replica_identity_.at(relid) == 'f';  // at-ok: every relid is ours
  SimChange change{.kind = change::ChangeKind::kDelete,
                   .relid = relid,
                   .subxid = subxid,
                   .old_kind = full ? change::OldRow::kFull : change::OldRow::kKey,
                   .old_tuple = full ? Tuple(key, draft.rows[relid].at(key))  // at-ok: drawn
                                     : KeyTuple(key)};
  Apply(draft.rows, change);
  return change;
}

SimChange SimWorkload::Truncate(Draft& draft, uint32_t subxid) {
  SimChange change{.kind = change::ChangeKind::kTruncate, .subxid = subxid};
  for (uint32_t relid : relids_) {
    if (change.truncated.empty() || Chance(0.3)) change.truncated.push_back(relid);
  }
  change.restart_identity = Chance(0.2);
  Apply(draft.rows, change);
  return change;
}

}  // namespace pg2iceberg::sim
