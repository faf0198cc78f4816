#!/usr/bin/env python3
"""Reads `perf script` output of the sched_process_fork, _exec and _exit tracepoints of one run
and prints, for the tasks the traced program started (children that exec'd): the hand-off (from
one task's exit to the next task's fork, each exit matched to the first fork after it, in
order) and the task's lifetime (fork to exit), as percentiles in µs; the span from the first
task's fork to the last task's exit; and what the program spends alone before and after it:
from its exec to the first fork (reading the workflow, opening the store) and from the last
exit to its own (the reports). Standard library only.

Usage: bench/handoff.py SHAPE TOOL ROUND PERF_SCRIPT_FILE [TSV]   (one run: a table row; with
       TSV, its numbers are also appended there)
       bench/handoff.py --summary TSV   (per shape, medians over the rounds: the steady state of
       each tool, baton against the limits, and baton's time alone before and after it)"""

import re
import statistics
import sys

EVENT = re.compile(r"\[(\d+)\]\s+([\d.]+): sched:(sched_process_\w+): (.*)")
CHILD = re.compile(r"child_pid=(\d+)")
PID = re.compile(r" pid=(\d+)")


def percentiles(values):
    values = sorted(values)
    n = len(values)
    if n == 0:
        return "n=0"
    at = lambda q: values[min(n - 1, int(q * n))] * 1e6
    return (f"n={n} p10={at(0.10):.0f} p50={at(0.50):.0f} p90={at(0.90):.0f} "
            f"mean={statistics.mean(values) * 1e6:.0f}")


def summary(tsv):
    runs = {}  # (shape, tool) -> [[span, before, after, mean hand-off], ...], one per round
    with open(tsv, encoding="utf-8") as lines:
        for line in lines:
            shape, tool, _, *numbers = line.split("\t")
            runs.setdefault((shape, tool), []).append([float(x) for x in numbers])
    median = lambda shape, tool, i: statistics.median(run[i] for run in runs[(shape, tool)])
    batons = [t for t in ("baton", "baton_b") if any(tool == t for _, tool in runs)]
    names = " / ".join(["limit", "+ logs"] + batons)
    which = " / ".join(batons)
    print(f"| shape | steady state, s: {names} | {which} ÷ limit + logs | {which} ÷ limit "
          f"| hand-off, mean µs: {names} | {which} before, ms | {which} after, ms |")
    print("| ----- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for shape in dict.fromkeys(shape for shape, _ in runs):
        tools = ["limit", "logs"] + batons
        if any((shape, t) not in runs for t in tools):
            continue
        span = {t: median(shape, t, 0) for t in tools}
        cells = [
            [f"{span[t]:.3f}" for t in tools],
            [f"{span[b] / span['logs']:.2f}" for b in batons],
            [f"{span[b] / span['limit']:.2f}" for b in batons],
            [f"{median(shape, t, 3):.0f}" for t in tools],
            [f"{median(shape, b, 1):.0f}" for b in batons],
            [f"{median(shape, b, 2):.0f}" for b in batons],
        ]
        print(f"| {shape} | " + " | ".join(" / ".join(cell) for cell in cells) + " |")


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--summary":
        summary(sys.argv[2])
        return
    if len(sys.argv) not in (5, 6):
        sys.exit(__doc__)
    shape, tool, round_, path = sys.argv[1:5]
    tsv = sys.argv[5] if len(sys.argv) == 6 else None
    label = f"{shape} {tool}, round {round_}"
    forks, execs, exits = {}, set(), {}
    program, program_exec = None, None
    with open(path, encoding="utf-8", errors="replace") as lines:
        for line in lines:
            m = EVENT.search(line)
            if not m:
                continue
            at, kind, rest = float(m[2]), m[3], m[4]
            if kind == "sched_process_fork":
                forks[int(CHILD.search(rest)[1])] = at
            elif kind == "sched_process_exec":
                pid = int(PID.search(rest)[1])
                execs.add(pid)
                if program is None:  # perf's own child, exec'ing the traced program.
                    program, program_exec = pid, at
            elif kind == "sched_process_exit":
                exits[int(PID.search(rest)[1])] = at
    # A task is a child that exec'd: the program's own threads are forks too, but never exec.
    tasks = [pid for pid in forks if pid in execs and pid in exits and pid != program]
    events = sorted([(forks[pid], 0) for pid in tasks] + [(exits[pid], 1) for pid in tasks])
    lifetime = [exits[pid] - forks[pid] for pid in tasks]
    handoff, exits_waiting = [], []
    for at, is_exit in events:
        if is_exit:
            exits_waiting.append(at)
        elif exits_waiting:
            handoff.append(at - exits_waiting.pop(0))
    span = (events[-1][0] - events[0][0]) if events else 0.0
    before = (events[0][0] - program_exec) * 1e3 if events and program_exec else 0.0
    after = (exits[program] - events[-1][0]) * 1e3 if events and program in exits else 0.0
    print(f"| {label} | {percentiles(handoff)} | {percentiles(lifetime)} | {span:.3f} "
          f"| {before:.0f} | {after:.0f} |")
    if tsv and handoff:
        with open(tsv, "a", encoding="utf-8") as out:
            mean = statistics.mean(handoff) * 1e6
            out.write(f"{shape}\t{tool}\t{round_}\t{span}\t{before}\t{after}\t{mean}\n")


if __name__ == "__main__":
    main()
