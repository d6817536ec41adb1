//! The Python target's support files: `schema.py`, which parses the contract's schemas with
//! fastavro, and the starter test that decodes a sample wire message and writes it back.

use apache_avro::Schema;

use super::python::{class_name, RESERVED};
use super::{Check, CheckValue, Loaded};
use crate::codegen::names::{escape, quoted};
use crate::codegen::samples::Sample;
use crate::codegen::Contract;

pub(super) fn schema_module(contract: Contract<'_>) -> String {
    let mut out = String::from(
        "# The contract's schemas, parsed by fastavro: references first, then the schema.\n\
         import json\n\nimport fastavro\n\nNAMED: dict = {}\n",
    );
    for dep in contract.deps {
        out.push_str(&format!(
            "# Reference {}\nfastavro.parse_schema(json.loads({}), named_schemas=NAMED)\n",
            dep.name,
            quoted(&dep.schema)
        ));
    }
    out.push_str(&format!(
        "\n# The schema this code was generated from (id {}).\nSCHEMA = fastavro.parse_schema(json.loads({}), named_schemas=NAMED)\n",
        contract.id,
        quoted(contract.schema)
    ));
    out
}

pub(super) fn starter_test(
    loaded: &Loaded,
    root: &str,
    sample: &Sample,
    check: Option<&Check>,
) -> String {
    let class = class_name(loaded, root);
    let assertion = match check {
        Some(check) => {
            let expected = match &check.value {
                CheckValue::Text(text) => quoted(text),
                CheckValue::Integer(n) => n.to_string(),
                CheckValue::Boolean(b) => if *b { "True" } else { "False" }.to_string(),
            };
            let field = escape(&check.field, RESERVED);
            let actual = match loaded.resolve(
                match &loaded.root {
                    Schema::Record(r) => r
                        .fields
                        .iter()
                        .find(|f| f.name == check.field)
                        .map(|f| &f.schema),
                    _ => None,
                }
                .unwrap_or(&Schema::Null),
            ) {
                Schema::Enum(_) => format!("decoded.{field}.value"),
                _ => format!("decoded.{field}"),
            };
            format!("    assert {actual} == {expected}, {actual}\n")
        }
        None => "    assert decoded is not None\n".to_string(),
    };
    let is_record = matches!(loaded.root, Schema::Record(_));
    let decode = if is_record {
        format!("    decoded = {class}.from_avro(record)\n    out = io.BytesIO()\n    fastavro.schemaless_writer(out, SCHEMA, decoded.to_avro())\n    assert out.getvalue() == WIRE[5:], \"re-encoding the decoded value changed its bytes\"\n")
    } else {
        "    decoded = record\n".to_string()
    };
    format!(
        "# Starter test: decodes a sample wire message Accord generated for this contract.\n\
         # Run with: python -m pytest test_sample.py (or python test_sample.py)\n\
         import base64\nimport io\nimport struct\n\nimport fastavro\n\n\
         from models import *  # noqa: F401,F403\nfrom schema import SCHEMA\n\n\
         WIRE = base64.b64decode({})\n\n\n\
         def test_sample_decodes():\n\
         \x20   magic, schema_id = struct.unpack(\">bI\", WIRE[:5])\n\
         \x20   assert magic == 0\n\
         \x20   record = fastavro.schemaless_reader(io.BytesIO(WIRE[5:]), SCHEMA, return_record_name=True, return_record_name_override=True)\n\
         {decode}{assertion}\n\n\
         if __name__ == \"__main__\":\n    test_sample_decodes()\n    print(\"decoded {class} from the sample wire message\")\n",
        quoted(&sample.wire_base64())
    )
}
