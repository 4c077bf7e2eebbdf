// Opening the warehouse named by sink.warehouse: a local directory (file://) through the Env's
// opener, or an S3 bucket prefix (s3://) through our S3 client on the Env's HTTP transport.
#pragma once

#include <memory>

#include "base/status.h"
#include "env/env.h"
#include "mirror/config.h"

namespace pg2iceberg {

// Errors carry "sink.warehouse <uri>" as context; credentials never appear in them.
Result<std::unique_ptr<ObjectStore>> OpenWarehouse(const SinkConfig& sink, Env& env);

}  // namespace pg2iceberg
