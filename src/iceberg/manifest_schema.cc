#include "iceberg/manifest_schema.h"

#include <string>
#include <utility>

namespace pg2iceberg::iceberg {
namespace {

using avro::Kind;
using avro::OptionalField;
using avro::RequiredField;
using avro::Schema;

Schema Int() { return Schema::Primitive(Kind::kInt); }
Schema Long() { return Schema::Primitive(Kind::kLong); }
Schema String() { return Schema::Primitive(Kind::kString); }
Schema Bytes() { return Schema::Primitive(Kind::kBytes); }
Schema Boolean() { return Schema::Primitive(Kind::kBoolean); }

// Iceberg's map<int, V> in Avro: an array of {key, value} records named "k<key>_v<value>",
// marked with logicalType "map" (Avro maps only allow string keys).
Schema IntKeyedMap(int key_id, int value_id, Schema value) {
  Schema pair = Schema::Record(
      "k" + std::to_string(key_id) + "_v" + std::to_string(value_id),
      {RequiredField("key", Int(), key_id), RequiredField("value", std::move(value), value_id)});
  Schema array = Schema::Array(std::move(pair));
  array.logical_type = "map";
  return array;
}

// Iceberg's list<T>: an Avro array carrying the element id.
Schema List(int element_id, Schema element) {
  Schema array = Schema::Array(std::move(element));
  array.element_id = element_id;
  return array;
}

Schema WithLogicalType(Schema schema, std::string logical_type) {
  schema.logical_type = std::move(logical_type);
  return schema;
}

// The fewest bytes whose two's complement holds every unscaled value of `precision` digits.
int DecimalBytes(int precision) {
  __int128 largest = 1;
  for (int i = 0; i < precision; ++i) largest *= 10;
  --largest;
  int bytes = 1;
  while (bytes < 16 && (__int128{1} << (8 * bytes - 1)) <= largest) ++bytes;
  return bytes;
}

Schema PartitionSchema(const std::vector<Field>& partition_type) {
  std::vector<avro::Field> fields;
  for (const Field& field : partition_type) {
    fields.push_back(OptionalField(field.name, AvroTypeFor(field.type), field.id));
  }
  return Schema::Record("r102", std::move(fields));
}

Schema DataFileSchema(const std::vector<Field>& partition_type, int format_version) {
  namespace id = manifest_id;
  Schema record = Schema::Record(
      "r2",
      {RequiredField("content", Int(), id::kContent,
                     "Contents of the file: 0=data, 1=position deletes, 2=equality deletes"),
       RequiredField("file_path", String(), id::kFilePath, "Location URI with FS scheme"),
       RequiredField("file_format", String(), id::kFileFormat,
                     "File format name: avro, orc, or parquet"),
       RequiredField("partition", PartitionSchema(partition_type), id::kPartition,
                     "Partition data tuple, schema based on the partition spec"),
       RequiredField("record_count", Long(), id::kRecordCount, "Number of records in the file"),
       RequiredField("file_size_in_bytes", Long(), id::kFileSizeInBytes,
                     "Total file size in bytes"),
       OptionalField("column_sizes", IntKeyedMap(117, 118, Long()), id::kColumnSizes,
                     "Map of column id to total size on disk"),
       OptionalField("value_counts", IntKeyedMap(119, 120, Long()), id::kValueCounts,
                     "Map of column id to total count, including null and NaN"),
       OptionalField("null_value_counts", IntKeyedMap(121, 122, Long()), id::kNullValueCounts,
                     "Map of column id to null value count"),
       OptionalField("nan_value_counts", IntKeyedMap(138, 139, Long()), id::kNanValueCounts,
                     "Map of column id to number of NaN values in the column"),
       OptionalField("lower_bounds", IntKeyedMap(126, 127, Bytes()), id::kLowerBounds,
                     "Map of column id to lower bound"),
       OptionalField("upper_bounds", IntKeyedMap(129, 130, Bytes()), id::kUpperBounds,
                     "Map of column id to upper bound"),
       OptionalField("key_metadata", Bytes(), id::kKeyMetadata, "Encryption key metadata blob"),
       OptionalField("split_offsets", List(133, Long()), id::kSplitOffsets, "Splittable offsets"),
       OptionalField("equality_ids", List(136, Int()), id::kEqualityIds,
                     "Equality comparison field IDs"),
       OptionalField("sort_order_id", Int(), id::kSortOrderId, "Sort order ID")});
  if (format_version >= 3) {
    record.fields.push_back(OptionalField("first_row_id", Long(), id::kFirstRowId,
                                          "The _row_id for the first row in the data file"));
  }
  record.fields.push_back(
      OptionalField("referenced_data_file", String(), id::kReferencedDataFile,
                    "Fully qualified location of a data file that all deletes reference"));
  if (format_version >= 3) {
    record.fields.push_back(OptionalField("content_offset", Long(), id::kContentOffset,
                                          "The offset in the file where the content starts"));
    record.fields.push_back(OptionalField("content_size_in_bytes", Long(), id::kContentSizeInBytes,
                                          "The length of referenced content stored in the file"));
  }
  return record;
}

Schema FieldSummarySchema() {
  namespace id = manifest_list_id;
  return Schema::Record("r508", {RequiredField("contains_null", Boolean(), id::kContainsNull,
                                               "True if any file has a null partition value"),
                                 OptionalField("contains_nan", Boolean(), id::kContainsNan,
                                               "True if any file has a nan partition value"),
                                 OptionalField("lower_bound", Bytes(), id::kLowerBound,
                                               "Partition lower bound for all files"),
                                 OptionalField("upper_bound", Bytes(), id::kUpperBound,
                                               "Partition upper bound for all files")});
}

}  // namespace

avro::Schema AvroTypeFor(const Type& type) {
  switch (type.id) {
    case TypeId::kBoolean:
      return Boolean();
    case TypeId::kInt:
      return Int();
    case TypeId::kLong:
      return Long();
    case TypeId::kFloat:
      return avro::Schema::Primitive(Kind::kFloat);
    case TypeId::kDouble:
      return avro::Schema::Primitive(Kind::kDouble);
    case TypeId::kDate:
      return WithLogicalType(Int(), "date");
    case TypeId::kTime:
      return WithLogicalType(Long(), "time-micros");
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: {
      avro::Schema schema = WithLogicalType(Long(), "timestamp-micros");
      schema.adjust_to_utc = type.id == TypeId::kTimestampTz;
      return schema;
    }
    case TypeId::kString:
      return String();
    case TypeId::kUuid:
      return WithLogicalType(avro::Schema::Fixed("uuid_fixed", 16), "uuid");
    case TypeId::kDecimal: {
      avro::Schema schema =
          WithLogicalType(avro::Schema::Fixed("decimal_" + std::to_string(type.precision) + "_" +
                                                  std::to_string(type.scale),
                                              DecimalBytes(type.precision)),
                          "decimal");
      schema.precision = type.precision;
      schema.scale = type.scale;
      return schema;
    }
    default:
      return Bytes();  // binary
  }
}

avro::Schema ManifestEntrySchema(const std::vector<Field>& partition_type, int format_version) {
  namespace id = manifest_id;
  return avro::Schema::Record(
      "manifest_entry",
      {RequiredField("status", Int(), id::kStatus),
       OptionalField("snapshot_id", Long(), id::kSnapshotId),
       OptionalField("sequence_number", Long(), id::kSequenceNumber),
       OptionalField("file_sequence_number", Long(), id::kFileSequenceNumber),
       RequiredField("data_file", DataFileSchema(partition_type, format_version), id::kDataFile)});
}

avro::Schema ManifestFileSchema(int format_version) {
  namespace id = manifest_list_id;
  avro::Schema record = avro::Schema::Record(
      "manifest_file",
      {RequiredField("manifest_path", String(), id::kManifestPath, "Location URI with FS scheme"),
       RequiredField("manifest_length", Long(), id::kManifestLength, "Total file size in bytes"),
       RequiredField("partition_spec_id", Int(), id::kPartitionSpecId, "Spec ID used to write"),
       RequiredField("content", Int(), id::kContent, "Contents of the manifest: 0=data, 1=deletes"),
       RequiredField("sequence_number", Long(), id::kSequenceNumber,
                     "Sequence number when the manifest was added"),
       RequiredField("min_sequence_number", Long(), id::kMinSequenceNumber,
                     "Lowest sequence number in the manifest"),
       RequiredField("added_snapshot_id", Long(), id::kAddedSnapshotId,
                     "Snapshot ID that added the manifest"),
       RequiredField("added_files_count", Int(), id::kAddedFilesCount, "Added entry count"),
       RequiredField("existing_files_count", Int(), id::kExistingFilesCount,
                     "Existing entry count"),
       RequiredField("deleted_files_count", Int(), id::kDeletedFilesCount, "Deleted entry count"),
       RequiredField("added_rows_count", Long(), id::kAddedRowsCount, "Added rows count"),
       RequiredField("existing_rows_count", Long(), id::kExistingRowsCount, "Existing rows count"),
       RequiredField("deleted_rows_count", Long(), id::kDeletedRowsCount, "Deleted rows count"),
       OptionalField("partitions", List(id::kFieldSummary, FieldSummarySchema()), id::kPartitions,
                     "Summary for each partition"),
       OptionalField("key_metadata", Bytes(), id::kKeyMetadata, "Encryption key metadata blob")});
  if (format_version >= 3) {
    record.fields.push_back(
        OptionalField("first_row_id", Long(), id::kFirstRowId,
                      "Starting row ID to assign to new rows in ADDED data files"));
  }
  return record;
}

}  // namespace pg2iceberg::iceberg
