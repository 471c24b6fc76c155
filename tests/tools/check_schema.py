#!/usr/bin/env python3
"""Checks JSON documents against analyzer/report.schema.json.

A small validator for the subset of JSON Schema 2020-12 the schema uses
(type, required, properties, items, additionalProperties, $ref into $defs,
const, enum, minimum, if/then), so the tests need nothing beyond python3.
Usage: check_schema.py SCHEMA DOCUMENT...  Prints one line per problem;
exit status 0 when every document fits, 1 otherwise.
"""
import json
import sys

TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "null": lambda v: v is None,
}


def resolve(root, schema):
    ref = schema.get("$ref")
    if ref is None:
        return schema
    assert ref.startswith("#/"), "only local references are supported: " + ref
    node = root
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def check(root, schema, value, where, problems):
    schema = resolve(root, schema)
    kinds = schema.get("type")
    if kinds is not None:
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if not any(TYPES[k](value) for k in kinds):
            problems.append(f"{where}: {json.dumps(value)[:60]} is not {' or '.join(kinds)}")
            return
    if "const" in schema and value != schema["const"]:
        problems.append(f"{where}: {value!r} is not {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{where}: {value!r} is not one of {schema['enum']}")
    if "minimum" in schema and TYPES["number"](value) and value < schema["minimum"]:
        problems.append(f"{where}: {value} is below {schema['minimum']}")
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                problems.append(f"{where}: missing required key '{key}'")
        properties = schema.get("properties", {})
        for key, item in value.items():
            if key in properties:
                check(root, properties[key], item, f"{where}.{key}", problems)
            elif isinstance(schema.get("additionalProperties"), dict):
                check(root, schema["additionalProperties"], item, f"{where}.{key}", problems)
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            check(root, schema["items"], item, f"{where}[{i}]", problems)
    if "if" in schema:
        trial = []
        check(root, schema["if"], value, where, trial)
        if not trial and "then" in schema:
            check(root, schema["then"], value, where, problems)


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[-2], file=sys.stderr)
        return 2
    with open(argv[1]) as f:
        schema = json.load(f)
    failed = False
    for path in argv[2:]:
        with open(path) as f:
            document = json.load(f)
        problems = []
        check(schema, schema, document, "$", problems)
        for p in problems:
            print(f"{path}: {p}")
        failed |= bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
