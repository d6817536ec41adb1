//! JSON Schema targets: the schema and its references read into a small model of named object
//! types, enums and unions (`$ref` followed within and across documents, `allOf` merged,
//! `oneOf`/`anyOf` as unions, `"type": [..., "null"]` as nullable), then one writer per language.

mod java;
mod model;
mod python;
mod typescript;

pub(super) use model::{Model, NamedKind, Ty};

use super::samples::{self, Sample};
use super::{Contract, File, Refusal, Target};

/// Generates `target`'s files for a JSON Schema contract.
pub(super) fn generate(contract: Contract<'_>, target: Target) -> Result<Vec<File>, Refusal> {
    let model = Model::load(contract)?;
    let sample = samples::json::samples(&model, contract, 1)?
        .into_iter()
        .next()
        .ok_or_else(|| Refusal::Invalid("no sample message could be built".to_string()))?;
    let check = Check::of(&model, &sample);
    Ok(match target {
        Target::TypeScript => typescript::generate(&model, &sample, check.as_ref()),
        Target::Python => python::generate(&model, contract, &sample, check.as_ref()),
        Target::Java => java::generate(&model, &sample, check.as_ref()),
        Target::Rust => super::rust::json::generate(contract, &model, &sample, check.as_ref())?,
        Target::Proto => {
            return Err(Refusal::Unsupported(super::unsupported(
                target.as_str(),
                contract.schema_type,
            )))
        }
    })
}

/// The property a starter test checks: the root object's first string, integer or boolean one.
pub(super) struct Check {
    pub property: String,
    pub value: serde_json::Value,
}

impl Check {
    fn of(model: &Model, sample: &Sample) -> Option<Check> {
        let root = model.root()?;
        let NamedKind::Object { props, .. } = &root.kind else {
            return None;
        };
        props.iter().find_map(|prop| {
            let value = sample.json.get(&prop.name)?;
            let simple = matches!(prop.ty, Ty::String { .. } | Ty::Integer { .. } | Ty::Bool);
            (simple && prop.required && !value.is_null()).then(|| Check {
                property: prop.name.clone(),
                value: value.clone(),
            })
        })
    }
}
