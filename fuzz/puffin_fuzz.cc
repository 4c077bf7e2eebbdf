// Puffin files and the deletion vectors in them, as the materializer reads another writer's
// (or a damaged) delete file: the footer, each blob it names, and each blob as a
// `deletion-vector-v1` and as a bare 32-bit Roaring bitmap.
//
// Input: the Puffin file. The positions bound is 1,000,000 (a data file's record count).
#include <cstdint>
#include <vector>

#include "fuzz_input.h"
#include "iceberg/deletion_vector.h"
#include "iceberg/puffin.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pg2iceberg;
  fuzz::FuzzInput in(data, size);
  const ByteSpan file = in.Rest();
  constexpr int64_t kPositionsMax = 1000000;
  (void)iceberg::DeserializeDeletionVector(file, kPositionsMax);
  size_t consumed = 0;
  (void)iceberg::DeserializeRoaring32(file, kPositionsMax, &consumed);
  Result<iceberg::PuffinFooter> footer = iceberg::ReadPuffinFooter(file);
  if (!footer.ok()) return 0;
  for (const iceberg::PuffinBlobMetadata& blob : footer->blobs) {
    Result<ByteSpan> bytes = iceberg::ReadPuffinBlob(file, blob.offset, blob.length);
    if (!bytes.ok()) continue;
    (void)iceberg::DeserializeDeletionVector(*bytes, kPositionsMax);
  }
  return 0;
}
