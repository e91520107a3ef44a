// A recursive-descent GraphQL parser (see graphql.h for the subset). The lexer tracks line and
// column; errors name the token the way graphql-ruby does ("Parse error on \"}\" (RCURLY) at
// [1, 15]"), since that is the text Shopify answers with. Bounded: source size and nesting
// depth are capped, so no input makes it recurse without limit.
#include <algorithm>
#include <cstdint>
#include <map>
#include <set>

#include "mocks/shopify/graphql.h"

namespace rh::mocks::shopify::graphql {

namespace {

constexpr std::size_t kMaxSource = 100'000;
constexpr int kMaxDepth = 64;

enum class Tok {
  kEof, kBang, kDollar, kAmp, kLParen, kRParen, kEllipsis, kColon, kEquals, kAt, kLBracket,
  kRBracket, kLBrace, kRBrace, kPipe, kName, kInt, kFloat, kString,
};

const char* TokName(Tok t) {
  switch (t) {
    case Tok::kEof: return "EOF";
    case Tok::kBang: return "BANG";
    case Tok::kDollar: return "VAR_SIGN";
    case Tok::kAmp: return "AMP";
    case Tok::kLParen: return "LPAREN";
    case Tok::kRParen: return "RPAREN";
    case Tok::kEllipsis: return "ELLIPSIS";
    case Tok::kColon: return "COLON";
    case Tok::kEquals: return "EQUALS";
    case Tok::kAt: return "DIR_SIGN";
    case Tok::kLBracket: return "LBRACKET";
    case Tok::kRBracket: return "RBRACKET";
    case Tok::kLBrace: return "LCURLY";
    case Tok::kRBrace: return "RCURLY";
    case Tok::kPipe: return "PIPE";
    case Tok::kName: return "IDENTIFIER";
    case Tok::kInt: return "INT";
    case Tok::kFloat: return "FLOAT";
    case Tok::kString: return "STRING";
  }
  return "UNKNOWN";
}

struct Token {
  Tok kind = Tok::kEof;
  std::string text;  // raw for names and numbers, decoded for strings
  Location location;
};

struct Failure {
  ParseError error;
};

[[noreturn]] void Throw(std::string message, Location at) { throw Failure{{std::move(message), at}}; }

class Lexer {
 public:
  explicit Lexer(std::string_view src) : src_(src) {}

  Token Next() {
    SkipIgnored();
    Token t;
    t.location = {line_, column_};
    if (pos_ >= src_.size()) return t;
    const char c = src_[pos_];
    auto single = [&](Tok k) {
      t.kind = k;
      t.text = std::string(1, c);
      Advance(1);
      return t;
    };
    switch (c) {
      case '!': return single(Tok::kBang);
      case '$': return single(Tok::kDollar);
      case '&': return single(Tok::kAmp);
      case '(': return single(Tok::kLParen);
      case ')': return single(Tok::kRParen);
      case ':': return single(Tok::kColon);
      case '=': return single(Tok::kEquals);
      case '@': return single(Tok::kAt);
      case '[': return single(Tok::kLBracket);
      case ']': return single(Tok::kRBracket);
      case '{': return single(Tok::kLBrace);
      case '}': return single(Tok::kRBrace);
      case '|': return single(Tok::kPipe);
      default: break;
    }
    if (c == '.') {
      if (src_.substr(pos_, 3) == "...") {
        t.kind = Tok::kEllipsis;
        t.text = "...";
        Advance(3);
        return t;
      }
      Throw("Parse error on \".\" (error) at [" + Where(t.location) + "]", t.location);
    }
    if (IsNameStart(c)) {
      std::size_t end = pos_ + 1;
      while (end < src_.size() && IsNameChar(src_[end])) ++end;
      t.kind = Tok::kName;
      t.text = std::string(src_.substr(pos_, end - pos_));
      Advance(end - pos_);
      return t;
    }
    if (c == '-' || (c >= '0' && c <= '9')) return Number(t);
    if (c == '"') return String(t);
    const std::string shown(1, c);
    Throw("Parse error on \"" + shown + "\" (error) at [" + Where(t.location) + "]", t.location);
  }

  static std::string Where(Location l) {
    return std::to_string(l.line) + ", " + std::to_string(l.column);
  }

 private:
  static bool IsNameStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }
  static bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

  void Advance(std::size_t n) {
    for (std::size_t i = 0; i < n && pos_ < src_.size(); ++i) {
      if (src_[pos_] == '\n') {
        ++line_;
        column_ = 1;
      } else {
        ++column_;
      }
      ++pos_;
    }
  }

