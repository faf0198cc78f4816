#!/usr/bin/python3
"""Generates benchmark workflows of a given shape and size (independent, chain, layered, random),
as a baton workflow (YAML or JSON) or as the same DAG for peers (Makefile, build.ninja, a list).
Standard library only; a 1,000,000-task workflow is written in a few seconds."""

import argparse
import gc
import json
import math
import random
import re
import shlex
import sys

SHAPES = ("independent", "chain", "layered", "random")
FORMATS = ("yaml", "json", "make", "ninja", "list", "deps")


class Leaf:
    __slots__ = ("id", "needs")

    def __init__(self, id_, needs=()):
        self.id = id_
        self.needs = needs


class Group:
    __slots__ = ("id", "needs", "tasks")

    def __init__(self, id_, needs, tasks):
        self.id = id_
        self.needs = needs
        self.tasks = tasks


def leaf_ids(n):
    """Zero-padded ids, so that lexical order is file order."""
    width = max(6, len(str(n - 1)))
    return [f"t{i:0{width}d}" for i in range(n)]


def independent(n, _args):
    return [Leaf(i) for i in leaf_ids(n)]


def chain(n, _args):
    ids = leaf_ids(n)
    return [Leaf(ids[0])] + [Leaf(ids[i], (ids[i - 1],)) for i in range(1, n)]


