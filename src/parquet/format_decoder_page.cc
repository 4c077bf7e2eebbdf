// DecodePageHeader (format_decoder.h).
#include "parquet/format_decoder.h"
#include "parquet/format_decoder_util.h"

namespace pg2iceberg::parquet {
namespace {

using decoder::ExpectType;
using decoder::ReadI32Into;
using decoder::ReadStruct;

Status DecodeDataPageHeader(ThriftCompactReader& r, format::DataPageHeader* d) {
  return ReadStruct(r, [&](const ThriftField& f) -> Status {
    if (f.id == 1) return ReadI32Into(r, f, &d->num_values);
    if (f.id == 2) return ReadI32Into(r, f, &d->encoding);
    if (f.id == 3) return ReadI32Into(r, f, &d->definition_level_encoding);
    if (f.id == 4) return ReadI32Into(r, f, &d->repetition_level_encoding);
    return r.Skip(f.type);
  });
}

Status DecodeDataPageHeaderV2(ThriftCompactReader& r, format::DataPageHeaderV2* d) {
  return ReadStruct(r, [&](const ThriftField& f) -> Status {
    switch (f.id) {
      case 1:
        return ReadI32Into(r, f, &d->num_values);
      case 2:
        return ReadI32Into(r, f, &d->num_nulls);
      case 3:
        return ReadI32Into(r, f, &d->num_rows);
      case 4:
        return ReadI32Into(r, f, &d->encoding);
      case 5:
        return ReadI32Into(r, f, &d->definition_levels_byte_length);
      case 6:
        return ReadI32Into(r, f, &d->repetition_levels_byte_length);
      case 7:
        return decoder::ReadBool(r, f, &d->is_compressed);
      default:
        return r.Skip(f.type);
    }
  });
}

Status DecodeDictionaryPageHeader(ThriftCompactReader& r, format::DictionaryPageHeader* d) {
  return ReadStruct(r, [&](const ThriftField& f) -> Status {
    if (f.id == 1) return ReadI32Into(r, f, &d->num_values);
    if (f.id == 2) return ReadI32Into(r, f, &d->encoding);
    return r.Skip(f.type);
  });
}

Status DecodePageHeaderFields(ThriftCompactReader& r, format::PageHeader* h) {
  return ReadStruct(r, [&](const ThriftField& f) -> Status {
    switch (f.id) {
      case 1:
        return ReadI32Into(r, f, &h->type);
      case 2:
        return ReadI32Into(r, f, &h->uncompressed_page_size);
      case 3:
        return ReadI32Into(r, f, &h->compressed_page_size);
      case 5:
        RETURN_IF_ERROR(ExpectType(r, f, ThriftType::kStruct));
        return DecodeDataPageHeader(r, &h->data_page_header.emplace());
      case 7:
        RETURN_IF_ERROR(ExpectType(r, f, ThriftType::kStruct));
        return DecodeDictionaryPageHeader(r, &h->dictionary_page_header.emplace());
      case 8:
        RETURN_IF_ERROR(ExpectType(r, f, ThriftType::kStruct));
        return DecodeDataPageHeaderV2(r, &h->data_page_header_v2.emplace());
      default:
        return r.Skip(f.type);
    }
  });
}

}  // namespace

Result<DecodedPageHeader> DecodePageHeader(ByteSpan bytes) {
  ThriftCompactReader r(bytes, "parquet page header");
  DecodedPageHeader out;
  RETURN_IF_ERROR(DecodePageHeaderFields(r, &out.header));
  if (out.header.uncompressed_page_size < 0 || out.header.compressed_page_size < 0) {
    return r.Corrupt("negative page size");
  }
  out.header_bytes = r.position();
  return out;
}

}  // namespace pg2iceberg::parquet