  void SkipIgnored() {
    while (pos_ < src_.size()) {
      const char c = src_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',') {
        Advance(1);
      } else if (c == '#') {
        while (pos_ < src_.size() && src_[pos_] != '\n') Advance(1);
      } else if (static_cast<unsigned char>(c) == 0xEF && src_.substr(pos_, 3) == "\xEF\xBB\xBF") {
        pos_ += 3;
      } else {
        break;
      }
    }
  }

  Token Number(Token t) {
    std::size_t end = pos_;
    if (src_[end] == '-') ++end;
    const std::size_t digits_start = end;
    while (end < src_.size() && src_[end] >= '0' && src_[end] <= '9') ++end;
    if (end == digits_start) Throw("Parse error on \"-\" (error) at [" + Where(t.location) + "]", t.location);
    bool is_float = false;
    if (end < src_.size() && src_[end] == '.') {
      is_float = true;
      ++end;
      while (end < src_.size() && src_[end] >= '0' && src_[end] <= '9') ++end;
    }
    if (end < src_.size() && (src_[end] == 'e' || src_[end] == 'E')) {
      is_float = true;
      ++end;
      if (end < src_.size() && (src_[end] == '+' || src_[end] == '-')) ++end;
      while (end < src_.size() && src_[end] >= '0' && src_[end] <= '9') ++end;
    }
    t.kind = is_float ? Tok::kFloat : Tok::kInt;
    t.text = std::string(src_.substr(pos_, end - pos_));
    Advance(end - pos_);
    return t;
  }

  static void AppendUtf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  Token String(Token t) {
    t.kind = Tok::kString;
    if (src_.substr(pos_, 3) == "\"\"\"") {
      // Block string: raw up to the closing triple quote, with the common indentation removed.
      Advance(3);
      std::string raw;
      for (;;) {
        if (pos_ >= src_.size()) Throw("Unterminated string", t.location);
        if (src_.substr(pos_, 4) == "\\\"\"\"") {
          raw += "\"\"\"";
          Advance(4);
          continue;
        }
        if (src_.substr(pos_, 3) == "\"\"\"") {
          Advance(3);
          break;
        }
        raw.push_back(src_[pos_]);
        Advance(1);
      }
      t.text = BlockValue(raw);
      return t;
    }
    Advance(1);
    std::string out;
    for (;;) {
      if (pos_ >= src_.size() || src_[pos_] == '\n') Throw("Unterminated string", t.location);
      const char c = src_[pos_];
      if (c == '"') {
        Advance(1);
        break;
      }
      if (c != '\\') {
        out.push_back(c);
        Advance(1);
        continue;
      }
      if (pos_ + 1 >= src_.size()) Throw("Unterminated string", t.location);
      const char e = src_[pos_ + 1];
      Advance(2);
      switch (e) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
          if (pos_ + 4 > src_.size()) Throw("Bad unicode escape", t.location);
          std::uint32_t cp = 0;
          for (int i = 0; i < 4; ++i) {
            const char h = src_[pos_ + static_cast<std::size_t>(i)];
            cp <<= 4;
            if (h >= '0' && h <= '9') cp |= static_cast<std::uint32_t>(h - '0');
            else if (h >= 'a' && h <= 'f') cp |= static_cast<std::uint32_t>(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F') cp |= static_cast<std::uint32_t>(h - 'A' + 10);
            else Throw("Bad unicode escape", t.location);
          }
          Advance(4);
          AppendUtf8(out, cp);
          break;
        }
        default: Throw("Bad escape in string", t.location);
      }
    }
    t.text = std::move(out);
    return t;
  }

  static std::string BlockValue(const std::string& raw) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= raw.size(); ++i) {
      if (i == raw.size() || raw[i] == '\n') {
        std::string line = raw.substr(start, i - start);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(std::move(line));
        start = i + 1;
      }
    }
    std::size_t common = std::string::npos;
    for (std::size_t i = 1; i < lines.size(); ++i) {
      const auto indent = lines[i].find_first_not_of(" \t");
      if (indent != std::string::npos) common = std::min(common, indent);
    }
    if (common != std::string::npos) {
      for (std::size_t i = 1; i < lines.size(); ++i) {
        lines[i] = lines[i].size() >= common ? lines[i].substr(common) : std::string();
      }
    }
    auto blank = [](const std::string& l) { return l.find_first_not_of(" \t") == std::string::npos; };
    while (!lines.empty() && blank(lines.front())) lines.erase(lines.begin());
    while (!lines.empty() && blank(lines.back())) lines.pop_back();
    std::string out;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (i) out.push_back('\n');
      out += lines[i];
    }
    return out;
  }

  std::string_view src_;
  std::size_t pos_ = 0;
  int line_ = 1;
  int column_ = 1;
};

class Parser {
 public:
  explicit Parser(std::string_view src) : lexer_(src) { tok_ = lexer_.Next(); }

