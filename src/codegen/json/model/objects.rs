//! Object types: the properties of an object schema, and `allOf` merged into one type.

use serde_json::{Map, Value};

use super::{description, escape_pointer, title, Model, Named, NamedKind, Prop, Ty};
use crate::codegen::names::pascal;
use crate::codegen::Refusal;

impl Model {
    pub(super) fn props(
        &mut self,
        doc: usize,
        pointer: &str,
        object: &Map<String, Value>,
        owner: &str,
        depth: usize,
    ) -> Result<(Vec<Prop>, Vec<String>), Refusal> {
        let required: Vec<&str> = object
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut props = Vec::new();
        if let Some(properties) = object.get("properties").and_then(Value::as_object) {
            for (prop, schema) in properties {
                let suggested = title(schema).unwrap_or_else(|| format!("{owner}{}", pascal(prop)));
                let at = format!("{pointer}/properties/{}", escape_pointer(prop));
                let ty = self.ty(doc, &at, schema, &suggested, depth + 1)?;
                props.push(Prop {
                    name: prop.clone(),
                    ty,
                    required: required.contains(&prop.as_str()),
                    doc: description(schema.as_object().unwrap_or(&Map::new())),
                });
            }
        }
        let mut notes = Vec::new();
        for keyword in [
            "patternProperties",
            "dependencies",
            "dependentSchemas",
            "if",
            "not",
            "propertyNames",
        ] {
            if object.contains_key(keyword) {
                notes.push(format!("`{keyword}` has no faithful mapping here and is not checked by this type; validate with a JSON Schema validator."));
            }
        }
        Ok((props, notes))
    }

    pub(super) fn all_of(
        &mut self,
        doc: usize,
        pointer: &str,
        parts: &[Value],
        name: &str,
        object: &Map<String, Value>,
        depth: usize,
    ) -> Result<Ty, Refusal> {
        let key = (doc, pointer.to_string());
        if let Some(existing) = self.named.get(&key) {
            return Ok(Ty::Named(existing.clone()));
        }
        let unique = self.unique(name);
        self.named.insert(key, unique.clone());
        let index = self.types.len();
        self.types.push(Named {
            name: unique.clone(),
            doc: description(object),
            kind: NamedKind::Enum(Vec::new()),
        });
        let mut props: Vec<Prop> = Vec::new();
        let mut notes = Vec::new();
        let mut sources: Vec<(usize, String, Value)> =
            vec![(doc, pointer.to_string(), Value::Object(object.clone()))];
        for (i, part) in parts.iter().enumerate() {
            match part.get("$ref").and_then(Value::as_str) {
                Some(reference) => {
                    let (d, p) = self.target(doc, reference)?;
                    let value = self.at(d, &p)?;
                    sources.push((d, p, value));
                }
                None => sources.push((doc, format!("{pointer}/allOf/{i}"), part.clone())),
            }
        }
        for (d, p, value) in sources {
            let Some(part) = value.as_object() else {
                continue;
            };
            if part.contains_key("allOf") && p != pointer {
                notes.push("a nested `allOf` is merged one level deep only".to_string());
            }
            let (more, more_notes) = self.props(d, &p, part, &unique, depth + 1)?;
            for prop in more {
                match props.iter_mut().find(|existing| existing.name == prop.name) {
                    Some(existing) => existing.required |= prop.required,
                    None => props.push(prop),
                }
            }
            notes.extend(more_notes);
        }
        self.types[index].kind = NamedKind::Object { props, notes };
        Ok(Ty::Named(unique))
    }
}
