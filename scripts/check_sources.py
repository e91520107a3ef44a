#!/usr/bin/env python3
"""The house rules of STYLE.md and DESIGN.md, checked on the C++ sources (in the spirit of Envoy's
format checks). Run by CTest (label `unit`); Python 3 standard library only.

Three rules, each reported as `path:line: rule: message`:

  time-and-randomness  Outside sim/, nothing reads the machine's clocks, sleeps or makes its own
                       randomness: no system_clock/steady_clock/high_resolution_clock ::now, no
                       sleep_for/sleep_until/usleep, no random_device, rand(, srand,
                       std::*_distribution or std::shuffle. Code takes a Clock& and an Rng.
  dependency-direction Includes follow DESIGN.md's arrows: sim and config (the bottom libraries)
                       include only themselves; mocks only sim, config and mocks; pipeline only
                       sim, config and pipeline; harness anything below it; reports only
                       harness's result types (harness/run_result.h,
                       harness/compare_result.h, harness/load_result.h), sim and reports.
  long-function        A function body longer than --max-lines (120) lines wants one function
                       per step (STYLE.md "Functions, stages and seams"). Found by matching
                       braces in the source with comments and literals blanked: a heuristic.

Exceptions live in the allowlist (scripts/source_check_allowlist.txt), one per line, each with
the reason it is allowed:

  rule | path glob | what | reason

`what` is the function's name for long-function (as reported), the included path (glob) for
dependency-direction, and `*` for time-and-randomness. An entry that no longer matches anything
is reported as stale (a note, not a failure: whoever split the function deletes the line).

Exit status: 0 when clean, 1 on a violation, 2 on a bad allowlist or arguments.
"""

import argparse
import fnmatch
import os
import re
import sys

CODE_FOLDERS = ("sim", "config", "mocks", "pipeline", "harness", "reports", "apps", "bench", "tests")
SOURCE_SUFFIXES = (".cc", ".h", ".cpp", ".hpp")
LAYERS = ("sim", "config", "mocks", "pipeline", "harness", "reports")

# Which top folders each folder's files may include (DESIGN.md "Layout and dependency direction").
# apps, bench and tests wire or test everything and may include anything.
ALLOWED_INCLUDES = {
    "sim": {"sim"},
    "config": {"config"},
    "mocks": {"sim", "config", "mocks"},
    "pipeline": {"sim", "config", "pipeline"},
    "harness": {"sim", "config", "mocks", "pipeline", "harness", "rehearsal"},
    "reports": {"reports", "harness/run_result.h", "harness/compare_result.h", "harness/load_result.h", "sim"},
}

FORBIDDEN_CALLS = [
    (re.compile(r"\b(system_clock|steady_clock|high_resolution_clock)\s*::\s*now\b"), "reads the machine's clock"),
    (re.compile(r"\b(sleep_for|sleep_until|usleep)\b"), "sleeps"),
    (re.compile(r"\brandom_device\b"), "draws private randomness"),
    (re.compile(r"(?<![\w.>:])s?rand\s*\("), "draws private randomness"),
    (re.compile(r"\bstd\s*::\s*\w+_distribution\b"), "uses a standard distribution (differs between libraries)"),
    (re.compile(r"\bstd\s*::\s*(shuffle|random_shuffle)\b"), "shuffles with the standard library"),
]

CONTROL_WORDS = re.compile(r"^\s*(if|for|while|switch|catch|do|else|try|return)\b")
SCOPE_WORDS = re.compile(r"^\s*(template\s*<.*>\s*)?(export\s+)?(namespace|class|struct|union|enum|extern)\b", re.S)
TEST_MACROS = {"TEST", "TEST_F", "TEST_P", "TYPED_TEST", "RC_GTEST_PROP", "RC_GTEST_FIXTURE_PROP", "BENCHMARK"}


