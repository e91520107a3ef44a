// The decision log's connection, lent to the inbox and the pipeline's memory (pipeline/inbox.h)
// so that they write to the same database under the same mutex. Internal to
// pipeline/src/decisions/.
#pragma once

#include <sqlite3.h>

#include <mutex>
#include <string>

#include "pipeline/decision_log.h"

namespace rh::pipeline::detail {

struct LogConnection {
  sqlite3* db;             // use only while holding `mu`
  std::mutex& mu;
  const std::string& path;
  bool read_only;
};

}  // namespace rh::pipeline::detail
