#include "pg/copy_row_decoder.h"

#include "base/check.h"

namespace pg2iceberg::pg {

CopyRowDecoder::CopyRowDecoder(std::string table_name, std::vector<change::ColumnSchema> columns,
                               DecodeOptions options)
    : columns_(std::move(columns)), options_(options) {
  contexts_.reserve(columns_.size());
  for (const change::ColumnSchema& column : columns_) {
    contexts_.push_back("table " + table_name + ", column \"" + column.name + "\"");
  }
}

Status CopyRowDecoder::Decode(CopyBinaryParser::Fields fields, change::Row& row) const {
  CHECK(fields.size() == columns_.size());
  row.resize(columns_.size());
  for (size_t i = 0; i < fields.size(); ++i) {
    if (!fields[i]) {
      row[i].kind = change::ValueKind::kNull;
      continue;
    }
    Status status =
        DecodePresentValueInto(columns_[i], *fields[i], /*binary=*/true, options_, row[i]);
    if (!status.ok()) [[unlikely]] {
      return NameValueError(status, contexts_[i], *fields[i], /*binary=*/true);
    }
  }
  return Status::Ok();
}

}  // namespace pg2iceberg::pg
