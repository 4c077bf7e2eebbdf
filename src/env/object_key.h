// Rules for object store keys, shared by every ObjectStore implementation.
#pragma once

#include <string_view>

#include "base/status.h"

namespace pg2iceberg {

// A key is a non-empty relative path: '/'-separated components, none empty, "." or "..", no
// leading or trailing '/', no NUL byte. Anything else → kInvalidArgument naming the key.
Status ValidateObjectKey(std::string_view key);

// A List prefix: any string whose directory part (up to the last '/') would be valid key
// components; "" lists everything. Anything else → kInvalidArgument.
Status ValidateListPrefix(std::string_view prefix);

}  // namespace pg2iceberg
