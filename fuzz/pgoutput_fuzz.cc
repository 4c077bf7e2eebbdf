// The replication stream as capture receives it: CopyData messages of the replication protocol
// (XLogData, keepalive), the pgoutput messages they carry, and the tuple values in them, fed in
// order through the change assembler that turns them into committed changes.
//
// Input: a flag byte, the relid of the mirrored table public.t (four bytes, big-endian), then
// messages, each with a two-byte big-endian length. Flag bit 0: each message is a whole
// CopyData message (its XLogData payload is the pgoutput message); without it each message is
// a pgoutput message. Messages after the first error are not read (capture stops there too).
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "base/log.h"
#include "capture/change_assembler.h"
#include "capture/transaction_buffer.h"
#include "change/change_codec.h"
#include "env/local_object_store.h"
#include "env/random.h"
#include "fuzz_input.h"
#include "pg/pgoutput.h"
#include "pg/replication_protocol.h"
#include "pg/type_resolver.h"

namespace pg2iceberg::fuzz {
namespace {

// Encodes every committed change as the staging log would, so the codec sees whatever the
// decoders let through.
class EncodingSink final : public capture::CommittedSink {
 public:
  Status Change(const change::CommitInfo&, const change::RowChange& change) override {
    ByteWriter out;
    change::EncodeRowChange(change, 0, &out);
    return Status::Ok();
  }
  Status Commit(const change::CommitInfo& commit, int64_t) override {
    ByteWriter out;
    change::EncodeCommitInfo(commit, &out);
    return Status::Ok();
  }
};

// Where the buffer would spill (it does not: inputs are far below its memory budget).
ObjectStore& SpillStore() {
  static SeededRandom random(1);
  static std::unique_ptr<LocalObjectStore> store =
      LocalObjectStore::Open("/tmp/pg2iceberg-fuzz-spill", random).value();
  return *store;
}

struct Pipeline {
  explicit Pipeline(uint32_t relid)
      : assembler({{.relid = relid, .schema_name = "public", .table_name = "t"}}, types, buffer,
                  sink, log) {}
  pg::BuiltInTypeResolver types;
  capture::TransactionBuffer buffer{capture::TransactionBufferOptions{}, SpillStore()};
  EncodingSink sink;
  NullLogger log;
  capture::ChangeAssembler assembler;
};

}  // namespace
}  // namespace pg2iceberg::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace pg2iceberg;
  fuzz::FuzzInput in(data, size);
  const bool copy_data = in.Byte() & 1;
  fuzz::Pipeline pipeline(in.U32());
  while (!in.empty()) {
    ByteSpan message = in.Part();
    if (copy_data) {
      Result<pg::ReplicationMessage> parsed = pg::ParseReplicationMessage(message);
      if (!parsed.ok()) break;
      const auto* xlog = std::get_if<pg::XLogData>(&*parsed);
      if (xlog == nullptr) continue;
      message = xlog->payload;
    }
    Result<pg::PgoutputMessage> decoded =
        pg::DecodePgoutputMessage(message, pipeline.assembler.in_stream());
    if (!decoded.ok()) break;
    if (!pipeline.assembler.Handle(*decoded).ok()) break;
  }
  return 0;
}
