// The initial load's plan file and checkpoint as a restart reads them back from the table's
// metadata (docs/materializer.md, "Resuming a load"): the plan document and the set of
// ranges done.
//
// Input: a range count (two bytes, big-endian), the ranges-done text as a part (two-byte
// length), then the plan document.
#include <cstdint>

#include "fuzz_input.h"
#include "mirror/load_plan.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pg2iceberg;
  fuzz::FuzzInput in(data, size);
  const int64_t ranges = in.U16();
  (void)ParseRangeSet(in.PartText(), ranges);
  Result<LoadPlan> plan = DecodeLoadPlan(in.RestText());
  if (!plan.ok()) return 0;
  (void)EncodeLoadPlan(*plan);
  for (int64_t i = 0; i < plan->ranges() && i < 64; ++i) (void)RangeCondition(*plan, i);
  return 0;
}
