//! Request bodies read as the Confluent registry's Jackson reads them: a missing body is a 422
//! naming the resource method's argument, a body or field of the wrong JSON type a 400, and the
//! scalar coercions Jackson allows (`"1"` for a number, `1` for `true`, `5` for a string) are
//! accepted. Only the shape is read here; the values are validated by the wire types.

use axum::extract::{FromRequest, MatchedPath, Request};
use axum::http::Method;
use std::fmt;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess,
    Visitor,
};
use serde_json::{Map, Value};

use crate::http::extract::body_bytes;
use crate::Error;

/// The Java type a field is declared with, which decides what Jackson accepts for it.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// `String`: also a number or a boolean, as its text.
    Text,
    /// `Integer`: also a string of digits (empty: null) or a float, truncated.
    Integer,
    /// `Boolean`: also `"true"`/`"false"` or a number (0 is false).
    Boolean,
    /// `List<SchemaReference>`: an array of objects whose `version` is an `Integer`.
    References,
    /// Any JSON, kept as sent.
    Any,
}

/// A request body type, with the Java name and the fields whose JSON type Jackson checks.
pub trait JacksonBody: DeserializeOwned {
    /// The Java class name, as Jackson's errors name it.
    const JAVA_NAME: &'static str;
    /// The fields the type reads, checked and coerced by kind; others are skipped.
    const FIELDS: &'static [(&'static str, Kind)];
}

/// A JSON body read as Jackson reads it (see the module documentation).
pub struct JacksonJson<T>(pub T);

impl<S: Send + Sync, T: JacksonBody> FromRequest<S> for JacksonJson<T> {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Error> {
        let value = read_value::<T, S>(req, state).await?;
        serde_json::from_value(value)
            .map(JacksonJson)
            .map_err(|err| Error::UnprocessableEntity(format!("Invalid request body: {err}")))
    }
}

/// Reads the body of `req` as a JSON object with the fields of `T` coerced, not yet typed.
pub async fn read_value<T: JacksonBody, S: Send + Sync>(
    req: Request,
    state: &S,
) -> Result<Value, Error> {
    let argument = argument(&req);
    let bytes = body_bytes(req, state).await?;
    coerce_body(&bytes, T::JAVA_NAME, &argument, T::FIELDS)
}

/// The resource method argument a route's body is bound to, as Bean Validation names it when
/// the body is missing.
fn argument(req: &Request) -> String {
    let path = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let method = req.method();
    let name = if path.starts_with("/compatibility/") {
        match path.ends_with("/versions") {
            true => "testCompatibilityForSubject.arg3",
            false => "testCompatibilityBySubjectName.arg4",
        }
    } else if path.ends_with("/versions") {
        "register.arg5"
    } else if path.starts_with("/subjects/") {
        "lookUpSchemaUnderSubject.arg5"
    } else if path == "/config" {
        "updateTopLevelConfig.arg1"
    } else if path.starts_with("/config/") {
        "updateSubjectLevelConfig.arg2"
    } else if path == "/mode" && method == Method::PUT {
        "updateTopLevelMode.arg1"
    } else if path.starts_with("/mode/") {
        "updateMode.arg2"
    } else {
        "request.body"
    };
    name.to_string()
}

/// Reads `bytes` as a JSON object of type `java_name` and coerces its `fields`; other fields
/// are read as null.
pub fn coerce_body(
    bytes: &[u8],
    java_name: &str,
    argument: &str,
    fields: &[(&str, Kind)],
) -> Result<Value, Error> {
    let missing = || Error::UnprocessableEntity(format!("{argument} must not be null (was null)"));
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(missing());
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = TopLevel(fields)
        .deserialize(&mut deserializer)
        .and_then(|value| deserializer.end().map(|()| value))
        .map_err(|err| Error::BadRequest(format!("Invalid JSON in request body: {err}")))?;
    let mut object = match value {
        Value::Null => return Err(missing()),
        Value::Object(object) => object,
        other => return Err(not_an_object(java_name, &other)),
    };
    for (field, kind) in fields {
        if let Some(value) = object.remove(*field) {
            object.insert(field.to_string(), coerce(value, *kind)?);
        }
    }
    Ok(Value::Object(object))
}

