// Test support: the rows the coordinator tests (coordinator_contract.h and the Postgres-only
// tests) record.
#pragma once

#include "stage/coordinator.h"

namespace pg2iceberg::stage {

// A capture row with a slot, flushed to 0x100.
inline CaptureState TestCapture() {
  return {.system_identifier = "7300000000000000001",
          .database = "db",
          .slot_name = "slot",
          .publication_name = "pub",
          .slot_created_lsn = 0x100,
          .flushed_lsn = 0x100};
}

// A domain over numeric(10,2) and an enum, as capture records them.
inline const RecordedType kTestPrice{.type_oid = 16500,
                                     .resolved_oid = 1700,
                                     .type_modifier = ((10 << 16) | 2) + 4,
                                     .declared_name = "public.price"};
inline const RecordedType kTestMood{
    .type_oid = 16400, .resolved_oid = 25, .type_modifier = -1, .declared_name = "public.mood"};

}  // namespace pg2iceberg::stage
