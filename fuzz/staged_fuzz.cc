// The staging log as the materializer reads it back: a whole segment (header, directory,
// trailer, then each block the directory names, decompressed and decoded), a lone block, and
// the change codec's parts on their own (a schema list followed by row changes, a commit).
//
// Input: a mode byte (0: a segment; 1: a block; 2: a block's payload: a schema list, then row
// changes; 3: a commit), then the bytes.
#include <cstdint>
#include <memory>
#include <vector>

#include "change/change_codec.h"
#include "fuzz_input.h"
#include "stage/segment.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pg2iceberg;
  fuzz::FuzzInput in(data, size);
  const uint8_t mode = in.Byte() % 4;
  const ByteSpan bytes = in.Rest();
  if (mode == 0) {
    Result<std::vector<stage::BlockInfo>> directory = stage::ReadSegmentDirectory(bytes);
    if (!directory.ok()) return 0;
    for (const stage::BlockInfo& block : *directory) {
      // ReadSegmentDirectory promises every block lies inside the file.
      if (block.offset > bytes.size() || block.length > bytes.size() - block.offset)
        __builtin_trap();
      (void)stage::DecodeBlock(bytes.subspan(block.offset, block.length));
    }
  } else if (mode == 1) {
    (void)stage::DecodeBlock(bytes);
  } else if (mode == 2) {
    change::CodecReader reader(bytes, "fuzz");
    Result<std::vector<change::SchemaPtr>> schemas = change::DecodeSchemaList(reader);
    if (!schemas.ok()) return 0;
    while (!reader.at_end()) {
      if (!change::DecodeRowChange(reader, *schemas).ok()) break;
    }
  } else {
    change::CodecReader commit(bytes, "fuzz commit");
    (void)change::DecodeCommitInfo(commit);
  }
  return 0;
}
