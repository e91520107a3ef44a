// The pipeline's settings file (services' base URLs and credentials, the policy, the decision log,
// the listen address) read on the config library's Reader, then the environment over it.
// Deterministic but for ProcessEnvironment, which reads the process's environment.
#include "pipeline/settings.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <fstream>

#include "config/yaml_reader.h"

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

namespace {

using config::Entry;

// The known names, "a, b, c", for an unknown field or section: a settings file has a dozen
// fields, so the whole list helps more than a guess.
std::string KnownList(const std::vector<std::string_view>& names) {
  std::string list;
  for (std::string_view k : names) list += (list.empty() ? "" : ", ") + std::string(k);
  return list;
}

ServiceSettings& ServiceOf(PipelineSettings& out, std::string_view section) {
  return section == "shopify" ? out.shopify : section == "gorgias" ? out.gorgias : section == "klaviyo" ? out.klaviyo : out.llm;
}

// Reads a settings document on config::Reader: positions, the failure type and its
// "<file>:<line>:<col>: <field>: <message>" rendering are the config library's; the names,
// checks and messages are the settings'. A failure is thrown as config::ReadFailure and caught in
// LoadSettingsText. Deterministic.
class SettingsReader {
 public:
  explicit SettingsReader(std::string file) : reader_(std::move(file)) {}

  PipelineSettings Read(const YAML::Node& doc) {
    const Entry root(doc, "", YAML::Mark::null_mark());
    if (!root.IsNull() && !root.value.IsMap()) reader_.Fail(root.value.Mark(), "(top level)", "expected a mapping");
    if (root.IsNull()) return out_;
    for (auto it = doc.begin(); it != doc.end(); ++it) {
      const std::string section = it->first.Scalar();
      const Entry body(it->second, section, it->first.Mark());
      if (!body.value.IsMap()) reader_.Fail(body.value.Mark(), section, "expected a mapping");
      if (section == "pipeline") {
        Pipeline(body);
        continue;
      }
      const SectionKeys* known = nullptr;
      for (const auto& s : kServices) {
        if (s.section == section) known = &s;
      }
      if (known == nullptr) {
        reader_.Fail(body.key_mark, section, "unknown section (known: shopify, gorgias, klaviyo, llm, pipeline)");
      }
      Service(*known, body);
    }
    return out_;
  }

 private:
  // Each field of a mapping with its entry, in document order.
  template <class Read>
  void EachField(const Entry& body, Read read) const {
    for (auto it = body.value.begin(); it != body.value.end(); ++it) {
      const std::string key = it->first.Scalar();
      read(key, Entry(it->second, config::Join(body.path, key), it->first.Mark()));
    }
  }

  std::string String(const Entry& e) const {
    if (!e.value.IsScalar()) reader_.Fail(e.value.Mark(), e.path, "expected a string");
    return e.value.Scalar();
  }

  void Pipeline(const Entry& body) {
    EachField(body, [&](const std::string& key, const Entry& e) {
      std::string* target = key == "policy"         ? &out_.policy_path
                            : key == "decision_log" ? &out_.decision_log_path
                            : key == "listen"       ? &out_.listen
                                                    : nullptr;
      if (target == nullptr) reader_.Fail(e.key_mark, e.path, "unknown field (known: policy, decision_log, listen)");
      *target = String(e);
      if (key == "listen") {
        if (const std::string why = ListenProblem(*target); !why.empty()) reader_.Fail(e.value.Mark(), e.path, why);
      }
    });
  }

  void Service(const SectionKeys& known, const Entry& body) {
    ServiceSettings& service = ServiceOf(out_, known.section);
    std::vector<std::string_view> names;
    for (std::string_view k : known.keys) {
      if (!k.empty()) names.push_back(k);
    }
    EachField(body, [&](const std::string& key, const Entry& e) {
      if (key == "base_url") {
        service.base_url = String(e);
        if (const std::string why = BaseUrlProblem(service.base_url); !why.empty()) reader_.Fail(e.value.Mark(), e.path, why);
        return;
      }
      if (std::find(names.begin(), names.end(), key) == names.end()) {
        reader_.Fail(e.key_mark, e.path, "unknown field (known: base_url, " + KnownList(names) + ")");
      }
      service.values[key] = String(e);
    });
  }

  config::Reader reader_;
  PipelineSettings out_;
};

// The environment wins over the file: REHEARSAL_<SECTION>_<KEY>, checked as the file's values.
std::optional<std::string> ApplyEnvironment(const EnvLookup& env, PipelineSettings& out) {
  for (const auto& s : kServices) {
    ServiceSettings& service = ServiceOf(out, s.section);
    const std::string prefix = "REHEARSAL_" + Upper(s.section) + "_";
    if (auto v = env(prefix + "BASE_URL")) {
      if (const std::string why = BaseUrlProblem(*v); !why.empty()) return prefix + "BASE_URL: " + why;
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
    if (const std::string why = ListenProblem(*v); !why.empty()) return "REHEARSAL_PIPELINE_LISTEN: " + why;
    out.listen = *v;
  }
  return std::nullopt;
}

}  // namespace

sim::Expected<PipelineSettings, std::string> LoadSettingsText(std::string_view yaml, std::string_view file_name,
                                                             const EnvLookup& env) {
  const std::string file(file_name);
  PipelineSettings out;
  try {
    const YAML::Node doc = YAML::Load(std::string(yaml));
    out = SettingsReader(file).Read(doc);
  } catch (const config::ReadFailure& failure) {
    return sim::MakeUnexpected(failure.error.ToString());
  } catch (const YAML::ParserException& e) {
    return sim::MakeUnexpected(Where(file_name, e.mark) + ": (syntax): " + e.msg);
  }
  if (auto refused = ApplyEnvironment(env, out)) return sim::MakeUnexpected(std::move(*refused));
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
