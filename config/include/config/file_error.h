// A problem found in an input file (a policy, a scenario, settings): where and what, for a person
// to fix. Plain data.
#pragma once

#include <string>

namespace rh::config {

struct FileError {
  std::string file;
  // 1-based, of the offending key (an unknown or repeated field), of the value (everything else)
  // or of the enclosing mapping (a missing field); 0 when the file could not be read at all.
  int line = 0;
  int column = 0;
  // The dotted path of the field ("returns.window_days", "timeline[2].customer_writes.customer");
  // empty for a YAML syntax error or an unreadable file.
  std::string field;
  std::string message;
  // "<file>:<line>:<col>: <field>: <message>"; the position and the field are left out when
  // unknown or empty.
  std::string ToString() const;
};

}  // namespace rh::config
