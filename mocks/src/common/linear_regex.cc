#include "mocks/common/linear_regex.h"

#include <limits>
#include <memory>
#include <optional>

namespace rh::mocks {

namespace {

using ByteClass = LinearRegex::ByteClass;
using Instruction = LinearRegex::Instruction;
using Op = LinearRegex::Op;

constexpr std::uint32_t kUnbounded = std::numeric_limits<std::uint32_t>::max();
// The largest count accepted in {n,m}; larger ones would only be refused by the program size.
constexpr std::uint32_t kMaxCount = 1000;
// Groups nested deeper than this are refused, so parsing recursion stays shallow.
constexpr int kMaxGroupDepth = 100;

// The pattern as a tree, before it becomes a program.
struct Node {
  enum class Kind { kEmpty, kClass, kConcat, kAlternation, kRepeat, kBegin, kEnd, kWordBoundary, kNotWordBoundary };
  Kind kind = Kind::kEmpty;
  ByteClass bytes;                          // kClass
  std::vector<std::unique_ptr<Node>> kids;  // kConcat, kAlternation, kRepeat (one)
  std::uint32_t min = 0;                    // kRepeat
  std::uint32_t max = 0;                    // kRepeat; kUnbounded for none
};

using NodePtr = std::unique_ptr<Node>;

NodePtr MakeNode(Node::Kind kind) {
  auto node = std::make_unique<Node>();
  node->kind = kind;
  return node;
}

ByteClass Digits() {
  ByteClass c;
  for (int b = '0'; b <= '9'; ++b) c.set(static_cast<std::size_t>(b));
  return c;
}

ByteClass WordBytes() {
  ByteClass c = Digits();
  for (int b = 'a'; b <= 'z'; ++b) c.set(static_cast<std::size_t>(b));
  for (int b = 'A'; b <= 'Z'; ++b) c.set(static_cast<std::size_t>(b));
  c.set('_');
  return c;
}

// What std::regex's "C" locale calls space: space, \t \n \v \f \r.
ByteClass SpaceBytes() {
  ByteClass c;
  for (const char b : std::string_view(" \t\n\v\f\r")) c.set(static_cast<unsigned char>(b));
  return c;
}

ByteClass Single(unsigned char b) {
  ByteClass c;
  c.set(b);
  return c;
}

bool IsWordByte(unsigned char b) {
  static const ByteClass kWord = WordBytes();
  return kWord.test(b);
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class Parser {
 public:
  explicit Parser(std::string_view pattern) : p_(pattern) {}

  sim::Expected<NodePtr, std::string> Parse() {
    NodePtr root = Alternation(0);
    if (!error_.empty()) return sim::MakeUnexpected(error_);
    if (pos_ != p_.size()) return sim::MakeUnexpected(Error("unmatched )"));
    return root;
  }

 private:
  std::string Error(std::string_view what) const { return std::string(what) + " at offset " + std::to_string(pos_); }
  bool Fail(std::string_view what) {
    if (error_.empty()) error_ = Error(what);
    return false;
  }
  bool AtEnd() const { return pos_ >= p_.size(); }
  char Peek() const { return p_[pos_]; }

  NodePtr Alternation(int depth) {
    NodePtr first = Concatenation(depth);
    if (AtEnd() || Peek() != '|') return first;
    NodePtr alt = MakeNode(Node::Kind::kAlternation);
    alt->kids.push_back(std::move(first));
    while (error_.empty() && !AtEnd() && Peek() == '|') {
      ++pos_;
      alt->kids.push_back(Concatenation(depth));
    }
    return alt;
  }

  NodePtr Concatenation(int depth) {
    NodePtr concat = MakeNode(Node::Kind::kConcat);
    while (error_.empty() && !AtEnd() && Peek() != '|' && Peek() != ')') {
      NodePtr atom = Atom(depth);
      if (!error_.empty()) break;
      atom = Quantified(std::move(atom));
      concat->kids.push_back(std::move(atom));
    }
    return concat;
  }

  NodePtr Quantified(NodePtr atom) {
    while (error_.empty() && !AtEnd()) {
      std::uint32_t min = 0;
      std::uint32_t max = 0;
      const char c = Peek();
      if (c == '*') {
        min = 0, max = kUnbounded, ++pos_;
      } else if (c == '+') {
        min = 1, max = kUnbounded, ++pos_;
      } else if (c == '?') {
        min = 0, max = 1, ++pos_;
      } else if (c == '{') {
        if (!Counts(min, max)) return atom;
      } else {
        return atom;
      }
      if (!AtEnd() && Peek() == '?') ++pos_;  // lazy: the same answer for a yes/no search
      const Node::Kind kind = atom->kind;
      if (kind == Node::Kind::kBegin || kind == Node::Kind::kEnd || kind == Node::Kind::kWordBoundary ||
          kind == Node::Kind::kNotWordBoundary) {
        Fail("nothing to repeat");
        return atom;
      }
      NodePtr repeat = MakeNode(Node::Kind::kRepeat);
      repeat->min = min;
      repeat->max = max;
      repeat->kids.push_back(std::move(atom));
      atom = std::move(repeat);
    }
    return atom;
  }

  // {n}, {n,} or {n,m}; pos_ is at '{'.
  bool Counts(std::uint32_t& min, std::uint32_t& max) {
    ++pos_;
    const auto number = [&](std::uint32_t& out) {
      const std::size_t start = pos_;
      std::uint64_t value = 0;
      while (!AtEnd() && Peek() >= '0' && Peek() <= '9') {
        value = value * 10 + static_cast<std::uint64_t>(Peek() - '0');
        if (value > kMaxCount) return Fail("a repetition count over " + std::to_string(kMaxCount));
        ++pos_;
      }
      out = static_cast<std::uint32_t>(value);
      return pos_ > start || Fail("a malformed {n,m} repetition");
    };
    if (!number(min)) return false;
    max = min;
    if (!AtEnd() && Peek() == ',') {
      ++pos_;
      max = kUnbounded;
      if (!AtEnd() && Peek() != '}' && !number(max)) return false;
    }
    if (AtEnd() || Peek() != '}') return Fail("a malformed {n,m} repetition");
    ++pos_;
    if (max < min) return Fail("a repetition whose maximum is below its minimum");
    return true;
  }

  NodePtr Atom(int depth) {
    const char c = Peek();
    ++pos_;
    switch (c) {
      case '(': return Group(depth);
      case '[': return Class();
      case '.': {
        NodePtr n = MakeNode(Node::Kind::kClass);
        n->bytes.set();
        n->bytes.reset('\n');
        n->bytes.reset('\r');
        return n;
      }
      case '^': return MakeNode(Node::Kind::kBegin);
      case '$': return MakeNode(Node::Kind::kEnd);
      case '\\': return Escape();
      case '*':
      case '+':
      case '?':
      case '{':
        --pos_;
        Fail("nothing to repeat");
        return MakeNode(Node::Kind::kEmpty);
      default: {
        NodePtr n = MakeNode(Node::Kind::kClass);
        n->bytes = Single(static_cast<unsigned char>(c));
        return n;
      }
    }
  }

  NodePtr Group(int depth) {
    if (depth + 1 > kMaxGroupDepth) {
      Fail("groups nested deeper than " + std::to_string(kMaxGroupDepth));
      return MakeNode(Node::Kind::kEmpty);
    }
    if (!AtEnd() && Peek() == '?') {
      if (pos_ + 1 < p_.size() && p_[pos_ + 1] == ':') {
        pos_ += 2;
      } else {
        Fail("a lookahead, which cannot be matched in linear time");
        return MakeNode(Node::Kind::kEmpty);
      }
    }
    NodePtr inner = Alternation(depth + 1);
    if (!error_.empty()) return inner;
    if (AtEnd() || Peek() != ')') {
      Fail("a missing )");
      return inner;
    }
    ++pos_;
    return inner;
  }

  // After a backslash, outside a class: an escaped byte, a class shorthand or an assertion.
  NodePtr Escape() {
    if (AtEnd()) {
      Fail("a trailing backslash");
      return MakeNode(Node::Kind::kEmpty);
    }
    const char c = Peek();
    if (c == 'b' || c == 'B') {
      ++pos_;
      return MakeNode(c == 'b' ? Node::Kind::kWordBoundary : Node::Kind::kNotWordBoundary);
    }
    if (c >= '1' && c <= '9') {
      Fail("a backreference, which cannot be matched in linear time");
      return MakeNode(Node::Kind::kEmpty);
    }
    NodePtr n = MakeNode(Node::Kind::kClass);
    if (auto bytes = EscapedBytes(/*in_class=*/false)) n->bytes = *bytes;
    return n;
  }

  // The bytes an escape stands for; pos_ is just after the backslash and moves past the escape.
  std::optional<ByteClass> EscapedBytes(bool in_class) {
    const char c = Peek();
    ++pos_;
    switch (c) {
      case 'd': return Digits();
      case 'D': return ~Digits();
      case 'w': return WordBytes();
      case 'W': return ~WordBytes();
      case 's': return SpaceBytes();
      case 'S': return ~SpaceBytes();
      case 'n': return Single('\n');
      case 'r': return Single('\r');
      case 't': return Single('\t');
      case 'v': return Single('\v');
      case 'f': return Single('\f');
      case '0': return Single('\0');
      case 'b':
        if (in_class) return Single('\b');
        break;
      case 'x':
      case 'u': {
        const std::size_t digits = c == 'x' ? 2 : 4;
        if (pos_ + digits > p_.size()) break;
        int value = 0;
        for (std::size_t k = 0; k < digits; ++k) {
          const int h = HexValue(p_[pos_ + k]);
          if (h < 0) {
            Fail("a malformed \\x or \\u escape");
            return std::nullopt;
          }
          value = value * 16 + h;
        }
        pos_ += digits;
        if (value > 0xFF) {
          Fail("a \\u escape above \\u00FF (patterns match bytes)");
          return std::nullopt;
        }
        return Single(static_cast<unsigned char>(value));
      }
      default:
        // ECMAScript's identity escapes: any character that is not a letter or digit.
        if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9')) {
          return Single(static_cast<unsigned char>(c));
        }
        break;
    }
    --pos_;
    Fail(std::string("an unsupported escape \\") + c);
    return std::nullopt;
  }

  // After '[': a set of bytes, negated with a leading '^'.
  NodePtr Class() {
    NodePtr n = MakeNode(Node::Kind::kClass);
    bool negated = false;
    if (!AtEnd() && Peek() == '^') negated = true, ++pos_;
    ByteClass bytes;
    while (true) {
      if (AtEnd()) {
        Fail("a missing ]");
        return n;
      }
      if (Peek() == ']') {
        ++pos_;
        break;
      }
      std::optional<int> low;  // a single byte, which may start a range
      if (Peek() == '\\') {
        ++pos_;
        if (AtEnd()) {
          Fail("a trailing backslash");
          return n;
        }
        const std::optional<ByteClass> escaped = EscapedBytes(/*in_class=*/true);
        if (!escaped) return n;
        if (escaped->count() == 1) {
          for (int b = 0; b < 256; ++b) {
            if (escaped->test(static_cast<std::size_t>(b))) low = b;
          }
        } else {
          bytes |= *escaped;
          continue;
        }
      } else {
        low = static_cast<unsigned char>(Peek());
        ++pos_;
      }
      if (pos_ + 1 < p_.size() && Peek() == '-' && p_[pos_ + 1] != ']') {
        ++pos_;
        int high = 0;
        if (Peek() == '\\') {
          ++pos_;
          if (AtEnd()) {
            Fail("a trailing backslash");
            return n;
          }
          const std::optional<ByteClass> escaped = EscapedBytes(/*in_class=*/true);
          if (!escaped) return n;
          if (escaped->count() != 1) {
            Fail("a class shorthand as the end of a range");
            return n;
          }
          for (int b = 0; b < 256; ++b) {
            if (escaped->test(static_cast<std::size_t>(b))) high = b;
          }
        } else {
          high = static_cast<unsigned char>(Peek());
          ++pos_;
        }
        if (high < *low) {
          Fail("a range out of order");
          return n;
        }
        for (int b = *low; b <= high; ++b) bytes.set(static_cast<std::size_t>(b));
      } else {
        bytes.set(static_cast<std::size_t>(*low));
      }
    }
    n->bytes = negated ? ~bytes : bytes;
    return n;
  }

  std::string_view p_;
  std::size_t pos_ = 0;
  std::string error_;
};

// Turns the tree into a Pike VM program.
class Compiler {
 public:
  Compiler(std::vector<Instruction>& program, std::vector<ByteClass>& classes) : program_(program), classes_(classes) {}

