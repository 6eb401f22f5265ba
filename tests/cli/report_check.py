"""Checks trustcheck reports: the JSON against docs/report-schema.json, and the
CBOR report against the JSON one (same data, same types, same key order).

usage: report_check.py SCHEMA REPORT.json [REPORT.cbor]
Exit 0 when every check holds; otherwise one line per problem and exit 1.
"""
import io
import json
import sys

import cbor2
import jsonschema


def same(a, b, where="$"):
    """Strict equality: bool is not int, and maps keep the same key order."""
    if type(a) is not type(b):
        return [f"{where}: {type(a).__name__} in JSON, {type(b).__name__} in CBOR"]
    if isinstance(a, dict):
        if list(a) != list(b):
            return [f"{where}: keys {list(a)} in JSON, {list(b)} in CBOR"]
        return [p for k in a for p in same(a[k], b[k], f"{where}.{k}")]
    if isinstance(a, list):
        if len(a) != len(b):
            return [f"{where}: {len(a)} items in JSON, {len(b)} in CBOR"]
        return [p for i, (x, y) in enumerate(zip(a, b)) for p in same(x, y, f"{where}[{i}]")]
    return [] if a == b else [f"{where}: {a!r} in JSON, {b!r} in CBOR"]


def empty_strings(v, where="$"):
    """Every place a report holds "": absent values must be null instead."""
    if isinstance(v, dict):
        return [p for k, x in v.items() for p in empty_strings(x, f"{where}.{k}")]
    if isinstance(v, list):
        return [p for i, x in enumerate(v) for p in empty_strings(x, f"{where}[{i}]")]
    return [f"{where}: empty string where null belongs"] if v == "" else []


def main(argv):
    with open(argv[1]) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    with open(argv[2]) as f:
        report = json.load(f)
    problems = [f"{argv[2]}: {'/'.join(map(str, e.absolute_path))}: {e.message}"
                for e in jsonschema.Draft202012Validator(schema).iter_errors(report)]
    problems += [f"{argv[2]}: {p}" for p in empty_strings(report)]
    if len(argv) > 3:
        with open(argv[3], "rb") as f:
            data = f.read()
        stream = io.BytesIO(data)
        decoded = cbor2.CBORDecoder(stream).decode()
        if stream.tell() != len(data):
            problems.append(f"{argv[3]}: {len(data) - stream.tell()} bytes after the CBOR item")
        if cbor2.dumps(decoded) != data:
            problems.append(f"{argv[3]}: not in preferred (shortest) serialization")
        problems += [f"{argv[3]}: {p}" for p in same(report, decoded)]
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
