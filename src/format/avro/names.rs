//! Avro names, as Java's `Schema.Name` splits and validates them: simple names, namespaces,
//! aliases. Names follow `[A-Za-z_][A-Za-z0-9_]*` in every dotted component.

use serde_json::{Map, Value};

use super::{Name, Primitive};

/// Splits `name` at its last dot, as Java's `Name` does; an empty namespace is no namespace.
pub(super) fn split_name(name: &str, space: Option<&str>) -> Name {
    let (space, simple) = match name.rsplit_once('.') {
        Some((space, simple)) => (Some(space), simple),
        None => (space, name),
    };
    Name {
        name: simple.to_string(),
        space: space.filter(|s| !s.is_empty()).map(str::to_string),
    }
}

pub(super) fn parse_name(
    object: &Map<String, Value>,
    space: Option<&str>,
    kind: &str,
) -> Result<Name, String> {
    let Some(given) = object.get("name").and_then(Value::as_str) else {
        return Err(format!("{kind} has no \"name\" string"));
    };
    let space = match object.get("namespace").and_then(Value::as_str) {
        Some(namespace) => Some(namespace),
        None => space,
    };
    let name = split_name(given, space);
    check_full_name(&name).map_err(|err| format!("{kind} name '{given}': {err}"))?;
    if Primitive::from_name(&name.full()).is_some() {
        return Err(format!(
            "{kind} may not be named after the primitive type '{given}'"
        ));
    }
    Ok(name)
}

/// Checks the simple name with the rule `[A-Za-z_][A-Za-z0-9_]*`. Java (Avro 1.11) leaves the
/// namespace unchecked; [`namespace_warning`] reports what it lets through.
fn check_full_name(name: &Name) -> Result<(), String> {
    check_name(&name.name)
}

/// Says why a namespace breaks the naming rule in one of its components, if it does: Java
/// registers such a name, but other languages' code generators refuse it.
pub(super) fn namespace_warning(kind: &str, name: &Name) -> Option<String> {
    let space = name.space.as_ref()?;
    let err = space
        .split('.')
        .find_map(|component| check_name(component).err())?;
    Some(format!(
        "{kind} '{}': namespace '{space}': {err}",
        name.full()
    ))
}

pub(super) fn check_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    match chars.next() {
        None => Err("empty name".to_string()),
        Some(first) if !(first.is_ascii_alphabetic() || first == '_') => {
            Err(format!("illegal initial character in '{name}'"))
        }
        _ if chars.any(|c| !(c.is_ascii_alphanumeric() || c == '_')) => {
            Err(format!("illegal character in '{name}'"))
        }
        _ => Ok(()),
    }
}

pub(super) fn string_aliases(object: &Map<String, Value>) -> Result<Vec<String>, String> {
    let Some(value) = object.get("aliases") else {
        return Ok(Vec::new());
    };
    let Value::Array(items) = value else {
        return Err(format!("\"aliases\" is not an array: {value}"));
    };
    let mut aliases: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        let alias = item
            .as_str()
            .ok_or_else(|| format!("alias is not a string: {item}"))?;
        if !aliases.iter().any(|a| a == alias) {
            aliases.push(alias.to_string());
        }
    }
    Ok(aliases)
}

/// Named-type aliases are names in the type's own namespace unless qualified.
pub(super) fn parse_aliases(object: &Map<String, Value>, name: &Name) -> Result<Vec<Name>, String> {
    let mut aliases: Vec<Name> = Vec::new();
    for alias in string_aliases(object)? {
        let parsed = split_name(&alias, name.space.as_deref());
        check_full_name(&parsed)
            .map_err(|err| format!("alias '{alias}' of '{}': {err}", name.full()))?;
        if !aliases.contains(&parsed) {
            aliases.push(parsed);
        }
    }
    Ok(aliases)
}
