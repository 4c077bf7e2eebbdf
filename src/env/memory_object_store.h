// MemoryObjectStore: an ObjectStore held in memory, for the simulator and for tests that need a
// store without a disk or a server. It refuses everything either real store refuses, with the
// same code, so code that works against it works against both (see docs/simulation.md):
//
// - keys follow env/object_key.h, as both real stores do;
// - names starting with ".pg2i-tmp-" are reserved, as LocalObjectStore reserves them for its
//   temp files (S3 would accept them);
// - a key component over 255 bytes is refused, as a file system refuses the name (S3 would
//   accept it); a key over 1024 bytes is refused, as S3 refuses it (a file system would
//   accept it);
// - a key or List prefix that is not UTF-8 is refused: S3 names are UTF-8, and moto stores such
//   a key but lists it with U+FFFD in place of the bad bytes (a different key; two keys can
//   become one), and lists nothing for a prefix that ends inside a character;
// - a key under an existing object ("a/b" when "a" exists) and a key that is the directory of
//   an existing object ("d" when "d/e" exists) are refused, as LocalObjectStore refuses them
//   (S3 allows both).
// All of these are kInvalidArgument. Every other behaviour follows object_store.h and matches
// both real stores: GetRange is shorter at the end and empty at or past it; List is sorted by
// key (bytes compared unsigned, as S3 sorts UTF-8); deleting a missing key is OK.
//
// No clock, thread or randomness of its own. Thread-safe (one mutex around the map).
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "env/object_store.h"

namespace pg2iceberg {

class MemoryObjectStore final : public ObjectStore {
 public:
  // `name` names the store in its locations: "mem://<name>/<key>". It is non-empty and has no
  // '/' (CHECKed: it comes from code, not from outside).
  explicit MemoryObjectStore(std::string name);

  Status Put(std::string_view key, ByteSpan data, const PutOptions& options) override;
  Result<Bytes> Get(std::string_view key) override;
  Result<Bytes> GetRange(std::string_view key, uint64_t offset, uint64_t length) override;
  Result<ObjectInfo> Head(std::string_view key) override;
  Result<std::vector<ObjectInfo>> List(std::string_view prefix) override;
  Status Delete(const std::vector<std::string>& keys) override;

  // "mem://<name>/<key>".
  std::string Location(std::string_view key) const override;
  // Accepts only "mem://<name>/<key>" with a valid key; anything else → kInvalidArgument.
  Result<std::string> KeyForLocation(std::string_view location) const override;

 private:
  // kInvalidArgument when `key` collides with an object as a path on a file system would.
  Status CheckNoPathCollision(std::string_view key) const;

  const std::string name_;
  mutable std::mutex mu_;
  // std::less<> compares std::string bytes as unsigned char: S3's UTF-8 byte order.
  std::map<std::string, Bytes, std::less<>> objects_;
};

}  // namespace pg2iceberg
