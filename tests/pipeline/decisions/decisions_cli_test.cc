// Goal: `rehearse decisions` shows what the library wrote: it filters, prints an aligned table
// with long text cut, full rows as JSON and CSV, says so when nothing matches, and exits 2 with
// a reason on stderr for a bad argument or a file it cannot read, never creating or changing
// the file. Runs the built `rehearse` (REHEARSE_PATH) in a child process.
#include "pipeline/decision_log.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

extern char** environ;

namespace rh::pipeline {
namespace {

namespace fs = std::filesystem;

const sim::WallTime kFriday{std::chrono::sys_days{std::chrono::year{2026} / 11 / 27}};

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

class DecisionsCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::path(::testing::TempDir()) / ("rh_decisions_cli_" + std::string(info->name()) + "_" +
                                             std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "decisions.db").string();

    auto log = DecisionLog::Open(db_);
    ASSERT_TRUE(log) << log.error();
    DecisionRow triage;
    triage.ticket_id = 1001;
    triage.kind = "triage";
    triage.intent = "wismo";
    triage.confidence = 0.97;
    triage.rule = "rules.wismo_keywords";
    triage.rationale = "Customer asks where the order is; the order has a healthy tracking number.";
    triage.sender = "pipeline";
    triage.decided_at = kFriday + sim::Hours(9);
    Append(*log, triage);

    DecisionRow send = triage;
    send.kind = "auto_send";
    send.confidence.reset();
    send.route = "auto_send";
    send.rule = "safe_zone.wismo_healthy";
    send.rationale = std::string(200, 'r') + "END";  // longer than any table column
    send.draft = "Hi Ana,\nyour parcel is with UPS, \"out for delivery\".";
    send.final_text = send.draft;
    send.outcome = "sent";
    send.decided_at = kFriday + sim::Hours(9) + sim::Sec(2);
    send.sent_at = send.decided_at + sim::Ms(1500);
    send.details = R"({"carrier":"UPS","tracking":"1Z999"})";
    Append(*log, send);

    DecisionRow route;
    route.ticket_id = 2002;
    route.kind = "route";
    route.intent = "damaged_item";
    route.route = "human";
    route.rule = "money.damaged_item_claim";
    route.rationale = "Damaged-item claims touch money (I2).";
    route.sender = "pipeline";
    route.outcome = "pending_human";
    route.decided_at = kFriday + sim::Hours(24);  // Saturday, midnight
    Append(*log, route);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  static void Append(DecisionLog& log, const DecisionRow& row) {
    const auto id = log.Append(row);
    ASSERT_TRUE(id) << id.error();
  }

