#include "mirror/stream_only.h"

#include "mirror/capture_session.h"

namespace pg2iceberg {

std::string StagingPrefix(const std::string& group) { return "_pg2iceberg/stage/" + group + "/"; }

Status RunStreamOnly(const Config& config, Env& env, const std::atomic<bool>& stop) {
  if (config.source.mode != "logical") {
    return Status::InvalidArgument("stream-only needs source.mode: logical (got \"" +
                                   config.source.mode + "\")");
  }
  return RunRetryingSessions("capture", env, stop, [&]() -> Status {
    ASSIGN_OR_RETURN(std::unique_ptr<CaptureSession> session, OpenCaptureSession(config, env));
    return StreamChanges(*session, config, env, stop);
  });
}

}  // namespace pg2iceberg