  bool Emit(const Node& node) {
    if (program_.size() > LinearRegex::kMaxProgramSize) return false;
    switch (node.kind) {
      case Node::Kind::kEmpty: return true;
      case Node::Kind::kClass: return Add({Op::kByte, ClassIndex(node.bytes), 0});
      case Node::Kind::kBegin: return Add({Op::kBegin, 0, 0});
      case Node::Kind::kEnd: return Add({Op::kEnd, 0, 0});
      case Node::Kind::kWordBoundary: return Add({Op::kWordBoundary, 0, 0});
      case Node::Kind::kNotWordBoundary: return Add({Op::kNotWordBoundary, 0, 0});
      case Node::Kind::kConcat:
        for (const NodePtr& kid : node.kids) {
          if (!Emit(*kid)) return false;
        }
        return true;
      case Node::Kind::kAlternation: return EmitAlternation(node, 0);
      case Node::Kind::kRepeat: return EmitRepeat(node);
    }
    return false;
  }

 private:
  bool Add(Instruction instruction) {
    program_.push_back(instruction);
    return program_.size() <= LinearRegex::kMaxProgramSize;
  }
  std::uint32_t Here() const { return static_cast<std::uint32_t>(program_.size()); }

  std::uint32_t ClassIndex(const ByteClass& bytes) {
    for (std::size_t i = 0; i < classes_.size(); ++i) {
      if (classes_[i] == bytes) return static_cast<std::uint32_t>(i);
    }
    classes_.push_back(bytes);
    return static_cast<std::uint32_t>(classes_.size() - 1);
  }

