#!/usr/bin/python3
"""Checks real JSON reports against src/report/report.schema.json (SPEC 8).

Usage: check_report_schema.py BATON_BINARY REPO_ROOT

Runs baton on the examples (examples/order-saga.yaml also with a failing step, which rolls it
back, and with a failing capture, which opens a breaker) and on a few workflows of its own (a
failed run whose steps were skipped and cancelled, a fan-out over another task's output), each
in a fresh state folder; then checks that the schema is a valid JSON Schema draft 2020-12, that
every report.json the runs left in their folders and every `baton report --format json`
conforms, including the report of a run still going and of one whose baton was killed, and that
documents broken on purpose do not. Prints one line per report and `N passed, M failed`; exits 1
on any failure, 2 on bad usage.
"""

import copy
import json
import os
import pathlib
import signal
import subprocess
import sys
import tempfile
import time

import jsonschema

WORKFLOWS = {
    "failed.yaml": """name: failed
failure_mode: stop
tasks:
  - { id: a, run: "exit 3", retry: { strategy: immediate, max_attempts: 2 } }
  - { id: b, needs: a, run: "true" }
  - { id: slow, run: "sleep 0.3" }
  - { id: later, needs: slow, run: "true" }
""",
    "fan.yaml": """name: fan
tasks:
  - id: list
    outputs: [items]
    run: echo 'items=["x", "y"]' >> "$BATON_OUTPUT"
  - id: each
    foreach: { from: list, output: items }
    tasks:
      - { id: one, argv: [echo, "${{ item }}"] }
      - { id: two, needs: one, run: "true" }
  - { id: merge, needs: each, run: "true" }
""",
    "gate.yaml": """name: gate
tasks:
  - { id: build, run: "true" }
  - { id: ship, needs: build, approval: true }
""",
    "sleeper.yaml": """name: sleeper
tasks:
  - { id: quick, run: "true" }
  - { id: sleeper, run: "exec sleep 30" }
""",
}


def run(argv, env=None, check=False):
    result = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
    if check and result.returncode != 0:
        raise RuntimeError(f"{argv}: exit {result.returncode}\n{result.stdout}{result.stderr}")
    return result


def report_of(baton, state):
    out = run([baton, "report", "last", "--format", "json", "--state", str(state)], check=True)
    return json.loads(out.stdout)


def wait_until(predicate, seconds=20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def finished_runs(baton, root, scratch):
    """(name, report) for every finished run: what `baton report` says and report.json."""
    examples = [(p.stem, p, []) for p in sorted((root / "examples").glob("*.yaml"))]
    examples += [
        ("order-saga FAIL_AT=dispatch", root / "examples/order-saga.yaml",
         ["--set", "env.FAIL_AT=dispatch"]),
        ("order-saga FAIL_AT=capture", root / "examples/order-saga.yaml",
         ["--set", "env.FAIL_AT=capture"]),
    ]
    for name in ("failed.yaml", "fan.yaml"):
        path = scratch / name
        path.write_text(WORKFLOWS[name], encoding="utf-8")
        examples.append((name, path, []))
    reports = []
    for i, (name, path, args) in enumerate(examples):
        state = scratch / f"state-{i}"
        run([baton, "run", str(path), "--state", str(state), "--progress", "none", "--quiet"] + args)
        reports.append((f"{name}: baton report", report_of(baton, state)))
        for written in sorted(state.glob("runs/*/report.json")):
            reports.append((f"{name}: report.json", json.loads(written.read_text(encoding="utf-8"))))
    return reports


def live_and_crashed_runs(baton, scratch):
    """The report of a run waiting at a gate (still going) and of one whose baton was killed."""
    reports = []
    for name, how in (("gate.yaml", "live"), ("sleeper.yaml", "crashed")):
        path = scratch / name
        path.write_text(WORKFLOWS[name], encoding="utf-8")
        state = scratch / f"state-{how}"
        process = subprocess.Popen([baton, "run", str(path), "--state", str(state),
                                    "--progress", "none"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            def reached():
                # The store may exist a moment before the run is recorded in it.
                out = run([baton, "report", "last", "--format", "json", "--state", str(state)])
                if out.returncode != 0:
                    return False
                tasks = json.loads(out.stdout)["tasks"]
                return any(t["status"] in ("waiting", "running") and t["path"] in ("ship", "sleeper")
                           for t in tasks)
            if not wait_until(reached):
                raise RuntimeError(f"{name}: the run never reached its gate or its sleeper")
            if how == "crashed":
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=10)
            document = report_of(baton, state)
            if how == "crashed" and not wait_until(
                    lambda: report_of(baton, state)["run"]["interrupted"], 10):
                raise RuntimeError(f"{name}: the report does not say the run was interrupted")
            if how == "crashed":
                document = report_of(baton, state)
            reports.append((f"{name}: {how}", document))
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=10)
            # Whatever the killed baton left running (its sleeper) goes with a cancel.
            run([baton, "cancel", "last", "--state", str(state)])
    return reports


def broken(document):
    """Copies of a real report, each broken in one way the schema must catch."""
    cases = []
    missing = copy.deepcopy(document)
    del missing["run"]["id"]
    cases.append(("run.id missing", missing))
    bad_time = copy.deepcopy(document)
    bad_time["run"]["started"] = "2026-01-02 03:04:05"
    cases.append(("a time that is not RFC 3339 with milliseconds", bad_time))
    bad_state = copy.deepcopy(document)
    bad_state["tasks"][0]["status"] = "done"
    cases.append(("a task state SPEC 2.4 does not name", bad_state))
    percent = copy.deepcopy(document)
    percent["metrics"]["peak_parallelism"] = -1
    cases.append(("a negative count", percent))
    return cases


def main(args):
    if len(args) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    baton, root = args[0], pathlib.Path(args[1])
    schema = json.loads((root / "src/report/report.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="baton-report-schema-") as tmp:
        scratch = pathlib.Path(tmp)
        os.environ.setdefault("TMPDIR", tmp)
        reports = finished_runs(baton, root, scratch) + live_and_crashed_runs(baton, scratch)
        for name, document in reports:
            errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
            if errors:
                failed += 1
                print(f"FAIL {name}")
                for error in errors[:10]:
                    where = "/".join(str(p) for p in error.path)
                    print(f"     {where}: {error.message}")
            else:
                passed += 1
                print(f"ok   {name}")
        for why, document in broken(reports[0][1]):
            if validator.is_valid(document):
                failed += 1
                print(f"FAIL the schema accepts a report with {why}")
            else:
                passed += 1
                print(f"ok   rejected: {why}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
