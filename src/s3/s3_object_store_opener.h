// S3ObjectStoreOpener: an ObjectStoreOpener that opens s3://, s3a:// and s3n:// URIs as
// S3ObjectStores with one set of S3Options, and hands every other URI to `fallback` (e.g.
// the env's DefaultObjectStoreOpener for file://). This is how a caller that has built
// S3Options (from its configuration) adds S3 warehouses to the Env.
// Borrows everything it is given; all of it must outlive the opener and the stores it opens.
// Thread-safe when the borrowed objects are.
#pragma once

#include "env/object_store.h"
#include "s3/s3_object_store.h"

namespace pg2iceberg {

class S3ObjectStoreOpener final : public ObjectStoreOpener {
 public:
  S3ObjectStoreOpener(S3Options options, HttpTransport& http, Clock& clock, Random& random,
                      ObjectStoreOpener& fallback)
      : options_(std::move(options)),
        http_(http),
        clock_(clock),
        random_(random),
        fallback_(fallback) {}

  Result<std::unique_ptr<ObjectStore>> Open(std::string_view uri) override;

 private:
  const S3Options options_;
  HttpTransport& http_;
  Clock& clock_;
  Random& random_;
  ObjectStoreOpener& fallback_;
};

}  // namespace pg2iceberg
