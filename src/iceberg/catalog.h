// Catalog: where an Iceberg table's current metadata file is recorded. The catalog maps a
// table identifier to a metadata location and swaps that pointer atomically; it neither reads
// nor writes metadata files. A commit is: write the new metadata JSON to the ObjectStore under
// a fresh name, then CommitTable(ident, old_location, new_location).
//
// Implementations: SqlCatalog (the JDBC/SQL catalog tables in Postgres, sql_catalog.h) and the
// simulator's fake. Not thread-safe: one thread uses a catalog at a time.
//
// Error codes common to all methods: kUnavailable (the backing service is unreachable; retry),
// kInvalidArgument (an identifier or location the catalog cannot store), kInternal.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace pg2iceberg::iceberg {

// Namespace levels, outermost first: {"analytics", "pg"}. At least one level for tables;
// levels are non-empty and contain no '.', since catalogs join them with '.'.
using Namespace = std::vector<std::string>;

struct TableIdentifier {
  Namespace table_namespace;
  std::string name;

  // "analytics.pg.orders".
  std::string ToString() const;
  bool operator==(const TableIdentifier&) const = default;
  auto operator<=>(const TableIdentifier&) const = default;
};

// "a.b" for {"a", "b"}.
std::string NamespaceToString(const Namespace& ns);
// The inverse of NamespaceToString ("" → no levels).
Namespace NamespaceFromString(std::string_view text);

class Catalog {
 public:
  virtual ~Catalog() = default;

  // Creates the namespace if it does not exist; OK if it does.
  virtual Status EnsureNamespace(const Namespace& ns) = 0;
  // Every namespace that exists (created, or holding a table), sorted.
  virtual Result<std::vector<Namespace>> ListNamespaces() = 0;
  // The tables of `ns`, sorted by name; empty when there are none (or no such namespace).
  virtual Result<std::vector<TableIdentifier>> ListTables(const Namespace& ns) = 0;

  // The current metadata location. kNotFound when the table is not registered; kDataLoss when
  // it is registered without a metadata location (a foreign writer's broken entry).
  virtual Result<std::string> LoadTable(const TableIdentifier& ident) = 0;
  // Registers a new table. kConflict when it already exists; kNotFound when its namespace does
  // not exist; kOutcomeUnknown when the reply was lost (LoadTable tells whether it happened).
  virtual Status CreateTable(const TableIdentifier& ident, std::string_view metadata_location) = 0;
  // Compare-and-swap of the metadata location: succeeds only while the table still points at
  // `expected_metadata_location`. kConflict when it points elsewhere (someone else committed:
  // reload and redo); kNotFound when the table is gone; kOutcomeUnknown when the reply was lost
  // (LoadTable tells whether the swap happened).
  virtual Status CommitTable(const TableIdentifier& ident,
                             std::string_view expected_metadata_location,
                             std::string_view new_metadata_location) = 0;
  // Unregisters the table; its files are left alone. kNotFound when it is not registered.
  virtual Status DropTable(const TableIdentifier& ident) = 0;
};

}  // namespace pg2iceberg::iceberg
