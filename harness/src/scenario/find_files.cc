// FindScenarioFiles (harness/scenario_loader.h): the scenario files under folders, sorted so a run
// over a folder plays its scenarios in the same order on every machine.
#include <algorithm>
#include <filesystem>
#include <system_error>

#include "harness/scenario_loader.h"

namespace rh::harness {
namespace {

namespace fs = std::filesystem;

bool IsScenarioFile(const fs::path& p) {
  const std::string ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml";
}

bool Hidden(const fs::path& p) {
  const std::string name = p.filename().string();
  return !name.empty() && name[0] == '.';
}

// Folders of data that is not a scenario: policies, store profiles and load profiles.
bool SkippedFolder(const fs::path& p) {
  const std::string name = p.filename().string();
  return name == "policies" || name == "profiles" || name == "load";
}

void Note(std::vector<std::string>* errors, std::string message) {
  if (errors) errors->push_back(std::move(message));
}

}  // namespace

std::vector<std::string> FindScenarioFiles(const std::vector<std::string>& paths_or_dirs,
                                           std::vector<std::string>* errors) {
  std::vector<std::string> out;
  for (const std::string& given : paths_or_dirs) {
    std::error_code ec;
    const fs::file_status status = fs::status(given, ec);
    if (ec || !fs::exists(status)) {
      Note(errors, given + ": no such file or folder");
      continue;
    }
    if (!fs::is_directory(status)) {
      out.push_back(fs::path(given).generic_string());  // named explicitly: taken whatever its name
      continue;
    }
    fs::recursive_directory_iterator it(given, ec), end;
    if (ec) {
      Note(errors, given + ": " + ec.message());
      continue;
    }
    for (; it != end; it.increment(ec)) {
      if (ec) break;
      const fs::path& p = it->path();
      std::error_code type_ec;
      const bool is_dir = it->is_directory(type_ec);
      if (Hidden(p) || (is_dir && SkippedFolder(p))) {
        if (is_dir) it.disable_recursion_pending();
        continue;
      }
      if (!is_dir && it->is_regular_file(type_ec) && IsScenarioFile(p)) out.push_back(p.generic_string());
    }
    if (ec) Note(errors, given + ": " + ec.message());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace rh::harness
