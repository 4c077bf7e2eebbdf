// Helpers of the RestCatalog unit tests: table metadata and snapshots to commit, the bodies a
// catalog answers with, and test doubles for what a REST commit must not use (a MetadataWriter)
// and for the logger that retries write to.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "base/check.h"
#include "base/log.h"
#include "iceberg/catalog.h"
#include "iceberg/json_util.h"
#include "iceberg/metadata.h"
#include "iceberg/metadata_json.h"

namespace pg2iceberg::iceberg {

inline constexpr std::string_view kTestUuid = "9c12d441-03fe-4693-9a96-a0705ddf69c1";

// An empty table at `location` with one long column and uuid kTestUuid.
inline TableMetadata EmptyTestTable(std::string_view location, std::string_view uuid = kTestUuid) {
  Schema schema;
  schema.fields = {{1, "id", true, Type::Primitive(TypeId::kLong), ""}};
  Result<TableMetadata> metadata = NewTableMetadata(schema, location, uuid, {}, 1000);
  CHECK(metadata.ok());
  return *metadata;
}

// The snapshot `id` that would follow `table`'s current one.
inline Snapshot NextTestSnapshot(const TableMetadata& table, int64_t id) {
  Snapshot snapshot;
  snapshot.snapshot_id = id;
  snapshot.parent_snapshot_id = table.current_snapshot_id;
  snapshot.sequence_number = table.NextSequenceNumber();
  snapshot.timestamp_ms = table.last_updated_ms + 1;
  snapshot.manifest_list = table.location + "/metadata/snap-" + std::to_string(id) + ".avro";
  snapshot.schema_id = 0;
  return snapshot;
}

inline TableMetadata WithSnapshot(const TableMetadata& table, const Snapshot& snapshot) {
  Result<TableMetadata> next = AddSnapshot(table, snapshot, "", snapshot.timestamp_ms);
  CHECK(next.ok());
  return *next;
}

// A LoadTableResult / CommitTableResponse body.
inline std::string TableBody(const TableMetadata& metadata, std::string_view location) {
  Json json = Json::object();
  if (!location.empty()) json["metadata-location"] = location;
  json["metadata"] = TableMetadataToJson(metadata);
  return DumpJson(json);
}

inline std::string ErrorBody(int code, std::string_view type, std::string_view message) {
  return R"({"error":{"message":")" + std::string(message) + R"(","type":")" + std::string(type) +
         R"(","code":)" + std::to_string(code) + "}}";
}

class NullMetadataWriter final : public MetadataWriter {
 public:
  Result<std::string> WriteMetadataFile(int64_t, const TableMetadata&) override {
    ADD_FAILURE() << "a REST commit must not write metadata files";
    return Status::Internal("unexpected");
  }
  Result<TableMetadata> ReadMetadataFile(const std::string&) override {
    ADD_FAILURE() << "a REST catalog serves its metadata";
    return Status::Internal("unexpected");
  }
};

class CapturingLogger final : public Logger {
 public:
  void Write(LogLevel level, std::string_view message) override {
    lines.push_back(std::string(LogLevelName(level)) + " " + std::string(message));
  }
  LogLevel min_level() const override { return LogLevel::kDebug; }
  std::vector<std::string> lines;
};

}  // namespace pg2iceberg::iceberg
