#include "mirror/verify_compare.h"

#include <algorithm>
#include <functional>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "base/bytes.h"
#include "change/change_codec.h"
#include "materializer/index_rebuild.h"
#include "materializer/primary_key.h"
#include "mirror/table_copy.h"
#include "mirror/verify_file_rows.h"
#include "mirror/verify_overlay.h"

namespace pg2iceberg {
namespace {

using change::Value;
using change::ValueKind;
using materializer::PrimaryKeyIndex;
using materializer::RowLocation;

// What a hash entry costs besides its key (held by the index): node, view, hash.
constexpr int64_t kHashEntryBytes = 64;
// Rows decoded from a data file at once (each a few hundred bytes while decoded).
constexpr size_t kRowsPerRead = 16'384;

// `value` as the mirror compares it: int as long, float as double (a widened column holds
// both), element by element in a list.
Value Normalized(Value value) {
  if (value.kind == ValueKind::kInt32) value.kind = ValueKind::kInt64;
  if (value.kind == ValueKind::kFloat32) value.kind = ValueKind::kFloat64;
  for (Value& element : value.elements) element = Normalized(std::move(element));
  return value;
}

uint64_t HashRow(const change::Row& row) {
  ByteWriter out;
  for (const Value& value : row) change::EncodeValue(Normalized(value), &out);
  const Bytes& bytes = out.bytes();
  return std::hash<std::string_view>{}(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

change::TableSchema SchemaOf(const TablePlan& plan) {
  change::TableSchema schema{.schema_name = plan.source.schema_name,
                             .table_name = plan.source.table_name};
  for (const MappedColumn& column : plan.columns) {
    schema.columns.push_back({.name = column.pg.name, .type_oid = column.pg.type_oid});
  }
  return schema;
}

class Comparer {
 public:
  Comparer(const TablePlan& plan, const CompareOptions& options)
      : plan_(plan),
        options_(options),
        schema_(SchemaOf(plan)),
        index_(plan.source.QualifiedName(), options.memory_bytes_max),
        files_(plan, options) {}

  Status ReadIceberg(const iceberg::TableMetadata& at);
  Status ApplyChanges(const std::vector<change::RowChange>& after);
  Status ReadSource(PgConnection& source);
  Status AddExtras();
  TableComparison Take() { return std::move(result_); }

 private:
  Status HashFile(uint32_t file, std::vector<std::pair<int64_t, const std::string*>>& rows);
  Status CheckMemory() const;
  // The row of `key` the comparison expects: folded from the changes, else the snapshot's.
  Result<change::Row> IcebergRow(std::string_view key);
  Result<change::Row> SnapshotRow(std::string_view key);
  Status Compare(const change::Row& row);
  void Record(RowDifference difference);

  const TablePlan& plan_;
  const CompareOptions& options_;
  change::TableSchema schema_;
  std::vector<int> key_indexes_;
  PrimaryKeyIndex index_;
  std::vector<materializer::DataFileRef> data_files_;
  Overlay overlay_;  // holds the keys of hashes_ that index_ does not
  std::unordered_map<std::string_view, uint64_t> hashes_;  // keys held by index_ or overlay_
  FileRows files_;
  TableComparison result_;
};

Status Comparer::CheckMemory() const {
  const int64_t bytes =
      index_.memory_bytes() + static_cast<int64_t>(hashes_.size()) * kHashEntryBytes;
  if (bytes <= options_.memory_bytes_max) return Status::Ok();
  return Status::InvalidArgument(
      "verifying table " + plan_.source.QualifiedName() + " needs more than " +
      std::to_string(options_.memory_bytes_max) + " bytes (keys and row hashes of " +
      std::to_string(hashes_.size()) +
      " rows held so far); raise sink.materializer_index_memory (verify's bound) or verify the "
      "table on a machine with more memory");
}

Status Comparer::ReadIceberg(const iceberg::TableMetadata& at) {
  ASSIGN_OR_RETURN(key_indexes_, materializer::KeyColumnIndexes(schema_, options_.key_columns));
  iceberg::LiveFiles live;
  Result<materializer::LiveTableState> rebuilt =
      materializer::RebuildIndex(*plan_.store, live, at,
                                 {.table_name = plan_.source.QualifiedName(),
                                  .key_columns = options_.key_columns,
                                  .file_bytes_max = options_.file_bytes_max},
                                 index_);
  if (!rebuilt.ok() && rebuilt.status().code() == StatusCode::kInvalidArgument) {
    return rebuilt.status().WithContext(
        "verify holds every key and a hash per row in memory, bounded by "
        "sink.materializer_index_memory (raise it for verify alone in a copy of the config)");
  }
  RETURN_IF_ERROR(rebuilt.status());
  materializer::LiveTableState state = std::move(*rebuilt);
  data_files_ = std::move(state.data_files);
  std::vector<std::vector<std::pair<int64_t, const std::string*>>> by_file(data_files_.size());
  index_.ForEach([&](const std::string& key, RowLocation location) {
    by_file[location.file].push_back({location.position, &key});
  });
  hashes_.reserve(index_.size());
  for (uint32_t file = 0; file < by_file.size(); ++file) {
    RETURN_IF_ERROR(HashFile(file, by_file[file]));
    std::vector<std::pair<int64_t, const std::string*>>().swap(by_file[file]);
  }
  result_.iceberg_rows = static_cast<int64_t>(hashes_.size());
  return Status::Ok();
}

Status Comparer::HashFile(uint32_t file,
                          std::vector<std::pair<int64_t, const std::string*>>& rows) {
  std::sort(rows.begin(), rows.end());
  std::vector<int64_t> positions;
  // In chunks, so the decoded rows held at once stay small; the reader skips the pages a
  // chunk does not touch and FileRows keeps the file open between chunks.
  for (size_t begin = 0; begin < rows.size(); begin += kRowsPerRead) {
    const size_t end = std::min(rows.size(), begin + kRowsPerRead);
    positions.clear();
    for (size_t i = begin; i < end; ++i) positions.push_back(rows[i].first);
    ASSIGN_OR_RETURN(std::vector<change::Row> read, files_.Read(data_files_[file].path, positions));
    if (read.size() != positions.size()) {
      return Status::DataLoss("table " + plan_.source.QualifiedName() + ": data file " +
                              data_files_[file].path + " holds fewer rows than its index");
    }
    for (size_t i = begin; i < end; ++i) hashes_[*rows[i].second] = HashRow(read[i - begin]);
    RETURN_IF_ERROR(CheckMemory());
  }
  return Status::Ok();
}

Result<change::Row> Comparer::IcebergRow(std::string_view key) {
  auto it = overlay_.rows.find(std::string(key));
  if (it != overlay_.rows.end() && it->second.has_value()) return *it->second;
  return SnapshotRow(key);
}

Result<change::Row> Comparer::SnapshotRow(std::string_view key) {
  std::optional<RowLocation> location = index_.Find(key);
  CHECK(location.has_value());
  const int64_t position = location->position;
  ASSIGN_OR_RETURN(
      std::vector<change::Row> rows,
      files_.Read(data_files_[location->file].path, std::span<const int64_t>(&position, 1)));
  if (rows.size() != 1) return Status::DataLoss("a row of the index is not in its file");
  return std::move(rows[0]);
}

void Comparer::Record(RowDifference difference) {
  ++result_.differences;
  if (static_cast<int>(result_.first.size()) < options_.differences_max) {
    result_.first.push_back(std::move(difference));
  }
}

Status Comparer::Compare(const change::Row& row) {
  ++result_.source_rows;
  ASSIGN_OR_RETURN(std::string key, materializer::KeyOf(schema_, row, key_indexes_));
  auto it = hashes_.find(key);
  if (it == hashes_.end()) {
    Record({.kind = RowDifference::Kind::kMissingInIceberg,
            .key = materializer::DescribeKey(schema_, row, key_indexes_)});
    return Status::Ok();
  }
  const bool same = it->second == HashRow(row);
  hashes_.erase(it);
  if (same) return Status::Ok();
  RowDifference difference{.kind = RowDifference::Kind::kDifferentValues,
                           .key = materializer::DescribeKey(schema_, row, key_indexes_)};
  if (static_cast<int>(result_.first.size()) < options_.differences_max) {
    ASSIGN_OR_RETURN(change::Row mirrored, IcebergRow(key));
    for (size_t i = 0; i < row.size(); ++i) {
      if (!(Normalized(row[i]) == Normalized(mirrored[i]))) {
        difference.columns.push_back(plan_.columns[i].pg.name);
      }
    }
  }
  Record(std::move(difference));
  return Status::Ok();
}

Status Comparer::ApplyChanges(const std::vector<change::RowChange>& after) {
  if (after.empty()) return Status::Ok();
  OverlayBuilder builder(schema_, key_indexes_,
                         [&](const std::string& key) -> Result<std::optional<change::Row>> {
                           if (!index_.Find(key).has_value()) return std::optional<change::Row>();
                           ASSIGN_OR_RETURN(change::Row row, SnapshotRow(key));
                           return std::optional<change::Row>(std::move(row));
                         });
  for (const change::RowChange& change : after) RETURN_IF_ERROR(builder.Apply(change));
  overlay_ = builder.Take();
  if (overlay_.truncated) hashes_.clear();
  for (const auto& [key, row] : overlay_.rows) {
    hashes_.erase(key);
    if (row.has_value()) hashes_.emplace(std::string_view(key), HashRow(*row));
  }
  result_.iceberg_rows = static_cast<int64_t>(hashes_.size());
  return CheckMemory();
}

Status Comparer::ReadSource(PgConnection& source) {
  return StreamTableRows(plan_, source, "", [&](const change::Row& row) { return Compare(row); });
}

Status Comparer::AddExtras() {
  std::vector<std::string_view> extra;
  for (const auto& [key, hash] : hashes_) extra.push_back(key);
  std::sort(extra.begin(), extra.end());  // a stable report
  for (std::string_view key : extra) {
    RowDifference difference{.kind = RowDifference::Kind::kExtraInIceberg};
    if (static_cast<int>(result_.first.size()) < options_.differences_max) {
      ASSIGN_OR_RETURN(change::Row row, IcebergRow(key));
      difference.key = materializer::DescribeKey(schema_, row, key_indexes_);
    }
    Record(std::move(difference));
  }
  return Status::Ok();
}

}  // namespace

Result<TableComparison> CompareTable(const TablePlan& plan, const iceberg::TableMetadata& at,
                                     const std::vector<change::RowChange>& after,
                                     PgConnection& source, const CompareOptions& options) {
  Comparer comparer(plan, options);
  RETURN_IF_ERROR(comparer.ReadIceberg(at));
  RETURN_IF_ERROR(comparer.ApplyChanges(after));
  RETURN_IF_ERROR(comparer.ReadSource(source));
  RETURN_IF_ERROR(comparer.AddExtras());
  return comparer.Take();
}

std::string DescribeDifference(const RowDifference& difference) {
  switch (difference.kind) {
    case RowDifference::Kind::kMissingInIceberg:
      return "missing in Iceberg: " + difference.key;
    case RowDifference::Kind::kExtraInIceberg:
      return "extra in Iceberg: " + difference.key;
    case RowDifference::Kind::kDifferentValues: {
      std::string columns;
      for (const std::string& column : difference.columns) {
        columns += (columns.empty() ? "" : ", ") + column;
      }
      return "different values: " + difference.key + " (columns: " + columns + ")";
    }
  }
  return "";
}

}  // namespace pg2iceberg
