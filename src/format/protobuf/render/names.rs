//! Type names as written inside a scope: the shortest suffix that protobuf's name lookup from
//! that scope resolves back to the same type, or the fully qualified name (always, when
//! normalized).

use prost_reflect::Kind;

use super::Renderer;
use crate::format::protobuf::declared::scalar_name;

impl Renderer<'_> {
    /// The text of a kind: a scalar name, or a message/enum name as seen from `scope`.
    pub(super) fn kind_name(&self, kind: &Kind, scope: &str) -> String {
        match kind {
            Kind::Message(m) => self.type_name(m.full_name(), scope),
            Kind::Enum(e) => self.type_name(e.full_name(), scope),
            scalar => scalar_name(scalar).unwrap_or_default().to_string(),
        }
    }

    /// The name to write for type `full` inside `scope` (a message's or package's full name):
    /// the shortest suffix that protobuf's lookup from `scope` resolves back to `full`.
    pub(super) fn type_name(&self, full: &str, scope: &str) -> String {
        if self.normalize {
            return format!(".{full}");
        }
        let mut prefix = scope;
        loop {
            let candidate = if prefix.is_empty() {
                Some(full)
            } else {
                full.strip_prefix(prefix).and_then(|r| r.strip_prefix('.'))
            };
            if let Some(candidate) = candidate {
                if self.resolve(candidate, scope).as_deref() == Some(full) {
                    return candidate.to_string();
                }
            }
            if prefix.is_empty() {
                return format!(".{full}");
            }
            prefix = prefix.rfind('.').map_or("", |dot| &prefix[..dot]);
        }
    }

    /// Protobuf's lookup of a relative name: the innermost scope where its first component is
    /// a known symbol decides.
    fn resolve(&self, name: &str, scope: &str) -> Option<String> {
        let first = name.split('.').next().unwrap_or(name);
        let mut scope = scope.to_string();
        loop {
            let candidate = if scope.is_empty() {
                first.to_string()
            } else {
                format!("{scope}.{first}")
            };
            if self.symbols.contains(&candidate) {
                let rest = &name[first.len()..];
                return Some(format!("{candidate}{rest}"));
            }
            if scope.is_empty() {
                return None;
            }
            scope = match scope.rfind('.') {
                Some(dot) => scope[..dot].to_string(),
                None => String::new(),
            };
        }
    }
}
