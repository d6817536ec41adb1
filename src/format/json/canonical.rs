//! The canonical and normalized texts, written as Confluent's Jackson `ObjectMapper` writes them.
//!
//! Jackson keeps number literals exact (`USE_BIG_DECIMAL_FOR_FLOATS` with exact big decimals), so
//! a float is printed by Java's `BigDecimal.toString()` and an integer as its digits. serde_json's
//! `Value` would round floats to `f64`, so this module reads the text into its own small tree that
//! keeps each literal. It only ever sees text serde_json has already accepted, which bounds the
//! nesting depth; it still returns errors instead of panicking.

/// A JSON value with number literals kept as written.
#[derive(Debug, Clone)]
enum Tree {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<Tree>),
    Object(Vec<(String, Tree)>),
}

/// Returns `text` re-serialized compactly, keys in document order (Jackson's `writeValueAsString`).
pub(super) fn canonical(text: &str) -> Result<String, String> {
    let tree = Reader::new(text).document()?;
    let mut out = String::with_capacity(text.len());
    write(&tree, false, &mut out);
    Ok(out)
}

/// Returns `text` re-serialized compactly with every object's keys sorted as Java sorts strings
/// (Confluent's `normalize()` reads the canonical text into `TreeMap`-backed objects).
pub(super) fn normalized(text: &str) -> Result<String, String> {
    let tree = Reader::new(text).document()?;
    let mut out = String::with_capacity(text.len());
    write(&tree, true, &mut out);
    Ok(out)
}

fn write(tree: &Tree, sorted: bool, out: &mut String) {
    match tree {
        Tree::Null => out.push_str("null"),
        Tree::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Tree::Number(literal) => out.push_str(&java_number(literal)),
        Tree::String(s) => write_string(s, out),
        Tree::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(item, sorted, out);
            }
            out.push(']');
        }
        Tree::Object(members) => {
            let mut refs: Vec<&(String, Tree)> = members.iter().collect();
            if sorted {
                // Java's String.compareTo compares UTF-16 code units.
                refs.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
            }
            out.push('{');
            for (i, (key, value)) in refs.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                write(value, sorted, out);
            }
            out.push('}');
        }
    }
}

/// Escapes as Jackson does: `"` and `\`, short escapes for \b \t \n \f \r, `\u00XX` (upper-case
/// hex) for the other control characters; everything else is written as is.
fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Formats a JSON number literal as Jackson writes the node it reads: integers as their digits
/// (`-0` is the int 0), floats as `new BigDecimal(literal).toString()`.
fn java_number(literal: &str) -> String {
    let is_float = literal.contains(['.', 'e', 'E']);
    let (negative, body) = match literal.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, literal),
    };
    if !is_float {
        let digits = body.trim_start_matches('0');
        return match (digits.is_empty(), negative) {
            (true, _) => "0".to_string(),
            (false, true) => format!("-{digits}"),
            (false, false) => digits.to_string(),
        };
    }
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => (&body[..at], body[at + 1..].parse::<i64>().unwrap_or(0)),
        None => (body, 0),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = format!("{int_part}{frac_part}");
    let coefficient = match all_digits.trim_start_matches('0') {
        "" => "0",
        digits => digits,
    };
    let scale = (frac_part.len() as i64).saturating_sub(exponent);
    let sign = if negative && coefficient != "0" {
        "-"
    } else {
        ""
    };
    format!("{sign}{}", big_decimal_string(coefficient, scale))
}

/// Java's `BigDecimal.toString()` for a non-negative unscaled value (its digits) and scale.
fn big_decimal_string(coefficient: &str, scale: i64) -> String {
    let len = coefficient.len() as i64;
    let adjusted = (len - 1).saturating_sub(scale);
    if scale == 0 {
        return coefficient.to_string();
    }
    if scale > 0 && adjusted >= -6 {
        let point = len - scale;
        return if point > 0 {
            let (head, tail) = coefficient.split_at(point as usize);
            format!("{head}.{tail}")
        } else {
            format!("0.{}{coefficient}", "0".repeat((-point) as usize))
        };
    }
    let (first, rest) = coefficient.split_at(1);
    let mut out = first.to_string();
    if !rest.is_empty() {
        out.push('.');
        out.push_str(rest);
    }
    out.push('E');
    if adjusted > 0 {
        out.push('+');
    }
    out.push_str(&adjusted.to_string());
    out
}

