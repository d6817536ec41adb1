//! Avro → Rust: serde types written by rsgen-avro from the schema and its references, read and
//! written by apache-avro (`from_value` / `to_value`); multi-branch unions as enums that
//! deserialize from apache-avro's union values.

use std::collections::HashMap;

use apache_avro::Schema;
use heck::ToUpperCamelCase;

use super::{Crate, Package, SERDE, SERDE_JSON};
use crate::codegen::avro::{Check, CheckValue, Loaded};
use crate::codegen::samples::Sample;
use crate::codegen::{File, Refusal};

/// The apache-avro the generated types are written against; rsgen-avro 0.19 writes for the
/// 0.21 API, which 0.22 keeps (`serde_avro_*`, `Decimal`, `Uuid`).
const APACHE_AVRO: Crate = Crate {
    name: "apache-avro",
    spec: r#""0.22""#,
};

/// The buffer a union's record branch is read into before each record type is tried.
const SERDE_VALUE: Crate = Crate {
    name: "serde-value",
    spec: r#""0.7""#,
};

/// Generates the Cargo package for an Avro contract whose root is the named type `root`.
pub(in crate::codegen) fn generate(
    loaded: &Loaded,
    root: &str,
    id: i64,
    sample: &Sample,
    check: Option<&Check>,
) -> Result<Vec<File>, Refusal> {
    refuse_clashing_names(loaded)?;
    let texts = decimal_references_inlined(&loaded.texts);
    let schemata = rsgen_avro::Schema::parse_list(&texts)
        .map_err(|err| Refusal::Invalid(format!("rsgen-avro cannot read the schema: {err}")))?;
    let generator = rsgen_avro::Generator::builder()
        .use_avro_rs_unions(true)
        .build()
        .map_err(|err| Refusal::Invalid(format!("rsgen-avro failed: {err}")))?;
    let mut types = Vec::new();
    generator
        .generate(&rsgen_avro::Source::Schemas(&schemata), &mut types)
        .map_err(|err| Refusal::Invalid(format!("rsgen-avro cannot generate types: {err}")))?;
    let types = String::from_utf8(types)
        .map_err(|_| Refusal::Invalid("rsgen-avro wrote invalid UTF-8".to_string()))?;
    let simple = root.rsplit('.').next().unwrap_or(root);
    let root_type = simple.to_upper_camel_case();
    let (types, reads_record_branches) = record_branches_read(&types);
    let lib = format!("{}{}", unmapped(loaded), super::pretty(&types));
    let mut dependencies = vec![APACHE_AVRO, SERDE];
    if reads_record_branches {
        dependencies.push(SERDE_VALUE);
    }
    Ok(Package {
        root: simple.to_string(),
        origin: format!("the Avro contract {root}, written by rsgen-avro"),
        dependencies,
        dev_dependencies: vec![APACHE_AVRO, SERDE_JSON],
        lib,
        test: starter_test(loaded, &root_type, id, sample, check),
    }
    .files())
}

/// Gives each union type rsgen-avro wrote with record branches a `visit_map`: apache-avro hands
/// a union's record over as a map without its branch index, and rsgen-avro's visitor reads only
/// primitive branches. The map is buffered (serde-value keeps bytes and integer widths) and each
/// record branch tried in the schema's order; the first that reads it wins. Returns the code
/// and whether any union needed it.
fn record_branches_read(types: &str) -> (String, bool) {
    let structs: Vec<&str> = types
        .lines()
        .filter_map(|line| line.trim().strip_prefix("pub struct "))
        .map(|rest| rest.trim_end_matches(|c: char| c == '{' || c.is_whitespace()))
        .collect();
    let mut out = types.to_string();
    let mut changed = false;
    let mut search = 0;
    while let Some(found) = out[search..].find("pub enum Union") {
        let start = search + found;
        let Some(open) = out[start..].find('{').map(|i| start + i) else {
            break;
        };
        let Some(close) = out[open..].find('}').map(|i| open + i) else {
            break;
        };
        let name = out[start + "pub enum ".len()..open].trim().to_string();
        let records: Vec<(String, String)> = out[open + 1..close]
            .split(',')
            .filter_map(|variant| {
                let (variant, inner) = variant.trim().split_once('(')?;
                let inner = inner.trim_end_matches(')').trim();
                structs
                    .contains(&inner)
                    .then(|| (variant.trim().to_string(), inner.to_string()))
            })
            .collect();
        search = close;
        if records.is_empty() {
            continue;
        }
        let visitor = format!("impl<'de> serde::de::Visitor<'de> for {name}Visitor {{");
        let Some(at) = out.find(&visitor).map(|i| i + visitor.len()) else {
            continue;
        };
        let tries: String = records
            .iter()
            .map(|(variant, inner)| {
                format!(
                    "if let Ok(v) = <{inner} as serde::Deserialize>::deserialize(buffered.clone()) \
                     {{ return Ok({name}::{variant}(v)); }}\n"
                )
            })
            .collect();
        let visit_map = format!(
            "\nfn visit_map<A>(self, map: A) -> Result<Self::Value, A::Error>\n\
             where A: serde::de::MapAccess<'de> {{\n\
             let buffered = <serde_value::Value as serde::Deserialize>::deserialize(\
             serde::de::value::MapAccessDeserializer::new(map))?;\n\
             {tries}\
             Err(serde::de::Error::custom(\"no record branch of {name} reads this value\"))\n}}\n"
        );
        out.insert_str(at, &visit_map);
        changed = true;
    }
    (out, changed)
}

