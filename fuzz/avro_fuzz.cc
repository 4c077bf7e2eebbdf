// Avro object container files as the Iceberg reader sees them: the container on its own
// (header, schema, codec, every block and object), and as an Iceberg manifest and manifest
// list, which other writers may have produced.
//
// Input: a mode byte (0: a container; 1: a manifest; 2: a manifest list), then the file.
#include <cstdint>

#include "avro/container_reader.h"
#include "avro/datum.h"
#include "fuzz_input.h"
#include "iceberg/manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pg2iceberg;
  fuzz::FuzzInput in(data, size);
  const uint8_t mode = in.Byte() % 3;
  const ByteSpan file = in.Rest();
  if (mode == 0) {
    // Blocks of at most 1 MiB: the fuzzer's memory limit is not the reader's to test.
    Result<avro::ContainerReader> reader =
        avro::ContainerReader::Open(file, avro::ContainerReaderOptions{.max_block_bytes = 1 << 20});
    if (!reader.ok()) return 0;
    avro::Datum datum;
    for (int objects = 0; objects < 100000; ++objects) {
      Result<bool> next = reader->Next(&datum);
      if (!next.ok() || !*next) break;
    }
  } else if (mode == 1) {
    Result<iceberg::ManifestContents> manifest = iceberg::ReadManifest(file);
    if (manifest.ok()) {
      iceberg::ManifestFile from;
      iceberg::InheritFromManifestFile(from, manifest->entries);
    }
  } else {
    (void)iceberg::ReadManifestList(file);
  }
  return 0;
}
