// Jinja-like rendering of HTTP-integration templates (see templating.h for the model).
#include "mocks/gorgias/templating.h"

#include <vector>

#include "sim/http.h"

namespace rh::mocks::gorgias {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

// "a.b[0].c" -> {"a", "b", "0", "c"}.
std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= path.size(); ++i) {
    const bool end = i == path.size();
    const char c = end ? '.' : path[i];
    if (c == '.' || c == '[' || c == ']') {
      if (i > start) parts.push_back(path.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

// Python's str() of a JSON scalar, as Jinja prints it.
std::string Print(const OrderedJson* value) {
  if (value == nullptr) return "";
  if (value->is_string()) return value->get<std::string>();
  if (value->is_boolean()) return value->get<bool>() ? "True" : "False";
  if (value->is_null()) return "None";
  return value->dump(-1, ' ', false, kReplaceInvalidUtf8);
}

}  // namespace

const OrderedJson* LookupPath(const OrderedJson& context, std::string_view path) {
  const OrderedJson* node = &context;
  for (std::string_view part : SplitPath(path)) {
    if (node->is_object()) {
      const auto it = node->find(part);
      if (it == node->end()) return nullptr;
      node = &*it;
    } else if (node->is_array()) {
      std::size_t index = 0;
      if (part.empty()) return nullptr;
      for (char c : part) {
        if (c < '0' || c > '9') return nullptr;
        index = index * 10 + static_cast<std::size_t>(c - '0');
      }
      if (index >= node->size()) return nullptr;
      node = &(*node)[index];
    } else {
      return nullptr;
    }
  }
  return node;
}

std::string RenderTemplate(std::string_view text, const OrderedJson& context) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto open = text.find("{{", pos);
    if (open == std::string_view::npos) break;
    const auto close = text.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    out.append(text.substr(pos, open - pos));
    std::string_view expr = Trim(text.substr(open + 2, close - open - 2));
    const auto bar = expr.find('|');
    const std::string_view path = Trim(expr.substr(0, bar));
    const OrderedJson* value = LookupPath(context, path);
    std::string rendered = Print(value);
    if (bar != std::string_view::npos) {
      std::string_view filters = expr.substr(bar + 1);
      while (!filters.empty()) {
        const auto next = filters.find('|');
        const std::string_view filter = Trim(filters.substr(0, next));
        if (filter == "urlencode") {
          rendered = sim::PercentEncode(rendered);
        } else if (filter == "tojson") {
          rendered = value != nullptr ? value->dump(-1, ' ', false, kReplaceInvalidUtf8) : "null";
        }
        filters = next == std::string_view::npos ? std::string_view{} : filters.substr(next + 1);
      }
    }
    out += rendered;
    pos = close + 2;
  }
  out.append(text.substr(pos));
  return out;
}

bool IsWholeContextForm(std::string_view form) {
  form = Trim(form);
  if (!form.starts_with("{{") || !form.ends_with("}}")) return false;
  return Trim(form.substr(2, form.size() - 4)) == "context";
}

}  // namespace rh::mocks::gorgias