  // kids[i] | kids[i+1] | ...: split to this branch or the rest; each branch jumps to the end.
  bool EmitAlternation(const Node& node, std::size_t i) {
    if (i + 1 == node.kids.size()) return Emit(*node.kids[i]);
    const std::uint32_t split = Here();
    if (!Add({Op::kSplit, split + 1, 0})) return false;
    if (!Emit(*node.kids[i])) return false;
    const std::uint32_t jump = Here();
    if (!Add({Op::kJump, 0, 0})) return false;
    program_[split].y = Here();
    if (!EmitAlternation(node, i + 1)) return false;
    program_[jump].x = Here();
    return true;
  }

  bool EmitRepeat(const Node& node) {
    const Node& body = *node.kids[0];
    for (std::uint32_t k = 0; k < node.min; ++k) {
      if (!Emit(body)) return false;
    }
    if (node.max == kUnbounded) {
      // L: split body, out; body; jump L.
      const std::uint32_t loop = Here();
      if (!Add({Op::kSplit, loop + 1, 0})) return false;
      if (!Emit(body)) return false;
      if (!Add({Op::kJump, loop, 0})) return false;
      program_[loop].y = Here();
      return true;
    }
    // Each optional copy: split body, out; all the outs meet after the last copy.
    std::vector<std::uint32_t> splits;
    for (std::uint32_t k = node.min; k < node.max; ++k) {
      splits.push_back(Here());
      if (!Add({Op::kSplit, Here() + 1, 0})) return false;
      if (!Emit(body)) return false;
    }
    for (const std::uint32_t s : splits) program_[s].y = Here();
    return true;
  }

