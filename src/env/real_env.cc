#include "env/real_env.h"

namespace pg2iceberg {

RealEnv::RealEnv(const RealEnvOptions& options)
    : log_(clock_, options.log_format, options.log_level, stderr, options.log_terminal),
      pg_(log_),
      http_(options.http),
      object_stores_(random_),
      fail_points_(options.fail_points, log_) {}

Env RealEnv::env() {
  return Env{.clock = clock_,
             .random = random_,
             .log = log_,
             .pg = pg_,
             .http = http_,
             .object_stores = object_stores_,
             .fail_points = fail_points_};
}

}  // namespace pg2iceberg
