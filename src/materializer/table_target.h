// TableTarget: one mirrored Iceberg table as the materializer writes it — its primary-key
// index, a way to read its rows back, and the files of the batch being applied. The cycle
// (cycle.h) drives it; the implementation over the table library (table/, iceberg/) owns the
// data-file sink, the delete-file writers and the table's metadata.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "change/change.h"
#include "iceberg/catalog.h"
#include "iceberg/table_commit.h"
#include "materializer/pk_index.h"
#include "materializer/progress.h"
#include "materializer/table_batch.h"

namespace pg2iceberg::materializer {

// The files of one table's batch: rows appended through the RowSink interface.
class BatchFiles : public RowSink {
 public:
  // Closes the data files, writes the delete files `batch` calls for, and returns the table's
  // commit input, whose summary records `progress`. Errors: the store's and the writers'.
  virtual Result<iceberg::TableCommitInput> Finish(const TableBatch& batch,
                                                   const CommittedProgress& progress) = 0;
};

class TableTarget {
 public:
  virtual ~TableTarget() = default;

  // "schema.table" of the source table, and its id in the staging log.
  virtual const std::string& name() const = 0;
  virtual int64_t table_id() const = 0;
  // The source's primary-key column names, in key order.
  virtual const std::vector<std::string>& key_columns() const = 0;

  // The table as the catalog last answered (its current snapshot's summary records its
  // progress).
  virtual const iceberg::TableState& state() const = 0;
  // Takes the table's state after a commit of it succeeded.
  virtual void Committed(iceberg::TableState state) = 0;

  // Whether rows staged under `staged` have the table's current columns: the same names, in the
  // same order, of the same Iceberg types. Errors: a staged type the mirror cannot map.
  virtual Result<bool> Describes(const change::TableSchema& staged) = 0;
  // Follows a schema change at the source: the table's schema becomes `staged`'s (columns
  // renamed, added, dropped or widened, docs/materializer.md "Schema changes"); the next batch
  // is written under it and its commit makes it the Iceberg table's current schema. One batch
  // may follow several in turn. Returns what changed, a line each. Errors: a change Iceberg
  // cannot follow or the mirror cannot prove (kInvalidArgument / kDataLoss naming the table,
  // the column, the types and the way out); the source catalog's. After an error the table
  // must not be written again.
  virtual Result<std::vector<std::string>> Evolve(const change::TableSchema& staged) = 0;
  // `staged` (the table's columns before or at its last Evolve) with each column named as the
  // table's current schema names it, and columns dropped since named so that they match none;
  // null when `staged` needs no renaming. Errors: columns never followed (kInternal).
  virtual Result<std::shared_ptr<const change::TableSchema>> Translate(
      const change::TableSchema& staged) = 0;

  virtual PrimaryKeyIndex& index() = 0;
  virtual RowSource& rows() = 0;
  // Starts the files of a new batch. The batch's files are numbered in index() from its
  // next_file() on.
  virtual Result<std::unique_ptr<BatchFiles>> BeginBatch() = 0;
};

}  // namespace pg2iceberg::materializer
