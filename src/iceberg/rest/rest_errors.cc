#include "iceberg/rest/rest_errors.h"

#include <string>

#include "base/bytes.h"
#include "iceberg/rest/rest_responses.h"

namespace pg2iceberg::iceberg {

Status StatusFromRestResponse(const HttpResponse& response, std::string_view what,
                              RestCallKind kind) {
  const int code = response.status;
  const std::string server_says = DescribeErrorBody(AsStringView(response.body));
  std::string message = std::string(what) + ": HTTP " + std::to_string(code);
  if (!server_says.empty()) message += ": " + server_says;
  if (code == 401 || code == 403 || code == 419) {
    return Status::InvalidArgument(
        message + " (not authorized: check sink.catalog_auth and its credentials)");
  }
  if (code == 404) return Status::NotFound(message);
  if (code == 409) return Status::Conflict(message);
  if (code == 429) return Status::Unavailable(message);
  if (code >= 500 && code <= 599) {
    if (kind == RestCallKind::kCommit) {
      return Status::OutcomeUnknown(message + " (the commit may or may not have happened)");
    }
    return Status::Unavailable(message);
  }
  if (code >= 400 && code <= 499) return Status::InvalidArgument(message);
  return Status::Internal(message + " (unexpected HTTP status)");
}

Status StatusFromTransportFailure(const Status& failure, std::string_view what, RestCallKind kind) {
  const std::string message = std::string(what) + ": " + failure.message();
  if (failure.code() != StatusCode::kUnavailable) return Status(failure.code(), message);
  if (kind == RestCallKind::kCommit) {
    return Status::OutcomeUnknown(message +
                                  " (no answer: the commit may or may not have happened)");
  }
  return Status::Unavailable(message);
}

}  // namespace pg2iceberg::iceberg
