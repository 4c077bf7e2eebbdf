#include "parquet/format_decoder.h"

#include "parquet/format_decoder_util.h"

namespace pg2iceberg::parquet {
namespace {

using decoder::ExpectType;
using decoder::ReadI32Into;
using decoder::ReadI64Into;
using decoder::ReadList;
using decoder::ReadStringInto;
using decoder::ReadStruct;
using format::LogicalType;

// TimeType and TimestampType: {1: isAdjustedToUTC, 2: TimeUnit (a union of empty structs)}.
Status DecodeTimeLike(ThriftCompactReader& r, LogicalType* out) {
  return ReadStruct(r, [&](const ThriftField& f) -> Status {
    if (f.id == 1) return decoder::ReadBool(r, f, &out->is_adjusted_to_utc);
    if (f.id != 2) return r.Skip(f.type);
    RETURN_IF_ERROR(ExpectType(r, f, ThriftType::kStruct));
    return ReadStruct(r, [&](const ThriftField& unit) -> Status {
      out->unit = static_cast<format::TimeUnit>(unit.id);
      return r.Skip(unit.type);
    });
  });
}

Status DecodeLogicalType(ThriftCompactReader& r, LogicalType* out) {
  bool seen = false;
  RETURN_IF_ERROR(ReadStruct(r, [&](const ThriftField& f) -> Status {
    RETURN_IF_ERROR(ExpectType(r, f, ThriftType::kStruct));
    if (seen) return r.Corrupt("logical type union with two members");
    seen = true;
    out->kind = static_cast<LogicalType::Kind>(f.id);
    switch (out->kind) {
      case LogicalType::Kind::kDecimal:
        return ReadStruct(r, [&](const ThriftField& d) -> Status {
          if (d.id == 1) return ReadI32Into(r, d, &out->decimal_scale);
          if (d.id == 2) return ReadI32Into(r, d, &out->decimal_precision);
          return r.Skip(d.type);
        });
      case LogicalType::Kind::kTime:
      case LogicalType::Kind::kTimestamp:
        return DecodeTimeLike(r, out);
      default:
        return r.Skip(f.type);
    }
  }));
  if (!seen) return r.Corrupt("empty logical type union");
  return Status::Ok();
}

Status DecodeSchemaElement(ThriftCompactReader& r, format::SchemaElement* e) {
  bool has_name = false;
  RETURN_IF_ERROR(ReadStruct(r, [&](const ThriftField& f) -> Status {
    switch (f.id) {
      case 1:
        return ReadI32Into(r, f, &e->type.emplace());
      case 2:
        return ReadI32Into(r, f, &e->type_length.emplace());
      case 3:
        return ReadI32Into(r, f, &e->repetition_type.emplace());
      case 4:
        has_name = true;
        return ReadStringInto(r, f, &e->name);
      case 5:
        return ReadI32Into(r, f, &e->num_children.emplace());
      case 6:
        return ReadI32Into(r, f, &e->converted_type.emplace());
      case 7:
        return ReadI32Into(r, f, &e->scale.emplace());
      case 8:
        return ReadI32Into(r, f, &e->precision.emplace());
      case 9:
        return ReadI32Into(r, f, &e->field_id.emplace());
      case 10:
        RETURN_IF_ERROR(ExpectType(r, f, ThriftType::kStruct));
        return DecodeLogicalType(r, &e->logical_type.emplace());
      default:
        return r.Skip(f.type);
    }
  }));
  if (!has_name) return r.Corrupt("schema element without a name");
  return Status::Ok();
}

Status DecodeStatistics(ThriftCompactReader& r, format::Statistics* s) {
  return ReadStruct(r, [&](const ThriftField& f) -> Status {
    if (f.id == 3) return ReadI64Into(r, f, &s->null_count.emplace());
    if (f.id != 5 && f.id != 6) return r.Skip(f.type);
    RETURN_IF_ERROR(ExpectType(r, f, ThriftType::kBinary));
    ASSIGN_OR_RETURN(ByteSpan bytes, r.ReadBinary());
    (f.id == 5 ? s->max_value : s->min_value) = Bytes(bytes.begin(), bytes.end());
    return Status::Ok();
  });
}

Status DecodeEncodingStats(ThriftCompactReader& r, format::ColumnMetaData* m) {
  format::PageEncodingStats& stats = m->encoding_stats.emplace_back();
  return ReadStruct(r, [&](const ThriftField& f) -> Status {
    if (f.id == 1) return ReadI32Into(r, f, &stats.page_type);
    if (f.id == 2) return ReadI32Into(r, f, &stats.encoding);
    if (f.id == 3) return ReadI32Into(r, f, &stats.count);
    return r.Skip(f.type);
  });
}

Status DecodeColumnMetaData(ThriftCompactReader& r, format::ColumnMetaData* m) {
  return ReadStruct(r, [&](const ThriftField& f) -> Status {
    switch (f.id) {
      case 1:
        return ReadI32Into(r, f, &m->type);
      case 2:
        return ReadList(r, f, ThriftType::kI32, [&]() -> Status {
          ASSIGN_OR_RETURN(int32_t e, r.ReadI32());
          m->encodings.push_back(static_cast<format::Encoding>(e));
          return Status::Ok();
        });
      case 3:
        return ReadList(r, f, ThriftType::kBinary, [&]() -> Status {
          ASSIGN_OR_RETURN(m->path_in_schema.emplace_back(), r.ReadString());
          return Status::Ok();
        });
      case 4:
        return ReadI32Into(r, f, &m->codec);
      case 5:
        return ReadI64Into(r, f, &m->num_values);
      case 6:
        return ReadI64Into(r, f, &m->total_uncompressed_size);
      case 7:
        return ReadI64Into(r, f, &m->total_compressed_size);
      case 9:
        return ReadI64Into(r, f, &m->data_page_offset);
      case 11:
        return ReadI64Into(r, f, &m->dictionary_page_offset.emplace());
      case 12:
        RETURN_IF_ERROR(ExpectType(r, f, ThriftType::kStruct));
        return DecodeStatistics(r, &m->statistics.emplace());
      case 13:
        return ReadList(r, f, ThriftType::kStruct, [&] { return DecodeEncodingStats(r, m); });
      default:
        return r.Skip(f.type);
    }
  });
}

Status DecodeColumnChunk(ThriftCompactReader& r, format::ColumnChunk* c) {
  bool has_meta_data = false;
  RETURN_IF_ERROR(ReadStruct(r, [&](const ThriftField& f) -> Status {
    if (f.id == 1) return ReadStringInto(r, f, &c->file_path.emplace());
    if (f.id == 2) return ReadI64Into(r, f, &c->file_offset);
    if (f.id != 3) return r.Skip(f.type);
    RETURN_IF_ERROR(ExpectType(r, f, ThriftType::kStruct));
    has_meta_data = true;
    return DecodeColumnMetaData(r, &c->meta_data);
  }));
  if (!has_meta_data) return r.Corrupt("column chunk without meta_data");
  return Status::Ok();
}

Status DecodeRowGroup(ThriftCompactReader& r, format::RowGroup* g) {
  return ReadStruct(r, [&](const ThriftField& f) -> Status {
    switch (f.id) {
      case 1:
        return ReadList(r, f, ThriftType::kStruct,
                        [&] { return DecodeColumnChunk(r, &g->columns.emplace_back()); });
      case 2:
        return ReadI64Into(r, f, &g->total_byte_size);
      case 3:
        return ReadI64Into(r, f, &g->num_rows);
      case 5:
        return ReadI64Into(r, f, &g->file_offset.emplace());
      case 6:
        return ReadI64Into(r, f, &g->total_compressed_size.emplace());
      case 7: {
        RETURN_IF_ERROR(ExpectType(r, f, ThriftType::kI16));
        ASSIGN_OR_RETURN(g->ordinal, r.ReadI16());
        return Status::Ok();
      }
      default:
        return r.Skip(f.type);
    }
  });
}

Status DecodeKeyValue(ThriftCompactReader& r, format::KeyValue* kv) {
  return ReadStruct(r, [&](const ThriftField& f) -> Status {
    if (f.id == 1) return ReadStringInto(r, f, &kv->key);
    if (f.id == 2) return ReadStringInto(r, f, &kv->value.emplace());
    return r.Skip(f.type);
  });
}

Status DecodeFileMetaDataFields(ThriftCompactReader& r, format::FileMetaData* m) {
  m->type_defined_column_orders = false;
  return ReadStruct(r, [&](const ThriftField& f) -> Status {
    switch (f.id) {
      case 1:
        return ReadI32Into(r, f, &m->version);
      case 2:
        return ReadList(r, f, ThriftType::kStruct,
                        [&] { return DecodeSchemaElement(r, &m->schema.emplace_back()); });
      case 3:
        return ReadI64Into(r, f, &m->num_rows);
      case 4:
        return ReadList(r, f, ThriftType::kStruct,
                        [&] { return DecodeRowGroup(r, &m->row_groups.emplace_back()); });
      case 5:
        return ReadList(r, f, ThriftType::kStruct,
                        [&] { return DecodeKeyValue(r, &m->key_value_metadata.emplace_back()); });
      case 6:
        return ReadStringInto(r, f, &m->created_by.emplace());
      case 7:
        m->type_defined_column_orders = true;
        return r.Skip(f.type);
      default:
        return r.Skip(f.type);
    }
  });
}

}  // namespace

Result<format::FileMetaData> DecodeFileMetaData(ByteSpan bytes) {
  ThriftCompactReader r(bytes, "parquet footer");
  format::FileMetaData meta;
  RETURN_IF_ERROR(DecodeFileMetaDataFields(r, &meta));
  if (r.position() != bytes.size()) return r.Corrupt("bytes after the footer's FileMetaData");
  return meta;
}

}  // namespace pg2iceberg::parquet
