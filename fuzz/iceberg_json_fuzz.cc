// Iceberg JSON as pg2iceberg reads it from catalogs and other writers: table metadata files
// (and the progress the tool reads back from each snapshot's summary), the REST catalog's
// answers (config, load/commit table, namespace and table listings, OAuth tokens) and its
// error responses.
//
// Input: a mode byte (0: a metadata file; 1: a REST answer; 2: a REST error response, its
// HTTP status in the next two bytes, big-endian), then the document.
#include <cstdint>
#include <string>

#include "env/http_transport.h"
#include "fuzz_input.h"
#include "iceberg/json_util.h"
#include "iceberg/metadata_json.h"
#include "iceberg/rest/rest_errors.h"
#include "iceberg/rest/rest_responses.h"
#include "materializer/progress.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pg2iceberg;
  fuzz::FuzzInput in(data, size);
  const uint8_t mode = in.Byte() % 3;
  if (mode == 0) {
    Result<iceberg::TableMetadata> metadata = iceberg::TableMetadataFromJsonString(in.RestText());
    if (!metadata.ok()) return 0;
    for (const iceberg::Snapshot& snapshot : metadata->snapshots) {
      (void)materializer::ProgressOf(snapshot.summary, "db.t");
    }
    (void)iceberg::TableMetadataToJsonString(*metadata);
  } else if (mode == 1) {
    Result<iceberg::Json> json = iceberg::ParseJson(in.RestText());
    if (!json.ok()) return 0;
    (void)iceberg::RestConfigResponseFromJson(*json);
    (void)iceberg::RestTableResponseFromJson(*json);
    (void)iceberg::NamespacePageFromJson(*json);
    (void)iceberg::TablePageFromJson(*json);
    (void)iceberg::OAuthTokenResponseFromJson(*json);
  } else {
    const int status = in.U16();
    const ByteSpan body = in.Rest();
    HttpResponse response{.status = status, .body = Bytes(body.begin(), body.end())};
    (void)iceberg::StatusFromRestResponse(response, "load table db.t",
                                          iceberg::RestCallKind::kRead);
    (void)iceberg::StatusFromRestResponse(response, "commit db.t", iceberg::RestCallKind::kCommit);
  }
  return 0;
}
