#!/usr/bin/env python3
"""Goal: show that `rehearse run` rehearses a pipeline that runs outside the process
(docs/ANY-PIPELINE.md), with real processes over loopback:

  python-passes      the Python example passes the scenarios its README claims (--pipeline-cmd);
  python-bug-caught  the example broken on purpose (EXAMPLE_PIPELINE_BUG) fails, exit 1, and the
                     oracle that catches it is named in the output;
  python-compare     `rehearse compare --pipeline-cmd A --pipeline-cmd B`: the example against itself
                     broken (double-reply) names the oracles that now fail and exits 1;
  reference-url      the reference pipeline as a process (`rehearse pipeline`), already running,
                     passes the same scenarios through --pipeline-url and --mock-ports (started
                     afresh per scenario: it keeps its state in its decision log).

Usage: outside_pipeline_test.py REHEARSE SOURCE_DIR CASE
"""

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time


def claimed_scenarios(source):
    """The scenarios examples/python-pipeline/README.md claims, between its markers."""
    with open(os.path.join(source, "examples/python-pipeline/README.md"), encoding="utf-8") as f:
        text = f.read()
    block = text.split("<!-- claimed-scenarios -->")[1].split("<!-- /claimed-scenarios -->")[0]
    return [os.path.join(source, path) for path in re.findall(r"`(scenarios/[^`]+\.yaml)`", block)]


def run(args, env=None, timeout=120):
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout)
    print(done.stdout, end="")
    print(done.stderr, end="", file=sys.stderr)
    return done


def python_command(source):
    return f"python3 {os.path.join(source, 'examples/python-pipeline/pipeline.py')}"


def python_passes(rehearse, source):
    scenarios = claimed_scenarios(source)
    assert len(scenarios) >= 4, f"the README claims too few scenarios: {scenarios}"
    done = run([rehearse, "run", "--pipeline-cmd", python_command(source), *scenarios])
    assert done.returncode == 0, f"expected every claimed scenario to pass, exit {done.returncode}"
    assert "pipeline command: python3" in done.stderr, "the output should say which pipeline ran"
    return 0


def python_bug_caught(rehearse, source):
    scenario = os.path.join(source, "scenarios/workflows/wismo-healthy.yaml")
    env = dict(os.environ, EXAMPLE_PIPELINE_BUG="invented-tracking")
    done = run([rehearse, "run", "--pipeline-cmd", python_command(source), scenario], env=env)
    assert done.returncode == 1, f"expected exit 1 for the broken pipeline, got {done.returncode}"
    assert re.search(r"I9 fired: .*unknown_tracking", done.stderr), "I9 should name the invented tracking number"
    return 0


def python_compare(rehearse, source):
    scenario = os.path.join(source, "scenarios/workflows/wismo-healthy.yaml")
    command = python_command(source)
    done = run([rehearse, "compare", "--pipeline-cmd", command, "--pipeline-cmd",
                f"EXAMPLE_PIPELINE_BUG=double-reply {command}", scenario])
    assert done.returncode == 1, f"expected exit 1 (B is worse), got {done.returncode}"
    assert "I7 now FAILS" in done.stdout, "the comparison should name I7, the double reply"
    return 0


def free_ports(n):
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def start_reference_pipeline(rehearse, source, folder, url, mock_ports):
    exports = run([rehearse, "run", "--print-env", "--pipeline-url", url, "--mock-ports", mock_ports]).stdout
    env = dict(os.environ)
    for name, value in re.findall(r"^export (\w+)='([^']*)'$", exports, re.M):
        env[name] = value
    # The in-process harness gives a policy without an assignee the first agent; a process is told.
    first_agent = re.search(r"^# the agents' Gorgias user ids: (\d+)", exports, re.M).group(1)
    with open(os.path.join(source, "scenarios/policies/default.yaml"), encoding="utf-8") as f:
        policy = f.read().replace("default_assignee_user_id: null", f"default_assignee_user_id: {first_agent}")
    with open(os.path.join(folder, "policy.yaml"), "w", encoding="utf-8") as f:
        f.write(policy)
    settings = os.path.join(folder, "pipeline.yaml")
    with open(settings, "w", encoding="utf-8") as f:
        f.write(f"pipeline:\n  policy: {folder}/policy.yaml\n  decision_log: {folder}/decisions.sqlite\n")
    # --follow-date: its calendar follows the mocks' Date headers, which jump with stepped time.
    child = subprocess.Popen([rehearse, "pipeline", "--settings", settings, "--resume-pause-ms", "0", "--follow-date"],
                             env=env,
                             stdout=subprocess.PIPE, text=True)
    line = child.stdout.readline()  # one JSON line once it listens
    assert '"rehearsal":"pipeline"' in line, f"rehearse pipeline did not start: {line!r}"
    return child


def reference_url(rehearse, source):
    for scenario in claimed_scenarios(source):
        with tempfile.TemporaryDirectory() as folder:
            pipeline_port, *mocks = free_ports(5)
            url, mock_ports = f"http://127.0.0.1:{pipeline_port}", ",".join(map(str, mocks))
            child = start_reference_pipeline(rehearse, source, folder, url, mock_ports)
            try:
                report = ["--report", os.environ["OUTSIDE_TEST_REPORT"]] if "OUTSIDE_TEST_REPORT" in os.environ else []
                done = run([rehearse, "run", "--pipeline-url", url, "--mock-ports", mock_ports, *report, scenario])
            finally:
                child.send_signal(signal.SIGTERM)
                child.wait(timeout=30)
            assert done.returncode == 0, f"{scenario}: expected a pass through --pipeline-url, exit {done.returncode}"
            assert "decisions endpoint: " in done.stderr and "not offered" not in done.stderr, \
                "rehearse pipeline offers its decision log"
    return 0


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    rehearse, source, case = sys.argv[1:]
    cases = {"python-passes": python_passes, "python-bug-caught": python_bug_caught, "python-compare": python_compare,
             "reference-url": reference_url}
    started = time.monotonic()
    result = cases[case](rehearse, source)
    print(f"{case}: ok in {time.monotonic() - started:.1f} s")
    return result


if __name__ == "__main__":
    sys.exit(main())
