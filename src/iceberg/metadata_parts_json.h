// JSON forms of the parts of TableMetadata (partition specs, sort orders, snapshots, refs and
// log entries), shared by metadata_json.cc and, later, REST catalog requests. Member names and
// order as in the Iceberg spec and Java's parsers. Readers ignore unknown members and return
// kInvalidArgument naming the missing or mistyped one.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "iceberg/json_util.h"
#include "iceberg/metadata.h"

namespace pg2iceberg::iceberg {

Json PartitionSpecToJson(const PartitionSpec& spec);
Result<PartitionSpec> PartitionSpecFromJson(const Json& json);

Json SortOrderToJson(const SortOrder& order);
Result<SortOrder> SortOrderFromJson(const Json& json);

// Summary: {"operation": …, then the other entries in key order}.
Json SnapshotToJson(const Snapshot& snapshot);
Result<Snapshot> SnapshotFromJson(const Json& json);

Json SnapshotRefToJson(const SnapshotRef& ref);
Result<SnapshotRef> SnapshotRefFromJson(const Json& json);

Json SnapshotLogEntryToJson(const SnapshotLogEntry& entry);
Result<SnapshotLogEntry> SnapshotLogEntryFromJson(const Json& json);

Json MetadataLogEntryToJson(const MetadataLogEntry& entry);
Result<MetadataLogEntry> MetadataLogEntryFromJson(const Json& json);

// Parses every element of `array` (nullptr: none) with `parse`; errors name "key[i]".
template <typename T, typename Parse>
Result<std::vector<T>> ListFromJson(const Json* array, std::string_view key, Parse parse) {
  std::vector<T> items;
  if (array == nullptr) return items;
  for (size_t i = 0; i < array->size(); ++i) {
    Result<T> item = parse((*array)[i]);
    if (!item.ok()) {
      return item.status().WithContext(std::string(key) + "[" + std::to_string(i) + "]");
    }
    items.push_back(std::move(item).value());
  }
  return items;
}

// A JSON array of `items` rendered with `to_json`.
template <typename T, typename ToJson>
Json ListToJson(const std::vector<T>& items, ToJson to_json) {
  Json array = Json::array();
  for (const T& item : items) array.push_back(to_json(item));
  return array;
}

}  // namespace pg2iceberg::iceberg
