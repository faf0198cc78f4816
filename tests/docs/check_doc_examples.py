#!/usr/bin/python3
"""Checks that the workflows shown in the documentation are valid.

Usage: check_doc_examples.py BATON_BINARY REPO_ROOT

Finds every fenced ```yaml (or ```yml) block in README.md and docs/*.md that holds a whole
workflow (a top-level `name:` line and a `tasks:` key), writes it to a temporary file and runs
`BATON_BINARY validate` on it. A block shown on purpose as an error is marked by an HTML comment
`<!-- invalid -->` (or `<!-- invalid: why -->`) on the nearest non-blank line above its fence;
it must then be rejected, so that a stale marker is caught too. Fragments (no `name:` or no
`tasks:`) are not checked. baton's diagnostics are printed with the block's own position in
the document (`docs/x.md:LINE:COL`). Prints one line per block and `N passed, M failed`;
exits 1 on any failure, 2 on bad usage.
"""

import pathlib
import re
import subprocess
import sys
import tempfile

FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`\s]*)")
TOP_LEVEL_NAME = re.compile(r"^name\s*:", re.MULTILINE)
TASKS_KEY = re.compile(r"^\s*(?:-\s+)?tasks\s*:", re.MULTILINE)
INVALID_MARK = re.compile(r"^<!--\s*invalid(?::.*)?\s*-->$")


class Block:
    """A fenced code block: where its first content line is (1-based) and what it holds."""

    def __init__(self, doc, first_line, indent, text, marked_invalid):
        self.doc = doc
        self.first_line = first_line
        self.indent = indent  # columns removed from each line (a fence inside a list item)
        self.text = text
        self.marked_invalid = marked_invalid

    @property
    def where(self):
        return f"{self.doc}:{self.first_line - 1}"  # the fence's line, as an editor shows it


def yaml_blocks(root, doc):
    """The ```yaml blocks of one Markdown file, in order (CommonMark fences, up to 3 spaces of
    indentation, which is removed from the content)."""
    lines = (root / doc).read_text(encoding="utf-8").split("\n")
    blocks = []
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        fence, indent = opening["fence"], len(opening["indent"])
        info = opening["info"].lower()
        body, j = [], i + 1
        while j < len(lines):
            closing = FENCE.match(lines[j])
            if (closing and closing["fence"][0] == fence[0] and len(closing["fence"]) >= len(fence)
                    and not closing["info"]):
                break
            body.append(lines[j][indent:] if lines[j][:indent].strip() == "" else lines[j])
            j += 1
        if info in ("yaml", "yml"):
            blocks.append(Block(doc, i + 2, indent, "\n".join(body) + "\n",
                                marked_invalid(lines, i)))
        i = j + 1
    return blocks


def marked_invalid(lines, fence_index):
    """Whether the nearest non-blank line above the fence is an `<!-- invalid -->` comment."""
    k = fence_index - 1
    while k >= 0 and not lines[k].strip():
        k -= 1
    return k >= 0 and bool(INVALID_MARK.match(lines[k].strip()))


def is_workflow(block):
    return bool(TOP_LEVEL_NAME.search(block.text)) and bool(TASKS_KEY.search(block.text))


def validate(baton, block, folder):
    """(exit status, output) of `baton validate` on the block, positions mapped to the doc."""
    path = pathlib.Path(folder) / f"{block.doc.replace('/', '_')}-{block.first_line}.yaml"
    path.write_text(block.text, encoding="utf-8")
    proc = subprocess.run([baton, "validate", str(path)], capture_output=True, text=True,
                          check=False)

    def to_doc(match):
        line = int(match[1]) + block.first_line - 1
        column = f":{int(match[2]) + block.indent}" if match[2] else ""
        return f"{block.doc}:{line}{column}"

    output = (proc.stdout + proc.stderr).strip()
    output = re.sub(re.escape(str(path)) + r":(\d+)(?::(\d+))?", to_doc, output)
    return proc.returncode, output.replace(str(path), block.doc)


def check(baton, block, folder):
    """Prints one line for the block (and baton's diagnostics when they matter); True if as
    expected."""
    status, output = validate(baton, block, folder)
    if block.marked_invalid:
        if status == 0:
            print(f"FAIL {block.where}: marked <!-- invalid --> but `baton validate` accepts it")
            return False
        first = output.splitlines()[0] if output else f"exit {status}"
        print(f"ok   {block.where}: rejected as marked ({first})")
        return True
    if status != 0:
        print(f"FAIL {block.where}: `baton validate` exited {status}")
        for line in output.splitlines():
            print(f"       {line}")
        return False
    print(f"ok   {block.where}")
    return True


def main(args):
    if len(args) != 2 or args[0].startswith("-"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    baton, root = args[0], pathlib.Path(args[1])
    docs = [p.relative_to(root).as_posix() for p in [root / "README.md"] + sorted(root.glob("docs/*.md"))
            if p.is_file()]
    workflows = [b for doc in docs for b in yaml_blocks(root, doc) if is_workflow(b)]
    if not workflows:
        print(f"FAIL no workflow blocks found in README.md or docs/*.md under {root}")
        print("0 passed, 1 failed")
        return 1

    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="baton-doc-examples-") as folder:
        for block in workflows:
            if check(baton, block, folder):
                passed += 1
            else:
                failed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
