// Goal: settings load from YAML, the environment overrides them, and a bad file is refused with
// its file, line, column and field.
#include "pipeline/settings.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>

namespace rh::pipeline {
namespace {

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

constexpr std::string_view kYaml = R"(shopify:
  base_url: http://127.0.0.1:8081
  access_token: shpat_file
  api_version: "2026-01"
llm:
  base_url: http://127.0.0.1:8084
  model: gpt-4o-mini
pipeline:
  policy: scenarios/policies/default.yaml
  listen: 127.0.0.1:9100
)";

TEST(Settings, LoadsTheFileAndTheEnvironmentWins) {
  auto settings = LoadSettingsText(kYaml, "pipeline.yaml",
                                   FakeEnv({{"REHEARSAL_SHOPIFY_ACCESS_TOKEN", "shpat_env"},
                                            {"REHEARSAL_LLM_API_KEY", "sk-env"},
                                            {"REHEARSAL_PIPELINE_DECISION_LOG", "/tmp/d.sqlite"}}));
  ASSERT_TRUE(settings.has_value()) << settings.error();
  EXPECT_EQ(settings->shopify.base_url, "http://127.0.0.1:8081");
  EXPECT_EQ(settings->shopify.Get("access_token"), "shpat_env");
  EXPECT_EQ(settings->shopify.Get("api_version"), "2026-01");
  EXPECT_EQ(settings->llm.Get("api_key"), "sk-env");
  EXPECT_EQ(settings->llm.Get("model"), "gpt-4o-mini");
  EXPECT_EQ(settings->listen, "127.0.0.1:9100");
  EXPECT_EQ(settings->decision_log_path, "/tmp/d.sqlite");
  EXPECT_EQ(HostOf(settings->llm.base_url), "127.0.0.1:8084");
  EXPECT_EQ(HostOf("https://shop.myshopify.com/admin"), "shop.myshopify.com");
}

TEST(Settings, NamesFileLineColumnAndFieldOfAnUnknownField) {
  auto settings = LoadSettingsText("shopify:\n  base_url: x\n  acess_token: y\n", "p.yaml", FakeEnv({}));
  ASSERT_FALSE(settings.has_value());
  EXPECT_EQ(settings.error(),
            "p.yaml:3:3: shopify.acess_token: unknown field (known: base_url, access_token, api_version, api_secret)");
}

TEST(Settings, RefusesUnknownSectionsWrongTypesAndSyntaxErrors) {
  auto section = LoadSettingsText("zendesk:\n  base_url: x\n", "p.yaml", FakeEnv({}));
  ASSERT_FALSE(section.has_value());
  EXPECT_EQ(section.error().rfind("p.yaml:1:1: zendesk: unknown section", 0), 0u) << section.error();
  auto type = LoadSettingsText("llm:\n  model: [a, b]\n", "p.yaml", FakeEnv({}));
  ASSERT_FALSE(type.has_value());
  EXPECT_EQ(type.error(), "p.yaml:2:10: llm.model: expected a string");
  auto syntax = LoadSettingsText("llm: {model: x\n", "p.yaml", FakeEnv({}));
  ASSERT_FALSE(syntax.has_value());
  EXPECT_EQ(syntax.error().rfind("p.yaml:", 0), 0u);
  EXPECT_NE(syntax.error().find("(syntax)"), std::string::npos) << syntax.error();
}

TEST(Settings, NamesAMissingFile) {
  auto settings = LoadSettingsFile("/nonexistent/pipeline.yaml", FakeEnv({}));
  ASSERT_FALSE(settings.has_value());
  EXPECT_EQ(settings.error(), "/nonexistent/pipeline.yaml: cannot read the settings file");
}

TEST(Settings, RefusesAListenPortOutOfRangeWithFileLineAndField) {
  auto high = LoadSettingsText("pipeline:\n  listen: 127.0.0.1:99999\n", "p.yaml", FakeEnv({}));
  ASSERT_FALSE(high.has_value());
  EXPECT_EQ(high.error(), "p.yaml:2:11: pipeline.listen: the port must be from 1 to 65535, not 99999");
  auto zero = LoadSettingsText("pipeline:\n  listen: 127.0.0.1:0\n", "p.yaml", FakeEnv({}));
  ASSERT_FALSE(zero.has_value());
  EXPECT_NE(zero.error().find("from 1 to 65535, not 0"), std::string::npos) << zero.error();
  for (const char* bad : {"127.0.0.1", "127.0.0.1:", "127.0.0.1:9x", "300.0.0.1:9000", "example.com:9000", ":9000"}) {
    auto refused = LoadSettingsText(std::string("pipeline:\n  listen: \"") + bad + "\"\n", "p.yaml", FakeEnv({}));
    ASSERT_FALSE(refused.has_value()) << bad;
    EXPECT_EQ(refused.error().rfind("p.yaml:2:11: pipeline.listen: ", 0), 0u) << refused.error();
  }
  EXPECT_TRUE(LoadSettingsText("pipeline:\n  listen: localhost:65535\n", "p.yaml", FakeEnv({})).has_value());
}

TEST(Settings, RefusesABaseUrlPortOrAnEnvironmentValueOutOfRangeNamingWhere) {
  auto url = LoadSettingsText("llm:\n  base_url: http://127.0.0.1:70000\n", "p.yaml", FakeEnv({}));
  ASSERT_FALSE(url.has_value());
  EXPECT_EQ(url.error(), "p.yaml:2:13: llm.base_url: the port must be from 1 to 65535, not 70000");
  auto env = LoadSettingsText("", "p.yaml", FakeEnv({{"REHEARSAL_PIPELINE_LISTEN", "127.0.0.1:99999"}}));
  ASSERT_FALSE(env.has_value());
  EXPECT_EQ(env.error(), "REHEARSAL_PIPELINE_LISTEN: the port must be from 1 to 65535, not 99999");
  EXPECT_TRUE(LoadSettingsText("llm:\n  base_url: https://api.openai.com/v1\n", "p.yaml", FakeEnv({})).has_value());
}

TEST(Settings, WarnsButAcceptsListeningBeyondLoopback) {
  auto open = LoadSettingsText("pipeline:\n  listen: 0.0.0.0:9000\n", "p.yaml", FakeEnv({}));
  ASSERT_TRUE(open.has_value()) << open.error();
  const auto warnings = SettingsWarnings(*open);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("0.0.0.0:9000 is reachable beyond this machine"), std::string::npos) << warnings[0];
  auto loopback = LoadSettingsText("pipeline:\n  listen: 127.0.0.1:9000\n", "p.yaml", FakeEnv({}));
  EXPECT_TRUE(SettingsWarnings(*loopback).empty());
}

TEST(Settings, RefusesAFileLargerThanTheCapBeforeParsingIt) {
  const std::string path = ::testing::TempDir() + "rh_settings_too_big.yaml";
  {
    std::ofstream out(path, std::ios::binary);
    out << "# " << std::string(kMaxSettingsBytes, 'x') << "\n";
  }
  auto settings = LoadSettingsFile(path, FakeEnv({}));
  std::remove(path.c_str());
  ASSERT_FALSE(settings.has_value());
  EXPECT_EQ(settings.error(), path + ": the settings file is larger than 65536 bytes; a settings file is a dozen lines");
}

}  // namespace
}  // namespace rh::pipeline
