#include "mirror/connect_iceberg.h"

#include <cstdio>

#include "table/catalog_factory.h"
#include "table/warehouse.h"

namespace pg2iceberg {
namespace {

std::string Hex64(uint64_t value) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
  return text;
}

Result<std::string> CheckTables(const Config& config, iceberg::Catalog& catalog) {
  std::string report;
  for (const TableConfig& table : config.tables) {
    std::string ns =
        config.sink.namespace_name.empty() ? table.schema_name : config.sink.namespace_name;
    iceberg::TableIdentifier ident{{ns}, table.table_name};
    Result<iceberg::LoadedTable> loaded = catalog.LoadTable(ident);
    if (loaded.ok()) {
      report += "  table " + ident.ToString() + ": exists (" + loaded->metadata_location + ")\n";
    } else if (loaded.status().code() == StatusCode::kNotFound) {
      report += "  table " + ident.ToString() + ": not created yet\n";
    } else {
      return loaded.status().WithContext("loading Iceberg table " + ident.ToString());
    }
  }
  return report;
}

// Writes, reads back and removes one probe object.
Status ProbeWarehouse(ObjectStore& store, Random& random, std::string& key) {
  key = "_pg2iceberg/probe/connect-iceberg-" + Hex64(random.Next64());
  const std::string content = "pg2iceberg connect-iceberg probe " + key;
  RETURN_IF_ERROR(
      store.Put(key, AsBytes(content), {.if_none_match = true}).WithContext("writing a probe"));
  Result<Bytes> read = store.Get(key);
  Status removed = store.Delete({key}).WithContext("removing the probe");
  RETURN_IF_ERROR(read.status().WithContext("reading the probe back"));
  if (std::string(reinterpret_cast<const char*>(read->data()), read->size()) != content) {
    return Status::DataLoss("the probe read back differs from what was written (" +
                            std::to_string(read->size()) + " bytes instead of " +
                            std::to_string(content.size()) + ")");
  }
  RETURN_IF_ERROR(removed);
  Result<ObjectInfo> gone = store.Head(key);
  if (gone.ok()) return Status::Internal("the probe is still there after it was removed");
  if (gone.status().code() != StatusCode::kNotFound) {
    return gone.status().WithContext("checking that the probe was removed");
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> CheckIcebergConnection(const Config& config, Env& env) {
  ASSIGN_OR_RETURN(OpenedCatalog opened, OpenCatalog(config, env));
  Result<std::vector<iceberg::Namespace>> namespaces = opened.catalog->ListNamespaces();
  RETURN_IF_ERROR(namespaces.status().WithContext("listing the catalog's namespaces"));
  std::string report = std::string("catalog: ") +
                       (config.sink.catalog_type == CatalogType::kRest ? "REST" : "SQL") +
                       ", reachable, " + std::to_string(namespaces->size()) + " namespace(s)\n";
  ASSIGN_OR_RETURN(std::string tables, CheckTables(config, *opened.catalog));
  report += tables;
  ASSIGN_OR_RETURN(std::unique_ptr<ObjectStore> warehouse, OpenWarehouse(config.sink, env));
  std::string key;
  RETURN_IF_ERROR(ProbeWarehouse(*warehouse, env.random, key)
                      .WithContext("warehouse " + config.sink.warehouse + " (probe " + key + ")"));
  report += "warehouse: " + config.sink.warehouse + ", probe written, read back and removed\n";
  return report;
}

}  // namespace pg2iceberg
