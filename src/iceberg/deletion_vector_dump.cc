// Test tool for deletion_vector_pyroaring (deletion_vector_read_check.py): reads Puffin files
// with ReadPuffinFooter / ReadPuffinBlob and every deletion-vector-v1 blob in them with
// DeserializeDeletionVector, and prints one JSON line per file:
//   {"blobs": [{"referenced-data-file": "...", "positions": [...]}]}
// bounded by each blob's cardinality property. An error is printed to stderr and exits 1.
//
//   deletion_vector_dump <file.puffin>...
#include <charconv>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include "iceberg/deletion_vector.h"
#include "iceberg/json_util.h"
#include "iceberg/puffin.h"

namespace pg2iceberg::iceberg {
namespace {

Result<int64_t> Cardinality(const PuffinBlobMetadata& blob) {
  const auto it = blob.properties.find(kCardinalityProperty);
  if (it == blob.properties.end()) return Status::DataLoss("blob without cardinality");
  int64_t value = 0;
  const auto [end, error] =
      std::from_chars(it->second.data(), it->second.data() + it->second.size(), value);
  if (error != std::errc() || end != it->second.data() + it->second.size()) {
    return Status::DataLoss("cardinality '" + it->second + "' is not an integer");
  }
  return value;
}

Result<Json> Dump(ByteSpan file) {
  ASSIGN_OR_RETURN(PuffinFooter footer, ReadPuffinFooter(file));
  Json blobs = Json::array();
  for (const PuffinBlobMetadata& blob : footer.blobs) {
    if (blob.type != kDeletionVectorBlobType) continue;
    ASSIGN_OR_RETURN(int64_t cardinality, Cardinality(blob));
    ASSIGN_OR_RETURN(ByteSpan bytes, ReadPuffinBlob(file, blob.offset, blob.length));
    ASSIGN_OR_RETURN(std::vector<int64_t> positions, DeserializeDeletionVector(bytes, cardinality));
    blobs.push_back(Json{{"referenced-data-file",
                          blob.properties.count(kReferencedDataFileProperty)
                              ? blob.properties.at(kReferencedDataFileProperty)  // at-ok: counted
                              : ""},
                         {"positions", positions}});
  }
  return Json{{"blobs", blobs}};
}

int Main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Result<Json> dump = Dump(AsBytes(text));
    if (!dump.ok()) {
      std::fprintf(stderr, "%s: %s\n", argv[i], dump.status().ToString().c_str());
      return 1;
    }
    std::printf("%s\n", DumpJson(*dump).c_str());
  }
  return 0;
}

}  // namespace
}  // namespace pg2iceberg::iceberg

int main(int argc, char** argv) { return pg2iceberg::iceberg::Main(argc, argv); }