  std::vector<Instruction>& program_;
  std::vector<ByteClass>& classes_;
};

}  // namespace

sim::Expected<LinearRegex, std::string> LinearRegex::Compile(std::string_view pattern) {
  if (pattern.size() > kMaxPatternBytes) {
    return sim::MakeUnexpected("the pattern is longer than " + std::to_string(kMaxPatternBytes) + " bytes");
  }
  auto tree = Parser(pattern).Parse();
  if (!tree) return sim::MakeUnexpected(tree.error());
  LinearRegex regex;
  Compiler compiler(regex.program_, regex.classes_);
  const bool fits = compiler.Emit(**tree);
  regex.program_.push_back({Op::kMatch, 0, 0});
  if (!fits || regex.program_.size() > kMaxProgramSize) {
    return sim::MakeUnexpected("the pattern's repetitions make a program over " + std::to_string(kMaxProgramSize) +
                               " instructions");
  }
  return regex;
}

bool LinearRegex::Search(std::string_view text) const {
  const std::size_t size = program_.size();
  // The threads alive before the current byte, as program counters, each at most once (the
  // generation stamp says whether a pc was already added at this position).
  std::vector<std::uint32_t> current;
  std::vector<std::uint32_t> next;
  std::vector<std::size_t> added_at(size, std::numeric_limits<std::size_t>::max());
  std::vector<std::uint32_t> stack;
  current.reserve(size);
  next.reserve(size);

  // Follows jumps, splits and assertions from `pc` at text position `at`; adds the byte-consuming
  // and matching instructions it reaches to `list`. True when a kMatch is reached.
  const auto add = [&](std::vector<std::uint32_t>& list, std::uint32_t start, std::size_t at) {
    stack.clear();
    stack.push_back(start);
    bool matched = false;
    while (!stack.empty()) {
      const std::uint32_t pc = stack.back();
      stack.pop_back();
      if (added_at[pc] == at) continue;
      added_at[pc] = at;
      const Instruction& in = program_[pc];
      const bool word_before = at > 0 && IsWordByte(static_cast<unsigned char>(text[at - 1]));
      const bool word_after = at < text.size() && IsWordByte(static_cast<unsigned char>(text[at]));
      switch (in.op) {
        case Op::kByte: list.push_back(pc); break;
        case Op::kMatch: matched = true; break;
        case Op::kJump: stack.push_back(in.x); break;
        case Op::kSplit:
          stack.push_back(in.y);  // x is explored first; order does not change a yes/no answer
          stack.push_back(in.x);
          break;
        case Op::kBegin:
          if (at == 0) stack.push_back(pc + 1);
          break;
        case Op::kEnd:
          if (at == text.size()) stack.push_back(pc + 1);
          break;
        case Op::kWordBoundary:
          if (word_before != word_after) stack.push_back(pc + 1);
          break;
        case Op::kNotWordBoundary:
          if (word_before == word_after) stack.push_back(pc + 1);
          break;
      }
    }
    return matched;
  };

  for (std::size_t at = 0;; ++at) {
    // An unanchored search starts a new thread at every position.
    if (add(current, 0, at)) return true;
    if (at == text.size()) return false;
    next.clear();
    const auto byte = static_cast<unsigned char>(text[at]);
    for (const std::uint32_t pc : current) {
      if (classes_[program_[pc].x].test(byte) && add(next, pc + 1, at + 1)) return true;
    }
    current.swap(next);
  }
}

}  // namespace rh::mocks
