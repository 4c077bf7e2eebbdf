// TableStores: the object stores a snapshot writes Iceberg tables through.
//
//   - sink.warehouse with the sink's own settings (OpenWarehouse), opened on first use, so a
//     run whose tables all come with catalog-vended credentials needs no keys of its own;
//   - for each table whose catalog vended S3 credentials (REST with access delegation),
//     sink.warehouse opened with those (OpenVendedWarehouse), unless sink.credential_mode is
//     static.
//
// With sink.credential_mode vended, a table without vended credentials is an error rather
// than a silent fall-back to the sink's own keys. Owns every store it opens; borrows `sink`
// and `env`, which must outlive it. Not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "config/config.h"
#include "env/env.h"
#include "iceberg/catalog.h"

namespace pg2iceberg {

class TableStores {
 public:
  TableStores(const SinkConfig& sink, Env& env) : sink_(&sink), env_(&env) {}

  // The location of `key` under sink.warehouse; opens nothing that needs credentials.
  Result<std::string> Location(std::string_view key);

  // sink.warehouse with the sink's own settings; errors as OpenWarehouse.
  Result<ObjectStore*> Own();

  // The store for the files of `table` given what the catalog vended for it (possibly
  // nothing). kInvalidArgument naming the table when sink.credential_mode is vended and
  // `vended` has no S3 keys.
  Result<ObjectStore*> ForTable(const std::string& table, const iceberg::StorageConfig& vended);

 private:
  const SinkConfig* sink_;
  Env* env_;
  std::unique_ptr<ObjectStore> own_;
  std::vector<std::unique_ptr<ObjectStore>> vended_;
};

}  // namespace pg2iceberg
