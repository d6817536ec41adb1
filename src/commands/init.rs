//! `accord init [DIR]`: writes an `accord.toml` that maps the schema files found under DIR.
//!
//! A file's path names its subject, as in the repository's `schemas/`: the path below the
//! last `schemas` folder (or below DIR), folders joined by `.`, the extension dropped, and
//! `-value` added: `schemas/orders/order-created.avsc` is `orders.order-created-value`.
//! Schema files are `.avsc`, `.proto`, `.schema.json`, and `.json` files with a top-level
//! `$schema`. Hidden folders, `target` and `node_modules` are skipped.
//!
//! The file is checked with the project loader the CI commands use before it takes the name
//! `accord.toml`, and an existing `accord.toml` is kept unless `--force`.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde_json::json;

use super::table::Table;
use super::{Done, Format};
use crate::ci::project::{lexical, Project};
use crate::types::SchemaType;

/// `accord init`.
#[derive(Debug, Clone, clap::Args)]
pub struct InitArgs {
    /// The folder to look for schema files under; the paths in accord.toml start from the
    /// current directory, where accord.toml is written.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The registry URL to write into the file.
    #[arg(long, default_value = "http://localhost:8081")]
    pub registry: String,
    /// Overwrite an existing accord.toml.
    #[arg(long)]
    pub force: bool,
    /// How to print the result.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// One schema file found, and the subject its path names.
struct Found {
    subject: String,
    file: PathBuf,
    schema_type: SchemaType,
}

const CONFIG: &str = "accord.toml";

/// Writes `accord.toml` and lists what it maps.
pub fn init(args: InitArgs) -> Result<Done> {
    let config = Path::new(CONFIG);
    if config.exists() && !args.force {
        bail!("{CONFIG} exists already: pass --force to overwrite it");
    }
    let mut files = Vec::new();
    walk(&args.dir, &mut files).with_context(|| format!("cannot read {}", args.dir.display()))?;
    files.sort();
    let mut found: Vec<Found> = Vec::new();
    for file in files {
        let Some(schema_type) = schema_type(&file) else {
            continue;
        };
        let subject = subject_for(file.strip_prefix(&args.dir).unwrap_or(&file));
        if let Some(other) = found.iter().find(|f| f.subject == subject) {
            bail!(
                "{} and {} would both be the subject {subject}: rename one, or write {CONFIG} \
                 by hand",
                other.file.display(),
                file.display()
            );
        }
        found.push(Found {
            subject,
            file: lexical(&file),
            schema_type,
        });
    }
    if found.is_empty() {
        bail!(
            "found no schema files (.avsc, .proto, .schema.json) under {}",
            args.dir.display()
        );
    }
    write_checked(config, &render(&args, &found))?;
    Ok(Done::either(
        args.format,
        human(&found),
        &json!({
            "config": CONFIG,
            "registry": args.registry,
            "subjects": found.iter().map(|f| json!({
                "name": f.subject,
                "file": f.file,
                "type": f.schema_type.as_str(),
            })).collect::<Vec<_>>(),
        }),
    ))
}

/// Collects the files under `dir`, skipping hidden folders, `target` and `node_modules`.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            if !name.starts_with('.') && name != "target" && name != "node_modules" {
                walk(&path, out)?;
            }
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// Returns the schema type of a schema file, and `None` for any other file.
fn schema_type(file: &Path) -> Option<SchemaType> {
    let name = file.file_name()?.to_str()?;
    match file.extension()?.to_str()? {
        "avsc" => Some(SchemaType::Avro),
        "proto" => Some(SchemaType::Protobuf),
        "json" if name.ends_with(".schema.json") => Some(SchemaType::Json),
        "json" => {
            let text = std::fs::read_to_string(file).ok()?;
            let value: serde_json::Value = serde_json::from_str(&text).ok()?;
            value.get("$schema").map(|_| SchemaType::Json)
        }
        _ => None,
    }
}

/// Returns the subject a path names: below the last `schemas` folder, folders joined by `.`,
/// the extension dropped, `-value` added.
fn subject_for(relative: &Path) -> String {
    let parts: Vec<String> = relative
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    let start = parts[..parts.len().saturating_sub(1)]
        .iter()
        .rposition(|part| part == "schemas")
        .map_or(0, |at| at + 1);
    let mut names = parts[start..].to_vec();
    if let Some(last) = names.last_mut() {
        for suffix in [".schema.json", ".avsc", ".proto", ".json"] {
            if let Some(stem) = last.strip_suffix(suffix) {
                *last = stem.to_string();
                break;
            }
        }
    }
    format!("{}-value", names.join("."))
}

/// The project file's text.
fn render(args: &InitArgs, found: &[Found]) -> String {
    let mut out = format!(
        "# Written by `accord init` from the schema files under {dir}: a file's path names its\n\
         # subject (orders/order-created.avsc is orders.order-created-value). Edit freely.\n\
         # Credentials never go here: set ACCORD_CREDENTIALS=service:secret or ACCORD_TOKEN.\n\
         registry = {}\n",
        quoted(&args.registry),
        dir = args.dir.display(),
    );
    for f in found {
        let file = f.file.to_string_lossy().replace('\\', "/");
        out.push_str(&format!(
            "\n[[subjects]]\nname = {}\nfile = {}\n",
            quoted(&f.subject),
            quoted(&file)
        ));
    }
    out
}

/// Writes `text` to `path` only once the project loader accepts it: under another name first,
/// then renamed.
fn write_checked(path: &Path, text: &str) -> Result<()> {
    let partial = PathBuf::from(format!("{}.partial", path.display()));
    std::fs::write(&partial, text)
        .with_context(|| format!("cannot write {}", partial.display()))?;
    if let Err(err) = Project::load(&partial) {
        let _ = std::fs::remove_file(&partial);
        return Err(err.context(format!("the {CONFIG} it would write does not load")));
    }
    std::fs::rename(&partial, path).with_context(|| format!("cannot write {}", path.display()))
}

/// Returns `text` as a TOML basic string.
fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn human(found: &[Found]) -> String {
    let mut table = Table::new(&["subject", "file", "type"]);
    for f in found {
        table.row(vec![
            f.subject.clone(),
            f.file.display().to_string(),
            f.schema_type.as_str().to_string(),
        ]);
    }
    format!(
        "wrote {CONFIG}: {} subject(s)\n\n{}",
        found.len(),
        table.render()
    )
}

#[cfg(test)]
mod tests {
    use super::subject_for;
    use std::path::Path;

    #[test]
    fn a_path_names_its_subject_below_the_schemas_folder() {
        let subject = |path: &str| subject_for(Path::new(path));
        assert_eq!(
            subject("schemas/orders/order-created.avsc"),
            "orders.order-created-value"
        );
        assert_eq!(
            subject("orders/order-created.avsc"),
            "orders.order-created-value"
        );
        assert_eq!(
            subject("api/schemas/payments/payment-refunded.schema.json"),
            "payments.payment-refunded-value"
        );
        assert_eq!(subject("money.avsc"), "money-value");
        assert_eq!(subject("schemas.proto"), "schemas-value");
    }
}
