// RestCatalog: a client of the Iceberg REST catalog API (the Iceberg project's
// open-api/rest-catalog-open-api.yaml), over the Env's HttpTransport. docs/rest-catalog.md
// describes what is implemented; in short:
//
//   Open            GET  /v1/config?warehouse=W           prefix from overrides, then defaults
//   EnsureNamespace POST /v1/{p}/namespaces               409 (exists) is success; a 404
//                                                         (parent missing) creates the parent
//   ListNamespaces  GET  /v1/{p}/namespaces[?parent=]     walked level by level, all pages
//   ListTables      GET  /v1/{p}/namespaces/{ns}/tables   all pages; 404 → empty
//   LoadTable       GET  /v1/{p}/namespaces/{ns}/tables/{t}   metadata-location + metadata
//   CommitSnapshot  new table: POST …/{ns}/tables with stage-create (nothing is created),
//                   then POST …/tables/{t} with [assert-create] and every update that builds
//                   the table with its first snapshot — the table appears in one commit;
//                   existing table: POST …/tables/{t} with [assert-table-uuid,
//                   assert-ref-snapshot-id main] and [add-snapshot, set-snapshot-ref main].
//                   The catalog writes the metadata file; the MetadataWriter is not used.
//   CommitSnapshots POST /v1/{p}/transactions/commit {"table-changes": [the commits above]},
//                   only when GET /v1/config listed that endpoint and no table is new (the
//                   Iceberg project's server loads every table of a transaction, so a table
//                   that does not exist yet cannot be part of one); 204, then each table is
//                   loaded for its new state.
//   DropTable       DELETE /v1/{p}/namespaces/{ns}/tables/{t}   (files kept: no purge)
//   NewTableStorageConfig   POST …/{ns}/tables with stage-create (nothing is created), for
//                   the storage settings the catalog vends for the new table.
//
// With access_delegation, LoadTable and NewTableStorageConfig send
// "X-Iceberg-Access-Delegation: vended-credentials" and return the answer's storage settings
// for the table's location (StorageConfigFor in rest_responses.h).
//
// Errors map as in rest_errors.h (409 → kConflict, 5xx or no answer on a commit →
// kOutcomeUnknown, 401/403 → kInvalidArgument, …); answers that do not parse are kInternal
// (kOutcomeUnknown for a commit). Requests ending kUnavailable are retried by the RestClient
// within options.retry (rest_client.h).
//
// A commit whose outcome is unknown is reconciled before anything is repeated: the table is
// loaded (with retries) and
//   - holds the snapshot the commit added (same table uuid; listed, or the parent of a listed
//     snapshot) → it happened: success, with the loaded state;
//   - is still at the base (same uuid, main at the base's snapshot; for a create: no such
//     table) → it did not happen yet: the same request is sent again (its requirements keep
//     that safe), at most kCommitSendsMax times in all;
//   - same uuid, main at a snapshot that is neither the base's nor ours → kConflict: it did
//     not happen and never can (every send asserts main at the base's snapshot);
//   - a create, and the table exists with another uuid → kConflict: another writer's create
//     won (ours asserts that no such table exists, so it never applied and cannot);
//   - the table gone, or another uuid under the name of an existing table → kOutcomeUnknown:
//     it can no longer apply, but whether it applied to the old table cannot be told.
// Once any send's outcome was unknown, no later failure is taken at its word: a resend that
// is refused (409 "requirement failed" or "already exists", any other error) may be refused
// because the earlier send applied, or that send may still be in flight. The table is then
// reloaded and classified as above, except that a table still at its base is kOutcomeUnknown
// (not sent again); running out of sends is kOutcomeUnknown too. When the reload itself fails
// the commit stays kOutcomeUnknown. A transaction is reconciled the same way over all its
// tables: all committed → success; none committed and one moved → kConflict (an atomic commit
// would show on that table, and its requirements can no longer hold); all at their base →
// resend (or kOutcomeUnknown after a refusal); some gone or replaced → kOutcomeUnknown; some
// committed and some not → kDataLoss.
//
// So kConflict and every error but kOutcomeUnknown and kDataLoss mean: nothing of the commit
// is visible and it can never become visible — the caller may remove the commit's files.
// After kOutcomeUnknown or kDataLoss the files may be referenced by the table: keep them.
//
// Not thread-safe. Borrows `http`, `clock` and the retry services, which must outlive the
// catalog.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/log.h"
#include "env/clock.h"
#include "env/http_transport.h"
#include "env/random.h"
#include "iceberg/catalog.h"
#include "iceberg/rest/rest_auth.h"
#include "iceberg/rest/rest_client.h"
#include "iceberg/rest/rest_paths.h"
#include "iceberg/rest/rest_responses.h"

