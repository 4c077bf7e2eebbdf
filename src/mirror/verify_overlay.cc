#include "mirror/verify_overlay.h"

#include "materializer/primary_key.h"

namespace pg2iceberg {

change::Row OverlayBuilder::Mapped(const change::TableSchema& from, const change::Row& row) const {
  change::Row out(schema_.columns.size(), change::Value::Null());
  for (size_t i = 0; i < schema_.columns.size(); ++i) {
    for (size_t j = 0; j < from.columns.size() && j < row.size(); ++j) {
      if (from.columns[j].name == schema_.columns[i].name) out[i] = row[j];
    }
  }
  return out;
}

Result<std::optional<change::Row>> OverlayBuilder::Current(const std::string& key) {
  auto it = overlay_.rows.find(key);
  if (it != overlay_.rows.end()) return it->second;
  if (overlay_.truncated) return std::optional<change::Row>();
  return base_row_(key);
}

Status OverlayBuilder::Upsert(const change::RowChange& change) {
  change::Row row = Mapped(*change.table, change.new_row);
  ASSIGN_OR_RETURN(std::string key, materializer::KeyOf(schema_, row, key_indexes_));
  std::string before_key = key;
  if (change.kind == change::ChangeKind::kUpdate && change.old_kind != change::OldRow::kNone) {
    ASSIGN_OR_RETURN(before_key, materializer::KeyOf(schema_, Mapped(*change.table, change.old_row),
                                                     key_indexes_));
  }
  std::optional<change::Row> before;
  bool needs_before = false;
  for (const change::Value& value : row) {
    needs_before = needs_before || value.kind == change::ValueKind::kUnchangedToast;
  }
  if (needs_before) {
    ASSIGN_OR_RETURN(before, Current(before_key));
  }
  for (size_t i = 0; i < row.size(); ++i) {
    if (row[i].kind != change::ValueKind::kUnchangedToast) continue;
    if (!before.has_value()) {
      return Status::DataLoss("table " + schema_.QualifiedName() + ", key " +
                              materializer::DescribeKey(schema_, row, key_indexes_) +
                              ": the unchanged TOAST value of column \"" + schema_.columns[i].name +
                              "\" is in no earlier row");
    }
    row[i] = (*before)[i];
  }
  if (before_key != key) overlay_.rows[before_key] = std::nullopt;
  overlay_.rows[key] = std::move(row);
  return Status::Ok();
}

Status OverlayBuilder::Apply(const change::RowChange& change) {
  switch (change.kind) {
    case change::ChangeKind::kTruncate:
      overlay_.rows.clear();
      overlay_.truncated = true;
      return Status::Ok();
    case change::ChangeKind::kInsert:
    case change::ChangeKind::kUpdate:
      return Upsert(change);
    case change::ChangeKind::kDelete: {
      ASSIGN_OR_RETURN(
          std::string key,
          materializer::KeyOf(schema_, Mapped(*change.table, change.old_row), key_indexes_));
      overlay_.rows[key] = std::nullopt;
      return Status::Ok();
    }
  }
  return Status::Internal("unknown change kind");
}

}  // namespace pg2iceberg
