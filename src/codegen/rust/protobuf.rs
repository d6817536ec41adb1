//! Protobuf → Rust: prost messages written by prost-build from the descriptor set protox
//! compiles (no `protoc`), one module per Protobuf package; the well-known types come from
//! prost-types.

use std::collections::BTreeMap;

use heck::ToUpperCamelCase;
use prost_build::Module;
use prost_reflect::Kind;

use super::{Crate, Package};
use crate::codegen::samples;
use crate::codegen::{Contract, File, Refusal};
use crate::format::protobuf;

const PROST: Crate = Crate {
    name: "prost",
    spec: r#""0.14""#,
};
const PROST_TYPES: Crate = Crate {
    name: "prost-types",
    spec: r#""0.14""#,
};

/// Generates the Cargo package for a Protobuf contract: its file's messages and those of every
/// file it imports.
pub(in crate::codegen) fn generate(contract: Contract<'_>) -> Result<Vec<File>, Refusal> {
    let schema = crate::codegen::protobuf::compile(contract)?;
    let root =
        schema.file().messages().next().ok_or_else(|| {
            Refusal::Invalid("the Protobuf schema defines no message".to_string())
        })?;
    let set = protobuf::descriptor_set(contract.schema, contract.deps)
        .map_err(|err| Refusal::Invalid(format!("the Protobuf schema does not compile: {err}")))?;
    // The well-known files go in too, so that prost-build knows their messages; their code is
    // prost-types', and what prost-build writes for them is dropped.
    let is_well_known = |name: &str| name.starts_with("google/protobuf/");
    let uses_well_known = set.file.iter().any(|file| is_well_known(file.name()));
    let well_known_modules: Vec<Module> = set
        .file
        .iter()
        .filter(|file| is_well_known(file.name()))
        .map(|file| Module::from_protobuf_package_name(file.package()))
        .collect();
    let requests: Vec<_> = set
        .file
        .into_iter()
        .map(|file| (Module::from_protobuf_package_name(file.package()), file))
        .collect();
    let generated = std::panic::catch_unwind(move || prost_build::Config::new().generate(requests))
        .map_err(|_| Refusal::Invalid("prost-build failed on this schema".to_string()))?;
    let modules = generated
        .map_err(|err| Refusal::Invalid(format!("prost-build cannot generate types: {err}")))?;
    let mut tree = Tree::default();
    for (module, code) in &modules {
        if well_known_modules.contains(module) {
            continue;
        }
        tree.insert(module.parts().collect::<Vec<_>>().as_slice(), code);
    }
    let module_path: String = Module::from_protobuf_package_name(root.package_name())
        .parts()
        .map(|part| format!("{part}::"))
        .collect();
    let root_type = format!("{module_path}{}", root.name().to_upper_camel_case());
    let sample = samples::examples(contract, Some(1))?
        .into_iter()
        .next()
        .ok_or_else(|| Refusal::Invalid("no sample message could be built".to_string()))?;
    let check = root
        .fields()
        .find(|f| {
            matches!(f.kind(), Kind::String) && !f.is_list() && f.containing_oneof().is_none()
        })
        .and_then(|f| {
            Some((
                f.name().to_string(),
                sample.json.get(f.json_name())?.clone(),
            ))
        });
    let mut dependencies = vec![PROST];
    if uses_well_known {
        dependencies.push(PROST_TYPES);
    }
    Ok(Package {
        root: root.name().to_string(),
        origin: format!(
            "the Protobuf contract {}, written by prost-build",
            root.full_name()
        ),
        dev_dependencies: vec![PROST],
        dependencies,
        lib: tree.render(0),
        test: starter_test(&root_type, contract.id, &sample.wire, check),
    }
    .files())
}

/// Generated code by module path, rendered as nested `pub mod` blocks so that prost's relative
/// paths (`super::shared::Money`) resolve.
#[derive(Default)]
struct Tree<'a> {
    code: Vec<&'a str>,
    children: BTreeMap<&'a str, Tree<'a>>,
}

impl<'a> Tree<'a> {
    fn insert(&mut self, path: &[&'a str], code: &'a str) {
        match path.split_first() {
            None => self.code.push(code),
            Some((first, rest)) => self.children.entry(first).or_default().insert(rest, code),
        }
    }

    fn render(&self, depth: usize) -> String {
        let indent = "    ".repeat(depth);
        let mut out = String::new();
        for code in &self.code {
            for line in code.lines() {
                if line.is_empty() {
                    out.push('\n');
                } else {
                    out.push_str(&format!("{indent}{line}\n"));
                }
            }
        }
        for (name, child) in &self.children {
            out.push_str(&format!("{indent}pub mod {name} {{\n"));
            out.push_str(&child.render(depth + 1));
            out.push_str(&format!("{indent}}}\n"));
        }
        out
    }
}

fn starter_test(
    root_type: &str,
    id: i64,
    wire: &[u8],
    check: Option<(String, serde_json::Value)>,
) -> String {
    let prefix = samples::protobuf_prefix_len(&[0]) + 5;
    let assertion = check
        .map(|(field, value)| {
            format!(
                "    assert_eq!(decoded.{}, {:?});\n",
                super::field_ident(&field),
                value.as_str().unwrap_or_default()
            )
        })
        .unwrap_or_default();
    format!(
        "use prost::Message;\n\n\
         /// The sample: magic byte 0, the schema id (4 bytes, big-endian), the message-index list\n\
         /// (`[0]`, the single byte 0: the file's first message), then the Protobuf body.\n\
         const WIRE: &[u8] = {};\n\n\
         #[test]\n\
         fn the_sample_wire_message_decodes_into_{}() {{\n\
         {}\
         \x20   assert_eq!(WIRE[5], 0, \"message index\");\n\n\
         \x20   let decoded = types::{root_type}::decode(&WIRE[{prefix}..]).unwrap();\n\n\
         {assertion}\
         \x20   assert_eq!(decoded.encode_to_vec().len(), WIRE.len() - {prefix}, \"re-encodes to the same length\");\n\
         }}\n",
        super::bytes_literal(wire),
        super::field_ident(root_type.rsplit("::").next().unwrap_or(root_type)),
        super::header_checks(id),
    )
}