namespace pg2iceberg::iceberg {

struct RestCatalogOptions {
  std::string uri;        // the catalog's base URL, http:// or https://
  std::string warehouse;  // sent to GET /v1/config as ?warehouse=; empty: not sent
  RestAuthOptions auth;   // auth.token_url empty: OAuthTokensUrl(uri)
  // Ask for vended storage credentials on load and staged create.
  bool access_delegation = false;
  int64_t request_timeout_ms = 30000;
  // The files TLS to an https catalog (and token URL) uses.
  TlsFiles tls;
  // Retries of requests that end kUnavailable (rest_client.h); deadline_ms 0: none.
  RestRetryPolicy retry;
  // Limits on listing: pages read per list call, namespaces visited by ListNamespaces.
  int list_pages_max = 1000;
  int namespaces_max = 10000;
};

class RestCatalog final : public Catalog {
 public:
  // Commit requests sent for one commit, the first one included, while reconciliation finds
  // the table still at its base.
  static constexpr int kCommitSendsMax = 3;
  // The endpoint a server lists in GET /v1/config when it takes multi-table commits.
  static constexpr std::string_view kTransactionsEndpoint = "POST /v1/{prefix}/transactions/commit";

  // Asks GET /v1/config, so an unreachable catalog or refused credentials fail here (after the
  // retries). kInvalidArgument for a URI that is not http(s) or auth options missing what they
  // need. Retries draw their jitter from `random` and are logged to `log`.
  static Result<std::unique_ptr<RestCatalog>> Open(RestCatalogOptions options, HttpTransport& http,
                                                   Clock& clock, Random& random, Logger& log);
  // The same without retries: every request is tried once (options.retry is ignored).
  static Result<std::unique_ptr<RestCatalog>> Open(RestCatalogOptions options, HttpTransport& http,
                                                   Clock& clock);

  Status EnsureNamespace(const Namespace& ns) override;
  Result<std::vector<Namespace>> ListNamespaces() override;
  Result<std::vector<TableIdentifier>> ListTables(const Namespace& ns) override;
  Result<LoadedTable> LoadTable(const TableIdentifier& ident) override;
  Result<TableState> CommitSnapshot(const TableState& base, const TableMetadata& new_metadata,
                                    const Snapshot& snapshot, MetadataWriter& writer) override;
  bool CanCommitAtomically(const std::vector<SnapshotCommit>& commits) const override;
  Result<std::vector<TableState>> CommitSnapshots(
      const std::vector<SnapshotCommit>& commits) override;
  Status DropTable(const TableIdentifier& ident) override;
  Result<StorageConfig> NewTableStorageConfig(const TableState& new_table) override;

  // The path prefix the catalog's configuration gave ("" for none).
  const std::string& prefix() const { return paths_.prefix(); }
  // Whether GET /v1/config listed kTransactionsEndpoint.
  bool offers_transactions() const { return offers_transactions_; }

 private:
  RestCatalog(RestCatalogOptions options, RestPaths paths, RestClient client,
              bool offers_transactions)
      : options_(std::move(options)),
        paths_(std::move(paths)),
        client_(std::move(client)),
        offers_transactions_(offers_transactions) {}

  static Result<std::unique_ptr<RestCatalog>> OpenWith(RestCatalogOptions options,
                                                       HttpTransport& http, Clock& clock,
                                                       std::optional<RestRetryServices> retry);

  Status CreateNamespace(const Namespace& ns);
  Result<NamespacePage> ListNamespacePage(const Namespace& parent, const std::string& token);
  Result<TableState> CreateTable(const TableState& base, const TableMetadata& new_metadata,
                                 const Snapshot& snapshot);
  Result<TableState> AddSnapshot(const TableState& base, const TableMetadata& new_metadata,
                                 const Snapshot& snapshot);
  Result<std::map<std::string, std::string>> StageCreate(const TableState& base);
  // Sends a single-table commit `request` and reconciles an unknown outcome (see above).
  Result<TableState> SendCommit(const TableState& base, const Json& request,
                                const Snapshot& snapshot, const std::string& what);
  // Sends the transaction `request` of `commits` and reconciles an unknown outcome (above).
  Result<std::vector<TableState>> SendTransaction(const std::vector<SnapshotCommit>& commits,
                                                  const Json& request, const std::string& what);
  // The headers of calls that may return vended credentials.
  RestHeaders DelegationHeaders() const;

  RestCatalogOptions options_;
  RestPaths paths_;
  RestClient client_;
  bool offers_transactions_;
};

}  // namespace pg2iceberg::iceberg
