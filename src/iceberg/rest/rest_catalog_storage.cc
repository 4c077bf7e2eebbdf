// RestCatalog: asking for vended storage credentials (access delegation).
#include "iceberg/rest/rest_catalog.h"
#include "iceberg/rest/rest_json.h"

namespace pg2iceberg::iceberg {

RestHeaders RestCatalog::DelegationHeaders() const {
  if (!options_.access_delegation) return {};
  return {{"X-Iceberg-Access-Delegation", "vended-credentials"}};
}

// A staged create creates nothing; its answer carries what the catalog would vend for the
// table. The same request is sent again when the table is committed (CreateTable).
Result<StorageConfig> RestCatalog::NewTableStorageConfig(const TableState& new_table) {
  if (!options_.access_delegation) return StorageConfig{};
  RETURN_IF_ERROR(ValidateRestIdentifier(new_table.ident));
  const std::string what =
      "REST catalog: staging the creation of table " + new_table.ident.ToString();
  const Json request =
      CreateTableRequestJson(new_table.ident.name, new_table.metadata, /*stage_create=*/true);
  ASSIGN_OR_RETURN(Json answer,
                   client_.Call("POST", paths_.Tables(new_table.ident.table_namespace, ""),
                                &request, DelegationHeaders(), RestCallKind::kRead, what));
  Result<RestTableResponse> staged = RestTableResponseFromJson(answer);
  if (!staged.ok()) {
    return Status::Internal(what + ": malformed answer: " + staged.status().message());
  }
  return StorageConfigFor(*staged, new_table.metadata.location);
}

}  // namespace pg2iceberg::iceberg
