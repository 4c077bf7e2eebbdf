// Opening the warehouse named by sink.warehouse: a local directory (file://) through the Env's
// opener, or an S3 bucket prefix (s3://) through our S3 client on the Env's HTTP transport.
#pragma once

#include <memory>

#include "base/status.h"
#include "config/config.h"
#include "env/env.h"
#include "iceberg/catalog.h"

namespace pg2iceberg {

// Errors carry "sink.warehouse <uri>" as context; credentials never appear in them.
Result<std::unique_ptr<ObjectStore>> OpenWarehouse(const SinkConfig& sink, Env& env);

// True when pg2iceberg asks the catalog for vended credentials: a REST catalog, an s3://
// warehouse, and sink.credential_mode not static.
bool AsksForVendedCredentials(const SinkConfig& sink);

// True when catalog-vended storage settings carry S3 keys (s3.access-key-id and
// s3.secret-access-key).
bool HasVendedS3Credentials(const iceberg::StorageConfig& vended);

// The s3:// sink.warehouse opened with catalog-vended settings in place of the sink's own:
// s3.access-key-id, s3.secret-access-key and s3.session-token (all three replace the sink's
// credentials), s3.endpoint, s3.path-style-access ("true"/"false"), client.region or
// s3.region; what they leave out comes from sink.s3_*. Without the HeadBucket check (vended
// credentials may be scoped to the table's prefix). kInvalidArgument without vended S3 keys.
Result<std::unique_ptr<ObjectStore>> OpenVendedWarehouse(const SinkConfig& sink,
                                                         const iceberg::StorageConfig& vended,
                                                         Env& env);

}  // namespace pg2iceberg
