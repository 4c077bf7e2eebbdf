// Env: every source of nondeterminism the pipeline touches, bundled and passed down from main.
// Production code reaches time, randomness, the network and storage only through these, so the
// simulator can run the same code with fakes and a seed. The Env does not own its members;
// whoever builds it (main, a test, the simulator) keeps them alive for as long as it is used.
#pragma once

#include "base/log.h"
#include "env/clock.h"
#include "env/fail_points.h"
#include "env/http_transport.h"
#include "env/object_store.h"
#include "env/pg_connection.h"
#include "env/random.h"
#include "env/tasks.h"

namespace pg2iceberg {

struct Env {
  Clock& clock;
  Random& random;
  Logger& log;
  PgConnector& pg;
  HttpTransport& http;
  ObjectStoreOpener& object_stores;
  // Inert unless a test arms it (docs/testing.md#failpoints).
  FailPoints& fail_points = InertFailPoints();
  // Concurrency (tasks.h).
  Tasks& tasks = ThreadTasks();
};

}  // namespace pg2iceberg
