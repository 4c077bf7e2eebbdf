#include "materializer/table_batch.h"

#include <algorithm>

#include "base/check.h"
#include "materializer/primary_key.h"

namespace pg2iceberg::materializer {
namespace {

using change::ChangeKind;
using change::OldRow;
using change::Row;
using change::TableSchema;
using change::Value;
using change::ValueKind;

constexpr int64_t kValueOverheadBytes = 48;

int64_t ImageBytes(const Row& row) {
  int64_t bytes = 0;
  for (const Value& value : row) {
    bytes += kValueOverheadBytes + static_cast<int64_t>(value.bytes.size());
    for (const Value& element : value.elements) bytes += ImageBytes(Row{element});
  }
  return bytes;
}

int ColumnNamed(const TableSchema& schema, const std::string& name) {
  for (size_t i = 0; i < schema.columns.size(); ++i) {
    if (schema.columns[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

bool HasUnchangedToast(const Row& row) {
  return std::any_of(row.begin(), row.end(),
                     [](const Value& v) { return v.kind == ValueKind::kUnchangedToast; });
}

}  // namespace

TableBatch::TableBatch(std::vector<std::string> key_columns, PrimaryKeyIndex& index, RowSink& sink,
                       RowSource& mirror, TableBatchOptions options)
    : key_columns_(std::move(key_columns)),
      index_(index),
      sink_(sink),
      mirror_(mirror),
      options_(options),
      first_batch_file_(index.next_file()) {
  CHECK(!key_columns_.empty());
}

Status TableBatch::Apply(const change::RowChange& change) {
  CHECK(change.table != nullptr);
  switch (change.kind) {
    case ChangeKind::kInsert:
      ++stats_.inserts;
      return Upsert(change.table, change.new_row, nullptr);
    case ChangeKind::kUpdate: {
      ++stats_.updates;
      if (change.old_kind == OldRow::kNone) return Upsert(change.table, change.new_row, nullptr);
      ASSIGN_OR_RETURN(std::string old_key, Key(change.table, change.old_row));
      return Upsert(change.table, change.new_row, &old_key);
    }
    case ChangeKind::kDelete: {
      ++stats_.deletes;
      ASSIGN_OR_RETURN(std::string key, Key(change.table, change.old_row));
      DeleteKey(key);
      return Status::Ok();
    }
    case ChangeKind::kTruncate:
      ++stats_.truncates;
      Truncate();
      return Status::Ok();
  }
  return Status::Internal("unknown change kind " + std::to_string(static_cast<int>(change.kind)));
}

Result<const std::vector<int>*> TableBatch::KeyIndexes(const SchemaPtr& schema) {
  auto it = key_indexes_.find(schema.get());
  if (it == key_indexes_.end()) {
    ASSIGN_OR_RETURN(std::vector<int> indexes, KeyColumnIndexes(*schema, key_columns_));
    it = key_indexes_.emplace(schema.get(), std::make_pair(schema, std::move(indexes))).first;
  }
  return &it->second.second;
}

Result<std::string> TableBatch::Key(const SchemaPtr& schema, const Row& row) {
  ASSIGN_OR_RETURN(const std::vector<int>* indexes, KeyIndexes(schema));
  return KeyOf(*schema, row, *indexes);
}

Status TableBatch::Upsert(const SchemaPtr& schema, Row row, const std::string* old_key) {
  ASSIGN_OR_RETURN(const std::vector<int>* key_indexes, KeyIndexes(schema));
  ASSIGN_OR_RETURN(std::string key, KeyOf(*schema, row, *key_indexes));
  const std::string& earlier_key = old_key != nullptr ? *old_key : key;
  if (replaying_ && HasUnchangedToast(row) && !Holds(earlier_key)) {
    if (earlier_key != key && !Holds(key)) {
      return Status::DataLoss(
          "table " + schema->QualifiedName() + ", row (" + DescribeKey(*schema, row, *key_indexes) +
          "): while the changes behind a resumed initial load are replayed, a primary-key "
          "change moves a row with an unchanged TOAST value the load did not copy. The table's "
          "load must start over: drop its Iceberg table (or run `pg2iceberg cleanup "
          "--drop-iceberg-tables`) and start `pg2iceberg run` again");
    }
    ++stats_.replay_dropped;
    return Status::Ok();
  }
  RETURN_IF_ERROR(ResolveToast(schema, *key_indexes, row, earlier_key));
  if (old_key != nullptr && *old_key != key) DeleteKey(*old_key);
  if (std::optional<RowLocation> was = index_.Find(key)) Deleted(*was, key);
  ASSIGN_OR_RETURN(RowLocation location, sink_.Append(*schema, row));
  CHECK(location.file >= first_batch_file_);  // the sink writes only the batch's own files
  ++stats_.rows_appended;
  RETURN_IF_ERROR(index_.Put(key, location));
  KeepImage(key, Image{.schema = schema, .row = std::move(row)});
  return Status::Ok();
}

bool TableBatch::Holds(const std::string& key) const {
  return images_.count(key) != 0 || index_.Find(key).has_value();
}

Status TableBatch::ResolveToast(const SchemaPtr& schema, const std::vector<int>& key_indexes,
                                Row& row, const std::string& key) {
  if (!HasUnchangedToast(row)) return Status::Ok();
  for (size_t i = 0; i < row.size(); ++i) {
    if (row[i].kind != ValueKind::kUnchangedToast) continue;
    const std::string& name = schema->columns[i].name;
    ASSIGN_OR_RETURN(const Image* image,
                     EarlierImage(schema, key_indexes, row, key, static_cast<int>(i)));
    int column = ColumnNamed(*image->schema, name);
    if (column < 0 || static_cast<size_t>(column) >= image->row.size() ||
        image->row[column].kind == ValueKind::kUnchangedToast) {
      return Status::DataLoss("table " + schema->QualifiedName() + ", row (" +
                              DescribeKey(*schema, row, key_indexes) + "): column \"" + name +
                              "\" is unchanged (TOAST) but the mirror's earlier image of the "
                              "row has no value for it");
    }
    row[i] = image->row[column];
  }
  return Status::Ok();
}

Result<const TableBatch::Image*> TableBatch::EarlierImage(const SchemaPtr& schema,
                                                          const std::vector<int>& key_indexes,
                                                          const Row& row, const std::string& key,
                                                          int column) {
  if (auto it = images_.find(key); it != images_.end()) {
    ++stats_.toast_from_batch;
    return &it->second;
  }
  std::optional<RowLocation> location = index_.Find(key);
  if (!location) {
    return Status::DataLoss(
        "table " + schema->QualifiedName() + ", row (" + DescribeKey(*schema, row, key_indexes) +
        "): an update leaves column \"" + schema->columns[column].name +
        "\" unchanged (a TOASTed value the server did not resend), but the mirror holds no "
        "earlier image of the row, so the value cannot be found. The mirror is missing rows: "
        "mirror the table afresh (`pg2iceberg cleanup`, then a fresh start); REPLICA IDENTITY "
        "FULL on the source table does not avoid this (unchanged TOAST values are still not "
        "resent)");
  }
  ASSIGN_OR_RETURN(Row stored, mirror_.ReadRow(*location, *schema));
  ++stats_.toast_from_table;
  read_back_ = Image{.schema = schema, .row = std::move(stored)};
  return &read_back_;
}

void TableBatch::DeleteKey(const std::string& key) {
  if (auto it = images_.find(key); it != images_.end()) {
    images_bytes_ -= it->second.bytes;
    images_.erase(it);
  }
  if (std::optional<RowLocation> was = index_.Erase(key)) Deleted(*was, key);
}

void TableBatch::Deleted(RowLocation location, const std::string& key) {
  deleted_.push_back(location);
  deleted_keys_.push_back(key);
}

void TableBatch::Truncate() {
  truncated_ = true;
  // Files live before the batch are removed whole; their deleted rows need no delete file.
  size_t kept = 0;
  for (size_t i = 0; i < deleted_.size(); ++i) {
    if (deleted_[i].file < first_batch_file_) continue;
    deleted_[kept] = deleted_[i];
    deleted_keys_[kept] = std::move(deleted_keys_[i]);
    ++kept;
  }
  deleted_.resize(kept);
  deleted_keys_.resize(kept);
  index_.ForEach([&](const std::string& key, RowLocation location) {
    if (location.file >= first_batch_file_) Deleted(location, key);
  });
  index_.Clear();
  images_.clear();
  images_bytes_ = 0;
}

void TableBatch::KeepImage(const std::string& key, Image image) {
  image.bytes = ImageBytes(image.row) + static_cast<int64_t>(key.size());
  if (auto it = images_.find(key); it != images_.end()) {
    images_bytes_ -= it->second.bytes;
    images_.erase(it);
  }
  if (images_bytes_ + image.bytes > options_.images_bytes_max) {
    images_.clear();  // rows are read back from the files instead
    images_bytes_ = 0;
    ++stats_.images_dropped;
  }
  if (image.bytes > options_.images_bytes_max) return;
  images_bytes_ += image.bytes;
  images_.emplace(key, std::move(image));
}

}  // namespace pg2iceberg::materializer
