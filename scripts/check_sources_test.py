#!/usr/bin/env python3
"""Shows that scripts/check_sources.py catches each kind of violation it claims to, names its file
and line, and stays quiet on what only looks like one (comments, strings, the allowlist, sim/).
Each case plants files in a temporary tree and runs the script on it as CTest does."""

import os
import subprocess
import sys
import tempfile
import unittest

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "check_sources.py")


def long_function(name, lines):
    body = "".join(f"  x += {i};\n" for i in range(lines))
    return f"int {name}(int x) {{\n{body}  return x;\n}}\n"


class SourceCheck(unittest.TestCase):
    def run_check(self, files, allowlist=None):
        with tempfile.TemporaryDirectory() as root:
            for path, text in files.items():
                full = os.path.join(root, path)
                os.makedirs(os.path.dirname(full), exist_ok=True)
                with open(full, "w", encoding="utf-8") as f:
                    f.write(text)
            args = [sys.executable, SCRIPT, "--root", root]
            if allowlist is not None:
                path = os.path.join(root, "allow.txt")
                with open(path, "w", encoding="utf-8") as f:
                    f.write(allowlist)
                args += ["--allowlist", path]
            done = subprocess.run(args, capture_output=True, text=True, check=False)
            return done.returncode, done.stdout + done.stderr

    def test_fails_on_a_wall_clock_read_and_names_file_and_line(self):
        rc, out = self.run_check({"pipeline/src/bad.cc": "#include <chrono>\n\nauto t = std::chrono::system_clock::now();\n"})
        self.assertEqual(rc, 1, out)
        self.assertIn("pipeline/src/bad.cc:3: time-and-randomness", out)

    def test_fails_on_sleeps_and_private_randomness(self):
        rc, out = self.run_check({"mocks/src/bad.cc": "void F() {\n  std::this_thread::sleep_for(d);\n  int r = rand();\n"
                                                      "  std::uniform_int_distribution<int> u(1, 6);\n  std::random_device dev;\n}\n"})
        self.assertEqual(rc, 1, out)
        for line in (2, 3, 4, 5):
            self.assertIn(f"mocks/src/bad.cc:{line}: time-and-randomness", out)

    def test_allows_time_in_sim_and_in_comments_and_strings(self):
        rc, out = self.run_check({"sim/src/clock.cc": "auto t = std::chrono::steady_clock::now();\n",
                                  "pipeline/src/ok.cc": "// never system_clock::now here\nconst char* s = \"sleep_for(1)\";\n"
                                                        "auto strand = make_strand(io);\nint n = 200'000;\n"})
        self.assertEqual(rc, 0, out)

    def test_fails_on_an_upward_include(self):
        rc, out = self.run_check({"pipeline/src/bad.cc": "#include \"pipeline/policy.h\"\n#include \"mocks/shopify/shopify_mock.h\"\n",
                                  "sim/src/bad.cc": "#include \"harness/runner.h\"\n",
                                  "config/src/bad.cc": "#include \"config/yaml_reader.h\"\n#include \"sim/time.h\"\n",
                                  "pipeline/src/ok.cc": "#include \"config/yaml_reader.h\"\n",
                                  "reports/src/ok.cc": "#include \"harness/run_result.h\"\n",
                                  "reports/src/bad.cc": "#include \"harness/runner.h\"\n"})
        self.assertEqual(rc, 1, out)
        self.assertIn("pipeline/src/bad.cc:2: dependency-direction", out)
        self.assertIn("sim/src/bad.cc:1: dependency-direction", out)
        self.assertIn("config/src/bad.cc:2: dependency-direction", out)
        self.assertNotIn("config/src/bad.cc:1:", out)
        self.assertNotIn("pipeline/src/ok.cc", out)
        self.assertIn("reports/src/bad.cc:1: dependency-direction", out)
        self.assertNotIn("pipeline/src/bad.cc:1:", out)
        self.assertNotIn("reports/src/ok.cc", out)

    def test_fails_on_a_long_function_and_names_it(self):
        rc, out = self.run_check({"harness/src/bad.cc": "namespace rh {\n\n" + long_function("TooLong", 130) + long_function("Short", 50) + "}\n"})
        self.assertEqual(rc, 1, out)
        self.assertIn("harness/src/bad.cc:3: long-function: TooLong is 133 lines", out)
        self.assertNotIn("Short", out)

    def test_an_allowlist_entry_with_its_reason_lets_one_exception_through(self):
        files = {"harness/src/bad.cc": long_function("TooLong", 130) + long_function("AlsoLong", 130)}
        rc, out = self.run_check(files, "long-function | harness/src/bad.cc | TooLong | to be split\n")
        self.assertEqual(rc, 1, out)
        self.assertNotIn("TooLong is", out)
        self.assertIn("AlsoLong is", out)

    def test_an_allowlist_entry_without_a_reason_is_refused(self):
        rc, out = self.run_check({"harness/src/ok.cc": "int x;\n"}, "long-function | harness/src/ok.cc | F\n")
        self.assertEqual(rc, 2, out)


if __name__ == "__main__":
    unittest.main()
