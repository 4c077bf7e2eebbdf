// AWS Signature Version 4 for header-based authentication (the "Authorization" header), as
// S3 and other AWS services define it: canonical request → string to sign → HMAC-SHA256
// signing-key chain → signature. Pure functions; thread-safe.
//
// The caller builds the request's canonical URI (the path exactly as sent, each segment
// URI-encoded once — S3 does not encode it a second time) and lists every header it will
// send that must be signed; all listed headers are signed. Secrets never appear in outputs
// except through the signature itself.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pg2iceberg::s3 {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct SigV4Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty when the credentials are not temporary
};

struct SigV4Request {
  std::string method;         // "GET", "PUT", …
  std::string canonical_uri;  // the encoded path, "/" at least
  // Query parameters, not encoded (the signer encodes them); order does not matter.
  HeaderList query;
  // Headers to sign and send, any case, "host" included; order does not matter.
  HeaderList headers;
  // Lower-case hex SHA-256 of the body (of "" when there is none).
  std::string payload_sha256_hex;
};

// The SHA-256 of an empty payload, in hex.
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// RFC 3986 percent-encoding as SigV4 requires: every byte except A-Z a-z 0-9 - . _ ~ becomes
// %XY (upper-case hex); '/' is kept when `keep_slash` (for paths).
std::string UriEncode(std::string_view text, bool keep_slash);

// "20130524T000000Z" for a UTC time in microseconds since the Unix epoch.
std::string FormatAmzDate(int64_t unix_micros);

// "name=value&…", names and values URI-encoded, sorted by encoded name then value.
std::string CanonicalQueryString(const HeaderList& query);
// "host;range;x-amz-date": lower-cased header names, sorted, ';'-joined.
std::string SignedHeaders(const HeaderList& headers);
// The canonical request: method, URI, query, "name:value\n" per header (lower-case names,
// values trimmed with inner runs of spaces collapsed, repeated names joined by ','), the
// signed-header list and the payload hash, separated by '\n'.
std::string CanonicalRequest(const SigV4Request& request);
// "20130524/us-east-1/s3/aws4_request".
std::string CredentialScope(std::string_view amz_date, std::string_view region,
                            std::string_view service);
// "AWS4-HMAC-SHA256\n" + amz_date + "\n" + scope + "\n" + hex(SHA-256(canonical request)).
std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request);
// HMAC chain "AWS4"+secret → date (yyyymmdd) → region → service → "aws4_request".
// Raw bytes.
std::string SigningKey(std::string_view secret_access_key, std::string_view date,
                       std::string_view region, std::string_view service);

// The Authorization header value for a request whose headers already carry x-amz-date
// (equal to `amz_date`) and everything else to be signed.
std::string AuthorizationHeader(const SigV4Credentials& credentials, std::string_view region,
                                std::string_view service, std::string_view amz_date,
                                const SigV4Request& request);

// Signs `request` in place for time `unix_micros`: adds x-amz-date, x-amz-content-sha256
// (= payload_sha256_hex), x-amz-security-token when the credentials have one, then
// "authorization". The request must already carry "host" and none of those four headers.
void SignV4(const SigV4Credentials& credentials, std::string_view region, std::string_view service,
            int64_t unix_micros, SigV4Request& request);

}  // namespace pg2iceberg::s3
