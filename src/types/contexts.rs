//! Schema contexts, as Confluent's `QualifiedSubject` reads them: `:.ctx:name` is the subject
//! `name` in the context `.ctx`; every other name is in the default context `.`.

use super::SubjectName;

/// The context unqualified subjects are in.
pub const DEFAULT_CONTEXT: &str = ".";

/// Returns the context `subject` is in: `.ctx` for `:.ctx:name` (and for `:.ctx`, a context
/// named without a subject), [`DEFAULT_CONTEXT`] for any other name.
pub fn context_of(subject: &str) -> &str {
    match subject.strip_prefix(':') {
        Some(rest) if rest.starts_with('.') => rest.split_once(':').map_or(rest, |(ctx, _)| ctx),
        _ => DEFAULT_CONTEXT,
    }
}

impl SubjectName {
    /// Returns the context this subject is in.
    pub fn context(&self) -> &str {
        context_of(self.as_str())
    }

    /// Returns true when the subject is in the default context.
    pub fn is_in_default_context(&self) -> bool {
        self.context() == DEFAULT_CONTEXT
    }

    /// Returns the key that holds the settings of this subject's context (`:.ctx:`), or `None`
    /// in the default context, whose settings are the global ones.
    pub fn context_scope(&self) -> Option<SubjectName> {
        match self.context() {
            DEFAULT_CONTEXT => None,
            context => Some(SubjectName::lookup(&format!(":{context}:"))),
        }
    }

    /// Returns this (unqualified) name qualified with `context`.
    pub fn in_context(&self, context: &str) -> SubjectName {
        SubjectName::lookup(&format!(":{context}:{}", self.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_qualified_name_is_in_its_context_and_every_other_name_in_the_default_one() {
        let cases = [
            (":.orders:payments-value", ".orders"),
            (":.orders:", ".orders"),
            (":.orders", ".orders"),
            ("payments-value", "."),
            (":payments", "."),
            (":", "."),
        ];
        for (name, context) in cases {
            assert_eq!(context_of(name), context, "{name}");
        }
        assert_eq!(SubjectName::lookup(":.:orders").as_str(), "orders");
        assert_eq!(SubjectName::lookup(":.orders").as_str(), ":.orders:");
        let scope = SubjectName::lookup(":.c:s").context_scope().unwrap();
        assert_eq!(scope.as_str(), ":.c:");
        assert!(SubjectName::lookup("s").context_scope().is_none());
        assert_eq!(SubjectName::lookup("s").in_context(".c").as_str(), ":.c:s");
    }
}