def blank_comments_and_literals(text):
    """The source with comments, string and character literals replaced by spaces, newlines kept,
    so line numbers still match. Handles raw strings and digit separators (200'000)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        nxt = text[i + 1] if i + 1 < n else ""
        if c == "/" and nxt == "/":
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c == "/" and nxt == "*":
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "R" and nxt == '"' and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            m = re.match(r'R"([^(\s]*)\(', text[i:])
            if not m:
                out.append(c)
                i += 1
                continue
            end = text.find(")" + m.group(1) + '"', i)
            j = n if end < 0 else end + len(m.group(1)) + 2
            out.append('"' + re.sub(r"[^\n]", " ", text[i + 1:j - 1]) + '"')
            i = j
        elif c == '"' or (c == "'" and not (i > 0 and text[i - 1].isdigit())):
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + " " * max(0, j - i - 2) + (c if j - i >= 2 else ""))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def blank_preprocessor(code):
    """Preprocessor lines (and their continuations) blanked: they hold no function bodies."""
    lines = code.split("\n")
    continuing = False
    for k, line in enumerate(lines):
        if continuing or line.lstrip().startswith("#"):
            continuing = line.rstrip().endswith("\\")
            lines[k] = ""
    return "\n".join(lines)


def function_name(header):
    """The name a function definition's header gives it ("Pipeline::Drain", "TEST(A, B)")."""
    depth = 0
    for k, c in enumerate(header):
        if c == "(" and depth == 0:
            before = header[:k].rstrip()
            m = re.search(r"(operator\s*\S+|[~\w:]+(?:<[^()]*>)?)\s*$", before)
            name = m.group(1) if m else before.split()[-1] if before.split() else "?"
            if name in TEST_MACROS:
                close = header.find(")", k)
                return name + header[k:close + 1]
            return re.sub(r"\s+", "", name)
        if c in "<[":
            depth += 0  # templates and attributes may hold parentheses only inside the name's args
    return "?"


def is_function_header(header):
    flat = re.sub(r"\s+", " ", header).strip()
    if not flat or "(" not in flat or ")" not in flat:
        return False
    if CONTROL_WORDS.match(flat) or SCOPE_WORDS.match(flat):
        return False
    # A variable initialised with braces (`auto x = f({...})`, `T kTable = {`): an `=` outside
    # parentheses that is no comparison or operator.
    depth = 0
    for k, c in enumerate(flat):
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "=" and depth == 0 and "operator" not in flat[max(0, k - 12):k]:
            neighbours = flat[k - 1:k] + flat[k + 1:k + 2]
            if "=" not in neighbours and "!" not in neighbours and "<" not in neighbours and ">" not in neighbours:
                return False
    return True


def long_functions(code, max_lines):
    """(name, first line, lines) of every function body longer than `max_lines`."""
    found = []
    stack = []  # per open brace: ("scope" | "function" | "block" | "init", start line)
    header = []
    header_line = None
    line = 1
    in_function = 0
    for c in code:
        if c == "\n":
            line += 1
        if in_function:
            if c == "{":
                stack.append(("block", line))
            elif c == "}":
                kind, start = stack.pop()
                if kind == "function":
                    in_function = 0
                    length = line - start + 1
                    if length > max_lines:
                        found.append((fn_name, fn_line, length))
                    header, header_line = [], None
            continue
        if c == "{":
            text = "".join(header)
            stripped = text.rstrip()
            if re.search(r"[,:]\s*[\w:<>]+$", stripped) and ")" in stripped and not SCOPE_WORDS.match(stripped):
                # A member initialised with braces in a constructor's initialiser list.
                stack.append(("init", line))
                header.append(c)
                continue
            if is_function_header(text):
                stack.append(("function", line))
                in_function = 1
                fn_name = function_name(text)
                fn_line = header_line or line
            else:
                stack.append(("scope", line))
                header, header_line = [], None
        elif c == "}":
            if stack:
                kind, _ = stack.pop()
                if kind == "init":
                    header.append(c)
                    continue
            header, header_line = [], None
        elif c == ";":
            header, header_line = [], None
        else:
            if header_line is None and not c.isspace():
                header_line = line
            header.append(c)
    return found


