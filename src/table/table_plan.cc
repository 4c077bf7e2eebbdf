#include "table/table_plan.h"

#include <algorithm>

#include "iceberg/metadata_json.h"
#include "iceberg/partition.h"
#include "iceberg/schema_update.h"
#include "pg/type_resolver.h"

namespace pg2iceberg {
namespace {

Status RejectUnbuiltOptions(const TableConfig& table) {
  if (table.has_column_overrides) {
    return Status::InvalidArgument("table " + table.name +
                                   ": columns overrides are not supported yet; columns are "
                                   "discovered from the source");
  }
  return Status::Ok();
}

Result<std::vector<std::string>> KeyColumns(const TableConfig& config,
                                            const pg::SourceTable& source) {
  const std::vector<std::string>& key =
      config.primary_key.empty() ? source.primary_key : config.primary_key;
  for (const std::string& name : key) {
    auto column = std::find_if(source.columns.begin(), source.columns.end(),
                               [&](const pg::PgColumn& c) { return c.name == name; });
    if (column == source.columns.end()) {
      return Status::InvalidArgument("table " + source.QualifiedName() + ": primary_key column \"" +
                                     name + "\" does not exist");
    }
    if (!column->not_null) {
      return Status::InvalidArgument("table " + source.QualifiedName() + ": primary_key column \"" +
                                     name + "\" is nullable; declare it NOT NULL");
    }
  }
  return key;
}

std::vector<SourceColumn> SourceColumns(const std::vector<MappedColumn>& columns,
                                        const std::vector<std::string>& key) {
  std::vector<SourceColumn> source;
  for (const MappedColumn& column : columns) {
    const bool in_key = std::find(key.begin(), key.end(), column.pg.name) != key.end();
    source.push_back({column.pg.attnum, column.pg.name, column.pg.type_name, column.iceberg_type,
                      column.pg.not_null, in_key});
  }
  return source;
}

// The table's recorded attnum → field id map; nullopt when it has none (matched by name).
Result<std::optional<FieldIdMap>> RecordedFieldIds(const TablePlan& plan,
                                                   const iceberg::TableMetadata& metadata) {
  const auto it = metadata.properties.find(std::string(kFieldIdsProperty));
  if (it == metadata.properties.end()) return std::optional<FieldIdMap>();
  Result<FieldIdMap> ids = ParseFieldIds(it->second);
  if (!ids.ok()) {
    return Status::InvalidArgument(
        "Iceberg table " + plan.state.ident.ToString() + ": " + ids.status().message() +
        "; drop the Iceberg table or mirror into another sink.namespace");
  }
  return std::optional<FieldIdMap>(std::move(*ids));
}

// The schema of a new table for the source: field ids 1..n.
void UseNewTableSchema(TablePlan& plan) {
  EvolvedSchema created = NewTableSchema(plan.source_columns);
  plan.schema = std::move(created.schema);
  plan.properties[std::string(kFieldIdsProperty)] = FormatFieldIds(created.field_ids);
}

// Evolves the table's current schema to the source (schema_evolution.h) into plan.schema and
// plan.properties; refuses what Iceberg cannot apply.
Status EvolveExistingSchema(TablePlan& plan, const iceberg::TableMetadata& metadata,
                            const iceberg::Schema& current, Logger& log) {
  const std::string table = plan.state.ident.ToString();
  ASSIGN_OR_RETURN(const std::optional<FieldIdMap> recorded, RecordedFieldIds(plan, metadata));
  if (!recorded.has_value()) {
    log.Info("Iceberg table " + table + " has no " + std::string(kFieldIdsProperty) +
             " property: matching its fields to source columns by name");
  }
  ASSIGN_OR_RETURN(EvolvedSchema evolved, EvolveSchema(table, current, metadata.last_column_id,
                                                       recorded, plan.source_columns));
  for (const std::string& change : evolved.changes) {
    log.Info("schema of Iceberg table " + table + ": " + change);
  }
  plan.schema = std::move(evolved.schema);
  plan.properties[std::string(kFieldIdsProperty)] = FormatFieldIds(evolved.field_ids);
  return Status::Ok();
}

}  // namespace

Result<TablePlan> PlanSourceTable(const TableConfig& table, const SinkConfig& sink,
                                  PgConnection& source) {
  RETURN_IF_ERROR(RejectUnbuiltOptions(table));
  ASSIGN_OR_RETURN(pg::SourceTable described,
                   pg::DescribeTable(source, table.schema_name, table.table_name));
  // Enums and citext are copied as text, domains as their base type (COPY sends each in that
  // type's binary form); the declared name stays in type_name for messages.
  pg::PgTypeResolver types(source);
  for (pg::PgColumn& column : described.columns) {
    Result<pg::ResolvedType> resolved = types.Resolve(column.type_oid, column.type_modifier);
    if (!resolved.ok()) {
      return resolved.status().WithContext("table " + described.QualifiedName() + ", column \"" +
                                           column.name + "\"");
    }
    column.type_oid = resolved->type_oid;
    column.type_modifier = resolved->type_modifier;
  }
  return PlanDescribedTable(table, sink, std::move(described));
}

Result<TablePlan> PlanDescribedTable(const TableConfig& table, const SinkConfig& sink,
                                     pg::SourceTable described) {
  RETURN_IF_ERROR(RejectUnbuiltOptions(table));
  TablePlan plan;
  plan.source = std::move(described);
  for (const pg::PgColumn& column : plan.source.columns) {
    ASSIGN_OR_RETURN(MappedColumn mapped,
                     MapColumn(plan.source.QualifiedName(), column,
                               {.wide_numeric_as_string = table.wide_numeric_as_string}));
    plan.columns.push_back(std::move(mapped));
  }
  ASSIGN_OR_RETURN(std::vector<std::string> key, KeyColumns(table, plan.source));
  plan.source_columns = SourceColumns(plan.columns, key);
  UseNewTableSchema(plan);
  plan.partition_entries = table.partition;
  ASSIGN_OR_RETURN(plan.partition_spec, iceberg::BuildPartitionSpec(plan.source.QualifiedName(),
                                                                    plan.schema, table.partition));
  std::string ns = sink.namespace_name.empty() ? table.schema_name : sink.namespace_name;
  plan.state.ident = iceberg::TableIdentifier{{ns}, table.table_name};
  plan.key_prefix = ns + "/" + table.table_name;
  plan.format_version = table.format_version;
  return plan;
}

namespace {

// The metadata at `location`, read from the warehouse (for catalogs that store only a pointer).
Result<iceberg::TableMetadata> ReadMetadataFile(const TablePlan& plan, const std::string& location,
                                                ObjectStore& warehouse) {
  std::string context = "Iceberg table " + plan.state.ident.ToString() + " metadata " + location;
  ASSIGN_OR_RETURN(std::string key, warehouse.KeyForLocation(location));
  Result<Bytes> bytes = warehouse.Get(key);
  if (bytes.status().code() == StatusCode::kNotFound) {
    return Status::DataLoss(context +
                            " is missing from the warehouse: the catalog and the "
                            "warehouse disagree. If the warehouse files were removed on purpose, "
                            "drop the table from the catalog (DELETE FROM iceberg_tables WHERE "
                            "catalog_name = '<sink.catalog_name>' AND table_namespace = '" +
                            iceberg::NamespaceToString(plan.state.ident.table_namespace) +
                            "' AND table_name = '" + plan.state.ident.name +
                            "') and run snapshot again");
  }
  if (!bytes.ok()) return bytes.status().WithContext(context);
  Result<iceberg::TableMetadata> metadata =
      iceberg::TableMetadataFromJsonString(AsStringView(*bytes));
  if (!metadata.ok()) return Status::DataLoss(context + ": " + metadata.status().message());
  return metadata;
}

}  // namespace

namespace {

std::string DescribeSpec(const iceberg::PartitionSpec& spec) {
  std::string text;
  for (const iceberg::PartitionField& f : spec.fields) {
    text += (text.empty() ? "" : ", ") + f.name + "=" + f.transform + "(source id " +
            std::to_string(f.source_id) + ")";
  }
  return text.empty() ? "unpartitioned" : "[" + text + "]";
}

// The configured spec, rebuilt over the adopted schema's field ids, must be the table's.
Status CheckExistingSpec(TablePlan& plan, const iceberg::TableMetadata& existing) {
  ASSIGN_OR_RETURN(plan.partition_spec,
                   iceberg::BuildPartitionSpec(plan.source.QualifiedName(), plan.schema,
                                               plan.partition_entries));
  ASSIGN_OR_RETURN(const iceberg::PartitionSpec* current, iceberg::DefaultPartitionSpec(existing));
  if (current->fields == plan.partition_spec.fields) {
    plan.partition_spec = *current;
    return Status::Ok();
  }
  return Status::InvalidArgument(
      "Iceberg table " + plan.state.ident.ToString() + " exists with partition spec " +
      DescribeSpec(*current) + " but tables[].iceberg.partition asks for " +
      DescribeSpec(plan.partition_spec) +
      "; partition spec evolution is not supported: drop the Iceberg table, "
      "mirror into another sink.namespace or configure the existing spec");
}

// A new table's metadata with the configured partition spec as its only (default) spec.
void UsePartitionSpec(iceberg::TableMetadata& metadata, const iceberg::PartitionSpec& spec) {
  metadata.partition_specs = {spec};
  metadata.default_spec_id = spec.spec_id;
  for (const iceberg::PartitionField& f : spec.fields) {
    metadata.last_partition_id = std::max(metadata.last_partition_id, f.field_id);
  }
}

// Fills plan.state from the catalog; returns what the catalog vends for the table.
Result<iceberg::StorageConfig> LoadOrPrepare(TablePlan& plan, iceberg::Catalog& catalog,
                                             TableStores& stores, Env& env) {
  Result<iceberg::LoadedTable> loaded = catalog.LoadTable(plan.state.ident);
  if (loaded.status().code() == StatusCode::kNotFound) {
    UseNewTableSchema(plan);
    plan.state.metadata_location.clear();
    ASSIGN_OR_RETURN(const std::string location, stores.Location(plan.key_prefix));
    ASSIGN_OR_RETURN(plan.state.metadata,
                     iceberg::NewTableMetadata(plan.schema, location, env.random.UuidV4String(),
                                               plan.properties, env.clock.NowMicros() / 1000));
    UsePartitionSpec(plan.state.metadata, plan.partition_spec);
    RETURN_IF_ERROR(iceberg::SetFormatVersion(plan.state.metadata, plan.format_version));
    return catalog.NewTableStorageConfig(plan.state);
  }
  if (!loaded.ok()) return loaded.status();
  if (!loaded->metadata) {
    ASSIGN_OR_RETURN(ObjectStore * warehouse, stores.Own());
    ASSIGN_OR_RETURN(loaded->metadata,
                     ReadMetadataFile(plan, loaded->metadata_location, *warehouse));
  }
  const iceberg::Schema* schema = loaded->metadata->CurrentSchema();
  if (schema == nullptr) {
    return Status::DataLoss("Iceberg table " + plan.state.ident.ToString() + " metadata " +
                            loaded->metadata_location + ": no current schema");
  }
  RETURN_IF_ERROR(EvolveExistingSchema(plan, *loaded->metadata, *schema, env.log));
  RETURN_IF_ERROR(CheckExistingSpec(plan, *loaded->metadata));
  if (loaded->metadata->format_version > plan.format_version) {
    return Status::InvalidArgument("Iceberg table " + plan.state.ident.ToString() +
                                   " is format-version " +
                                   std::to_string(loaded->metadata->format_version) +
                                   ", the config asks for " + std::to_string(plan.format_version) +
                                   "; a table cannot go back: set iceberg.format_version: " +
                                   std::to_string(loaded->metadata->format_version));
  }
  // An upgrade (2 → 3) is committed with the next snapshot (TableCommitInput::format_version).
  plan.state.metadata = std::move(*loaded->metadata);
  plan.state.metadata_location = std::move(loaded->metadata_location);
  return std::move(loaded->storage_config);
}

}  // namespace

Status ResolveIcebergTable(TablePlan& plan, iceberg::Catalog& catalog, TableStores& stores,
                           Env& env) {
  ASSIGN_OR_RETURN(const iceberg::StorageConfig vended, LoadOrPrepare(plan, catalog, stores, env));
  ASSIGN_OR_RETURN(plan.store, stores.ForTable(plan.state.ident.ToString(), vended));
  return Status::Ok();
}

Status ReloadIcebergTable(TablePlan& plan, iceberg::Catalog& catalog, TableStores& stores,
                          Env& env) {
  const iceberg::Schema written = plan.schema;
  RETURN_IF_ERROR(LoadOrPrepare(plan, catalog, stores, env).status());
  if (!iceberg::SameSchema(written, plan.schema)) {
    return Status::Conflict("Iceberg table " + plan.state.ident.ToString() +
                            " changed its schema since it was loaded (another writer?); the "
                            "data files were written for the old one: run the snapshot again");
  }
  return Status::Ok();
}

}  // namespace pg2iceberg
