#!/usr/bin/env python3
"""Reads `perf script` output of the sched_process_fork, _exec and _exit tracepoints of one run
and prints, for the tasks the traced program started (children that exec'd): the hand-off (from
one task's exit to the next task's fork, each exit matched to the first fork after it, in
order) and the task's lifetime (fork to exit), as percentiles in µs; the span from the first
task's fork to the last task's exit; and what the program spends alone before and after it:
from its exec to the first fork (reading the workflow, opening the store) and from the last
exit to its own (the reports). Standard library only.

Usage: bench/handoff.py LABEL PERF_SCRIPT_FILE"""

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


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    label, path = sys.argv[1], sys.argv[2]
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


if __name__ == "__main__":
    main()
