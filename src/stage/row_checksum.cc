#include "stage/row_checksum.h"

#include "base/bytes.h"
#include "base/crc32c.h"

namespace pg2iceberg::stage {

uint32_t RowChecksum(std::initializer_list<std::string_view> fields) {
  ByteWriter writer;
  for (std::string_view field : fields) {
    writer.AppendVarint(field.size());
    writer.Append(field);
  }
  return Crc32c(writer.bytes());
}

}  // namespace pg2iceberg::stage