def read_allowlist(path):
    entries = []
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, 1):
            text = raw.strip()
            if not text or text.startswith("#"):
                continue
            parts = [p.strip() for p in text.split("|")]
            if len(parts) != 4 or not all(parts):
                sys.stderr.write(f"{path}:{number}: expected 'rule | path glob | what | reason', each non-empty\n")
                sys.exit(2)
            if parts[0] not in ("time-and-randomness", "dependency-direction", "long-function"):
                sys.stderr.write(f"{path}:{number}: unknown rule '{parts[0]}'\n")
                sys.exit(2)
            entries.append({"rule": parts[0], "path": parts[1], "what": parts[2], "reason": parts[3],
                            "where": f"{path}:{number}", "used": False})
    return entries


def allowed(entries, rule, path, what):
    for e in entries:
        if e["rule"] == rule and fnmatch.fnmatch(path, e["path"]) and fnmatch.fnmatch(what, e["what"]):
            e["used"] = True
            return True
    return False


def source_files(root):
    for folder in CODE_FOLDERS:
        base = os.path.join(root, folder)
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(d for d in dirnames if d not in ("node_modules", "build"))
            for name in sorted(filenames):
                if name.endswith(SOURCE_SUFFIXES):
                    full = os.path.join(dirpath, name)
                    yield os.path.relpath(full, root).replace(os.sep, "/"), full


def include_allowed(folder, included):
    if folder not in ALLOWED_INCLUDES:
        return True
    top = included.split("/", 1)[0]
    if top not in LAYERS:
        return True  # the folder's own relative include, or a library
    rules = ALLOWED_INCLUDES[folder]
    return top in rules or included in rules


def check(root, allowlist, max_lines):
    violations = []
    entries = read_allowlist(allowlist) if allowlist else []
    for rel, full in source_files(root):
        with open(full, encoding="utf-8", errors="replace") as f:
            text = f.read()
        folder = rel.split("/", 1)[0]
        raw_lines = text.split("\n")
        for number, raw in enumerate(raw_lines, 1):
            m = re.match(r'\s*#\s*include\s*"([^"]+)"', raw)
            if m and not include_allowed(folder, m.group(1)):
                if not allowed(entries, "dependency-direction", rel, m.group(1)):
                    violations.append(f"{rel}:{number}: dependency-direction: {folder}/ includes \"{m.group(1)}\", "
                                      f"against DESIGN.md's arrows")
        code = blank_comments_and_literals(text)
        if folder != "sim":
            for number, line in enumerate(code.split("\n"), 1):
                for pattern, what in FORBIDDEN_CALLS:
                    m = pattern.search(line)
                    if m and not allowed(entries, "time-and-randomness", rel, "*"):
                        violations.append(f"{rel}:{number}: time-and-randomness: '{m.group(0).strip()}' {what} "
                                          f"outside sim/ (take a Clock& or an Rng&)")
        for name, first, length in long_functions(blank_preprocessor(code), max_lines):
            if not allowed(entries, "long-function", rel, name):
                violations.append(f"{rel}:{first}: long-function: {name} is {length} lines (over {max_lines}): "
                                  f"one function per step")
    stale = [e for e in entries if not e["used"]]
    return violations, stale


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", default=os.path.dirname(here), help="the source tree (default: this repository)")
    parser.add_argument("--allowlist", default=None,
                        help="exceptions file (default: scripts/source_check_allowlist.txt under the root, if any)")
    parser.add_argument("--max-lines", type=int, default=120, help="longest function body allowed, in lines")
    args = parser.parse_args()
    allowlist = args.allowlist
    if allowlist is None:
        candidate = os.path.join(args.root, "scripts", "source_check_allowlist.txt")
        allowlist = candidate if os.path.exists(candidate) else ""
    violations, stale = check(args.root, allowlist, args.max_lines)
    for e in stale:
        print(f"{e['where']}: note: allowlist entry matches nothing now ({e['rule']} {e['path']} {e['what']}): "
              f"delete it")
    for v in violations:
        print(v)
    if violations:
        print(f"{len(violations)} violation(s) of the house rules; fix them, or allowlist one with its reason in "
              f"{allowlist or 'scripts/source_check_allowlist.txt'}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
