// The decision log's schema and its migrations. Internal to pipeline/src/decisions/.
//
// The file's version is `PRAGMA user_version`: 0 for a new file, then the version of the last
// migration applied. Migrations are ordered and only ever appended: a shipped migration is never
// edited, because files in the field were made by it (the tests build a v1 file by hand to hold
// us to that).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "sim/expected.h"

namespace rh::pipeline::detail {

struct Migration {
  int version;           // user_version once applied; 1, 2, ... with no gaps
  std::string_view why;  // one line, for error messages
  const char* sql;       // DDL only; runs inside the migration transaction
};

// Why a file with schema `version` (newer than this build's) is refused.
std::string NewerSchemaMessage(std::int64_t version);

// Brings the open database to the latest version in one transaction (all or nothing), taking
// the write lock first so two processes opening one new file cannot both migrate it. Refuses a
// file whose version is newer than the latest, and leaves it untouched. Returns the version.
sim::Expected<int, std::string> Migrate(sqlite3* db);

}  // namespace rh::pipeline::detail