/// A reader for text that serde_json has already accepted as JSON.
struct Reader<'a> {
    bytes: &'a [u8],
    text: &'a str,
    at: usize,
}

impl<'a> Reader<'a> {
    fn new(text: &'a str) -> Self {
        Reader {
            bytes: text.as_bytes(),
            text,
            at: 0,
        }
    }

    fn document(mut self) -> Result<Tree, String> {
        let tree = self.value(0)?;
        self.skip_whitespace();
        if self.at != self.bytes.len() {
            return Err("trailing characters after the JSON document".to_string());
        }
        Ok(tree)
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.bytes.get(self.at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Result<Tree, String> {
        if depth > 256 {
            return Err("JSON nested too deeply".to_string());
        }
        self.skip_whitespace();
        match self.bytes.get(self.at) {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string().map(Tree::String),
            Some(b't') => self.keyword("true", Tree::Bool(true)),
            Some(b'f') => self.keyword("false", Tree::Bool(false)),
            Some(b'n') => self.keyword("null", Tree::Null),
            Some(_) => Ok(self.number()),
            None => Err("unexpected end of JSON".to_string()),
        }
    }

    fn keyword(&mut self, word: &str, tree: Tree) -> Result<Tree, String> {
        if self.text[self.at..].starts_with(word) {
            self.at += word.len();
            Ok(tree)
        } else {
            Err(format!("invalid JSON at byte {}", self.at))
        }
    }

    fn number(&mut self) -> Tree {
        let start = self.at;
        while matches!(
            self.bytes.get(self.at),
            Some(b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')
        ) {
            self.at += 1;
        }
        Tree::Number(self.text[start..self.at].to_string())
    }

    fn expect(&mut self, byte: u8) -> Result<(), String> {
        self.skip_whitespace();
        if self.bytes.get(self.at) == Some(&byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(format!("expected '{}' at byte {}", byte as char, self.at))
        }
    }

    fn array(&mut self, depth: usize) -> Result<Tree, String> {
        self.expect(b'[')?;
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.bytes.get(self.at) == Some(&b']') {
            self.at += 1;
            return Ok(Tree::Array(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            self.skip_whitespace();
            match self.bytes.get(self.at) {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(Tree::Array(items));
                }
                _ => return Err(format!("invalid JSON array at byte {}", self.at)),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Tree, String> {
        self.expect(b'{')?;
        let mut members: Vec<(String, Tree)> = Vec::new();
        self.skip_whitespace();
        if self.bytes.get(self.at) == Some(&b'}') {
            self.at += 1;
            return Ok(Tree::Object(members));
        }
        loop {
            self.skip_whitespace();
            let key = self.string()?;
            self.expect(b':')?;
            let value = self.value(depth + 1)?;
            // Jackson keeps a repeated key at its first position with the last value.
            match members.iter_mut().find(|(k, _)| *k == key) {
                Some(member) => member.1 = value,
                None => members.push((key, value)),
            }
            self.skip_whitespace();
            match self.bytes.get(self.at) {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(Tree::Object(members));
                }
                _ => return Err(format!("invalid JSON object at byte {}", self.at)),
            }
        }
    }

    /// Reads a string literal; delegates unescaping to serde_json.
    fn string(&mut self) -> Result<String, String> {
        let start = self.at;
        if self.bytes.get(self.at) != Some(&b'"') {
            return Err(format!("expected a string at byte {start}"));
        }
        self.at += 1;
        loop {
            match self.bytes.get(self.at) {
                Some(b'\\') => self.at += 2,
                Some(b'"') => {
                    self.at += 1;
                    break;
                }
                Some(_) => self.at += 1,
                None => return Err("unterminated string".to_string()),
            }
        }
        let literal = self
            .text
            .get(start..self.at)
            .ok_or_else(|| "invalid string".to_string())?;
        serde_json::from_str(literal).map_err(|e| e.to_string())
    }
}