/// Returns `texts` with each use by name of a decimal on a named fixed replaced by the same
/// decimal on bytes: rsgen-avro cannot resolve such a reference, and both map to
/// `apache_avro::Decimal`, which decodes from either (the wire schema decides the encoding).
/// Simple names are unique in a contract ([`refuse_clashing_names`]), so a use matches by its
/// last segment.
fn decimal_references_inlined(texts: &[String]) -> Vec<String> {
    fn collect(value: &serde_json::Value, found: &mut HashMap<String, serde_json::Value>) {
        match value {
            serde_json::Value::Object(object) => {
                if object.get("type").and_then(|t| t.as_str()) == Some("fixed")
                    && object.get("logicalType").and_then(|t| t.as_str()) == Some("decimal")
                {
                    if let Some(name) = object.get("name").and_then(|n| n.as_str()) {
                        let simple = name.rsplit('.').next().unwrap_or(name).to_string();
                        let mut bytes = serde_json::Map::new();
                        bytes.insert("type".into(), "bytes".into());
                        bytes.insert("logicalType".into(), "decimal".into());
                        for key in ["precision", "scale"] {
                            if let Some(v) = object.get(key) {
                                bytes.insert(key.into(), v.clone());
                            }
                        }
                        found.insert(simple, serde_json::Value::Object(bytes));
                    }
                }
                object.values().for_each(|v| collect(v, found));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| collect(v, found)),
            _ => {}
        }
    }
    fn replace(value: &mut serde_json::Value, found: &HashMap<String, serde_json::Value>) {
        match value {
            serde_json::Value::String(name) => {
                if let Some(bytes) = found.get(name.rsplit('.').next().unwrap_or(name)) {
                    *value = bytes.clone();
                }
            }
            serde_json::Value::Object(object) => {
                // Type positions only (a union's branches are an array in one of them); names,
                // docs and defaults stay as they are.
                for (key, v) in object.iter_mut() {
                    if matches!(key.as_str(), "type" | "items" | "values" | "fields") {
                        replace(v, found);
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(|v| replace(v, found)),
            _ => {}
        }
    }
    let parsed: Vec<Option<serde_json::Value>> =
        texts.iter().map(|t| serde_json::from_str(t).ok()).collect();
    let mut found = HashMap::new();
    parsed.iter().flatten().for_each(|v| collect(v, &mut found));
    if found.is_empty() {
        return texts.to_vec();
    }
    texts
        .iter()
        .zip(parsed)
        .map(|(text, parsed)| match parsed {
            Some(mut value) => {
                replace(&mut value, &found);
                value.to_string()
            }
            None => text.clone(),
        })
        .collect()
}

/// Refuses a contract with two named types of the same simple name: rsgen-avro names Rust
/// types without their namespace, so they would clash in one `lib.rs`.
fn refuse_clashing_names(loaded: &Loaded) -> Result<(), Refusal> {
    let mut seen: HashMap<String, &str> = HashMap::new();
    for full in &loaded.order {
        let simple = full
            .rsplit('.')
            .next()
            .unwrap_or(full)
            .to_upper_camel_case();
        if let Some(other) = seen.insert(simple, full) {
            return Err(Refusal::Invalid(format!(
                "rsgen-avro names Rust types without their namespace, and '{other}' and \
                 '{full}' would both be one type"
            )));
        }
    }
    Ok(())
}

/// Returns the comment naming what the types do not carry faithfully: timestamps, dates and
/// times stay integers of their unit, and a union with a record among several branches reads
/// only its other branches.
fn unmapped(loaded: &Loaded) -> String {
    let mut logical = Vec::new();
    let mut unions = Vec::new();
    for full in &loaded.order {
        let Some(Schema::Record(record)) = loaded.named(full) else {
            continue;
        };
        for field in &record.fields {
            let schema = loaded.resolve(&field.schema);
            if let Some(note) = field_logical(schema) {
                logical.push(format!("//   {full}.{}: {note}\n", field.name));
            }
            if has_record_among_branches(loaded, schema) {
                unions.push(format!("//   {full}.{}\n", field.name));
            }
        }
    }
    let mut out = String::new();
    if !logical.is_empty() {
        out.push_str(&format!(
            "// Avro logical types that stay their underlying integer (rsgen-avro without chrono):\n\
             // the value is exact, the unit is the schema's.\n{}\n",
            logical.concat()
        ));
    }
    if !unions.is_empty() {
        out.push_str(&format!(
            "// Unions with a record among several non-null branches: apache-avro's `from_value`\n\
             // hands the branch over without its index, so a record is read as the first record\n\
             // branch whose fields it fits; records whose fields fit another's are ambiguous.\n{}\n",
            unions.concat()
        ));
    }
    out
}

fn has_record_among_branches(loaded: &Loaded, schema: &Schema) -> bool {
    match schema {
        Schema::Union(union) => {
            let branches: Vec<&Schema> = union
                .variants()
                .iter()
                .map(|v| loaded.resolve(v))
                .filter(|v| !matches!(v, Schema::Null))
                .collect();
            branches.len() > 1 && branches.iter().any(|b| matches!(b, Schema::Record(_)))
        }
        Schema::Array(array) => has_record_among_branches(loaded, loaded.resolve(&array.items)),
        Schema::Map(map) => has_record_among_branches(loaded, loaded.resolve(&map.types)),
        _ => false,
    }
}

fn field_logical(schema: &Schema) -> Option<&'static str> {
    match schema {
        Schema::TimestampMillis => Some("timestamp-millis, i64 milliseconds since the epoch"),
        Schema::TimestampMicros => Some("timestamp-micros, i64 microseconds since the epoch"),
        Schema::TimestampNanos => Some("timestamp-nanos, i64 nanoseconds since the epoch"),
        Schema::LocalTimestampMillis => Some("local-timestamp-millis, i64 without a zone"),
        Schema::LocalTimestampMicros => Some("local-timestamp-micros, i64 without a zone"),
        Schema::LocalTimestampNanos => Some("local-timestamp-nanos, i64 without a zone"),
        Schema::Date => Some("date, i32 days since the epoch"),
        Schema::TimeMillis => Some("time-millis, i32 milliseconds after midnight"),
        Schema::TimeMicros => Some("time-micros, i64 microseconds after midnight"),
        Schema::Union(union) => union
            .variants()
            .iter()
            .find_map(|variant| field_logical(variant)),
        _ => None,
    }
}

fn starter_test(
    loaded: &Loaded,
    root_type: &str,
    id: i64,
    sample: &Sample,
    check: Option<&Check>,
) -> String {
    let schemas: Vec<String> = loaded
        .texts
        .iter()
        .map(|text| format!("    {},\n", super::raw_literal(text)))
        .collect();
    let assertion = match check {
        Some(check) => {
            let value = match &check.value {
                CheckValue::Text(text) => serde_json::Value::from(text.as_str()),
                CheckValue::Integer(n) => serde_json::Value::from(*n),
                CheckValue::Boolean(b) => serde_json::Value::from(*b),
            };
            super::field_check(&check.field, &value)
        }
        // No field to compare (an enum, say): the decoded value must serialize back.
        None => "    assert!(apache_avro::to_value(&decoded).is_ok());\n".to_string(),
    };
    format!(
        "use apache_avro::reader::datum::GenericDatumReader;\n\
         use apache_avro::Schema;\n\n\
         /// The schemas the sample was written with: the references, then the contract.\n\
         const SCHEMAS: &[&str] = &[\n{}];\n\n\
         /// The sample: magic byte 0, the schema id (4 bytes, big-endian), then the Avro body.\n\
         const WIRE: &[u8] = {};\n\n\
         #[test]\n\
         fn the_sample_wire_message_decodes_into_{}() {{\n\
         {}\
         \x20   let schemata = Schema::parse_list(SCHEMAS).unwrap();\n\
         \x20   let root = schemata.last().unwrap();\n\
         \x20   let reader = GenericDatumReader::builder(root)\n\
         \x20       .writer_schemata(schemata.iter().collect())\n\
         \x20       .unwrap()\n\
         \x20       .build()\n\
         \x20       .unwrap();\n\
         \x20   let mut body = &WIRE[5..];\n\
         \x20   let value = reader.read_value(&mut body).unwrap();\n\
         \x20   assert!(body.is_empty(), \"bytes left after the Avro body\");\n\n\
         \x20   let decoded: types::{root_type} = apache_avro::from_value(&value).unwrap();\n\n\
         {assertion}\
         }}\n",
        schemas.concat(),
        super::bytes_literal(&sample.wire),
        super::field_ident(root_type),
        super::header_checks(id),
    )
}
