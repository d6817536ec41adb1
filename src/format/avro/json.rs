//! JSON reading and writing the way Java's Avro (Jackson) does it: compact output, keys in
//! insertion order, floating-point numbers printed as Java's `Double.toString` prints them.

use serde_json::Value;

/// The deepest nesting accepted: serde_json's own recursion limit, checked up front so the
/// client gets a clear reason instead of a parser error.
pub(super) const MAX_DEPTH: usize = 128;

/// Reads `text` as JSON, refusing input nested deeper than [`MAX_DEPTH`].
pub(super) fn read(text: &str) -> Result<Value, String> {
    let depth = nesting_depth(text);
    if depth > MAX_DEPTH {
        return Err(format!(
            "JSON is nested {depth} levels deep, more than the {MAX_DEPTH} allowed"
        ));
    }
    serde_json::from_str(text).map_err(|err| format!("invalid JSON: {err}"))
}

/// Returns the deepest bracket nesting in `text`, ignoring brackets inside strings.
fn nesting_depth(text: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for byte in text.bytes() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Appends `text` as a JSON string literal.
pub(super) fn write_str(out: &mut String, text: &str) {
    out.push_str(&Value::String(text.to_string()).to_string());
}

/// Appends `value` compactly, keys in insertion order, numbers as Jackson writes them.
pub(super) fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Number(number) => match number.as_f64() {
            Some(float) if number.is_f64() => write_double(out, float),
            _ => out.push_str(&number.to_string()),
        },
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(out, key);
                out.push(':');
                write_value(out, item);
            }
            out.push('}');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// Appends a double as Jackson writes a `DoubleNode`: Java's `Double.toString`, with the
/// non-finite values quoted.
pub(super) fn write_double(out: &mut String, value: f64) {
    if !value.is_finite() {
        let text = if value.is_nan() {
            "NaN"
        } else if value > 0.0 {
            "Infinity"
        } else {
            "-Infinity"
        };
        write_str(out, text);
    } else {
        out.push_str(&java_double_to_string(value));
    }
}

/// Java's `Double.toString`: plain notation in [1e-3, 1e7), else `d.dddE±n`.
pub(super) fn java_double_to_string(value: f64) -> String {
    let magnitude = value.abs();
    if value == 0.0 || (1e-3..1e7).contains(&magnitude) {
        let plain = format!("{value}");
        return if plain.contains('.') {
            plain
        } else {
            format!("{plain}.0")
        };
    }
    let scientific = format!("{value:e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    if mantissa.contains('.') {
        format!("{mantissa}E{exponent}")
    } else {
        format!("{mantissa}.0E{exponent}")
    }
}
