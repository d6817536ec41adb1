//! [`DatabaseUrl`]: which backend a database URL names, decided before anything is opened, so
//! that a misspelt scheme is refused at startup instead of becoming the name of a new file.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

/// The schemes Accord opens, as an error message lists them.
const KNOWN: &str = "sqlite://PATH (or sqlite:PATH, or a bare path) and \
                     postgres://USER@HOST/DB (or postgresql://)";

/// A database URL whose scheme Accord knows. Its `Display` and `Debug` show no password.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `sqlite://PATH`, `sqlite:PATH`, `sqlite::memory:` or a path without a scheme.
    Sqlite(String),
    /// `postgres://...` or `postgresql://...`.
    Postgres(String),
}

impl DatabaseUrl {
    /// Returns true for an SQLite database that lives in memory only.
    pub fn is_memory(&self) -> bool {
        match self {
            DatabaseUrl::Sqlite(url) => url.contains(":memory:") || url.contains("mode=memory"),
            DatabaseUrl::Postgres(_) => false,
        }
    }
}

impl FromStr for DatabaseUrl {
    type Err = String;

    /// Accepts the schemes Accord knows; refuses any other with a message that lists them.
    fn from_str(url: &str) -> Result<Self, String> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(url.to_string()));
        }
        if url.starts_with("sqlite:") {
            return Ok(DatabaseUrl::Sqlite(url.to_string()));
        }
        match scheme(url) {
            _ if url.trim().is_empty() => Err(format!("the database URL is empty; use {KNOWN}")),
            Some(scheme) => Err(format!(
                "unsupported database URL '{}' (scheme '{scheme}:'); Accord knows {KNOWN}",
                masked_url(url)
            )),
            None => Ok(DatabaseUrl::Sqlite(url.to_string())),
        }
    }
}

/// Returns the scheme `url` starts with (RFC 3986: a letter, then letters, digits, `+`, `-` or
/// `.`, then `:`), if any. One letter is a Windows drive, not a scheme.
fn scheme(url: &str) -> Option<&str> {
    let (scheme, _) = url.split_once(':')?;
    let mut chars = scheme.chars();
    let starts_with_letter = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let is_scheme = starts_with_letter
        && scheme.len() > 1
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    is_scheme.then_some(scheme)
}

impl fmt::Display for DatabaseUrl {
    /// Shows an SQLite file by its absolute path, and a PostgreSQL URL with its password and
    /// query (where drivers also take a `password=`) masked.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseUrl::Sqlite(url) if self.is_memory() => f.write_str(url),
            DatabaseUrl::Sqlite(url) => {
                let rest = url
                    .trim_start_matches("sqlite://")
                    .trim_start_matches("sqlite:");
                let (path, query) = match rest.split_once('?') {
                    Some((path, query)) => (path, Some(query)),
                    None => (rest, None),
                };
                let path = std::path::absolute(Path::new(path)).unwrap_or_else(|_| path.into());
                write!(f, "sqlite://{}", path.display())?;
                match query {
                    Some(query) => write!(f, "?{query}"),
                    None => Ok(()),
                }
            }
            DatabaseUrl::Postgres(url) => f.write_str(&masked_url(url)),
        }
    }
}

/// Returns `url` with the password of its user info masked, and its query (where drivers also
/// take a `password=`) masked whole: a URL fit for a log line or a `Debug`.
pub fn masked_url(url: &str) -> String {
    let masked = super::redacted(url);
    match masked.split_once('?') {
        Some((base, _query)) => format!("{base}?***"),
        None => masked,
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::DatabaseUrl;

    fn parse(url: &str) -> Result<DatabaseUrl, String> {
        url.parse()
    }

    #[test]
    fn the_documented_schemes_and_a_bare_path_are_accepted() {
        for url in [
            "sqlite://accord.db",
            "sqlite:accord.db",
            "sqlite::memory:",
            "accord.db",
        ] {
            assert_eq!(parse(url), Ok(DatabaseUrl::Sqlite(url.to_string())));
        }
        for url in [
            "postgres://accord@db/accord",
            "postgresql://accord@db/accord",
        ] {
            assert_eq!(parse(url), Ok(DatabaseUrl::Postgres(url.to_string())));
        }
        assert!(parse("./data/accord.db").is_ok());
        assert!(parse("/var/lib/accord/accord.db").is_ok());
    }

    #[test]
    fn an_unknown_or_misspelt_scheme_is_refused_with_the_known_ones() {
        for (url, scheme) in [
            ("mysql://root@db/accord", "mysql"),
            ("postgress://accord@db/accord", "postgress"),
            ("postgress:four.db", "postgress"),
            ("postgres:accord", "postgres"),
        ] {
            let message = parse(url).unwrap_err();
            assert!(message.contains(&format!("'{scheme}:'")), "{message}");
            assert!(message.contains("sqlite://PATH"), "{message}");
            assert!(message.contains("postgres://"), "{message}");
        }
    }

    #[test]
    fn a_refused_url_does_not_show_its_password() {
        for url in [
            "mysql://root:s3cret@db/accord",
            "mysql://db/accord?password=s3cret",
        ] {
            let message = parse(url).unwrap_err();
            assert!(!message.contains("s3cret"), "{message}");
        }
    }

    #[test]
    fn an_sqlite_file_shows_as_its_absolute_path() {
        let shown = parse("sqlite://accord.db").unwrap().to_string();
        let expected = std::env::current_dir().unwrap().join("accord.db");
        assert_eq!(shown, format!("sqlite://{}", expected.display()));
        assert_eq!(
            parse("sqlite:///data/accord.db").unwrap().to_string(),
            "sqlite:///data/accord.db"
        );
    }

    #[test]
    fn a_postgres_url_shows_without_its_password() {
        let shown = parse("postgres://accord:s3cret@db/accord")
            .unwrap()
            .to_string();
        assert_eq!(shown, "postgres://accord:***@db/accord");
    }
}
