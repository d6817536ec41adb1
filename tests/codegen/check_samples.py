"""Checks Accord's sample messages with libraries that are not Accord's.

For every subject named on the command line it fetches the latest version, its references and
its samples (`/subjects/{s}/versions/latest/examples`) from the registry at BASE, then checks
each sample's JSON and its Confluent wire message:

- Avro: fastavro reads the JSON as Avro's JSON encoding and writes it; the bytes must be the
  wire message's body, which fastavro must also read to its last byte.
- JSON Schema: the JSON validates with `jsonschema` (the schema's draft, formats checked,
  references resolved by name), and the wire body is the same JSON.
- Protobuf: `protoc --decode` reads the body after the header and message indexes, and
  `protoc --encode` of what it printed gives the body back.

Usage: python check_samples.py BASE SUBJECT...; prints one line a sample, exits 1 on any failure.
"""

import base64
import io
import json
import os
import re
import struct
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request

import fastavro
import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import specification_with


def get(base, path):
    with urllib.request.urlopen(base + path) as answer:
        return json.load(answer)


def version(base, subject, selector="latest"):
    quoted = urllib.parse.quote(subject, safe="")
    return get(base, f"/subjects/{quoted}/versions/{selector}")


def dependencies(base, found, seen=None):
    """Returns the references of `found`, transitively, each after those it needs."""
    seen = set() if seen is None else seen
    out = []
    for ref in found.get("references") or []:
        key = (ref["subject"], ref["version"])
        if key in seen:
            continue
        seen.add(key)
        dep = version(base, ref["subject"], ref["version"])
        out.extend(dependencies(base, dep, seen))
        out.append((ref["name"], dep))
    return out


def header(wire):
    magic, schema_id = struct.unpack(">bI", wire[:5])
    assert magic == 0, f"magic byte is {magic}"
    return schema_id


def check_avro(found, deps, wire, sample):
    named = {}
    for _, dep in deps:
        fastavro.parse_schema(json.loads(dep["schema"]), named_schemas=named)
    schema = fastavro.parse_schema(json.loads(found["schema"]), named_schemas=named)
    body = wire[5:]
    stream = io.BytesIO(body)
    fastavro.schemaless_reader(stream, schema)
    assert stream.tell() == len(body), f"fastavro read {stream.tell()} of {len(body)} bytes"
    records = list(fastavro.json_reader(io.StringIO(json.dumps(sample)), schema))
    assert len(records) == 1, f"the JSON holds {len(records)} records"
    out = io.BytesIO()
    fastavro.schemaless_writer(out, schema, records[0])
    assert out.getvalue() == body, "fastavro encodes the JSON sample to other bytes than the wire body"


def check_json(found, deps, wire, sample):
    schema = json.loads(found["schema"])
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
    spec = specification_with(cls.META_SCHEMA["$schema"])
    resources = []
    for name, dep in deps:
        doc = json.loads(dep["schema"])
        resource = Resource.from_contents(doc, default_specification=spec)
        for uri in {name, urllib.parse.urljoin(schema.get("$id", ""), name)}:
            resources.append((uri, resource))
    validator = cls(schema, registry=Registry().with_resources(resources),
                    format_checker=cls.FORMAT_CHECKER)
    validator.validate(sample)
    assert json.loads(wire[5:].decode("utf-8")) == sample, "the wire body is not the JSON sample"


def varint(data, pos):
    shift = result = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return result, pos


def zigzag(n):
    return (n >> 1) ^ -(n & 1)


def message_name(text, indexes):
    """Returns the full name of the message `indexes` picks in `text` (top-level only)."""
    if indexes != [0]:
        raise AssertionError(f"message indexes {indexes}: only the first message is checked")
    text = re.sub(r"//[^\n]*|/\*.*?\*/", "", text, flags=re.S)
    package = re.search(r"^\s*package\s+([\w.]+)\s*;", text, flags=re.M)
    depth = 0
    for token in re.finditer(r"[{}]|\bmessage\s+(\w+)", text):
        if token.group(0) == "{":
            depth += 1
        elif token.group(0) == "}":
            depth -= 1
        elif depth == 0:
            return f"{package.group(1)}.{token.group(1)}" if package else token.group(1)
    raise AssertionError("the schema defines no message")


def check_protobuf(found, deps, wire, sample):
    count, pos = varint(wire, 5)
    count = zigzag(count)
    indexes = [0]
    if count:
        indexes = []
        for _ in range(count):
            index, pos = varint(wire, pos)
            indexes.append(zigzag(index))
    body = wire[pos:]
    with tempfile.TemporaryDirectory() as tree:
        for name, dep in deps + [("accord_sample_main.proto", found)]:
            path = os.path.join(tree, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as out:
                out.write(dep["schema"])
        name = message_name(found["schema"], indexes)
        protoc = ["protoc", "-I", tree, "accord_sample_main.proto"]
        text = subprocess.run(protoc + [f"--decode={name}"], input=body,
                              capture_output=True, check=False)
        assert text.returncode == 0, f"protoc --decode={name}: {text.stderr.decode()}"
        again = subprocess.run(protoc + [f"--encode={name}"], input=text.stdout,
                               capture_output=True, check=False)
        assert again.returncode == 0, f"protoc --encode={name}: {again.stderr.decode()}"
        assert again.stdout == body, "protoc re-encodes the decoded sample to other bytes"


CHECKS = {"AVRO": check_avro, "JSON": check_json, "PROTOBUF": check_protobuf}


def main(base, subjects):
    passed = failed = 0
    for subject in subjects:
        found = version(base, subject)
        deps = dependencies(base, found)
        kind = found.get("schemaType", "AVRO")
        quoted = urllib.parse.quote(subject, safe="")
        examples = get(base, f"/subjects/{quoted}/versions/latest/examples")["examples"]
        if not examples:
            print(f"FAILED {subject}: no samples")
            failed += 1
        for number, example in enumerate(examples):
            wire = base64.b64decode(example["wire_base64"])
            try:
                assert header(wire) == found["id"], f"the wire message names schema {header(wire)}"
                CHECKS[kind](found, deps, wire, example["json"])
            except Exception as err:  # every failure is reported, then the run fails
                print(f"FAILED {subject} sample {number} ({kind}): {type(err).__name__}: {err}")
                failed += 1
            else:
                passed += 1
        print(f"ok {subject}: {len(examples)} {kind} samples checked")
    print(f"samples: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
