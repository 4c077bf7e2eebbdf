// AWS Signature Version 4 for requests to an Iceberg REST catalog behind AWS authentication
// (AWS Glue's Iceberg endpoint, signing name "glue"; S3 Tables', "s3tables"), over the
// signer of s3/sigv4.h. Pure functions; thread-safe.
//
// What is signed, for a request about to be sent:
//   - the canonical URI is the URL's path as sent (already percent-encoded by rest_paths.h),
//     encoded a second time as SigV4 requires for every service but S3 ("a%1Fb" is signed
//     as "a%251Fb");
//   - the canonical query is the URL's query, each name and value decoded and re-encoded;
//   - the headers host (the URL's authority, also sent explicitly so the signed value is the
//     sent one), content-type when present, x-amz-date, x-amz-content-sha256 (the hex SHA-256
//     of the body, of "" when there is none), and x-amz-security-token for temporary
//     credentials. Other headers (Accept, User-Agent, X-Iceberg-Access-Delegation) are sent
//     unsigned.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"
#include "env/http_transport.h"
#include "s3/sigv4.h"

namespace pg2iceberg::iceberg {

struct RestSigV4Options {
  s3::SigV4Credentials credentials;
  std::string region;            // e.g. "us-east-1"
  std::string service = "glue";  // the signing name: "glue", "s3tables", …
};

// kInvalidArgument when credentials or region are missing (never naming the secret).
Status CheckRestSigV4Options(const RestSigV4Options& options);

// The canonical URI of a request path as sent: "/" for "", each byte outside
// A-Z a-z 0-9 - . _ ~ / percent-encoded (so "%" becomes "%25").
std::string RestSigV4CanonicalUri(std::string_view sent_path);

// Adds host, x-amz-date, x-amz-content-sha256, x-amz-security-token (temporary credentials
// only) and Authorization to `request` for the UTC time `unix_micros`. The request must not
// already carry any of them. kInvalidArgument for a URL that is not http(s)://authority/….
Status SignRestRequest(const RestSigV4Options& options, int64_t unix_micros, HttpRequest& request);

}  // namespace pg2iceberg::iceberg
