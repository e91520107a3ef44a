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

// Why `port` (the text after the last ':') is not a TCP port, or "".
std::string PortProblem(std::string_view port) {
  if (port.empty() || port.size() > 5) return "the port must be a number from 1 to 65535, not '" + std::string(port) + "'";
  int value = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return "the port must be a number from 1 to 65535, not '" + std::string(port) + "'";
    value = value * 10 + (c - '0');
  }
  if (value < 1 || value > 65535) return "the port must be from 1 to 65535, not " + std::to_string(value);
  return "";
}

// Why `listen` is not "<IPv4 address or localhost>:<port>", or "".
std::string ListenProblem(std::string_view listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return "expected <address>:<port>, like 127.0.0.1:9000, not '" + std::string(listen) + "'";
  }
  const std::string_view host = listen.substr(0, colon);
  if (host != "localhost") {
    int parts = 0;
    std::size_t start = 0;
    for (;;) {
      const std::size_t dot = host.find('.', start);
      const std::string_view part = host.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
      bool digits = !part.empty() && part.size() <= 3;
      for (char c : part) digits = digits && c >= '0' && c <= '9';
      if (!digits || std::stoi(std::string(part)) > 255) {
        return "the address must be an IPv4 address or localhost, not '" + std::string(host) + "'";
      }
      ++parts;
      if (dot == std::string_view::npos) break;
      start = dot + 1;
    }
    if (parts != 4) return "the address must be an IPv4 address or localhost, not '" + std::string(host) + "'";
  }
  return PortProblem(listen.substr(colon + 1));
}

// Why a base URL's port (when it names one) is out of range, or "".
std::string BaseUrlProblem(std::string_view url) {
  const std::string host = HostOf(url);
  const auto colon = host.rfind(':');
  if (colon == std::string::npos || host.find(']') != std::string::npos) return "";
  return PortProblem(std::string_view(host).substr(colon + 1));
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
        if (key == "listen") {
          if (const std::string why = ListenProblem(*target); !why.empty()) {
            return Error{Where(file_name, kv.second.Mark()) + ": " + field + ": " + why};
          }
        }
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
        if (const std::string why = BaseUrlProblem(service.base_url); !why.empty()) {
          return Error{Where(file_name, kv.second.Mark()) + ": " + field + ": " + why};
        }
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
    if (auto v = env(prefix + "BASE_URL")) {
      if (const std::string why = BaseUrlProblem(*v); !why.empty()) return Error{prefix + "BASE_URL: " + why};
      service.base_url = *v;
    }
    for (std::string_view k : s.keys) {
      if (k.empty()) continue;
      if (auto v = env(prefix + Upper(k))) service.values[std::string(k)] = *v;
    }
  }
  if (auto v = env("REHEARSAL_PIPELINE_POLICY")) out.policy_path = *v;
  if (auto v = env("REHEARSAL_PIPELINE_DECISION_LOG")) out.decision_log_path = *v;
  if (auto v = env("REHEARSAL_PIPELINE_LISTEN")) {
    if (const std::string why = ListenProblem(*v); !why.empty()) return Error{"REHEARSAL_PIPELINE_LISTEN: " + why};
    out.listen = *v;
  }
  return out;
}

std::vector<std::string> SettingsWarnings(const PipelineSettings& settings) {
  std::vector<std::string> out;
  const std::string host = settings.listen.substr(0, settings.listen.rfind(':'));
  if (host != "localhost" && host.rfind("127.", 0) != 0) {
    out.push_back("pipeline.listen " + settings.listen +
                  " is reachable beyond this machine; webhooks are signed, but prefer 127.0.0.1 behind a proxy");
  }
  return out;
}

sim::Expected<PipelineSettings, std::string> LoadSettingsFile(const std::string& path, const EnvLookup& env) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return sim::Unexpected<std::string>{path + ": cannot read the settings file"};
  // Read at most one byte past the cap, so neither a huge file nor an endless pipe is swallowed.
  std::string text(kMaxSettingsBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxSettingsBytes) {
    return sim::Unexpected<std::string>{path + ": the settings file is larger than " +
                                        std::to_string(kMaxSettingsBytes) + " bytes; a settings file is a dozen lines"};
  }
  return LoadSettingsText(text, path, env);
}

}  // namespace rh::pipeline
