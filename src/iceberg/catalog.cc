#include "iceberg/catalog.h"

#include <set>

namespace pg2iceberg::iceberg {

std::string NamespaceToString(const Namespace& ns) {
  std::string text;
  for (size_t i = 0; i < ns.size(); ++i) {
    if (i > 0) text += '.';
    text += ns[i];
  }
  return text;
}

Namespace NamespaceFromString(std::string_view text) {
  Namespace ns;
  if (text.empty()) return ns;
  size_t start = 0;
  while (true) {
    const size_t dot = text.find('.', start);
    ns.emplace_back(text.substr(start, dot - start));
    if (dot == std::string_view::npos) return ns;
    start = dot + 1;
  }
}

std::string TableIdentifier::ToString() const {
  const std::string ns = NamespaceToString(table_namespace);
  return ns.empty() ? name : ns + "." + name;
}

bool NamesDistinctTables(const std::vector<SnapshotCommit>& commits) {
  std::set<TableIdentifier> seen;
  for (const SnapshotCommit& commit : commits) {
    if (!seen.insert(commit.base.ident).second) return false;
  }
  return true;
}

bool CommitMayHaveApplied(const Status& status) {
  return status.code() == StatusCode::kOutcomeUnknown || status.code() == StatusCode::kDataLoss;
}

}  // namespace pg2iceberg::iceberg
