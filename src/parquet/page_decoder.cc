#include "parquet/page_decoder.h"

#include <algorithm>
#include <iterator>

#include "parquet/rle_decoder.h"
#include "parquet/rle_encoder.h"
#include "parquet/value_decoder.h"

namespace pg2iceberg::parquet {
namespace {

using format::Encoding;

Status Corrupt(const PageContext& page, const std::string& problem) {
  return Status::DataLoss(page.what + ": " + problem + " (file corrupt)");
}

std::string EncodingName(Encoding encoding) {
  static constexpr const char* kNames[] = {
      "PLAIN",          "GROUP_VAR_INT",       "PLAIN_DICTIONARY",        "RLE",
      "BIT_PACKED",     "DELTA_BINARY_PACKED", "DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY",
      "RLE_DICTIONARY", "BYTE_STREAM_SPLIT"};
  const auto value = static_cast<size_t>(encoding);
  if (value < std::size(kNames)) return kNames[value];
  return "#" + std::to_string(static_cast<int>(encoding));
}

Status UnsupportedEncoding(const PageContext& page, Encoding encoding) {
  return Status::InvalidArgument(page.what + ": encoding " + EncodingName(encoding) +
                                 " is not supported (the reader takes PLAIN, dictionary and RLE "
                                 "levels and booleans; docs/parquet.md)");
}

// Decodes `count` levels at the width of `max_level` from `data` into `out`.
Status DecodeLevels(const PageContext& page, ByteSpan data, int max_level, size_t count,
                    std::vector<uint32_t>* out) {
  out->reserve(count);
  RETURN_IF_ERROR(
      DecodeRleHybrid(data, BitWidthForMaxLevel(max_level), count, page.what + " levels", out));
  const auto max = static_cast<uint32_t>(max_level);
  if (std::any_of(out->begin(), out->end(), [max](uint32_t l) { return l > max; })) {
    return Corrupt(page, "a level above the column's maximum of " + std::to_string(max_level));
  }
  return Status::Ok();
}

// v1 levels: a 4-byte little-endian length, then the hybrid. Advances *pos past them.
Status DecodePrefixedLevels(const PageContext& page, ByteSpan body, size_t* pos, int max_level,
                            size_t count, std::vector<uint32_t>* out) {
  if (body.size() - *pos < 4) return Corrupt(page, "page ends before its levels");
  uint32_t length = 0;
  for (int b = 0; b < 4; ++b) length |= static_cast<uint32_t>(body[*pos + b]) << (8 * b);
  *pos += 4;
  if (length > body.size() - *pos) return Corrupt(page, "levels longer than the page");
  RETURN_IF_ERROR(DecodeLevels(page, body.subspan(*pos, length), max_level, count, out));
  *pos += length;
  return Status::Ok();
}

Status DecodeValues(const PageContext& page, Encoding encoding, ByteSpan data, size_t count,
                    const std::vector<Scalar>* dictionary, std::vector<Scalar>* out) {
  out->reserve(count);
  const std::string what = page.what + " values";
  switch (encoding) {
    case Encoding::kPlain:
      return DecodePlain(data, *page.spec, count, what, out);
    case Encoding::kPlainDictionary:
    case Encoding::kRleDictionary:
      if (dictionary == nullptr) return Corrupt(page, "dictionary-encoded page without dictionary");
      return DecodeDictionaryIndices(data, *dictionary, count, what, out);
    case Encoding::kRle:
      if (page.spec->physical_type != PhysicalType::kBoolean) break;
      return DecodeRleBooleans(data, count, what, out);
    default:
      break;
  }
  return UnsupportedEncoding(page, encoding);
}

size_t PresentCount(const PageContext& page, const DecodedPage& decoded) {
  const int max_def = page.spec->max_definition_level();
  if (max_def == 0) return decoded.count;
  return static_cast<size_t>(std::count(decoded.definition.begin(), decoded.definition.end(),
                                        static_cast<uint32_t>(max_def)));
}

Result<DecodedPage> DecodeV1(const PageContext& page, const format::PageHeader& header,
                             ByteSpan stored, const std::vector<Scalar>* dictionary) {
  const format::DataPageHeader& h = *header.data_page_header;
  const bool rle_levels = h.definition_level_encoding == Encoding::kRle &&
                          h.repetition_level_encoding == Encoding::kRle;
  const int max_rep = page.spec->max_repetition_level();
  const int max_def = page.spec->max_definition_level();
  if (max_def > 0 && !rle_levels) return UnsupportedEncoding(page, h.definition_level_encoding);
  Bytes body;
  RETURN_IF_ERROR(Decompress(page.codec, stored, static_cast<size_t>(header.uncompressed_page_size),
                             page.what + " data page", &body));
  DecodedPage out;
  out.count = static_cast<size_t>(h.num_values);
  size_t pos = 0;
  if (max_rep > 0) {
    RETURN_IF_ERROR(DecodePrefixedLevels(page, body, &pos, max_rep, out.count, &out.repetition));
  }
  if (max_def > 0) {
    RETURN_IF_ERROR(DecodePrefixedLevels(page, body, &pos, max_def, out.count, &out.definition));
  }
  RETURN_IF_ERROR(DecodeValues(page, h.encoding, ByteSpan(body).subspan(pos),
                               PresentCount(page, out), dictionary, &out.values));
  return out;
}

Result<DecodedPage> DecodeV2(const PageContext& page, const format::PageHeader& header,
                             ByteSpan stored, const std::vector<Scalar>* dictionary) {
  const format::DataPageHeaderV2& h = *header.data_page_header_v2;
  const int max_rep = page.spec->max_repetition_level();
  const int max_def = page.spec->max_definition_level();
  const auto rep_bytes = static_cast<size_t>(h.repetition_levels_byte_length);
  const auto def_bytes = static_cast<size_t>(h.definition_levels_byte_length);
  if (h.repetition_levels_byte_length < 0 || h.definition_levels_byte_length < 0 ||
      rep_bytes + def_bytes > stored.size() ||
      rep_bytes + def_bytes > static_cast<size_t>(header.uncompressed_page_size)) {
    return Corrupt(page, "data page v2 level lengths outside the page");
  }
  DecodedPage out;
  out.count = static_cast<size_t>(h.num_values);
  if (max_rep > 0) {
    RETURN_IF_ERROR(
        DecodeLevels(page, stored.first(rep_bytes), max_rep, out.count, &out.repetition));
  }
  if (max_def > 0) {
    RETURN_IF_ERROR(DecodeLevels(page, stored.subspan(rep_bytes, def_bytes), max_def, out.count,
                                 &out.definition));
  }
  const ByteSpan stored_values = stored.subspan(rep_bytes + def_bytes);
  const size_t values_size =
      static_cast<size_t>(header.uncompressed_page_size) - rep_bytes - def_bytes;
  Bytes values;
  RETURN_IF_ERROR(Decompress(h.is_compressed ? page.codec : Codec::kUncompressed, stored_values,
                             values_size, page.what + " data page v2", &values));
  RETURN_IF_ERROR(
      DecodeValues(page, h.encoding, values, PresentCount(page, out), dictionary, &out.values));
  return out;
}

}  // namespace

Result<PageShape> DataPageShape(const PageContext& page, const format::PageHeader& header) {
  const bool flat = page.spec->max_repetition_level() == 0;
  if (header.type == format::PageType::kDataPage) {
    if (!header.data_page_header) return Corrupt(page, "data page without its header");
    const int32_t n = header.data_page_header->num_values;
    if (n < 0) return Corrupt(page, "negative value count");
    return PageShape{n, flat ? std::optional<int64_t>(n) : std::nullopt};
  }
  if (!header.data_page_header_v2) return Corrupt(page, "data page v2 without its header");
  const format::DataPageHeaderV2& h = *header.data_page_header_v2;
  if (h.num_values < 0 || h.num_rows < 0 || h.num_rows > h.num_values ||
      (flat && h.num_rows != h.num_values)) {
    return Corrupt(page, "data page v2 value and row counts disagree");
  }
  return PageShape{h.num_values, h.num_rows};
}

Result<std::vector<Scalar>> DecodeDictionaryPage(const PageContext& page,
                                                 const format::PageHeader& header,
                                                 ByteSpan stored) {
  if (!header.dictionary_page_header) return Corrupt(page, "dictionary page without its header");
  const format::DictionaryPageHeader& h = *header.dictionary_page_header;
  if (h.encoding != Encoding::kPlain && h.encoding != Encoding::kPlainDictionary) {
    return UnsupportedEncoding(page, h.encoding);
  }
  Bytes body;
  RETURN_IF_ERROR(Decompress(page.codec, stored, static_cast<size_t>(header.uncompressed_page_size),
                             page.what + " dictionary page", &body));
  // Every PLAIN value takes at least one bit, so a larger count cannot be honest.
  if (h.num_values < 0 || static_cast<uint64_t>(h.num_values) > 8 * uint64_t{body.size()}) {
    return Corrupt(page, "dictionary value count does not fit the dictionary page");
  }
  std::vector<Scalar> values;
  values.reserve(static_cast<size_t>(h.num_values));
  RETURN_IF_ERROR(DecodePlain(body, *page.spec, static_cast<size_t>(h.num_values),
                              page.what + " dictionary", &values));
  return values;
}

Result<DecodedPage> DecodeDataPage(const PageContext& page, const format::PageHeader& header,
                                   ByteSpan stored, const std::vector<Scalar>* dictionary) {
  if (header.type == format::PageType::kDataPage) {
    return DecodeV1(page, header, stored, dictionary);
  }
  return DecodeV2(page, header, stored, dictionary);
}

}  // namespace pg2iceberg::parquet
