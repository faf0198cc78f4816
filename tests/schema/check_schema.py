#!/usr/bin/python3
"""Checks baton's workflow JSON Schema against the example and test workflows.

Usage: check_schema.py BATON_BINARY REPO_ROOT
       check_schema.py --schema FILE REPO_ROOT

Gets the schema from `BATON_BINARY schema` (or reads FILE), checks that it is a valid
JSON Schema draft 2020-12, that every examples/*.yaml and tests/data/valid/*.{yaml,json}
conforms and that every tests/schema/invalid/*.yaml does not. Prints one line per file and
`N passed, M failed`; exits 1 on any failure, 2 on bad usage.
Every invalid file starts with a `# why: ...` line saying what is wrong with it.
"""

import json
import pathlib
import subprocess
import sys

import jsonschema
import yaml


DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"


def parse_args(args):
    """(schema source, repo root): the source is ("binary", PATH) or ("file", PATH)."""
    if len(args) == 2 and not args[0].startswith("-"):
        return ("binary", args[0]), pathlib.Path(args[1])
    if len(args) == 3 and args[0] == "--schema":
        return ("file", args[1]), pathlib.Path(args[2])
    print(__doc__.split("\n\n")[1], file=sys.stderr)
    sys.exit(2)


def read_schema(source):
    """The schema as a dict; raises ValueError saying what is wrong with it."""
    kind, path = source
    if kind == "file":
        text = pathlib.Path(path).read_text(encoding="utf-8")
    else:
        proc = subprocess.run([path, "schema"], capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise ValueError(f"`{path} schema` exited {proc.returncode}: {proc.stderr.strip()}")
        text = proc.stdout
    try:
        schema = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"not JSON: {e}") from e
    if not isinstance(schema, dict) or schema.get("$schema") != DRAFT_2020_12:
        raise ValueError(f"$schema is not {DRAFT_2020_12}")
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as e:
        raise ValueError(f"not a valid draft 2020-12 schema: {e.message} at {list(e.absolute_path)}") from e
    return schema


class NotYaml(Exception):
    pass


def errors_of(validator, path):
    """The schema violations of one workflow file as `json/path: message` lines."""
    try:
        with open(path, encoding="utf-8") as f:
            document = yaml.safe_load(f)
    except yaml.YAMLError as e:
        raise NotYaml(str(e).replace("\n", " ")) from e
    errors = sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
    return ["/" + "/".join(str(p) for p in e.absolute_path) + ": " + message_of(e) for e in errors]


def message_of(error):
    """The validator's message, or the friendlier text the schema carries for editors (VS Code
    shows `errorMessage` and `patternErrorMessage` instead of a bare `not` or a regex)."""
    if "errorMessage" in error.schema:
        return error.schema["errorMessage"]
    if error.validator == "pattern" and "patternErrorMessage" in error.schema:
        return f"{error.instance!r}: {error.schema['patternErrorMessage']}"
    return error.message


def check(validator, root, path, should_conform):
    """Prints one line for the file (plus its violations if it should conform); True if as expected."""
    try:
        errors = errors_of(validator, root / path)
    except NotYaml as e:
        print(f"FAIL {path}: not YAML: {e}")
        return False
    if should_conform and errors:
        print(f"FAIL {path}: should conform")
        for e in errors:
            print(f"       {e}")
        return False
    if not should_conform and not (root / path).read_text(encoding="utf-8").startswith("# why: "):
        print(f"FAIL {path}: the first line must be a `# why: ...` comment")
        return False
    if not should_conform and not errors:
        print(f"FAIL {path}: should not conform")
        return False
    print(f"ok   {path}" + (f": rejected ({errors[0]})" if errors else ""))
    return True


def main(args):
    source, root = parse_args(args)
    passed = failed = 0

    try:
        schema = read_schema(source)
    except (OSError, ValueError) as e:
        print(f"FAIL schema: {e}")
        print("0 passed, 1 failed")
        return 1
    print("ok   schema: a valid JSON Schema draft 2020-12")
    passed += 1
    validator = jsonschema.Draft202012Validator(schema)

    valid = sorted(root.glob("examples/*.yaml"))
    valid += sorted(root.glob("tests/data/valid/*.yaml")) + sorted(root.glob("tests/data/valid/*.json"))
    invalid = sorted(root.glob("tests/schema/invalid/*.yaml"))
    if not valid or not invalid:
        print(f"FAIL no workflow files found under {root}")
        failed += 1

    for paths, should_conform in ((valid, True), (invalid, False)):
        for path in paths:
            if check(validator, root, path.relative_to(root), should_conform):
                passed += 1
            else:
                failed += 1

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
