// Numbers from outside data (server rows, coordinator rows, config values, file bytes) parsed
// without exceptions: `std::stoi` and friends throw on garbage and end the process, `strtol`
// silently reads "12abc" as 12. These read the whole of `text` with std::from_chars and return
// a Result instead.
//
// Accepted: an optional '-' (signed types only), then decimal digits, nothing else — no
// leading '+', no spaces, no trailing characters. ParseDouble also takes a fraction and an
// exponent ("1.5", "2e3"), but neither "inf" nor "nan".
//
// Errors carry `code` (callers choose: kInvalidArgument for config and user input, kDataLoss
// for corrupt state rows, kInternal for a server answering outside its protocol) and a message
// naming `what` and the offending text (cut to 64 bytes), e.g.
//   relid is not an integer: "12abc"
//   timeline is out of range for int32: "99999999999"
// Callers add the way out with Status::WithContext or their own message.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/status.h"

namespace pg2iceberg {

Result<int64_t> ParseInt64(std::string_view text, std::string_view what,
                           StatusCode code = StatusCode::kInvalidArgument);
Result<int32_t> ParseInt32(std::string_view text, std::string_view what,
                           StatusCode code = StatusCode::kInvalidArgument);
Result<uint64_t> ParseUint64(std::string_view text, std::string_view what,
                             StatusCode code = StatusCode::kInvalidArgument);
Result<uint32_t> ParseUint32(std::string_view text, std::string_view what,
                             StatusCode code = StatusCode::kInvalidArgument);
// A finite double; out of range (overflow to infinity) is an error.
Result<double> ParseDouble(std::string_view text, std::string_view what,
                           StatusCode code = StatusCode::kInvalidArgument);

}  // namespace pg2iceberg
