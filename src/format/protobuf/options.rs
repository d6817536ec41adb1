//! Option values rendered as Confluent's `ProtobufSchemaUtils` writes them: `name = value`,
//! aggregates as indented `key: value` blocks, several field options in one bracketed list, and
//! (normalized) sorted names and `DecimalFormat` numbers.

use prost_reflect::{DynamicMessage, Kind, Value};

use super::render::{indent, Renderer};

/// One option: its written name, the name Confluent sorts by, and its rendered value.
pub(super) struct Opt {
    pub(super) name: String,
    pub(super) sort_key: String,
    pub(super) value: String,
}

impl Opt {
    pub(super) fn text(&self) -> String {
        format!("{} = {}", self.name, self.value)
    }
}

impl Renderer<'_> {
    /// The options set in an options message, standard ones by number then extensions
    /// (normalized: sorted by name). A repeated option is one declaration per element.
    pub(super) fn options(&self, options: &DynamicMessage) -> Vec<Opt> {
        let mut out = Vec::new();
        for (field, value) in options.fields() {
            if field.name() == "uninterpreted_option" {
                continue;
            }
            for value in elements(value) {
                out.push(Opt {
                    name: field.name().to_string(),
                    sort_key: field.name().to_string(),
                    value: self.value(value, &field.kind()),
                });
            }
        }
        for (extension, value) in options.extensions() {
            for value in elements(value) {
                out.push(Opt {
                    name: format!("({})", extension.full_name()),
                    sort_key: extension.full_name().to_string(),
                    value: self.value(value, &extension.kind()),
                });
            }
        }
        if self.normalize {
            out.sort_by(|a, b| a.sort_key.cmp(&b.sort_key));
        }
        out
    }

    pub(super) fn value(&self, value: &Value, kind: &Kind) -> String {
        match value {
            Value::Bool(b) => b.to_string(),
            Value::I32(n) => n.to_string(),
            Value::I64(n) => n.to_string(),
            Value::U32(n) => n.to_string(),
            Value::U64(n) => n.to_string(),
            Value::F32(n) => self.float(f64::from(*n)),
            Value::F64(n) => self.float(*n),
            Value::String(s) => format!("\"{}\"", escape(s)),
            Value::Bytes(b) => format!("\"{}\"", escape_bytes(b)),
            Value::EnumNumber(n) => match kind {
                Kind::Enum(e) => e
                    .get_value(*n)
                    .map(|v| v.name().to_string())
                    .unwrap_or_else(|| n.to_string()),
                _ => n.to_string(),
            },
            Value::Message(m) => self.aggregate(m),
            Value::List(items) => {
                let items: Vec<String> = items.iter().map(|v| self.value(v, kind)).collect();
                list(&items)
            }
            Value::Map(entries) => {
                let Kind::Message(entry) = kind else {
                    return "[]".to_string();
                };
                let (key_kind, value_kind) = (
                    entry.map_entry_key_field().kind(),
                    entry.map_entry_value_field().kind(),
                );
                let mut keys: Vec<_> = entries.keys().collect();
                keys.sort();
                let items: Vec<String> = keys
                    .into_iter()
                    .filter_map(|key| {
                        let value = entries.get(key)?;
                        let key = self.value(&Value::from(key.clone()), &key_kind);
                        let value = self.value(value, &value_kind);
                        Some(map_block(&[("key".into(), key), ("value".into(), value)]))
                    })
                    .collect();
                list(&items)
            }
        }
    }

    /// A message-valued option in text format: `{ key: value, ... }` over several lines.
    fn aggregate(&self, message: &DynamicMessage) -> String {
        let mut entries: Vec<(String, String)> = Vec::new();
        for (field, value) in message.fields() {
            entries.push((
                field.name().to_string(),
                self.entry_value(value, &field.kind()),
            ));
        }
        for (extension, value) in message.extensions() {
            let key = format!("[{}]", extension.full_name());
            entries.push((key, self.entry_value(value, &extension.kind())));
        }
        if self.normalize {
            entries.sort_by(|a, b| a.0.cmp(&b.0));
        }
        map_block(&entries)
    }

    /// A field value inside an aggregate: lists of one element are unwrapped when normalizing,
    /// and empty lists are left out by the caller's field iteration.
    fn entry_value(&self, value: &Value, kind: &Kind) -> String {
        match value {
            Value::List(items) if self.normalize && items.len() == 1 => self.value(&items[0], kind),
            _ => self.value(value, kind),
        }
    }

    fn float(&self, n: f64) -> String {
        if n.is_nan() {
            "nan".to_string()
        } else if n.is_infinite() {
            if n > 0.0 { "inf" } else { "-inf" }.to_string()
        } else if self.normalize {
            java_decimal_format(n)
        } else {
            n.to_string()
        }
    }

    /// A number as written in a default value; normalized the way Java's `DecimalFormat` prints.
    pub(super) fn number(&self, text: &str) -> String {
        match text.parse::<f64>() {
            Ok(n) if self.normalize && !text.contains(['x', 'X']) => {
                if text.parse::<i64>().is_ok() || text.parse::<u64>().is_ok() {
                    text.to_string()
                } else {
                    self.float(n)
                }
            }
            _ => text.to_string(),
        }
    }
}

fn elements(value: &Value) -> Vec<&Value> {
    match value {
        Value::List(items) => items.iter().collect(),
        other => vec![other],
    }
}

/// Confluent's `appendOptions`: `[a = 1]`, or one option per line when there are several.
pub(super) fn bracketed(options: &[Opt]) -> String {
    if let [only] = options {
        return format!("[{}]", only.text());
    }
    let items: Vec<String> = options.iter().map(Opt::text).collect();
    let mut out = String::from("[\n");
    for (i, item) in items.iter().enumerate() {
        let comma = if i + 1 < items.len() { "," } else { "" };
        out.push_str(&indent(&format!("{item}{comma}")));
    }
    out.push(']');
    out
}

fn map_block(entries: &[(String, String)]) -> String {
    let mut out = String::from("{\n");
    for (i, (key, value)) in entries.iter().enumerate() {
        let comma = if i + 1 < entries.len() { "," } else { "" };
        out.push_str(&indent(&format!("{key}: {value}{comma}")));
    }
    out.push('}');
    out
}

fn list(items: &[String]) -> String {
    let mut out = String::from("[\n");
    for (i, item) in items.iter().enumerate() {
        let comma = if i + 1 < items.len() { "," } else { "" };
        out.push_str(&indent(&format!("{item}{comma}")));
    }
    out.push(']');
    out
}

/// Confluent's `escapeChars`, plus octal escapes for other control characters.
pub(super) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            c if c.is_control() && (c as u32) < 0x80 => {
                out.push_str(&format!("\\{:03o}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

fn escape_bytes(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => escape(text),
        Err(_) => bytes
            .iter()
            .map(|&b| match b {
                b' '..=b'~' if b != b'"' && b != b'\\' && b != b'\'' => (b as char).to_string(),
                _ => format!("\\{b:03o}"),
            })
            .collect(),
    }
}

/// Java's `new DecimalFormat()` without grouping: at most three fraction digits, half-even.
fn java_decimal_format(n: f64) -> String {
    let text = format!("{n:.3}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    if text == "-0" && n == 0.0 && n.is_sign_positive() {
        "0".to_string()
    } else {
        text
    }
}
