#include "sim/sim_model.h"

#include <algorithm>

namespace pg2iceberg::sim {
namespace {

Result<int64_t> Number(const change::Value& value, const char* column) {
  if (value.kind != change::ValueKind::kInt64 && value.kind != change::ValueKind::kInt32) {
    return Status::DataLoss(std::string("column ") + column + " holds a " +
                            std::string(change::ValueKindName(value.kind)));
  }
  return value.int_value;
}

Result<SimRow> RowOf(const change::Row& row, const SimRow* old) {
  if (row.size() != 3)
    return Status::DataLoss("a row of " + std::to_string(row.size()) + " values");
  SimRow result;
  if (row[1].kind != change::ValueKind::kNull) {
    ASSIGN_OR_RETURN(int64_t n, Number(row[1], "n"));
    result.n = static_cast<int32_t>(n);
  }
  if (row[2].kind == change::ValueKind::kUnchangedToast) {
    if (old == nullptr)
      return Status::DataLoss("an unchanged TOAST value with no row to take it from");
    result.doc = old->doc;
  } else if (row[2].kind == change::ValueKind::kString) {
    result.doc = row[2].bytes;
  } else if (row[2].kind != change::ValueKind::kNull) {
    return Status::DataLoss("doc holds a " + std::string(change::ValueKindName(row[2].kind)));
  }
  return result;
}

}  // namespace

Result<std::pair<int64_t, SimRow>> RowToModel(const change::Row& row) {
  if (row.empty()) return Status::DataLoss("a row without values");
  ASSIGN_OR_RETURN(int64_t key, Number(row[0], "id"));
  ASSIGN_OR_RETURN(SimRow rest, RowOf(row, nullptr));
  return std::pair{key, std::move(rest)};
}

namespace {

std::string RowText(int64_t key, const SimRow* row) {
  if (row == nullptr) return "id " + std::to_string(key) + " absent";
  return "id " + std::to_string(key) + " n=" + (row->n ? std::to_string(*row->n) : "NULL") +
         " doc=" + (row->doc ? std::to_string(row->doc->size()) + " bytes" : "NULL");
}

}  // namespace

Status ApplyToModel(std::map<uint32_t, SimTableRows>& tables, const change::RowChange& change) {
  const uint32_t relid = change.table->relid;
  SimTableRows& rows = tables[relid];
  if (change.kind == change::ChangeKind::kTruncate) {
    rows.clear();
    return Status::Ok();
  }
  std::optional<SimRow> old;
  if (change.kind != change::ChangeKind::kInsert) {
    const change::Row& keyed =
        change.old_kind == change::OldRow::kNone ? change.new_row : change.old_row;
    if (keyed.empty()) return Status::DataLoss("an update or delete without a key");
    ASSIGN_OR_RETURN(int64_t old_key, Number(keyed[0], "id"));
    const auto it = rows.find(old_key);
    if (it == rows.end()) {
      return Status::DataLoss(std::string(change::ChangeKindName(change.kind)) + " of " +
                              SimWorkload::TableName(relid) + " id " + std::to_string(old_key) +
                              ", which the model does not hold");
    }
    old = it->second;
    rows.erase(it);
  }
  if (change.kind == change::ChangeKind::kDelete) return Status::Ok();
  if (change.new_row.empty()) return Status::DataLoss("an insert or update without a new row");
  ASSIGN_OR_RETURN(int64_t key, Number(change.new_row[0], "id"));
  if (change.kind == change::ChangeKind::kInsert && rows.contains(key)) {
    return Status::DataLoss("insert into " + SimWorkload::TableName(relid) + " of id " +
                            std::to_string(key) + ", which the model holds already");
  }
  ASSIGN_OR_RETURN(SimRow row, RowOf(change.new_row, old ? &*old : nullptr));
  rows[key] = std::move(row);
  return Status::Ok();
}

std::string DescribeWrites(const SimWal& wal, uint32_t relid, int64_t key, change::Lsn lsn) {
  const std::string id = std::to_string(key);
  std::string text;
  for (const SimTransaction& transaction : wal.transactions()) {
    if (!transaction.ended || transaction.aborted || transaction.end_lsn > lsn) continue;
    std::string kinds;
    for (const SimChange& change : transaction.changes) {
      const bool touches =
          change.kind == change::ChangeKind::kTruncate
              ? std::find(change.truncated.begin(), change.truncated.end(), relid) !=
                    change.truncated.end()
              : change.relid == relid &&
                    ((!change.new_tuple.empty() && change.new_tuple[0].text == id) ||
                     (!change.old_tuple.empty() && change.old_tuple[0].text == id));
      if (!touches) continue;
      kinds += (kinds.empty() ? "" : ", ") + std::string(change::ChangeKindName(change.kind)) +
               (transaction.Survives(change) ? "" : " (rolled back)");
    }
    if (kinds.empty()) continue;
    text += (text.empty() ? "" : "; ") + std::string("xid ") + std::to_string(transaction.xid) +
            (transaction.streamed ? " (streamed)" : "") + " committed at " +
            change::FormatLsn(transaction.commit_lsn) + ": " + kinds;
  }
  return text.empty() ? "no committed write" : text;
}

std::string DescribeModelDifference(const std::map<uint32_t, SimTableRows>& expected,
                                    const std::map<uint32_t, SimTableRows>& actual,
                                    const SimWal* wal, change::Lsn lsn) {
  std::string text;
  static const SimTableRows kEmpty;
  for (const auto& [relid, rows] : expected) {
    const auto found = actual.find(relid);
    const SimTableRows& have = found == actual.end() ? kEmpty : found->second;
    if (have == rows) continue;
    int differing = 0;
    std::string first;
    auto note = [&](int64_t key, const SimRow* want, const SimRow* got) {
      if (++differing != 1) return;
      first = "expected " + RowText(key, want) + ", found " + RowText(key, got);
      if (wal != nullptr) first += "; writes: " + DescribeWrites(*wal, relid, key, lsn);
    };
    for (const auto& [key, row] : rows) {
      const auto it = have.find(key);
      if (it == have.end() || !(it->second == row)) {
        note(key, &row, it == have.end() ? nullptr : &it->second);
      }
    }
    for (const auto& [key, row] : have) {
      if (!rows.contains(key)) note(key, nullptr, &row);
    }
    text += (text.empty() ? "" : "; ") + SimWorkload::TableName(relid) + ": " +
            std::to_string(differing) + " row(s) differ (first: " + first + ")";
  }
  return text;
}

}  // namespace pg2iceberg::sim
