// The Catalog contract (iceberg/catalog_contract.h) against RestCatalog on the Apache Iceberg
// REST test server of scripts/with_rest_catalog.py (PG2ICEBERG_TEST_REST_URI and
// PG2ICEBERG_TEST_REST_WAREHOUSE). The server is shared, so each test's namespaces start with a
// name of its own. Two RestCatalog objects, each with its own HTTP transport, are the two
// "processes". Without the server every test fails: a live test never skips.
#include "env/curl_http_transport.h"
#include "env/live_test_util.h"
#include "env/real_clock.h"
#include "iceberg/catalog_contract.h"
#include "iceberg/rest/rest_catalog.h"

namespace pg2iceberg::iceberg {
namespace {

class RestHarness {
 public:
  static constexpr CatalogQuirks kQuirks = kRestQuirks;

  void Open() {
    LiveRestCatalog server;
    ASSERT_NO_FATAL_FAILURE(FindLiveRestCatalog(&server));
    warehouse_ = server.warehouse;
    root_ = UniqueTestName("contract");
    for (int i = 0; i < 2; ++i) {
      RestCatalogOptions options;
      options.uri = server.uri;
      Result<std::unique_ptr<RestCatalog>> catalog = RestCatalog::Open(options, http_[i], clock_);
      ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
      catalogs_[i] = std::move(*catalog);
    }
  }
  Catalog& catalog() { return *catalogs_[0]; }
  Catalog& other() { return *catalogs_[1]; }
  std::string root() { return root_; }
  std::string warehouse() { return warehouse_; }

 private:
  CurlHttpTransport http_[2];
  RealClock clock_;
  std::unique_ptr<RestCatalog> catalogs_[2];
  std::string root_;
  std::string warehouse_;
};

INSTANTIATE_TYPED_TEST_SUITE_P(RestCatalogContract, CatalogContractTest,
                               ::testing::Types<RestHarness>);

}  // namespace
}  // namespace pg2iceberg::iceberg
