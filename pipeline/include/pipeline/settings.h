// Where the pipeline finds the services and its own files: a YAML file, with environment
// variables overriding any value (secrets usually come from the environment). Pointing the
// pipeline at the real services instead of the mocks is a change of these settings only.
//
//   shopify:  {base_url, access_token, api_version, api_secret}      # api_secret signs webhooks
//   gorgias:  {base_url, email, api_key, webhook_secret}
//   klaviyo:  {base_url, api_key, revision}
//   llm:      {base_url, api_key, model}
//   pipeline: {policy, decision_log, listen}                         # listen: "127.0.0.1:9000"
//
// The override of `shopify.access_token` is REHEARSAL_SHOPIFY_ACCESS_TOKEN, and so on: the
// section and key upper-cased, joined by '_', after "REHEARSAL_".
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/expected.h"

namespace rh::pipeline {

struct ServiceSettings {
  std::string base_url;  // "http://127.0.0.1:8081", "https://{shop}.myshopify.com"
  std::map<std::string, std::string> values;
  std::string Get(const std::string& key) const {
    auto it = values.find(key);
    return it == values.end() ? std::string() : it->second;
  }
};

struct PipelineSettings {
  ServiceSettings shopify, gorgias, klaviyo, llm;
  std::string policy_path = "scenarios/policies/default.yaml";
  std::string decision_log_path = "decisions.sqlite";
  std::string listen = "127.0.0.1:9000";
};

// Reads an environment variable; injectable so tests need not touch the process environment.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup ProcessEnvironment();

// Errors read "<file>:<line>:<column>: <section.key>: <message>" (a value from the environment
// names its variable instead). Values are range-checked: `listen` is "<IPv4 or localhost>:<port>"
// and every port, there or in a base_url, is 1..65535.
sim::Expected<PipelineSettings, std::string> LoadSettingsText(std::string_view yaml, std::string_view file_name,
                                                             const EnvLookup& env);
// A settings file is a dozen lines; a bigger one is refused before it is parsed.
inline constexpr std::size_t kMaxSettingsBytes = 64 * 1024;
sim::Expected<PipelineSettings, std::string> LoadSettingsFile(const std::string& path, const EnvLookup& env);

// What is allowed but worth a word before the pipeline starts: listening beyond loopback (the
// webhooks are signed, but the port is then open to the network). One line each.
std::vector<std::string> SettingsWarnings(const PipelineSettings& settings);

// The authority of a base URL, for the Host header ("127.0.0.1:8081" from "http://127.0.0.1:8081/x").
std::string HostOf(std::string_view base_url);

}  // namespace rh::pipeline
