// The Catalog contract (iceberg/catalog_contract.h) against SqlCatalog on the live Postgres of
// scripts/with_postgres.py (PG2ICEBERG_TEST_PG_CONNINFO). Each test works in a fresh schema,
// with two connections (two "processes") on it. Without the server every test fails: a live
// test never skips.
#include "env/libpq_connection.h"
#include "env/live_test_util.h"
#include "iceberg/catalog_contract.h"
#include "iceberg/sql/sql_catalog.h"

namespace pg2iceberg::iceberg {
namespace {

class SqlHarness {
 public:
  // SQL is the default: a pointer catalog, namespaces without implicit parents, creates inside
  // atomic multi-table commits.
  static constexpr CatalogQuirks kQuirks = {};

  ~SqlHarness() { DropTestSchema(pg_[0].get(), schema_); }

  void Open() {
    schema_ = UniqueTestName("sqlcontract");
    for (int i = 0; i < 2; ++i) {
      ASSERT_NO_FATAL_FAILURE(ConnectLivePostgres(connector_, &pg_[i]));
    }
    const Status created = pg_[0]
                               ->Exec("DROP SCHEMA IF EXISTS " + QuoteIdentifier(schema_) +
                                      " CASCADE; CREATE SCHEMA " + QuoteIdentifier(schema_))
                               .status();
    ASSERT_TRUE(created.ok()) << created.ToString();
    for (int i = 0; i < 2; ++i) {
      const Status set = pg_[i]->Exec("SET search_path TO " + QuoteIdentifier(schema_)).status();
      ASSERT_TRUE(set.ok()) << set.ToString();
      Result<std::unique_ptr<SqlCatalog>> catalog = SqlCatalog::Open(*pg_[i], "contract");
      ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
      catalogs_[i] = std::move(*catalog);
    }
  }
  Catalog& catalog() { return *catalogs_[0]; }
  Catalog& other() { return *catalogs_[1]; }
  std::string root() { return "c"; }
  std::string warehouse() { return "file:///wh"; }

 private:
  NullLogger log_;
  LibpqConnector connector_{log_};
  std::unique_ptr<PgConnection> pg_[2];
  std::unique_ptr<SqlCatalog> catalogs_[2];
  std::string schema_;
};

INSTANTIATE_TYPED_TEST_SUITE_P(SqlCatalogContract, CatalogContractTest,
                               ::testing::Types<SqlHarness>);

}  // namespace
}  // namespace pg2iceberg::iceberg
