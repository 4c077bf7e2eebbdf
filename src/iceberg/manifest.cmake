# Manifest and manifest-list writers and readers (format version 2). Included from
# src/iceberg/CMakeLists.txt.
add_library(pg2i_iceberg_manifest manifest.cc manifest_list.cc manifest_read.cc manifest_schema.cc)
target_link_libraries(pg2i_iceberg_manifest PUBLIC pg2i_iceberg pg2i_avro)

pg2iceberg_test(manifest_test pg2i_iceberg_manifest)
pg2iceberg_test(manifest_list_test pg2i_iceberg_manifest)
