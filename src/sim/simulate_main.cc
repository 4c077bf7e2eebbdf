// pg2iceberg_sim: runs the deterministic simulator (docs/simulation.md).
//
//   pg2iceberg_sim --seed N [--trace]            one seed; --trace prints every step
//   pg2iceberg_sim --seeds FIRST COUNT [--jobs J] a soak: COUNT seeds from FIRST in J processes
//
// Prints seeds per second and the probes reached; exits 1 on the first failing seed, printing
// its error, the last steps and the command that replays it.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "base/parse_number.h"
#include "env/real_clock.h"
#include "sim/simulator.h"

namespace {

using pg2iceberg::sim::RunSimulation;
using pg2iceberg::sim::SimulationOptions;
using pg2iceberg::sim::SimulationResult;

int Usage() {
  std::fprintf(stderr,
               "usage: pg2iceberg_sim --seed N [--trace]\n"
               "       pg2iceberg_sim --seeds FIRST COUNT [--jobs J]\n");
  return 2;
}

void PrintFailure(const SimulationResult& result) {
  std::printf("FAILED: %s\n", result.status.ToString().c_str());
  for (const std::string& line : result.trace) std::printf("  %s\n", line.c_str());
  std::printf("replay: pg2iceberg_sim --seed %llu --trace\n",
              static_cast<unsigned long long>(result.seed));
}

int RunOne(uint64_t seed, bool trace) {
  SimulationOptions options;
  options.keep_trace = trace;
  const SimulationResult result = RunSimulation(seed, options);
  if (!result.status.ok()) {
    PrintFailure(result);
    return 1;
  }
  if (trace) {
    for (const std::string& line : result.trace) std::printf("  %s\n", line.c_str());
  }
  std::printf("seed %llu passed in %lld steps; probes:", static_cast<unsigned long long>(seed),
              static_cast<long long>(result.steps));
  for (const auto& [probe, count] : result.probes) {
    std::printf(" %s=%lld", probe.c_str(), static_cast<long long>(count));
  }
  std::printf("\n");
  return 0;
}

// Seeds first, first + stride, … below end; 0 when all pass.
int RunSlice(uint64_t first, uint64_t end, uint64_t stride) {
  for (uint64_t seed = first; seed < end; seed += stride) {
    const SimulationResult result = RunSimulation(seed);
    if (!result.status.ok()) {
      PrintFailure(result);
      return 1;
    }
  }
  return 0;
}

int RunSoak(uint64_t first, uint64_t count, int jobs) {
  // The soak measures real elapsed time for its report; the simulation itself never reads it.
  pg2iceberg::RealClock clock;
  const int64_t started = clock.MonotonicMicros();
  std::vector<pid_t> children;
  for (int job = 0; job < jobs; ++job) {
    const pid_t pid = fork();
    if (pid < 0) {
      std::perror("fork");
      return 1;
    }
    if (pid == 0) {
      const int code = RunSlice(first + job, first + count, jobs);
      std::fflush(stdout);  // _exit does not flush stdio
      _exit(code);
    }
    children.push_back(pid);
  }
  int failed = 0;
  for (pid_t child : children) {
    int status = 0;
    waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++failed;
  }
  const double seconds = static_cast<double>(clock.MonotonicMicros() - started) / 1e6;
  std::printf("%llu seeds from %llu in %.1f s with %d process(es): %.1f seeds/s; %s\n",
              static_cast<unsigned long long>(count), static_cast<unsigned long long>(first),
              seconds, jobs, static_cast<double>(count) / seconds,
              failed == 0 ? "all passed" : "FAILED");
  return failed == 0 ? 0 : 1;
}

}  // namespace

// A number argument; 0 (after printing why) when it is not one.
bool Number(const std::string& text, const char* what, uint64_t& value) {
  pg2iceberg::Result<uint64_t> parsed = pg2iceberg::ParseUint64(text, what);
  if (!parsed.ok()) {
    std::fprintf(stderr, "%s\n", parsed.status().message().c_str());
    return false;
  }
  value = *parsed;
  return true;
}

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  uint64_t seed = 0, count = 0, jobs = 1;
  if (args.size() >= 2 && args[0] == "--seed") {
    const bool trace = args.size() == 3 && args[2] == "--trace";
    if (args.size() > 3 || (args.size() == 3 && !trace)) return Usage();
    return Number(args[1], "--seed", seed) ? RunOne(seed, trace) : Usage();
  }
  if (args.size() >= 3 && args[0] == "--seeds") {
    if (args.size() == 5 && args[3] == "--jobs") {
      if (!Number(args[4], "--jobs", jobs) || jobs < 1 || jobs > 256) return Usage();
    } else if (args.size() != 3) {
      return Usage();
    }
    if (!Number(args[1], "--seeds FIRST", seed) || !Number(args[2], "--seeds COUNT", count)) {
      return Usage();
    }
    return RunSoak(seed, count, static_cast<int>(jobs));
  }
  return Usage();
}
