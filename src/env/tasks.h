// Tasks: the one way production code runs work concurrently (the initial load's copy workers;
// `run`'s capture, load and materializer side by side). Threads in production; a simulator can
// interleave the functions on one thread at its will, so a function must not spin waiting for
// another without calling through the Env (a Clock sleep, a connection) in between.
#pragma once

#include <functional>
#include <vector>

#include "base/status.h"

namespace pg2iceberg {

class Tasks {
 public:
  virtual ~Tasks() = default;
  // Runs every function of `work` concurrently and returns once all have returned, with their
  // statuses in the order of `work`.
  virtual std::vector<Status> RunAll(std::vector<std::function<Status()>> work) = 0;
};

// One thread per function. Thread-safe.
Tasks& ThreadTasks();

}  // namespace pg2iceberg
