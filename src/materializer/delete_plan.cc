#include "materializer/delete_plan.h"

#include <algorithm>
#include <bit>
#include <map>

#include "base/check.h"

namespace pg2iceberg::materializer {
namespace {

// The deleted positions of each file, sorted, repeats refused.
Result<std::map<uint32_t, std::vector<int64_t>>> ByFile(const std::vector<RowLocation>& deleted) {
  std::map<uint32_t, std::vector<int64_t>> by_file;
  for (RowLocation location : deleted) by_file[location.file].push_back(location.position);
  for (auto& [file, positions] : by_file) {
    std::sort(positions.begin(), positions.end());
    if (std::adjacent_find(positions.begin(), positions.end()) != positions.end()) {
      return Status::Internal("a row of data file number " + std::to_string(file) +
                              " was deleted twice in one batch");
    }
  }
  return by_file;
}

// An ordering key for a partition tuple (Literal has equality only): its fields' bytes.
std::string TupleKey(const iceberg::PartitionTuple& tuple) {
  std::string key;
  for (const std::optional<iceberg::Literal>& field : tuple) {
    if (!field) {
      key += 'N';
      continue;
    }
    key += 'V' + std::to_string(field->integer) + ':' +
           std::to_string(std::bit_cast<uint64_t>(field->real)) + ':' +
           std::to_string(static_cast<int64_t>(field->unscaled >> 64)) + ':' +
           std::to_string(static_cast<uint64_t>(field->unscaled)) + ':' +
           std::to_string(field->bytes.size()) + ':' + field->bytes;
  }
  return key;
}

std::vector<int64_t> Union(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  std::vector<int64_t> out;
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

void PlanPositionDeletes(const std::map<uint32_t, std::vector<int64_t>>& by_file,
                         const FileLookup& files, DeletePlan& plan) {
  std::map<std::string, PositionDeleteGroup> groups;
  for (const auto& [file, positions] : by_file) {
    const DataFileRef& ref = files(file);
    PositionDeleteGroup& group = groups[TupleKey(ref.partition)];
    group.partition = ref.partition;
    for (int64_t position : positions) {
      group.deletes.push_back({.file_path = ref.path, .pos = position});
    }
  }
  for (auto& [key, group] : groups) {
    std::vector<iceberg::FilePosition>& deletes = group.deletes;
    std::sort(deletes.begin(), deletes.end(), [](const auto& a, const auto& b) {
      return std::tie(a.file_path, a.pos) < std::tie(b.file_path, b.pos);
    });
    plan.position_deletes.push_back(std::move(group));
  }
}

Status PlanVectors(const std::map<uint32_t, std::vector<int64_t>>& by_file, const FileLookup& files,
                   const VectorLookup& vectors, DeletePlan& plan) {
  for (const auto& [file, positions] : by_file) {
    const DataFileRef& ref = files(file);
    ASSIGN_OR_RETURN(std::optional<ExistingVector> existing, vectors(ref.path));
    std::vector<int64_t> all = positions;
    if (existing) {
      all = Union(existing->positions, positions);
      if (all.size() != existing->positions.size() + positions.size()) {
        return Status::DataLoss("data file " + ref.path +
                                ": a row its deletion vector already deletes was deleted again; "
                                "the primary-key index and the table disagree");
      }
      plan.removed_vectors.push_back(existing->entry);
    }
    plan.vectors.push_back(
        {.partition = ref.partition, .deletes = {.data_file = ref.path, .positions = all}});
  }
  return Status::Ok();
}

}  // namespace

Result<DeletePlan> PlanDeletes(const std::vector<RowLocation>& deleted, int format_version,
                               const FileLookup& files, const VectorLookup& vectors) {
  CHECK(format_version == 2 || format_version == 3);
  ASSIGN_OR_RETURN(auto by_file, ByFile(deleted));
  DeletePlan plan;
  plan.rows_deleted = static_cast<int64_t>(deleted.size());
  if (format_version == 2) {
    PlanPositionDeletes(by_file, files, plan);
  } else {
    RETURN_IF_ERROR(PlanVectors(by_file, files, vectors, plan));
  }
  return plan;
}

}  // namespace pg2iceberg::materializer
