// How S3 failures map onto the project's status codes (see base/status.h):
//   retryable (5xx except 501, 429, SlowDown, RequestTimeout, InternalError, throttling,
//     OperationAborted, BadDigest/IncompleteBody/XAmzContentSHA256Mismatch) → kUnavailable
//   NoSuchBucket → kInvalidArgument "S3 bucket \"b\" does not exist …"
//   404, NoSuchKey, NoSuchUpload → kNotFound
//   403, InvalidAccessKeyId, SignatureDoesNotMatch, expired/invalid tokens, malformed
//     authorization, RequestTimeTooSkewed → kInvalidArgument "S3 authentication failed: …"
//     (AccessDenied: "S3 access denied …")
//   409, 412 (conditional writes) → kConflict
//   301/307 redirects → kInvalidArgument naming the bucket (and its region when S3 says it)
//   MalformedXML, InvalidDigest, InvalidPart, InvalidPartOrder (our bugs) → kInternal
//   other 4xx and 501 NotImplemented → kInvalidArgument; anything else → kInternal
// Every message keeps S3's Code, Message and RequestId. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "env/http_transport.h"
#include "s3/s3_xml.h"

namespace pg2iceberg::s3 {

bool IsRetryableS3Error(int http_status, std::string_view code);

// The status for an S3 error. `what` says which request failed ("S3 GET s3://b/k");
// `bucket_region` is the x-amz-bucket-region response header ("" when absent).
Status ClassifyS3Error(int http_status, const S3ErrorBody& error, std::string_view bucket,
                       std::string_view what, std::string_view bucket_region);

// The status for a non-2xx response (its body parsed as an <Error> document, if it is one).
Status S3ResponseStatus(const HttpResponse& response, std::string_view bucket,
                        std::string_view what);

}  // namespace pg2iceberg::s3
