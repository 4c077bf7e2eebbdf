#include <thread>

#include "env/tasks.h"

namespace pg2iceberg {
namespace {

class ThreadTasksImpl final : public Tasks {
 public:
  std::vector<Status> RunAll(std::vector<std::function<Status()>> work) override {
    std::vector<Status> statuses(work.size());
    std::vector<std::thread> threads;
    threads.reserve(work.size());
    for (size_t i = 0; i < work.size(); ++i) {
      threads.emplace_back([&, i] { statuses[i] = work[i](); });
    }
    for (std::thread& thread : threads) thread.join();
    return statuses;
  }
};

}  // namespace

Tasks& ThreadTasks() {
  static ThreadTasksImpl tasks;
  return tasks;
}

}  // namespace pg2iceberg
