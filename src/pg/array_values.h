// Postgres arrays → change::Value lists (Value::List in change/change.h).
//
// A one-dimensional array becomes a list of its elements; a multi-dimensional one a list of
// lists, dimension by dimension ('{{1,2},{3,4}}' → [[1, 2], [3, 4]]); NULL elements become
// Null values; the empty array '{}' the empty list. Lower bounds are not kept ('[0:1]={7,8}'
// → [7, 8]). Elements are decoded by the caller's scalar decoder as a column of the element
// type with the array column's name, key flag and type modifier (numeric(10,2)[] has the
// numeric(10,2) modifier), so every element type value_decoding.h supports works here.
//
// Forms:
//   binary (array_send): int32 ndim (0..6), int32 has-null flag (0 or 1), uint32 element
//     type oid (must be the column's element type), per dimension int32 size (>= 1) and
//     int32 lower bound, then per element in row-major order int32 length (-1 = NULL)
//     followed by the element's binary form; all big-endian, nothing after.
//   text (array_out, under the session settings text_values.h names): '{1,2,NULL}';
//     elements holding a delimiter, brace, quote, backslash, whitespace, nothing, or the word
//     NULL are double-quoted with '\' escaping '"' and '\' ('{"a b","c\\"d","NULL"}' holds
//     the strings a b, c"d and NULL); an optional dimension prefix '[lb:ub]...=' when a
//     lower bound is not 1.
//
// Errors (the caller adds the column):
//   kDataLoss         bytes or text that are not such an array (bad framing, a wrong element
//                     oid, ragged sub-arrays, more than 6 dimensions, a prefix that disagrees
//                     with the elements), or an element the element decoder calls malformed;
//   kInvalidArgument  an element Iceberg cannot hold (as for the scalar type), or a numeric
//                     array without a precision. Element errors name the element by its
//                     position in row-major order, from 1.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "base/bytes.h"
#include "base/status.h"
#include "change/change.h"

namespace pg2iceberg::pg {

// Decodes one present element given the element column, its bytes and whether they are the
// binary form (else text). value_decoding.cc passes its scalar decoder.
using ElementDecoder = Result<change::Value> (*)(const change::ColumnSchema& element, ByteSpan data,
                                                 bool binary);

// The element type oid of a built-in array type whose elements DecodeColumnValue supports
// (_int4 1007 → int4 23, _text 1009 → text 25, …), or nullopt for any other type.
std::optional<uint32_t> ArrayElementTypeOid(uint32_t array_type_oid);
// The inverse: the built-in array type whose elements are `element_type_oid`.
std::optional<uint32_t> ArrayTypeOidOf(uint32_t element_type_oid);

// Decodes an array column's value (text or binary form). `column.type_oid` must be one
// ArrayElementTypeOid knows (kInvalidArgument naming the type otherwise).
Result<change::Value> DecodeArrayValue(const change::ColumnSchema& column, ByteSpan data,
                                       bool binary, ElementDecoder decode_element);

// The two forms, given the element column already.
Result<change::Value> DecodeArrayBinary(ByteSpan data, const change::ColumnSchema& element,
                                        ElementDecoder decode_element);
Result<change::Value> DecodeArrayText(std::string_view text, const change::ColumnSchema& element,
                                      ElementDecoder decode_element);

}  // namespace pg2iceberg::pg
