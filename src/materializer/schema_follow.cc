#include "materializer/schema_follow.h"

#include <algorithm>
#include <map>

#include "base/check.h"

namespace pg2iceberg::materializer {
namespace {

const pg::AttributeState* WithAttnum(const std::vector<pg::AttributeState>& attributes,
                                     int attnum) {
  for (const pg::AttributeState& attribute : attributes) {
    if (attribute.attnum == attnum) return &attribute;
  }
  return nullptr;
}

const pg::AttributeState* LiveNamed(const std::vector<pg::AttributeState>& attributes,
                                    const std::string& name) {
  for (const pg::AttributeState& attribute : attributes) {
    if (!attribute.dropped && attribute.name == name) return &attribute;
  }
  return nullptr;
}

bool DroppedNow(const std::vector<pg::AttributeState>& attributes, int attnum) {
  const pg::AttributeState* attribute = WithAttnum(attributes, attnum);
  return attribute == nullptr || attribute->dropped;
}

}  // namespace

std::string ReloadAdvice(std::string_view iceberg_table) {
  return "Way out: stop pg2iceberg, drop the Iceberg table " + std::string(iceberg_table) +
         " (or all of them: `pg2iceberg cleanup --drop-iceberg-tables`) and start `pg2iceberg "
         "run` again: it loads the table afresh from the source and streams on from there";
}

Result<std::vector<int>> ResolveAttnums(std::string_view table, std::string_view iceberg_table,
                                        const change::TableSchema& staged,
                                        const std::vector<iceberg::Type>& staged_types,
                                        const std::vector<MirroredColumn>& current,
                                        const std::vector<pg::AttributeState>& attributes) {
  CHECK(staged_types.size() == staged.columns.size());
  const std::string where = "table " + std::string(table) + ": its columns changed";
  const std::string advice = ReloadAdvice(iceberg_table);
  const size_t n = staged.columns.size();
  std::vector<int> attnums(n, 0);  // 0: not resolved yet
  std::vector<bool> kept(current.size(), false);
  int newest_current = 0;
  for (const MirroredColumn& column : current)
    newest_current = std::max(newest_current, column.attnum);

  // 1. Same name, same column — unless its type changed and the catalog shows that column
  //    dropped and a newer one of its name added: then it is that newer column.
  size_t next_current = 0;
  for (size_t i = 0; i < n; ++i) {
    const std::string& name = staged.columns[i].name;
    auto same = std::find_if(current.begin(), current.end(),
                             [&](const MirroredColumn& c) { return c.name == name; });
    if (same == current.end()) continue;
    const size_t at = static_cast<size_t>(same - current.begin());
    if (at < next_current) {
      return Status::DataLoss(where + ", and its columns \"" + name +
                              "\" and another now stand in another order, which no sequence of "
                              "renames the mirror can prove explains. " +
                              advice);
    }
    const pg::AttributeState* live = LiveNamed(attributes, name);
    if (!(staged_types[i] == same->type) && DroppedNow(attributes, same->attnum) &&
        live != nullptr && live->attnum > same->attnum) {
      continue;  // dropped and added again: resolved as an added column below
    }
    attnums[i] = same->attnum;
    kept[at] = true;
    next_current = at + 1;
  }
  // 2. A current column left unmatched whose attnum is still alive was alive when the change
  //    was written, so it is in the description, renamed: the first column of the description
  //    left unmatched after the kept column before it.
  for (size_t j = 0; j < current.size(); ++j) {
    if (kept[j] || DroppedNow(attributes, current[j].attnum)) continue;
    const int attnum = current[j].attnum;
    int lower = 0;  // the attnum of the nearest kept column before it
    for (size_t k = 0; k < j; ++k) {
      if (kept[k]) lower = current[k].attnum;
    }
    std::vector<size_t> candidates;
    for (size_t i = 0; i < n; ++i) {
      if (attnums[i] != 0) {
        if (attnums[i] > attnum) break;
        continue;
      }
      int before = 0;
      for (size_t k = 0; k < i; ++k) before = std::max(before, attnums[k]);
      if (before >= lower) candidates.push_back(i);
    }
    if (candidates.empty()) {
      const pg::AttributeState* now = WithAttnum(attributes, attnum);
      return Status::DataLoss(where + ": column \"" + current[j].name + "\" (attnum " +
                              std::to_string(attnum) + ", now \"" + now->name +
                              "\") still exists, but no column of the new description can be "
                              "it. " +
                              advice);
    }
    // The first: columns before it in the gap would be current columns dropped by now that
    // were still alive then, and none is assumed so.
    attnums[candidates[0]] = attnum;
    kept[j] = true;
  }
  // 3. The rest are added columns: attnums newer than every current one, in order. The
  //    earliest unused one is taken (attnums are given out in order); a column of the
  //    description that is alive under its name takes that attnum when it fits.
  std::vector<int> fresh;
  for (const pg::AttributeState& attribute : attributes) {
    if (attribute.attnum > newest_current) fresh.push_back(attribute.attnum);
  }
  int previous = 0;
  for (size_t i = 0; i < n; ++i) {
    if (attnums[i] != 0) {
      if (attnums[i] <= previous) {
        return Status::DataLoss(where + ", and column \"" + staged.columns[i].name +
                                "\" stands where no attnum order allows it. " + advice);
      }
      previous = attnums[i];
      continue;
    }
    const int floor = std::max(previous, newest_current);
    auto next = std::find_if(fresh.begin(), fresh.end(), [&](int a) { return a > floor; });
    if (next == fresh.end()) {
      return Status::DataLoss(where + ": column \"" + staged.columns[i].name +
                              "\" is new, but the source catalog holds no column added since "
                              "the mirror's that it can be, so which column it is cannot be "
                              "proven. " +
                              advice);
    }
    const pg::AttributeState* attribute = WithAttnum(attributes, *next);
    if (attribute->has_missing || attribute->has_default) {
      return Status::DataLoss(
          where + ": column \"" + staged.columns[i].name +
          "\" was added with a DEFAULT (or has one now). PostgreSQL gives the rows that existed "
          "before the column its default without sending a change for any of them, so the "
          "mirror cannot give them that value. Add columns without a default (ALTER TABLE … ADD "
          "COLUMN, then ALTER COLUMN … SET DEFAULT and UPDATE the existing rows), or reload the "
          "table. " +
          advice);
    }
    attnums[i] = *next;
    previous = *next;
  }
  return attnums;
}

}  // namespace pg2iceberg::materializer
