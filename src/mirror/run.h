// `run`: the whole mirror in one process (docs/materializer.md, "run"). Capture streams the
// slot into the staging log; the initial load copies every table not yet loaded as of a
// consistent point (mirror/initial_load.h) while capture goes on; the materializer merges the
// staged changes into every loaded table (mirror/materialize_loop.h). A table added to the
// config later is loaded while the others keep streaming.
//
// `materializer-only`: the materializer alone, for changes `stream-only` stages; every table
// must have completed its initial load (by `run`).
#pragma once

#include <atomic>

#include "base/status.h"
#include "config/config.h"
#include "env/env.h"

namespace pg2iceberg {

// Runs until `stop` (a signal): then capture flushes what is complete, the materializer commits
// it, and it returns OK. A load in progress is abandoned (the next run loads that table again).
Status RunMirror(const Config& config, Env& env, const std::atomic<bool>& stop);

// Runs until `stop`; then one last cycle, and OK.
Status RunMaterializerOnly(const Config& config, Env& env, const std::atomic<bool>& stop);

}  // namespace pg2iceberg
