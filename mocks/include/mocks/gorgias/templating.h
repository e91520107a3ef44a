// The templating of Gorgias HTTP integrations: "{{ticket.id}}" placeholders in the url, header
// values and form, rendered against the trigger's context ({"ticket": ..., "message": ...}).
// Gorgias renders with Jinja (Python), so the mock renders scalars the way Jinja prints Python
// values: strings as they are, numbers in decimal, true/false as "True"/"False", null as
// "None", a missing path as "" (Jinja's undefined). Objects and arrays print as compact JSON
// (Jinja would print a Python repr; nobody should rely on that). Filters: "urlencode" and
// "tojson"; any other filter leaves the value unchanged. Whatever is rendered is a string:
// receivers get "86538298", not 86538298. Pure functions; deterministic.
#pragma once

#include <string>
#include <string_view>

#include "mocks/common/json_http.h"

namespace rh::mocks::gorgias {

// Renders every "{{ expression }}" in `text` against `context`. An expression is a dotted path
// with optional numeric indexes ("ticket.messages.0.body_text" or "ticket.messages[0]") and
// optional "|filter" suffixes. Text outside placeholders is copied unchanged; an unclosed "{{"
// is copied as text.
std::string RenderTemplate(std::string_view text, const OrderedJson& context);

// The value at a dotted path of `context`, or nullptr.
const OrderedJson* LookupPath(const OrderedJson& context, std::string_view path);

// True when `form` is the single placeholder "{{context}}" (spaces allowed), which sends the
// whole context as the JSON body.
bool IsWholeContextForm(std::string_view form);

}  // namespace rh::mocks::gorgias
