// Typed reading of a YAML document with positions and suggestions, for every reader of the
// project's files (scenarios, policies, settings, load profiles): every value is read from its
// scalar text here (not through yaml-cpp's conversions), so what is accepted and the message when
// it is not are ours. A refusal is a FileError naming the file, the 1-based line and column of
// the offending key (unknown or repeated fields) or value (everything else, and the mapping itself
// for a missing field) and the dotted field. Failures are thrown as ReadFailure; a reader catches
// it at its own entry point and returns the FileError as a value, so it never crosses a library.
// Deterministic; no state beyond the file name.
#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "config/file_error.h"

namespace rh::config {

// What a Reader throws; caught at the reader's entry point.
struct ReadFailure {
  FileError error;
};

// A value in the document: its node, its dotted path and where its key (or list item) starts.
// Copied, never assigned: yaml-cpp's Node::operator= does not rebind a node that is already set,
// it makes the node it refers to share the other's data, which rewrites the document (a sort that
// moved entries once made one step's ticket value carry another step's text and line).
struct Entry {
  Entry(YAML::Node v, std::string p, YAML::Mark m) : value(std::move(v)), path(std::move(p)), key_mark(m) {}
  Entry(const Entry&) = default;
  Entry(Entry&&) = default;
  Entry& operator=(const Entry&) = delete;
  Entry& operator=(Entry&&) = delete;

  YAML::Node value;
  std::string path;
  YAML::Mark key_mark;

  bool IsNull() const { return !value.IsDefined() || value.IsNull(); }
  // yaml-cpp marks an empty value ("key:") at the next token, so nulls point at their key.
  YAML::Mark ValueMark() const;
};

std::string Join(const std::string& path, std::string_view key);
std::string Index(const std::string& path, std::size_t i);  // "timeline[3]"

// "; did you mean 'customer'?" when one known name is close (a typo, a name cut short, another
// form of the same word), else "; known: a, b, c" (DidYouMean).
std::string Suggest(std::string_view got, const std::vector<std::string_view>& known);

// "nothing", "a list", "a mapping" or the scalar in quotes: what was written instead.
std::string Describe(const YAML::Node& node);

// A whole decimal number, all of `s`; nothing else (no sign but '-', no spaces, no exponent).
std::optional<std::int64_t> ParseInt(std::string_view s);

// A duration written as whole units, "90m", "1h30m", "3d", "2w" (s, m, h, d, w; at most ten
// years); nothing for anything else, a sign included.
std::optional<std::chrono::nanoseconds> ParseDuration(std::string_view text);
// The shortest such text ("1h30m", "0s"; a negative duration starts with '-').
std::string FormatDuration(std::chrono::nanoseconds d);

class Reader;

// A mapping whose keys were checked against a closed list: no unknown or repeated key.
class Fields {
 public:
  // The entry of `key`, or nullptr when the mapping does not have it.
  const Entry* Find(std::string_view key) const;
  // The entry of `key`; refused at the mapping when it is absent. `what` says what to write.
  const Entry& Require(std::string_view key, std::string_view what) const;
  const Entry& self() const { return self_; }
  // The present fields, in document order.
  const std::vector<Entry>& entries() const { return entries_; }
  bool empty() const { return entries_.empty(); }

 private:
  friend class Reader;
  Fields(const Reader* reader, Entry self) : reader_(reader), self_(std::move(self)) {}
  const Reader* reader_ = nullptr;
  Entry self_;
  std::vector<std::string> keys_;  // parallel to entries_
  std::vector<Entry> entries_;
};

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  const std::string& file() const { return file_; }
  // 1-based; a null mark (the document itself) is 1:1.
  struct Position {
    int line = 1;
    int column = 1;
  };
  static Position PositionOf(const YAML::Mark& mark);

  [[noreturn]] void Fail(const YAML::Mark& mark, std::string field, std::string message) const;
  // At the entry's value.
  [[noreturn]] void Fail(const Entry& e, std::string message) const { Fail(e.ValueMark(), e.path, std::move(message)); }

  // A mapping of known fields; nothing (`key:`) is an empty mapping.
  Fields Mapping(const Entry& e, std::initializer_list<std::string_view> known) const;
  Fields Mapping(const Entry& e, const std::vector<std::string_view>& known) const;
  // The same checks, key by key in document order, each field handed to `read` as soon as its
  // key is accepted: so the first problem in the document is the one reported.
  template <class Read>
  void EachField(const Entry& e, const std::vector<std::string_view>& known, Read read) const {
    Fields fields(this, Entry(e));
    if (e.IsNull()) return;
    CheckIsMapping(e);
    for (auto it = e.value.begin(); it != e.value.end(); ++it) {
      const Entry& field = Accept(fields, e, it->first, it->second, known);
      read(std::string_view(fields.keys_.back()), field);
    }
  }
  // The entry of `key` in a mapping, before any check (value undefined when absent).
  static Entry FindKey(const YAML::Node& map, std::string_view key, const std::string& path);
  // A mapping whose keys are data (ticket handles, metric names): each key once, as text. The
  // entries' paths end in the key; `what` names a key in errors.
  std::vector<std::pair<std::string, Entry>> OpenMapping(const Entry& e, std::string_view what) const;
  // A list; nothing is an empty list.
  std::vector<Entry> List(const Entry& e) const;

  // Any scalar, as written. `expected` describes it in the error ("a customer handle").
  std::string Text(const Entry& e, std::string_view expected) const;
  std::string NonEmptyText(const Entry& e, std::string_view expected) const;
  // One of `known`, with a suggestion when it is not.
  std::string Name(const Entry& e, std::string_view what, const std::vector<std::string_view>& known) const;
  // A handle: letters, digits, '_', '-' and '.', at most 64 characters.
  std::string Handle(const Entry& e, std::string_view what) const;
  // A list of non-empty texts, each once.
  std::vector<std::string> Texts(const Entry& e, std::string_view what) const;

  std::int64_t Int(const Entry& e, std::int64_t min, std::int64_t max) const;
  std::uint64_t Uint64(const Entry& e) const;
  bool Bool(const Entry& e) const;
  double Number(const Entry& e, double min, double max) const;
  double Probability(const Entry& e) const { return Number(e, 0.0, 1.0); }
  // A duration ("0s", "90m", "1h30m", "3d") between min and max. `negative_note` is added when
  // a negative duration is refused ("a step cannot happen before the run starts").
  std::chrono::nanoseconds Duration(const Entry& e, std::chrono::nanoseconds min, std::chrono::nanoseconds max,
                                    std::string_view negative_note = "") const;

 private:
  void CheckIsMapping(const Entry& e) const;
  // Checks one key of a mapping (a plain word, not repeated, known) and records its entry.
  const Entry& Accept(Fields& fields, const Entry& e, const YAML::Node& key, const YAML::Node& value,
                      const std::vector<std::string_view>& known) const;

  std::string file_;
};

}  // namespace rh::config