  // Runs `rehearse decisions ARGS...`, capturing stdout and stderr in files (no pipe to fill up).
  CommandResult Decisions(std::vector<std::string> args) {
    const std::string out_path = (dir_ / "stdout.txt").string();
    const std::string err_path = (dir_ / "stderr.txt").string();
    args.insert(args.begin(), {REHEARSE_PATH, "decisions"});
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = 0;
    CommandResult run;
    const int spawned = posix_spawn(&pid, REHEARSE_PATH, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) {
      ADD_FAILURE() << "cannot run " << REHEARSE_PATH << ": " << std::strerror(spawned);
      return run;
    }
    int status = 0;
    if (waitpid(pid, &status, 0) == pid && WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
    run.out = ReadAll(out_path);
    run.err = ReadAll(err_path);
    return run;
  }

  fs::path dir_;
  std::string db_;
};

TEST_F(DecisionsCommand, PrintsOneTicketsDecisionsAsAnAlignedTable) {
  const CommandResult run = Decisions({"--db", db_, "--ticket", "1001"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::vector<std::string> lines = Lines(run.out);
  ASSERT_EQ(lines.size(), 4u) << run.out;  // header, two rows, footer
  const std::string& header = lines[0];
  EXPECT_EQ(header.rfind("ID", 0), 0u) << header;
  // Every column starts where its title does.
  const std::size_t kind_at = header.find("KIND");
  const std::size_t rule_at = header.find("RULE");
  const std::size_t rationale_at = header.find("RATIONALE");
  ASSERT_NE(kind_at, std::string::npos);
  EXPECT_EQ(lines[1].find("triage"), kind_at) << run.out;
  EXPECT_EQ(lines[2].find("auto_send"), kind_at) << run.out;
  EXPECT_EQ(lines[1].find("rules.wismo_keywords"), rule_at) << run.out;
  EXPECT_EQ(lines[2].find("safe_zone.wismo_healthy"), rule_at) << run.out;
  EXPECT_NE(lines[1].find("2026-11-27T09:00:00.000Z"), std::string::npos);
  EXPECT_NE(lines[1].find("0.97"), std::string::npos);
  // The long rationale is cut to the column's width and says so.
  EXPECT_EQ(lines[2].find("END"), std::string::npos) << lines[2];
  EXPECT_EQ(lines[2].substr(rationale_at), std::string(57, 'r') + "...");
  EXPECT_EQ(lines[3], "2 decisions");
  EXPECT_EQ(run.out.find("2002"), std::string::npos);
  EXPECT_EQ(run.err, "");
}

TEST_F(DecisionsCommand, PrintsFullRowsAsJson) {
  const CommandResult run = Decisions({"--db", db_, "--ticket", "1001", "--format", "json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const nlohmann::json rows = nlohmann::json::parse(run.out, nullptr, false);
  ASSERT_TRUE(rows.is_array()) << run.out;
  ASSERT_EQ(rows.size(), 2u);
  const nlohmann::json& send = rows[1];
  EXPECT_EQ(send["ticket_id"], 1001);
  EXPECT_EQ(send["kind"], "auto_send");
  EXPECT_EQ(send["rationale"], std::string(200, 'r') + "END");
  EXPECT_EQ(send["draft"], "Hi Ana,\nyour parcel is with UPS, \"out for delivery\".");
  EXPECT_TRUE(send["confidence"].is_null());
  EXPECT_EQ(rows[0]["confidence"], 0.97);
  EXPECT_EQ(send["decided_at"], "2026-11-27T09:00:02.000Z");
  EXPECT_EQ(send["sent_at"], "2026-11-27T09:00:03.500Z");
  EXPECT_TRUE(send["resolved_at"].is_null());
  EXPECT_EQ(send["details"], nlohmann::json::parse(R"({"carrier":"UPS","tracking":"1Z999"})"));
}

TEST_F(DecisionsCommand, PrintsCsvWithQuotedFields) {
  const CommandResult run = Decisions({"--db", db_, "--kind", "auto_send", "--format", "csv"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out.rfind("id,ticket_id,kind,", 0), 0u) << run.out;
  EXPECT_NE(run.out.find("\"Hi Ana,\nyour parcel is with UPS, \"\"out for delivery\"\".\""), std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("\"{\"\"carrier\"\":\"\"UPS\"\",\"\"tracking\"\":\"\"1Z999\"\"}\""), std::string::npos)
      << run.out;
  // A confidence is written as the shortest text that reads back the same.
  const CommandResult triage = Decisions({"--db", db_, "--kind", "triage", "--format", "csv"});
  EXPECT_NE(triage.out.find(",wismo,0.97,,rules.wismo_keywords,"), std::string::npos) << triage.out;
}

TEST_F(DecisionsCommand, FiltersByDayAndTime) {
  // A date is midnight UTC; --since is inclusive, --until exclusive: the route row sits exactly
  // on Saturday's midnight.
  CommandResult run = Decisions({"--db", db_, "--since", "2026-11-27", "--until", "2026-11-28", "--format", "json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  nlohmann::json rows = nlohmann::json::parse(run.out);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]["ticket_id"], 1001);
  run = Decisions({"--db", db_, "--since", "2026-11-28", "--format", "json"});
  rows = nlohmann::json::parse(run.out);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["ticket_id"], 2002);
  run = Decisions({"--db", db_, "--since", "2026-11-27T10:00:00+01:00", "--until", "2026-11-27T09:00:02Z",
                   "--format", "json"});
  rows = nlohmann::json::parse(run.out);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["kind"], "triage");
  run = Decisions({"--db", db_, "--intent", "damaged_item", "--route", "human", "--format", "json"});
  rows = nlohmann::json::parse(run.out);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["ticket_id"], 2002);
}

TEST_F(DecisionsCommand, SaysSoWhenNothingMatches) {
  CommandResult run = Decisions({"--db", db_, "--ticket", "999"});
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.out, "no decisions match\n");
  // JSON stays JSON; the note goes to stderr.
  run = Decisions({"--db", db_, "--ticket", "999", "--format", "json"});
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(run.out), nlohmann::json::array());
  EXPECT_NE(run.err.find("no decisions match"), std::string::npos);
}

TEST_F(DecisionsCommand, TellsWhenTheLimitCutsTheList) {
  const CommandResult run = Decisions({"--db", db_, "--limit", "1"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::vector<std::string> lines = Lines(run.out);
  ASSERT_EQ(lines.size(), 3u) << run.out;
  EXPECT_EQ(lines[2], "showing 1 of 3 decisions (raise --limit to see more)");
}

TEST_F(DecisionsCommand, RefusesABadSinceWithExitCode2) {
  const CommandResult run = Decisions({"--db", db_, "--since", "last tuesday"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_NE(run.err.find("--since 'last tuesday' is not a date"), std::string::npos) << run.err;
}

TEST_F(DecisionsCommand, RefusesOtherBadArgumentsWithExitCode2) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"--ticket", "1001"},                       // no --db
           {"--db", db_, "--ticket", "abc"},           // not a number
           {"--db", db_, "--ticket", "-5"},            // not an id, however CLI11 might wrap it
           {"--db", db_, "--format", "xml"},           // unknown format
           {"--db", db_, "--limit", "0"},              // out of range
           {"--db", db_, "--colour"},                  // unknown option
           {"--db"},                                   // option without its value
           {"--db", db_, "--until", "2026-02-30"}}) {  // no such day
    const CommandResult run = Decisions(args);
    EXPECT_EQ(run.exit_code, 2) << args.back() << "\n" << run.err;
    EXPECT_NE(run.err.find("rehearse decisions: "), std::string::npos) << run.err;
    EXPECT_EQ(run.out, "");
  }
}

TEST_F(DecisionsCommand, RefusesAMissingFileWithoutCreatingIt) {
  const std::string missing = (dir_ / "nope.db").string();
  const CommandResult run = Decisions({"--db", missing});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find(missing), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("no such file"), std::string::npos) << run.err;
  EXPECT_FALSE(fs::exists(missing));
}

TEST_F(DecisionsCommand, RefusesAFileThatIsNotADatabase) {
  const std::string text = (dir_ / "notes.txt").string();
  { std::ofstream(text) << "these are notes, not a decision log\n"; }
  const CommandResult run = Decisions({"--db", text});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("not a SQLite database"), std::string::npos) << run.err;
}

TEST_F(DecisionsCommand, ReadsWithoutWriting) {
  const auto before = fs::last_write_time(db_);
  const auto size = fs::file_size(db_);
  EXPECT_EQ(Decisions({"--db", db_}).exit_code, 0);
  EXPECT_EQ(fs::last_write_time(db_), before);
  EXPECT_EQ(fs::file_size(db_), size);
}

TEST_F(DecisionsCommand, HelpExitsZero) {
  const CommandResult run = Decisions({"--help"});
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.out.find("--since"), std::string::npos) << run.out;
}

}  // namespace
}  // namespace rh::pipeline