/// Reads a body's top level, keeping the values of `fields` and skipping the others without
/// recursion (their keys stay, with null values); an array's elements are skipped too.
struct TopLevel<'a>(&'a [(&'a str, Kind)]);

impl<'de> DeserializeSeed<'de> for TopLevel<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopLevel<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = match self.0.iter().any(|(field, _)| *field == key) {
                true => map.next_value::<Value>()?,
                false => map.next_value::<IgnoredAny>().map(|_| Value::Null)?,
            };
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Value::Array(Vec::new()))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Value, E> {
        Ok(Value::String(text.to_string()))
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Value, E> {
        Ok(Value::from(n))
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Value, E> {
        Ok(Value::from(n))
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Value, E> {
        Ok(Value::from(n))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
}

/// Jackson's error for a value that cannot become an instance of `java_name`.
fn not_an_object(java_name: &str, value: &Value) -> Error {
    let creator = |kind: &str, shown: String| {
        Error::BadRequest(format!(
            "Cannot construct instance of `{java_name}` (although at least one Creator exists): \
             no {kind}-argument constructor/factory method to deserialize from {shown}"
        ))
    };
    match value {
        Value::String(text) => creator("String", format!("String value ('{text}')")),
        Value::Number(n) if n.is_f64() => creator("double/Double", format!("Number value ({n})")),
        Value::Number(n) => creator("int/Int", format!("Number value ({n})")),
        Value::Bool(b) => creator("boolean/Boolean", format!("Boolean value ({b})")),
        other => wrong_token(java_name, other),
    }
}

/// Jackson's error for a token of the wrong kind.
fn wrong_token(java_name: &str, value: &Value) -> Error {
    let (shown, token) = match value {
        Value::Array(_) => ("Array", "START_ARRAY"),
        Value::Object(_) => ("Object", "START_OBJECT"),
        Value::String(_) => ("String", "VALUE_STRING"),
        Value::Bool(true) => ("Boolean", "VALUE_TRUE"),
        Value::Bool(false) => ("Boolean", "VALUE_FALSE"),
        Value::Number(n) if n.is_f64() => ("Number", "VALUE_NUMBER_FLOAT"),
        Value::Number(_) => ("Number", "VALUE_NUMBER_INT"),
        Value::Null => ("Null", "VALUE_NULL"),
    };
    Error::BadRequest(format!(
        "Cannot deserialize value of type `{java_name}` from {shown} value (token `JsonToken.{token}`)"
    ))
}

/// Coerces one field's value to `kind` as Jackson does.
fn coerce(value: Value, kind: Kind) -> Result<Value, Error> {
    if value.is_null() {
        return Ok(value);
    }
    match kind {
        Kind::Text => text(value),
        Kind::Integer => integer(value),
        Kind::Boolean => boolean(value),
        Kind::References => references(value),
        Kind::Any => Ok(value),
    }
}

fn text(value: Value) -> Result<Value, Error> {
    match value {
        Value::String(_) => Ok(value),
        Value::Number(n) => Ok(Value::String(n.to_string())),
        Value::Bool(b) => Ok(Value::String(b.to_string())),
        other => Err(wrong_token("String", &other)),
    }
}

fn integer(value: Value) -> Result<Value, Error> {
    let out_of_range = |shown: &str| {
        Error::BadRequest(format!(
            "Numeric value ({shown}) out of range of int (-2147483648 - 2147483647)"
        ))
    };
    match &value {
        Value::Number(n) => match n.as_i64() {
            Some(i) => i32::try_from(i)
                .map(Value::from)
                .map_err(|_| out_of_range(&n.to_string())),
            None => match n.as_f64() {
                Some(f) if n.is_f64() && f.trunc().abs() <= f64::from(i32::MAX) => {
                    Ok(Value::from(f.trunc() as i32))
                }
                _ => Err(out_of_range(&n.to_string())),
            },
        },
        Value::String(s) if s.is_empty() => Ok(Value::Null),
        Value::String(s) => s.parse::<i32>().map(Value::from).map_err(|_| {
            Error::BadRequest(format!(
                "Cannot deserialize value of type `Integer` from String \"{s}\": not a valid `java.lang.Integer` value"
            ))
        }),
        other => Err(wrong_token("Integer", other)),
    }
}

fn boolean(value: Value) -> Result<Value, Error> {
    match &value {
        Value::Bool(_) => Ok(value),
        Value::String(s) if s == "true" || s == "false" => Ok(Value::Bool(s == "true")),
        Value::String(s) if s.is_empty() => Ok(Value::Null),
        Value::String(s) => Err(Error::BadRequest(format!(
            "Cannot deserialize value of type `Boolean` from String \"{s}\": only \"true\" or \"false\" recognized"
        ))),
        Value::Number(n) if !n.is_f64() => Ok(Value::Bool(n.as_i64() != Some(0))),
        other => Err(wrong_token("Boolean", other)),
    }
}

fn references(value: Value) -> Result<Value, Error> {
    let Value::Array(items) = value else {
        return Err(wrong_token("SchemaReference>", &value));
    };
    items
        .into_iter()
        .map(|item| match item {
            Value::Object(mut fields) => {
                for name in ["name", "subject"] {
                    if let Some(value) = fields.remove(name) {
                        fields.insert(name.to_string(), coerce(value, Kind::Text)?);
                    }
                }
                if let Some(version) = fields.remove("version") {
                    fields.insert("version".to_string(), coerce(version, Kind::Integer)?);
                }
                Ok(Value::Object(fields))
            }
            Value::Null => Err(Error::InvalidSchema("a reference is null".to_string())),
            other => Err(not_an_object("SchemaReference", &other)),
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Value::Array)
}
