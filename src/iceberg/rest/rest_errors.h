// How answers of an Iceberg REST catalog map to pg2iceberg's status codes. The server's own
// words (DescribeErrorBody: "CommitFailedException: Requirement failed: …") are kept in the
// message, after `what` (e.g. "POST http://…/tables/orders").
//
//   400, 405, 406, other 4xx   kInvalidArgument (a request the catalog will never accept)
//   401, 403, 419              kInvalidArgument, "not authorized" (credentials refused)
//   404                        kNotFound (NoSuchTableException, NoSuchNamespaceException)
//   409                        kConflict (CommitFailedException, AlreadyExistsException)
//   429                        kUnavailable (rate limited: nothing was done; retry)
//   5xx                        kOutcomeUnknown for a commit (CommitStateUnknownException: it
//                              may have happened), kUnavailable for anything else
//   1xx, 3xx, other            kInternal (the client does not follow redirects)
//
// A transport failure (no answer at all: refused connection, timeout, reset) is kUnavailable,
// and kOutcomeUnknown for a commit, whose request may have reached the server. RestClient
// retries kUnavailable; RestCatalog reconciles kOutcomeUnknown before sending a commit again.
#pragma once

#include <string_view>

#include "base/status.h"
#include "env/http_transport.h"

namespace pg2iceberg::iceberg {

enum class RestCallKind {
  kRead,    // reads, and changes that are safe to repeat (creating a namespace, a staged create)
  kCommit,  // changes a table: a lost answer leaves the outcome unknown
};

// The status of a non-2xx answer.
Status StatusFromRestResponse(const HttpResponse& response, std::string_view what,
                              RestCallKind kind);

// The status of a transport failure (`failure` is what HttpTransport::Send returned).
Status StatusFromTransportFailure(const Status& failure, std::string_view what, RestCallKind kind);

}  // namespace pg2iceberg::iceberg
