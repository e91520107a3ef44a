#include "decisions.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "pipeline/decision_log.h"
#include "sim/time.h"

namespace rh::app {
namespace {

constexpr std::string_view kUsageHint = "Run 'rehearse decisions --help' for the options.";

struct DecisionsOptions {
  std::string db;
  std::string ticket;
  std::optional<std::string> intent;
  std::optional<std::string> route;
  std::optional<std::string> kind;
  std::string since;
  std::string until;
  std::size_t limit = 100;
  std::string format = "table";
};

int BadArgument(const std::string& message) {
  std::fprintf(stderr, "rehearse decisions: %s\n%s\n", message.c_str(), std::string(kUsageHint).c_str());
  return 2;
}

// ---- table ------------------------------------------------------------------------------------

// Display length in code points: close enough for alignment (wide glyphs aside), and it never
// splits a UTF-8 sequence.
std::size_t CodePoints(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// One line, at most `width` code points: control characters become spaces, and a cut text ends
// with "...".
std::string Cell(std::string_view text, std::size_t width) {
  std::string flat;
  flat.reserve(text.size());
  for (char c : text) flat += static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
  if (flat.empty()) return "-";
  if (CodePoints(flat) <= width) return flat;
  const std::string_view ellipsis = width > 3 ? "..." : "";
  const std::size_t keep = width - ellipsis.size();
  std::string out;
  std::size_t kept = 0;
  for (char c : flat) {
    const bool starts_code_point = (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    if (starts_code_point && kept++ == keep) break;
    out += c;
  }
  return out + std::string(ellipsis);
}

std::string OptionalTime(const std::optional<sim::WallTime>& t) { return t ? sim::FormatRfc3339Utc(*t) : ""; }

std::string Confidence(const std::optional<double>& c) {
  if (!c) return "";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.2f", *c);
  return buf;
}

void PrintTable(const std::vector<pipeline::DecisionRow>& rows) {
  struct ColumnSpec {
    const char* title;
    std::size_t max_width;  // code points; longer text is cut
  };
  // The draft and the final text are too long for a table; --format json shows them in full.
  static constexpr ColumnSpec kColumns[] = {
      {"ID", 20},     {"DECIDED_AT", 24}, {"TICKET", 20}, {"KIND", 16},    {"INTENT", 22}, {"CONF", 4},
      {"ROUTE", 9},   {"OUTCOME", 13},    {"SENDER", 20}, {"RULE", 32},    {"RATIONALE", 60},
  };
  constexpr std::size_t kCount = std::size(kColumns);
  std::vector<std::array<std::string, kCount>> cells;
  cells.reserve(rows.size());
  for (const pipeline::DecisionRow& r : rows) {
    const std::string values[kCount] = {std::to_string(r.id), sim::FormatRfc3339Utc(r.decided_at),
                                        std::to_string(r.ticket_id), r.kind, r.intent, Confidence(r.confidence),
                                        r.route, r.outcome, r.sender, r.rule, r.rationale};
    std::array<std::string, kCount> line;
    for (std::size_t c = 0; c < kCount; ++c) line[c] = Cell(values[c], kColumns[c].max_width);
    cells.push_back(std::move(line));
  }
  std::array<std::size_t, kCount> widths{};
  for (std::size_t c = 0; c < kCount; ++c) {
    widths[c] = CodePoints(kColumns[c].title);
    for (const auto& line : cells) widths[c] = std::max(widths[c], CodePoints(line[c]));
  }
  auto print_line = [&widths](auto&& text_of) {
    std::string out;
    for (std::size_t c = 0; c < kCount; ++c) {
      const std::string text = text_of(c);
      out += text;
      // No padding after the last column: no trailing blanks.
      if (c + 1 < kCount) out += std::string(widths[c] - CodePoints(text) + 2, ' ');
    }
    out += '\n';
    std::fputs(out.c_str(), stdout);
  };
  print_line([](std::size_t c) { return std::string(kColumns[c].title); });
  for (const auto& line : cells) print_line([&line](std::size_t c) { return line[c]; });
}

// ---- json and csv -----------------------------------------------------------------------------

nlohmann::ordered_json OptionalTimeJson(const std::optional<sim::WallTime>& t) {
  return t ? nlohmann::ordered_json(sim::FormatRfc3339Utc(*t)) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json RowsJson(const std::vector<pipeline::DecisionRow>& rows) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const pipeline::DecisionRow& r : rows) {
    // Details are JSON already: embed them as such, or as text if a hand-edited row broke them.
    nlohmann::ordered_json details = nlohmann::ordered_json::parse(r.details, nullptr, /*allow_exceptions=*/false);
    if (details.is_discarded()) details = r.details;
    out.push_back({
        {"id", r.id},
        {"ticket_id", r.ticket_id},
        {"kind", r.kind},
        {"intent", r.intent},
        {"confidence", r.confidence ? nlohmann::ordered_json(*r.confidence) : nlohmann::ordered_json(nullptr)},
        {"route", r.route},
        {"rule", r.rule},
        {"rationale", r.rationale},
        {"draft", r.draft},
        {"final_text", r.final_text},
        {"sender", r.sender},
        {"override_reason", r.override_reason},
        {"value_bucket", r.value_bucket},
        {"outcome", r.outcome},
        {"decided_at", sim::FormatRfc3339Utc(r.decided_at)},
        {"sent_at", OptionalTimeJson(r.sent_at)},
        {"resolved_at", OptionalTimeJson(r.resolved_at)},
        {"details", std::move(details)},
    });
  }
  return out;
}

void PrintJson(const std::vector<pipeline::DecisionRow>& rows) {
  const nlohmann::ordered_json out = RowsJson(rows);
  // Invalid UTF-8 in a stored text is replaced rather than thrown on.
  const std::string text = out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  std::fputs(text.c_str(), stdout);
  std::fputc('\n', stdout);
}

}  // namespace

std::string DecisionsDocument(const std::vector<pipeline::DecisionRow>& rows) {
  const nlohmann::ordered_json doc = {{"data", RowsJson(rows)}};
  return doc.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

namespace {

// RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled.
std::string CsvField(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

void PrintCsv(const std::vector<pipeline::DecisionRow>& rows) {
  std::string out =
      "id,ticket_id,kind,intent,confidence,route,rule,rationale,draft,final_text,sender,override_reason,"
      "value_bucket,outcome,decided_at,sent_at,resolved_at,details\r\n";
  for (const pipeline::DecisionRow& r : rows) {
    // The shortest text that reads back as the same double (0.6, not 0.59999999999999998).
    char confidence[32] = "";
    if (r.confidence) *std::to_chars(confidence, confidence + sizeof confidence - 1, *r.confidence).ptr = '\0';
    const std::string fields[] = {std::to_string(r.id), std::to_string(r.ticket_id), r.kind, r.intent, confidence,
                                  r.route, r.rule, r.rationale, r.draft, r.final_text, r.sender, r.override_reason,
                                  r.value_bucket, r.outcome, sim::FormatRfc3339Utc(r.decided_at),
                                  OptionalTime(r.sent_at), OptionalTime(r.resolved_at), r.details};
    for (std::size_t i = 0; i < std::size(fields); ++i) {
      if (i > 0) out += ',';
      out += CsvField(fields[i]);
    }
    out += "\r\n";
  }
  std::fputs(out.c_str(), stdout);
}

}  // namespace

CLI::App* AddDecisionsCommand(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "decisions", "Print the pipeline's decisions from a decision-log file (read-only); see 'decisions --help'");
  // Everything after `decisions`, --help included, goes to RunDecisions unparsed.
  cmd->prefix_command();
  cmd->set_help_flag();
  return cmd;
}

int RunDecisions(const std::vector<std::string>& args) {
  DecisionsOptions o;
  CLI::App cli{
      "Print decisions from a pipeline's decision log (a SQLite file, opened read-only), oldest first.\n"
      "Times: --since is inclusive, --until exclusive; a date (YYYY-MM-DD) means midnight UTC.\n"
      "Exit codes: 0 (also when no decision matches), 2 on a bad argument or an unreadable file.",
      "rehearse decisions"};
  cli.add_option("--db", o.db, "The decision-log file")->required();
  cli.add_option("--ticket", o.ticket, "Only this Gorgias ticket id (a number)");
  cli.add_option("--intent", o.intent, "Only this intent (wismo, return, ...)");
  cli.add_option("--route", o.route, "Only this route: auto_send, human, or \"\" for none");
  cli.add_option("--kind", o.kind, "Only this kind (triage, route, auto_send, human_override, ...)");
  cli.add_option("--since", o.since, "Decided at or after DATE (YYYY-MM-DD or RFC 3339, e.g. 2026-11-27T09:00:00Z)");
  cli.add_option("--until", o.until, "Decided before DATE (YYYY-MM-DD or RFC 3339)");
  cli.add_option("--limit", o.limit, "Print at most N decisions")->capture_default_str()->check(CLI::Range(1, 1'000'000));
  cli.add_option("--format", o.format, "table (text cut to fit), json or csv (full text)")
      ->capture_default_str()
      ->check(CLI::IsMember({"table", "json", "csv"}));
  try {
    // CLI11 consumes its argument vector from the back.
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    cli.parse(reversed);
  } catch (const CLI::CallForHelp& e) {
    return cli.exit(e);
  } catch (const CLI::ParseError& e) {
    return BadArgument(e.what());
  }

  pipeline::DecisionFilter filter;
  if (!o.ticket.empty()) {
    // from_chars, not CLI11's conversion: "-5" must be refused, not wrapped to a huge id.
    std::uint64_t ticket = 0;
    const char* end = o.ticket.data() + o.ticket.size();
    const auto [ptr, ec] = std::from_chars(o.ticket.data(), end, ticket);
    if (ec != std::errc() || ptr != end) return BadArgument("--ticket '" + o.ticket + "' is not a ticket id (a number)");
    filter.ticket_id = ticket;
  }
  filter.intent = o.intent;
  filter.route = o.route;
  filter.kind = o.kind;
  filter.limit = o.limit;
  for (auto [flag, text, bound] : {std::tuple{"--since", &o.since, &filter.from},
                                   std::tuple{"--until", &o.until, &filter.to}}) {
    if (text->empty()) continue;
    *bound = pipeline::ParseDateOrTime(*text);
    if (!*bound) {
      return BadArgument(std::string(flag) + " '" + *text +
                         "' is not a date (YYYY-MM-DD) or an RFC 3339 time (2026-11-27T09:30:00Z)");
    }
  }

  auto log = pipeline::DecisionLog::OpenReadOnly(o.db);
  if (!log) {
    std::fprintf(stderr, "rehearse decisions: %s\n", log.error().c_str());
    return 2;
  }
  const auto rows = log->Query(filter);
  const auto total = log->Count(filter);
  if (!rows || !total) {
    std::fprintf(stderr, "rehearse decisions: %s\n", (!rows ? rows.error() : total.error()).c_str());
    return 2;
  }

  const auto shown = static_cast<std::int64_t>(rows->size());
  if (o.format == "json") {
    PrintJson(*rows);
  } else if (o.format == "csv") {
    PrintCsv(*rows);
  } else if (!rows->empty()) {
    PrintTable(*rows);
    if (shown < *total) {
      std::printf("showing %lld of %lld decisions (raise --limit to see more)\n", static_cast<long long>(shown),
                  static_cast<long long>(*total));
    } else {
      std::printf("%lld decision%s\n", static_cast<long long>(shown), shown == 1 ? "" : "s");
    }
  }
  // Machine formats keep stdout parseable, so their notes go to stderr.
  std::FILE* notes = o.format == "table" ? stdout : stderr;
  if (rows->empty()) {
    std::fputs("no decisions match\n", notes);
  } else if (o.format != "table" && shown < *total) {
    std::fprintf(stderr, "rehearse decisions: showing %lld of %lld decisions (raise --limit to see more)\n",
                 static_cast<long long>(shown), static_cast<long long>(*total));
  }
  return 0;
}

}  // namespace rh::app