def layered(n, args):
    """L = round(N/W) groups l<k> joined by L-1 tasks j<k>; the other N-(L-1) tasks are spread
    evenly over the layers, so the total is exactly N and a layer holds about W tasks."""
    width = args.width or max(1, round(math.sqrt(n)))
    layers = max(1, min(round(n / width), (n + 1) // 2))
    per_layer, extra = divmod(n - (layers - 1), layers)
    ids = iter(leaf_ids(n - (layers - 1)))
    nodes = []
    for k in range(layers):
        size = per_layer + (1 if k < extra else 0)
        needs = (f"j{k - 1}",) if k > 0 else ()
        nodes.append(Group(f"l{k}", needs, [Leaf(next(ids)) for _ in range(size)]))
        if k < layers - 1:
            nodes.append(Leaf(f"j{k}", (f"l{k}",)))
    return nodes


def random_dag(n, args):
    """Task i needs k distinct earlier tasks, k uniform in 0..min(3, i)."""
    # random() rather than sample()/randint(): 4x faster, and uniform enough for i < 2^53.
    draw = random.Random(args.seed).random
    ids = leaf_ids(n)
    nodes = [Leaf(ids[0])]
    for i in range(1, n):
        count = int(draw() * (min(3, i) + 1))
        if count <= 1:  # the common cases, without a set
            needs = (ids[int(draw() * i)],) if count else ()
        else:
            picks = set()
            while len(picks) < count:
                picks.add(int(draw() * i))
            needs = tuple([ids[p] for p in sorted(picks)])
        nodes.append(Leaf(ids[i], needs))
    return nodes


BUILDERS = {"independent": independent, "chain": chain, "layered": layered, "random": random_dag}

# A YAML plain scalar that stays a string: no flow indicators, not a bool/null/number.
PLAIN = re.compile(r"(/|\./|[A-Za-z_])[A-Za-z0-9_./+-]*\Z")
RESERVED = {"true", "false", "yes", "no", "on", "off", "y", "n", "null"}


def yaml_scalar(s):
    if PLAIN.match(s) and s.lower() not in RESERVED:
        return s
    return json.dumps(s)  # a JSON string is a valid YAML double-quoted scalar


def command_fields(command):
    """The leaf's command as (key, value): `run` for one word, else `argv` split as sh would."""
    if len(command.split()) <= 1:
        return "run", command
    return "argv", shlex.split(command)


def write_yaml(out, name, nodes, command):
    key, value = command_fields(command)
    if key == "run":
        cmd = f"run: {yaml_scalar(value)}"
    else:
        cmd = "argv: [" + ", ".join(yaml_scalar(a) for a in value) + "]"

    def leaf(node, indent):
        needs = f", needs: [{', '.join(node.needs)}]" if node.needs else ""
        return f"{indent}- {{id: {node.id}, {cmd}{needs}}}\n"

    out.write(f"name: {name}\nconcurrency: 2\ntasks:\n")
    for node in nodes:
        if isinstance(node, Leaf):
            out.write(leaf(node, "  "))
            continue
        out.write(f"  - id: {node.id}\n")
        if node.needs:
            out.write(f"    needs: [{', '.join(node.needs)}]\n")
        out.write("    tasks:\n")
        out.write("".join(leaf(child, "      ") for child in node.tasks))


def write_json(out, name, nodes, command):
    key, value = command_fields(command)
    cmd = f'"{key}": {json.dumps(value)}'

    def needs(node):
        return ', "needs": [' + ", ".join(f'"{r}"' for r in node.needs) + "]" if node.needs else ""

    def leaf(node):
        return f'{{"id": "{node.id}", {cmd}{needs(node)}}}'

    def any_node(node):
        if isinstance(node, Leaf):
            return leaf(node)
        children = ",\n  ".join(leaf(c) for c in node.tasks)
        return f'{{"id": "{node.id}"{needs(node)}, "tasks": [\n  {children}]}}'

    out.write(f'{{"name": {json.dumps(name)}, "concurrency": 2, "tasks": [\n')
    out.write(",\n".join(any_node(node) for node in nodes))
    out.write("\n]}\n")


def flat(nodes):
    """(target, prerequisites, is_task) in file order; a group becomes an alias of its tasks and
    its needs go to each of its tasks, which is what the group's `needs` means in baton."""
    for node in nodes:
        if isinstance(node, Leaf):
            yield node.id, node.needs, True
            continue
        for child in node.tasks:
            yield child.id, node.needs + child.needs, True
        yield node.id, tuple(c.id for c in node.tasks), False


def chunks(words, size=64):
    return (words[i:i + size] for i in range(0, len(words), size))


def write_make(out, name, nodes, command):
    recipe = command.replace("$", "$$")
    out.write(f"# {name}: run with make -j2 -s -f FILE\n")
    out.write(".DEFAULT_GOAL := all\nMAKEFLAGS += --no-builtin-rules\n.SUFFIXES:\n")
    targets, tasks = ["all"], []
    for target, prereqs, is_task in flat(nodes):
        targets.append(target)
        out.write(f"{target}: {' '.join(prereqs)}\n".replace(" \n", "\n"))
        if is_task:
            tasks.append(target)
            out.write(f"\t{recipe}\n")
    for words in chunks(targets):
        out.write(f".PHONY: {' '.join(words)}\n")
    for words in chunks(tasks):
        out.write(f"all: {' '.join(words)}\n")


def write_ninja(out, name, nodes, command):
    # Outputs are never created, so every task is dirty and runs once per invocation.
    out.write(f"# {name}: run with ninja -f FILE -j2\n")
    out.write(f"rule run\n  command = {command.replace('$', '$$')}\n\n")
    tasks = []
    for target, prereqs, is_task in flat(nodes):
        rule = "run" if is_task else "phony"
        out.write(f"build {target}: {rule} {' '.join(prereqs)}\n".replace(" \n", "\n"))
        if is_task:
            tasks.append(target)
    lines = " $\n    ".join(" ".join(words) for words in chunks(tasks))
    out.write(f"\nbuild all: phony {lines}\ndefault all\n")


def write_list(out, _name, nodes, command):
    out.write("".join(f"{command}\n" for _, _, is_task in flat(nodes) if is_task))


def write_deps(out, _name, nodes, _command):
    """For bench/dag_limit.c: a line per task in file order, the 0-based lines of the tasks it
    needs (a group stands for its tasks), blank-separated; an empty line needs nothing."""
    line_of, members = {}, {}
    for target, prereqs, is_task in flat(nodes):
        if is_task:
            line_of[target] = len(line_of)
            members[target] = (line_of[target],)
        else:
            members[target] = tuple(i for p in prereqs for i in members[p])
    for target, prereqs, is_task in flat(nodes):
        if is_task:
            out.write(" ".join(str(i) for p in prereqs for i in members[p]) + "\n")


WRITERS = {"yaml": write_yaml, "json": write_json, "make": write_make, "ninja": write_ninja,
           "list": write_list, "deps": write_deps}


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("shape", choices=SHAPES)
    parser.add_argument("n", type=int, metavar="N", help="number of tasks (leaves)")
    parser.add_argument("--seed", type=int, default=1, help="random shape seed (default 1)")
    parser.add_argument("--width", type=int,
                        help="layered: tasks per layer (default round(sqrt(N)))")
    parser.add_argument("--command", default="/bin/true", help="every task's command")
    parser.add_argument("--format", choices=FORMATS, default="yaml")
    parser.add_argument("-o", "--output", help="output file (default stdout)")
    args = parser.parse_args()
    if args.n < 1:
        parser.error("N must be at least 1")
    if args.width is not None and args.width < 1:
        parser.error("--width must be at least 1")
    args.command = args.command.strip()
    if not args.command:
        parser.error("--command must not be empty")
    if args.format == "list" and args.shape != "independent":
        print(f"gen_workflow: list drops the dependencies of '{args.shape}' "
              "(its file order is still a valid sequential order)", file=sys.stderr)

    gc.disable()  # millions of small objects and no cycles: collection would only cost time
    nodes = BUILDERS[args.shape](args.n, args)
    name = f"bench-{args.shape}-{args.n}"
    out = open(args.output, "w", buffering=1 << 20) if args.output else sys.stdout
    with out:
        WRITERS[args.format](out, name, nodes, args.command)


if __name__ == "__main__":
    main()