  Document ParseDocument() {
    Document doc;
    if (tok_.kind == Tok::kEof) Throw("Unexpected end of document", tok_.location);
    while (tok_.kind != Tok::kEof) {
      if (tok_.kind == Tok::kLBrace) {
        Operation op;
        op.location = tok_.location;
        op.selections = SelectionSet(0);
        doc.operations.push_back(std::move(op));
      } else if (tok_.kind == Tok::kName &&
                 (tok_.text == "query" || tok_.text == "mutation" || tok_.text == "subscription")) {
        doc.operations.push_back(OperationDefinition());
      } else if (tok_.kind == Tok::kName && tok_.text == "fragment") {
        doc.fragments.push_back(Fragment());
      } else {
        Unexpected();
      }
    }
    return doc;
  }

 private:
  [[noreturn]] void Unexpected() {
    if (tok_.kind == Tok::kEof) Throw("Unexpected end of document", tok_.location);
    const std::string shown = tok_.kind == Tok::kString ? "\\\"" + tok_.text + "\\\"" : tok_.text;
    Throw("Parse error on \"" + shown + "\" (" + TokName(tok_.kind) + ") at [" +
              Lexer::Where(tok_.location) + "]",
          tok_.location);
  }

  Token Expect(Tok kind) {
    if (tok_.kind != kind) Unexpected();
    Token t = std::move(tok_);
    tok_ = lexer_.Next();
    return t;
  }

  bool Accept(Tok kind) {
    if (tok_.kind != kind) return false;
    tok_ = lexer_.Next();
    return true;
  }

  std::string Name() { return Expect(Tok::kName).text; }

  Operation OperationDefinition() {
    Operation op;
    op.location = tok_.location;
    const std::string type = Name();
    op.type = type == "query" ? Operation::Type::kQuery
              : type == "mutation" ? Operation::Type::kMutation
                                   : Operation::Type::kSubscription;
    if (tok_.kind == Tok::kName) op.name = Name();
    if (tok_.kind == Tok::kLParen) {
      Expect(Tok::kLParen);
      do {
        op.variables.push_back(VariableDef());
      } while (tok_.kind != Tok::kRParen);
      Expect(Tok::kRParen);
    }
    op.directives = Directives(0);
    op.selections = SelectionSet(0);
    return op;
  }

  VariableDefinition VariableDef() {
    VariableDefinition v;
    v.location = tok_.location;
    Expect(Tok::kDollar);
    v.name = Name();
    Expect(Tok::kColon);
    v.type = Type(0);
    v.non_null = !v.type.empty() && v.type.back() == '!';
    if (Accept(Tok::kEquals)) v.default_value = ParseValue(true, 0);
    Directives(0);
    return v;
  }

  std::string Type(int depth) {
    if (depth > kMaxDepth) Throw("Query is too deeply nested", tok_.location);
    std::string t;
    if (Accept(Tok::kLBracket)) {
      t = "[" + Type(depth + 1) + "]";
      Expect(Tok::kRBracket);
    } else {
      t = Name();
    }
    if (Accept(Tok::kBang)) t += "!";
    return t;
  }

  std::vector<Directive> Directives(int depth) {
    std::vector<Directive> out;
    while (tok_.kind == Tok::kAt) {
      Directive d;
      d.location = tok_.location;
      Expect(Tok::kAt);
      d.name = Name();
      if (tok_.kind == Tok::kLParen) d.arguments = Arguments(depth);
      out.push_back(std::move(d));
    }
    return out;
  }

  std::vector<Argument> Arguments(int depth) {
    std::vector<Argument> out;
    Expect(Tok::kLParen);
    do {
      Argument a;
      a.location = tok_.location;
      a.name = Name();
      Expect(Tok::kColon);
      a.value = ParseValue(false, depth + 1);
      out.push_back(std::move(a));
    } while (tok_.kind != Tok::kRParen);
    Expect(Tok::kRParen);
    return out;
  }

