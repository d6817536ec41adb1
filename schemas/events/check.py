"""Validates Accord change events against the schemas beside this file.

From a test, with this folder on sys.path:

    from check import validate
    validate(event)  # raises jsonschema.ValidationError when the event is not one Accord sends

From a terminal: `python3 check.py` checks the schemas and their examples;
`python3 check.py FILE...` validates each file's event, or each event of a feed page
(`{"events": [...]}`, what GET /governance/events returns).

Needs the `jsonschema` package. The schemas are JSON Schema draft 2020-12; they name no
`$schema`, so that `accord init` does not take them for contracts, and are read here as 2020-12.
"""

import json
import sys
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker, ValidationError

HERE = Path(__file__).resolve().parent
PREFIX = "dev.accord."


class UnknownEventType(ValidationError):
    """An event whose type has no data schema here."""


def _validator(path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


ENVELOPE = _validator(HERE / "envelope.json")
DATA = {path.stem: _validator(path) for path in sorted(HERE.glob(PREFIX + "*.json"))}
TYPES = sorted(DATA)


def validate(event: dict) -> None:
    """Validates `event` against the envelope and against its type's data schema."""
    ENVELOPE.validate(event)
    kind = event["type"]
    data = DATA.get(kind)
    if data is None:
        raise UnknownEventType(f"unknown event type {kind!r}: Accord sends {', '.join(TYPES)}")
    data.validate(event["data"])


def _self_check() -> int:
    for example in ENVELOPE.schema.get("examples", []):
        validate(example)
    for kind, data in DATA.items():
        for example in data.schema.get("examples", []):
            validate({**ENVELOPE.schema["examples"][0], "type": kind, "data": example})
    print(f"envelope and {len(DATA)} event types: the schemas and their examples are valid")
    return 0


def main(files) -> int:
    if not files:
        return _self_check()
    failed = 0
    for file in files:
        document = json.loads(Path(file).read_text(encoding="utf-8"))
        events = document["events"] if "events" in document else [document]
        for event in events:
            try:
                validate(event)
            except ValidationError as err:
                failed += 1
                print(f"{file}: event {event.get('id')}: {err.message}", file=sys.stderr)
    print(f"{failed} invalid event(s)" if failed else "all events valid")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
