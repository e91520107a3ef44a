#include "pipeline/settings.h"

#include <yaml-cpp/yaml.h>

#include <array>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

namespace rh::pipeline {
namespace {

struct SectionKeys {
  std::string_view section;
  std::array<std::string_view, 4> keys;  // besides base_url (services) ; "" pads
};

constexpr std::array<SectionKeys, 4> kServices = {{
    {"shopify", {"access_token", "api_version", "api_secret", ""}},
    {"gorgias", {"email", "api_key", "webhook_secret", ""}},
    {"klaviyo", {"api_key", "revision", "", ""}},
    {"llm", {"api_key", "model", "", ""}},
}};

std::string Where(std::string_view file, const YAML::Mark& mark) {
  return std::string(file) + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

}  // namespace

EnvLookup ProcessEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    return v ? std::optional<std::string>(v) : std::nullopt;
  };
}

std::string HostOf(std::string_view base_url) {
  std::string_view rest = base_url;
  if (auto p = rest.find("://"); p != std::string_view::npos) rest = rest.substr(p + 3);
  return std::string(rest.substr(0, rest.find('/')));
}

sim::Expected<PipelineSettings, std::string> LoadSettingsText(std::string_view yaml, std::string_view file_name,
                                                             const EnvLookup& env) {
  using Error = sim::Unexpected<std::string>;
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::ParserException& e) {
    return Error{Where(file_name, e.mark) + ": (syntax): " + e.msg};
  }
  PipelineSettings out;
  if (!root.IsNull() && !root.IsMap()) return Error{Where(file_name, root.Mark()) + ": (top level): expected a mapping"};

  auto read_string = [&](const YAML::Node& node, const std::string& field, std::string& target) -> std::optional<std::string> {
    if (!node.IsScalar()) return Where(file_name, node.Mark()) + ": " + field + ": expected a string";
    target = node.Scalar();
    return std::nullopt;
  };

  for (const auto& entry : root) {
    const std::string section = entry.first.Scalar();
    const YAML::Node& body = entry.second;
    if (!body.IsMap()) return Error{Where(file_name, body.Mark()) + ": " + section + ": expected a mapping"};
    if (section == "pipeline") {
      for (const auto& kv : body) {
        const std::string key = kv.first.Scalar();
        const std::string field = section + "." + key;
        std::string* target = key == "policy" ? &out.policy_path
                              : key == "decision_log" ? &out.decision_log_path
                              : key == "listen" ? &out.listen : nullptr;
        if (target == nullptr) {
          return Error{Where(file_name, kv.first.Mark()) + ": " + field + ": unknown field (known: policy, decision_log, listen)"};
        }
        if (auto err = read_string(kv.second, field, *target)) return Error{*err};
      }
      continue;
    }
    const SectionKeys* known = nullptr;
    for (const auto& s : kServices) {
      if (s.section == section) known = &s;
    }
    if (known == nullptr) {
      return Error{Where(file_name, entry.first.Mark()) + ": " + section +
                   ": unknown section (known: shopify, gorgias, klaviyo, llm, pipeline)"};
    }
    ServiceSettings& service = section == "shopify" ? out.shopify
                               : section == "gorgias" ? out.gorgias
                               : section == "klaviyo" ? out.klaviyo : out.llm;
    for (const auto& kv : body) {
      const std::string key = kv.first.Scalar();
      const std::string field = section + "." + key;
      if (key == "base_url") {
        if (auto err = read_string(kv.second, field, service.base_url)) return Error{*err};
        continue;
      }
      bool ok = false;
      std::string list;
      for (std::string_view k : known->keys) {
        if (k.empty()) continue;
        ok = ok || k == key;
        list += (list.empty() ? "" : ", ") + std::string(k);
      }
      if (!ok) {
        return Error{Where(file_name, kv.first.Mark()) + ": " + field + ": unknown field (known: base_url, " + list + ")"};
      }
      if (auto err = read_string(kv.second, field, service.values[key])) return Error{*err};
    }
  }

  // The environment wins over the file.
  for (const auto& s : kServices) {
    ServiceSettings& service = s.section == "shopify" ? out.shopify
                               : s.section == "gorgias" ? out.gorgias
                               : s.section == "klaviyo" ? out.klaviyo : out.llm;
    const std::string prefix = "REHEARSAL_" + Upper(s.section) + "_";
    if (auto v = env(prefix + "BASE_URL")) service.base_url = *v;
    for (std::string_view k : s.keys) {
      if (k.empty()) continue;
      if (auto v = env(prefix + Upper(k))) service.values[std::string(k)] = *v;
    }
  }
  if (auto v = env("REHEARSAL_PIPELINE_POLICY")) out.policy_path = *v;
  if (auto v = env("REHEARSAL_PIPELINE_DECISION_LOG")) out.decision_log_path = *v;
  if (auto v = env("REHEARSAL_PIPELINE_LISTEN")) out.listen = *v;
  return out;
}

sim::Expected<PipelineSettings, std::string> LoadSettingsFile(const std::string& path, const EnvLookup& env) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return sim::Unexpected<std::string>{path + ": cannot read the settings file"};
  std::stringstream text;
  text << in.rdbuf();
  return LoadSettingsText(text.str(), path, env);
}

}  // namespace rh::pipeline