  Value ParseValue(bool is_const, int depth) {
    if (depth > kMaxDepth) Throw("Query is too deeply nested", tok_.location);
    Value v;
    v.location = tok_.location;
    switch (tok_.kind) {
      case Tok::kDollar:
        if (is_const) Unexpected();
        Expect(Tok::kDollar);
        v.kind = Value::Kind::kVariable;
        v.text = Name();
        return v;
      case Tok::kInt:
        v.kind = Value::Kind::kInt;
        v.text = Expect(Tok::kInt).text;
        return v;
      case Tok::kFloat:
        v.kind = Value::Kind::kFloat;
        v.text = Expect(Tok::kFloat).text;
        return v;
      case Tok::kString:
        v.kind = Value::Kind::kString;
        v.text = Expect(Tok::kString).text;
        return v;
      case Tok::kName: {
        const std::string name = Name();
        if (name == "true" || name == "false") {
          v.kind = Value::Kind::kBoolean;
        } else if (name == "null") {
          v.kind = Value::Kind::kNull;
        } else {
          v.kind = Value::Kind::kEnum;
        }
        v.text = name;
        return v;
      }
      case Tok::kLBracket:
        Expect(Tok::kLBracket);
        v.kind = Value::Kind::kList;
        while (tok_.kind != Tok::kRBracket) v.items.push_back(ParseValue(is_const, depth + 1));
        Expect(Tok::kRBracket);
        return v;
      case Tok::kLBrace:
        Expect(Tok::kLBrace);
        v.kind = Value::Kind::kObject;
        while (tok_.kind != Tok::kRBrace) {
          std::string key = Name();
          Expect(Tok::kColon);
          v.fields.push_back({std::move(key), ParseValue(is_const, depth + 1)});
        }
        Expect(Tok::kRBrace);
        return v;
      default:
        Unexpected();
    }
  }

  std::vector<Selection> SelectionSet(int depth) {
    if (depth > kMaxDepth) Throw("Query is too deeply nested", tok_.location);
    std::vector<Selection> out;
    Expect(Tok::kLBrace);
    do {
      out.push_back(ParseSelection(depth));
    } while (tok_.kind != Tok::kRBrace);
    Expect(Tok::kRBrace);
    return out;
  }

  Selection ParseSelection(int depth) {
    Selection s;
    s.location = tok_.location;
    if (Accept(Tok::kEllipsis)) {
      if (tok_.kind == Tok::kName && tok_.text != "on") {
        s.is_spread = true;
        s.name = Name();
        s.directives = Directives(depth);
        return s;
      }
      s.is_inline_fragment = true;
      if (tok_.kind == Tok::kName && tok_.text == "on") {
        Name();
        s.type_condition = Name();
      }
      s.directives = Directives(depth);
      s.selections = SelectionSet(depth + 1);
      return s;
    }
    std::string first = Name();
    if (Accept(Tok::kColon)) {
      s.alias = std::move(first);
      s.name = Name();
    } else {
      s.name = std::move(first);
    }
    if (tok_.kind == Tok::kLParen) s.arguments = Arguments(depth);
    s.directives = Directives(depth);
    if (tok_.kind == Tok::kLBrace) s.selections = SelectionSet(depth + 1);
    return s;
  }

  FragmentDefinition Fragment() {
    FragmentDefinition f;
    f.location = tok_.location;
    Name();  // "fragment"
    f.name = Name();
    if (f.name == "on") Unexpected();
    if (tok_.kind != Tok::kName || tok_.text != "on") Unexpected();
    Name();
    f.type_condition = Name();
    Directives(0);
    f.selections = SelectionSet(1);
    return f;
  }

  Lexer lexer_;
  Token tok_;
};

// Replaces fragment spreads by inline fragments holding the fragment's selections.
void ExpandSpreads(std::vector<Selection>& selections,
                   const std::map<std::string, const FragmentDefinition*>& fragments,
                   std::set<std::string>& active, int depth) {
  if (depth > kMaxDepth) Throw("Query is too deeply nested", {});
  for (auto& s : selections) {
    if (s.is_spread) {
      const auto it = fragments.find(s.name);
      if (it == fragments.end()) Throw("Fragment " + s.name + " was used, but not defined", s.location);
      if (active.count(s.name)) Throw("Fragment " + s.name + " contains an infinite loop", s.location);
      active.insert(s.name);
      s.is_spread = false;
      s.is_inline_fragment = true;
      s.type_condition = it->second->type_condition;
      s.selections = it->second->selections;
      ExpandSpreads(s.selections, fragments, active, depth + 1);
      active.erase(s.name);
      s.name.clear();
    } else {
      ExpandSpreads(s.selections, fragments, active, depth + 1);
    }
  }
}

}  // namespace

const Argument* Selection::FindArgument(std::string_view arg) const {
  for (const auto& a : arguments) {
    if (a.name == arg) return &a;
  }
  return nullptr;
}

sim::Expected<Document, ParseError> Parse(std::string_view source) {
  if (source.size() > kMaxSource) {
    return sim::MakeUnexpected(ParseError{"Query is too large", {1, 1}});
  }
  try {
    Parser parser(source);
    Document doc = parser.ParseDocument();
    std::map<std::string, const FragmentDefinition*> fragments;
    for (const auto& f : doc.fragments) fragments[f.name] = &f;
    std::set<std::string> active;
    for (auto& op : doc.operations) ExpandSpreads(op.selections, fragments, active, 0);
    return doc;
  } catch (const Failure& f) {
    return sim::MakeUnexpected(f.error);
  }
}

}  // namespace rh::mocks::shopify::graphql
