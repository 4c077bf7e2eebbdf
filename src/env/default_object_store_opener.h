// DefaultObjectStoreOpener: the production ObjectStoreOpener.
//   "file:///abs/path" → LocalObjectStore rooted at /abs/path (created when missing)
//   "s3://…"           → kInvalidArgument (no S3 client in this build yet)
//   anything else      → kInvalidArgument naming the URI
// Thread-safe.
#pragma once

#include "env/object_store.h"
#include "env/random.h"

namespace pg2iceberg {

class DefaultObjectStoreOpener final : public ObjectStoreOpener {
 public:
  // `random` names temp files in the stores it opens; it must outlive them. It must be safe
  // to call from several threads (SystemRandom is) or the stores must be used by one thread.
  explicit DefaultObjectStoreOpener(Random& random) : random_(random) {}

  Result<std::unique_ptr<ObjectStore>> Open(std::string_view uri) override;

 private:
  Random& random_;
};

}  // namespace pg2iceberg
