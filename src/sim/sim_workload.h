// SimWorkload: generated transactions on the simulated source, and the model they are checked
// against.
//
// A few tables `public.t<N>` (id bigint primary key, n integer, doc text); `doc` is either short
// or long enough to be TOASTed, so an update that leaves a long doc alone logs it as unchanged
// ('u'), as Postgres does. Some tables have REPLICA IDENTITY FULL. Each Step, driven by the seed,
// does one of: commit a transaction of 1–8 changes (inserts, updates with and without the
// TOASTed column, primary-key changes, deletes, TRUNCATE of one or several tables, a savepoint
// rolled back), advance a large transaction that is streamed chunk by chunk (with rolled-back
// subtransactions, ending in a commit or an abort), or write WAL no mirrored table owns. Every
// change lands in the SimWal as a real server would log it, and in the model only if it commits:
// the model is the source's contents at every commit, which the staged log and the Iceberg
// tables must reproduce.
//
// Rows changed by an open streamed transaction are its own (fresh keys), as row locks would
// make them; no TRUNCATE runs while one is open (its lock would wait).
//
// Not thread-safe; deterministic for a given Random sequence.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "env/random.h"
#include "sim/sim_wal.h"

namespace pg2iceberg::sim {

// A row of the model: the values of n and doc (id is the key it is stored under).
struct SimRow {
  std::optional<int32_t> n;
  std::optional<std::string> doc;
  bool operator==(const SimRow&) const = default;
};

using SimTableRows = std::map<int64_t, SimRow>;

struct SimWorkloadOptions {
  int tables = 3;
  double streamed_start_probability = 0.03;     // a Step that opens a streamed transaction
  double unpublished_probability = 0.1;         // a Step that writes only unpublished WAL
  double truncate_probability = 0.02;           // per change
  double savepoint_rollback_probability = 0.1;  // per transaction
  double streamed_abort_probability = 0.2;
  int long_doc_bytes = 2100;  // above TOAST_TUPLE_THRESHOLD (about 2 kB)
};

class SimWorkload {
 public:
  static constexpr uint32_t kFirstRelid = 16384;
  static constexpr uint32_t kIdType = 20;   // int8
  static constexpr uint32_t kNType = 23;    // int4
  static constexpr uint32_t kDocType = 25;  // text

  // Defines the tables in `wal`. Borrows `wal` and `random`, which must outlive it.
  SimWorkload(SimWorkloadOptions options, SimWal& wal, Random& random);
  ~SimWorkload();

  // One step of the source's life at `now_micros` (the commit time of what commits).
  void Step(int64_t now_micros);
  // Ends an open streamed transaction (committing it) so the WAL has no open transaction.
  void Quiesce(int64_t now_micros);

  const std::vector<uint32_t>& relids() const { return relids_; }
  // "public.t<N>" of a relid.
  static std::string TableName(uint32_t relid);
  // Every table's rows as of the last commit.
  const std::map<uint32_t, SimTableRows>& model() const { return model_; }
  // The model as of position `lsn`: after every transaction whose commit record ends at or
  // before it (Postgres' convention, and the promise of a snapshot's pg2iceberg.commit-lsn,
  // docs/materializer.md).
  std::map<uint32_t, SimTableRows> ModelAsOf(change::Lsn lsn) const;

 private:
  struct Draft;  // a transaction being generated (sim_workload.cc)
  void CommitOne(int64_t now_micros);
  void AdvanceStreamed(int64_t now_micros);
  SimChange RandomChange(Draft& draft, uint32_t subxid, bool fresh_keys_only);
  SimChange Insert(Draft& draft, uint32_t relid, uint32_t subxid);
  SimChange Update(Draft& draft, uint32_t relid, int64_t key, uint32_t subxid);
  SimChange Delete(Draft& draft, uint32_t relid, int64_t key, uint32_t subxid);
  SimChange Truncate(Draft& draft, uint32_t subxid);
  SimTuple Tuple(int64_t key, const SimRow& row) const;
  SimTuple KeyTuple(int64_t key) const;
  std::optional<int64_t> AnyKey(const SimTableRows& rows);
  std::string RandomDoc();
  bool Chance(double probability) { return DrawWithProbability(random_, probability); }
  void Record(change::Lsn end_lsn);

  SimWorkloadOptions options_;
  SimWal& wal_;
  Random& random_;
  std::vector<uint32_t> relids_;
  std::map<uint32_t, char> replica_identity_;
  std::map<uint32_t, SimTableRows> model_;
  std::map<change::Lsn, std::map<uint32_t, SimTableRows>> history_;  // by end LSN
  uint32_t next_xid_ = 1000;
  int64_t next_key_ = 1;
  // The open streamed transaction, if any: its WAL index, its own rows, its open subxid.
  struct Streaming;
  std::unique_ptr<Streaming> streaming_;
};

}  // namespace pg2iceberg::sim
