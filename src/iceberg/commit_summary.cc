#include "iceberg/commit_summary.h"

#include <bit>
#include <charconv>
#include <optional>
#include <set>

#include "iceberg/summary_keys.h"

namespace pg2iceberg::iceberg {
namespace {

bool IsDv(const DataFile& file) { return file.file_format == "PUFFIN"; }

// A file's bytes as Java counts them: a deletion vector's blob, any other file whole.
int64_t CountedSize(const DataFile& file) {
  return IsDv(file) ? file.content_size_in_bytes.value_or(0) : file.file_size_in_bytes;
}

// One side (added or removed) of a commit, counted.
struct Counts {
  int64_t data_files = 0, records = 0, bytes = 0;
  int64_t delete_files = 0, position_files = 0, dvs = 0, equality_files = 0;
  int64_t position_deletes = 0, equality_deletes = 0;

  Counts(const std::vector<DataFile>& data, const std::vector<DataFile>& deletes) {
    for (const DataFile& f : data) {
      ++data_files;
      records += f.record_count;
      bytes += CountedSize(f);
    }
    for (const DataFile& f : deletes) {
      ++delete_files;
      bytes += CountedSize(f);
      if (f.content == FileContent::kEqualityDeletes) {
        ++equality_files;
        equality_deletes += f.record_count;
        continue;
      }
      ++(IsDv(f) ? dvs : position_files);
      position_deletes += f.record_count;
    }
  }
};

std::optional<int64_t> ParentTotal(const Snapshot* parent, std::string_view key) {
  if (parent == nullptr) return 0;
  const auto it = parent->summary.find(std::string(key));
  if (it == parent->summary.end()) return std::nullopt;
  int64_t value = 0;
  const char* end = it->second.data() + it->second.size();
  const auto [ptr, ec] = std::from_chars(it->second.data(), end, value);
  if (ec != std::errc() || ptr != end || value < 0) return std::nullopt;
  return value;
}

// A byte string equal for equal tuples (literal.h equality), to count distinct partitions.
std::string PartitionKey(const PartitionTuple& tuple) {
  std::string key;
  for (const std::optional<Literal>& value : tuple) {
    if (!value) {
      key += 'N';
      continue;
    }
    const uint64_t parts[] = {uint64_t(value->integer), std::bit_cast<uint64_t>(value->real),
                              uint64_t(value->unscaled), uint64_t(value->unscaled >> 64),
                              value->bytes.size()};
    key += 'V';
    key.append(reinterpret_cast<const char*>(parts), sizeof parts);
    key += value->bytes;
  }
  return key;
}

// Java's "changed-partition-count": the distinct partitions of the files added and removed.
int64_t ChangedPartitionCount(const FileChanges& changes) {
  std::set<std::string> partitions;
  for (const std::vector<DataFile>* files : {&changes.added_data, &changes.removed_data,
                                             &changes.added_deletes, &changes.removed_deletes}) {
    for (const DataFile& file : *files) partitions.insert(PartitionKey(file.partition));
  }
  return static_cast<int64_t>(partitions.size());
}

class SummaryBuilder {
 public:
  explicit SummaryBuilder(const Snapshot* parent) : parent_(parent) {}
  void SetIfPositive(std::string_view key, int64_t value) {
    if (value > 0) summary_[std::string(key)] = std::to_string(value);
  }
  void SetTotal(std::string_view key, int64_t added, int64_t removed) {
    const std::optional<int64_t> previous = ParentTotal(parent_, key);
    if (previous) summary_[std::string(key)] = std::to_string(*previous + added - removed);
  }
  std::map<std::string, std::string> Take() { return std::move(summary_); }

 private:
  const Snapshot* parent_;
  std::map<std::string, std::string> summary_;
};

}  // namespace

std::string SnapshotOperation(const FileChanges& changes, bool rewrite) {
  if (rewrite) return std::string(summary::kOperationReplace);
  const bool removes = !changes.removed_data.empty() || !changes.removed_deletes.empty();
  if (changes.added_deletes.empty() && !removes) return std::string(summary::kOperationAppend);
  if (changes.added_data.empty()) return std::string(summary::kOperationDelete);
  return std::string(summary::kOperationOverwrite);
}

std::map<std::string, std::string> ChangeSummary(const FileChanges& changes,
                                                 const Snapshot* parent) {
  namespace k = summary;
  const Counts a(changes.added_data, changes.added_deletes);
  const Counts r(changes.removed_data, changes.removed_deletes);
  SummaryBuilder s(parent);
  s.SetIfPositive(k::kAddedDataFiles, a.data_files);
  s.SetIfPositive(k::kDeletedDataFiles, r.data_files);
  s.SetIfPositive(k::kAddedRecords, a.records);
  s.SetIfPositive(k::kDeletedRecords, r.records);
  s.SetIfPositive(k::kAddedFilesSize, a.bytes);
  s.SetIfPositive(k::kRemovedFilesSize, r.bytes);
  s.SetIfPositive(k::kAddedDeleteFiles, a.delete_files);
  s.SetIfPositive(k::kRemovedDeleteFiles, r.delete_files);
  s.SetIfPositive(k::kAddedPositionDeleteFiles, a.position_files);
  s.SetIfPositive(k::kRemovedPositionDeleteFiles, r.position_files);
  s.SetIfPositive(k::kAddedEqualityDeleteFiles, a.equality_files);
  s.SetIfPositive(k::kRemovedEqualityDeleteFiles, r.equality_files);
  s.SetIfPositive(k::kAddedDvs, a.dvs);
  s.SetIfPositive(k::kRemovedDvs, r.dvs);
  s.SetIfPositive(k::kAddedPositionDeletes, a.position_deletes);
  s.SetIfPositive(k::kRemovedPositionDeletes, r.position_deletes);
  s.SetIfPositive(k::kAddedEqualityDeletes, a.equality_deletes);
  s.SetIfPositive(k::kRemovedEqualityDeletes, r.equality_deletes);
  s.SetTotal(k::kTotalDataFiles, a.data_files, r.data_files);
  s.SetTotal(k::kTotalRecords, a.records, r.records);
  s.SetTotal(k::kTotalFilesSize, a.bytes, r.bytes);
  s.SetTotal(k::kTotalDeleteFiles, a.delete_files, r.delete_files);
  s.SetTotal(k::kTotalPositionDeletes, a.position_deletes, r.position_deletes);
  s.SetTotal(k::kTotalEqualityDeletes, a.equality_deletes, r.equality_deletes);
  std::map<std::string, std::string> result = s.Take();
  result[std::string(k::kChangedPartitionCount)] = std::to_string(ChangedPartitionCount(changes));
  return result;
}

}  // namespace pg2iceberg::iceberg
