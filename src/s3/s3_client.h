// S3Client: the S3 REST operations pg2iceberg needs, signed with SigV4 and retried, over the
// Env's HttpTransport. It never touches sockets, the system clock or a random device itself:
// time comes from `clock` (x-amz-date, deadlines, backoff sleeps via Clock::SleepMicros) and
// retry jitter from `random`, so the simulator can run it with fakes.
//
// Retries: an attempt that fails with a retryable error (transport failure, 5xx, SlowDown,
// RequestTimeout, … — see s3/s3_errors.h) is retried after a full-jitter exponential backoff
// until S3RetryOptions::max_attempts or deadline_ms runs out; then kUnavailable, naming the
// attempts. Each attempt is signed afresh. Other errors return at once, mapped as
// s3/s3_errors.h describes, with S3's Code, Message and RequestId in the text. Credentials
// never appear in messages.
//
// Conditional writes (if_none_match) that are retried can meet their own earlier, successful
// attempt: a 412 after a retry is checked against the object's ETag (the MD5 of the body, or
// the multipart ETag of the parts); a match is success, anything else kOutcomeUnknown.
//
// Ownership: borrows `http`, `clock` and `random`, which must outlive the client.
// Thread-safe if `http` and `clock` are (calls to `random` are serialized here).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "env/clock.h"
#include "env/http_transport.h"
#include "env/random.h"
#include "s3/s3_endpoint.h"
#include "s3/s3_options.h"
#include "s3/s3_types.h"
#include "s3/sigv4.h"

namespace pg2iceberg {

class S3Client {
 public:
  // Validates `options` (kInvalidArgument); does no I/O.
  static Result<std::unique_ptr<S3Client>> Create(S3Options options, HttpTransport& http,
                                                  Clock& clock, Random& random);

  // Buckets. CreateBucket sends the region as LocationConstraint outside us-east-1; an
  // existing bucket → kConflict. HeadBucket: a missing bucket → kInvalidArgument naming it.
  Status CreateBucket(std::string_view bucket);
  Status HeadBucket(std::string_view bucket);

  // Objects. Keys are sent as given (each '/'-separated segment URI-encoded).
  Status PutObject(std::string_view bucket, std::string_view key, ByteSpan body,
                   const S3PutObjectOptions& options = {});
  Result<Bytes> GetObject(std::string_view bucket, std::string_view key);
  // Bytes [offset, offset + length), fewer at the end of the object, none when offset is at
  // or past the end. A missing key is kNotFound even when length is 0.
  Result<Bytes> GetObjectRange(std::string_view bucket, std::string_view key, uint64_t offset,
                               uint64_t length);
  Result<S3ObjectMeta> HeadObject(std::string_view bucket, std::string_view key);

  // One ListObjectsV2 page of keys starting with `prefix` (in S3's order: UTF-8 binary),
  // continuing after `continuation_token` ("" for the first page).
  Result<S3ListPage> ListObjectsV2(std::string_view bucket, std::string_view prefix,
                                   std::string_view continuation_token);
  // Every page; a token that repeats → kInternal instead of looping.
  Result<std::vector<S3ObjectMeta>> ListAllObjects(std::string_view bucket,
                                                   std::string_view prefix);

  // DeleteObjects in batches of options.delete_batch_keys_max (Quiet mode, with Content-MD5).
  // Missing keys are not errors; a per-key <Error> is mapped like a request error (a
  // retryable one retries the batch). Stops at the first failing batch.
  Status DeleteObjects(std::string_view bucket, const std::vector<std::string>& keys);

  // Multipart upload of `body` in parts of options.multipart_part_size_bytes (grown to stay
  // within 10,000 parts), then completed (If-None-Match on the Complete request when asked).
  // Parts go up options.multipart_concurrency at a time through HttpTransport::SendAll; a part
  // whose first attempt fails with a retryable error is retried on its own like any request.
  // Any failure aborts the upload (best effort).
  Status PutObjectMultipart(std::string_view bucket, std::string_view key, ByteSpan body,
                            const S3PutObjectOptions& options = {});
  // The steps, for callers that stream parts themselves. UploadPart returns the part's ETag.
  Result<std::string> CreateMultipartUpload(std::string_view bucket, std::string_view key);
  Result<std::string> UploadPart(std::string_view bucket, std::string_view key,
                                 std::string_view upload_id, int part_number, ByteSpan data);
  Status CompleteMultipartUpload(std::string_view bucket, std::string_view key,
                                 std::string_view upload_id,
                                 const std::vector<S3CompletedPart>& parts,
                                 const S3PutObjectOptions& options = {});
  // An upload that no longer exists is not an error.
  Status AbortMultipartUpload(std::string_view bucket, std::string_view key,
                              std::string_view upload_id);

  const S3Options& options() const { return options_; }

 private:
  // One logical request; Execute signs, sends and retries it.
  struct Call {
    std::string method;
    std::string bucket;
    std::string key;  // "" for bucket-level requests
    s3::HeaderList query;
    s3::HeaderList headers;  // sent and signed, besides host and the x-amz-* ones
    ByteSpan body;
    std::string what;  // "S3 GetObject s3://bucket/key", the prefix of every message
    // Runs on 2xx responses; may turn one into an error (kUnavailable ones are retried).
    std::function<Status(const HttpResponse&)> check;
    // A non-2xx status the caller handles itself (e.g. 416 for ranges); 0 for none.
    int pass_status = 0;
  };

  S3Client(S3Options options, s3::S3Endpoint endpoint, HttpTransport& http, Clock& clock,
           Random& random);

  Call MakeCall(std::string method, std::string_view bucket, std::string_view key,
                std::string_view operation) const;
  // The response (2xx or pass_status) or the mapped error; *attempts gets the number sent.
  Result<HttpResponse> Execute(const Call& call, int* attempts = nullptr);
  Result<HttpResponse> AttemptOnce(const Call& call, HttpRequest& request,
                                   const std::string& payload_sha256, int64_t deadline_micros);
  // What one attempt's transport result means for `call`: the response, or the mapped error.
  Result<HttpResponse> Interpret(const Call& call, Result<HttpResponse> response) const;
  Call UploadPartCall(std::string_view bucket, std::string_view key, std::string_view upload_id,
                      int part_number, ByteSpan data) const;
  void Sign(const Call& call, const std::string& payload_sha256, HttpRequest& request);
  int64_t BackoffMicros(int retry);
  Status ReconcileConditionalWrite(std::string_view bucket, std::string_view key,
                                   const std::string& expected_etag, const Status& conflict);
  Status UploadPartsAndComplete(std::string_view bucket, std::string_view key,
                                std::string_view upload_id, ByteSpan body,
                                const S3PutObjectOptions& options);

  const S3Options options_;
  const s3::S3Endpoint endpoint_;
  const s3::SigV4Credentials credentials_;
  HttpTransport& http_;
  Clock& clock_;
  Random& random_;
  std::mutex random_mu_;
};

}  // namespace pg2iceberg
