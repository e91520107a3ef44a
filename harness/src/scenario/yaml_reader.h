// The scenario loader's names for the config library's YAML reader (config/yaml_reader.h): the
// scenario readers say Reader, Entry, Fields, LoadFailure as they always have. The one addition is
// SourceOf, a position as the scenario's own `Source` type. Internal to rh_harness: failures are
// thrown as LoadFailure and caught in LoadScenarioText, never outside it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/yaml_reader.h"
#include "harness/scenario.h"
#include "harness/scenario_loader.h"

namespace rh::harness::scenario::detail {

using LoadFailure = config::ReadFailure;
using config::Describe;
using config::Entry;
using config::Fields;
using config::Index;
using config::Join;
using config::Suggest;

class Reader : public config::Reader {
 public:
  using config::Reader::Reader;
  scenario::Source SourceOf(const YAML::Mark& mark) const {
    const Position at = PositionOf(mark);
    return scenario::Source{file(), at.line, at.column};
  }
};

}  // namespace rh::harness::scenario::detail
