// A small, strict XML reader for the report tests: parses a whole document into elements and
// fails (with the byte offset) on anything a conforming parser would reject that our writers
// could produce: bad nesting, unquoted or duplicate attributes, a raw '<' or '&' in text, an
// unknown entity, a character XML 1.0 forbids, invalid UTF-8. With `html` set it reads our HTML
// instead: a doctype, void elements (<meta>) and raw-text <style> and <script>.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rh::reports::testing {

struct Element {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;  // decoded values
  std::string text;                                             // decoded, all direct text joined
  std::vector<Element> children;

  std::optional<std::string> Attribute(std::string_view key) const {
    for (const auto& [k, v] : attributes) {
      if (k == key) return v;
    }
    return std::nullopt;
  }
  // Every descendant (and this) named `tag`, in document order.
  void FindAll(std::string_view tag, std::vector<const Element*>& found) const {
    if (name == tag) found.push_back(this);
    for (const auto& c : children) c.FindAll(tag, found);
  }
  std::vector<const Element*> FindAll(std::string_view tag) const {
    std::vector<const Element*> found;
    FindAll(tag, found);
    return found;
  }
};

class MiniXml {
 public:
  static std::optional<Element> Parse(std::string_view doc, std::string* error, bool html = false) {
    MiniXml p(doc, html);
    Element root;
    if (!p.Document(root)) {
      if (error != nullptr) *error = p.error_ + " at byte " + std::to_string(p.pos_);
      return std::nullopt;
    }
    return root;
  }

 private:
  MiniXml(std::string_view doc, bool html) : s_(doc), html_(html) {}

  bool Fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return false;
  }
  bool Starts(std::string_view prefix) const { return s_.substr(pos_, prefix.size()) == prefix; }
  void SkipSpace() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\t' || s_[pos_] == '\r')) ++pos_;
  }

  // Checks the whole document is valid UTF-8 made of characters XML 1.0 allows.
  bool CheckCharacters() {
    for (std::size_t i = 0; i < s_.size();) {
      const auto b0 = static_cast<unsigned char>(s_[i]);
      std::uint32_t cp = b0;
      std::size_t len = 1;
      if (b0 >= 0x80) {
        if ((b0 & 0xE0) == 0xC0) len = 2, cp = b0 & 0x1Fu;
        else if ((b0 & 0xF0) == 0xE0) len = 3, cp = b0 & 0x0Fu;
        else if ((b0 & 0xF8) == 0xF0) len = 4, cp = b0 & 0x07u;
        else return pos_ = i, Fail("invalid UTF-8 lead byte");
        if (i + len > s_.size()) return pos_ = i, Fail("truncated UTF-8");
        for (std::size_t k = 1; k < len; ++k) {
          const auto b = static_cast<unsigned char>(s_[i + k]);
          if ((b & 0xC0) != 0x80) return pos_ = i, Fail("invalid UTF-8 continuation");
          cp = (cp << 6) | (b & 0x3Fu);
        }
        const std::uint32_t min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
        if (cp < min || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return pos_ = i, Fail("invalid UTF-8 value");
      }
      const bool allowed = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
                           (cp >= 0xE000 && cp <= 0xFFFD) || cp >= 0x10000;
      if (!allowed) return pos_ = i, Fail("character not allowed in XML 1.0");
      i += len;
    }
    return true;
  }

  bool Document(Element& root) {
    if (!CheckCharacters()) return false;
    if (Starts("<?xml")) {
      const auto end = s_.find("?>", pos_);
      if (end == std::string_view::npos) return Fail("unterminated XML declaration");
      pos_ = end + 2;
    }
    if (html_ && Starts("<!DOCTYPE html>")) pos_ += 15;
    if (!Misc()) return false;
    if (!Starts("<")) return Fail("no root element");
    if (!ElementAt(root)) return false;
    if (!Misc()) return false;
    if (pos_ != s_.size()) return Fail("content after the root element");
    return true;
  }

  bool Misc() {
    for (;;) {
      SkipSpace();
      if (!Starts("<!--")) return true;
      const auto end = s_.find("-->", pos_ + 4);
      if (end == std::string_view::npos) return Fail("unterminated comment");
      pos_ = end + 3;
    }
  }

  static bool NameChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == ':' || c == '.';
  }
  bool Name(std::string& out) {
    const std::size_t start = pos_;
    while (pos_ < s_.size() && NameChar(s_[pos_])) ++pos_;
    if (pos_ == start) return Fail("expected a name");
    out = std::string(s_.substr(start, pos_ - start));
    return true;
  }

  // Decodes text up to `stop`, checking every '&' starts a known entity and no raw '<' appears.
  bool Text(std::string& out, char stop) {
    while (pos_ < s_.size() && s_[pos_] != stop) {
      const char c = s_[pos_];
      if (c == '<') return Fail("raw '<' in an attribute value");
      if (c != '&') {
        out += c, ++pos_;
        continue;
      }
      const auto semi = s_.find(';', pos_);
      if (semi == std::string_view::npos || semi - pos_ > 10) return Fail("unterminated entity");
      const std::string_view ent = s_.substr(pos_ + 1, semi - pos_ - 1);
      if (ent == "amp") out += '&';
      else if (ent == "lt") out += '<';
      else if (ent == "gt") out += '>';
      else if (ent == "quot") out += '"';
      else if (ent == "apos") out += '\'';
      else if (!ent.empty() && ent[0] == '#') {
        std::uint32_t cp = 0;
        const bool hex = ent.size() > 1 && ent[1] == 'x';
        for (std::size_t i = hex ? 2 : 1; i < ent.size(); ++i) {
          const char d = ent[i];
          const int v = d >= '0' && d <= '9' ? d - '0' : hex && d >= 'a' && d <= 'f' ? d - 'a' + 10
                                                     : hex && d >= 'A' && d <= 'F' ? d - 'A' + 10 : -1;
          if (v < 0) return Fail("bad character reference");
          cp = cp * (hex ? 16u : 10u) + static_cast<std::uint32_t>(v);
        }
        if (!(cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
              (cp >= 0x10000 && cp <= 0x10FFFF))) {
          return Fail("character reference to a forbidden character");
        }
        AppendUtf8(out, cp);
      } else {
        return Fail("unknown entity &" + std::string(ent) + ";");
      }
      pos_ = semi + 1;
    }
    return true;
  }

  static void AppendUtf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6)), out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12)), out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18)), out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F)), out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  static bool IsVoid(std::string_view name) { return name == "meta" || name == "br" || name == "hr" || name == "link"; }

  bool ElementAt(Element& e) {
    ++pos_;  // '<'
    if (!Name(e.name)) return false;
    for (;;) {
      const std::size_t before = pos_;
      SkipSpace();
      if (Starts("/>")) {
        pos_ += 2;
        return true;
      }
      if (Starts(">")) {
        ++pos_;
        break;
      }
      if (pos_ == before) return Fail("expected space before an attribute");
      std::string key, value;
      if (!Name(key)) return false;
      if (e.Attribute(key)) return Fail("duplicate attribute " + key);
      if (!Starts("=")) {
        if (html_) {  // a boolean attribute (<details open>)
          e.attributes.emplace_back(key, "");
          continue;
        }
        return Fail("attribute without a value");
      }
      ++pos_;
      if (!Starts("\"") && !Starts("'")) return Fail("unquoted attribute value");
      const char quote = s_[pos_++];
      if (!Text(value, quote)) return false;
      if (pos_ >= s_.size()) return Fail("unterminated attribute value");
      ++pos_;
      e.attributes.emplace_back(key, value);
    }
    if (html_ && IsVoid(e.name)) return true;
    if (html_ && (e.name == "style" || e.name == "script")) {
      const std::string close = "</" + e.name + ">";
      const auto end = s_.find(close, pos_);
      if (end == std::string_view::npos) return Fail("unterminated " + e.name);
      e.text = std::string(s_.substr(pos_, end - pos_));
      pos_ = end + close.size();
      return true;
    }
    for (;;) {
      if (pos_ >= s_.size()) return Fail("unclosed element " + e.name);
      if (Starts("</")) {
        pos_ += 2;
        std::string name;
        if (!Name(name)) return false;
        if (name != e.name) return Fail("</" + name + "> closes <" + e.name + ">");
        SkipSpace();
        if (!Starts(">")) return Fail("expected '>'");
        ++pos_;
        return true;
      }
      if (Starts("<!--")) {
        if (!Misc()) return false;
        continue;
      }
      if (Starts("<![CDATA[")) return Fail("CDATA is not expected from our writers");
      if (Starts("<")) {
        e.children.emplace_back();
        if (!ElementAt(e.children.back())) return false;
        continue;
      }
      if (!Text(e.text, '<')) return false;
    }
  }

  std::string_view s_;
  bool html_;
  std::size_t pos_ = 0;
  std::string error_;
};

}  // namespace rh::reports::testing
