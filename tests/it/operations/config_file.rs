//! `accord serve --config FILE`: the settings a TOML file gives, under the flags and the
//! environment, and the keys it may not have.

use std::path::{Path, PathBuf};

use reqwest::StatusCode;
use serde_json::json;

use super::{serve_until_it_stops, Served};

/// A temporary directory with a settings file that serves on a loopback port of the system's
/// choosing over an SQLite file in the directory, with the admin token `from-file`.
struct Settings {
    dir: tempfile::TempDir,
}

impl Settings {
    fn new(extra: &str) -> Settings {
        let dir = tempfile::tempdir().unwrap();
        let text = format!(
            "listen = \"127.0.0.1:0\"\n\
             address_file = \"{}\"\n\
             database_url = \"sqlite://{}\"\n\
             admin_token = \"from-file\"\n\
             db_acquire_timeout = 2\n\
             {extra}",
            dir.path().join("address").display(),
            dir.path().join("from-file.db").display(),
        );
        std::fs::write(dir.path().join("accord-serve.toml"), text).unwrap();
        Settings { dir }
    }

    fn path(&self) -> PathBuf {
        self.dir.path().join("accord-serve.toml")
    }

    fn dir(&self) -> &Path {
        self.dir.path()
    }

    async fn serve(&self, args: &[&str], env: &[(&str, &str)]) -> Served {
        let path = self.path();
        let mut all = vec!["--config", path.to_str().unwrap()];
        all.extend_from_slice(args);
        Served::start(self.dir(), &all, env, &self.dir().join("address")).await
    }
}

/// Returns the status of a global config change made with `token` as the admin's.
async fn change_config_as(served: &Served, token: &str) -> StatusCode {
    reqwest::Client::new()
        .put(format!("{}/config", served.base))
        .bearer_auth(token)
        .json(&json!({"compatibility": "FULL"}))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn serve_takes_its_settings_from_the_file() {
    let settings = Settings::new("");

    let served = settings.serve(&[], &[]).await;

    assert!(settings.dir().join("from-file.db").exists());
    assert_eq!(change_config_as(&served, "from-file").await, StatusCode::OK);
    assert_eq!(
        change_config_as(&served, "wrong").await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_flag_overrides_the_file() {
    let settings = Settings::new("");

    let served = settings.serve(&["--admin-token", "from-flag"], &[]).await;

    assert_eq!(change_config_as(&served, "from-flag").await, StatusCode::OK);
    assert_eq!(
        change_config_as(&served, "from-file").await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn an_environment_variable_overrides_the_file() {
    let settings = Settings::new("");

    let served = settings
        .serve(&[], &[("ACCORD_ADMIN_TOKEN", "from-env")])
        .await;

    assert_eq!(change_config_as(&served, "from-env").await, StatusCode::OK);
    assert_eq!(
        change_config_as(&served, "from-file").await,
        StatusCode::UNAUTHORIZED
    );
}

#[test]
fn an_unknown_key_is_refused_by_name() {
    let settings = Settings::new("listne = \"127.0.0.1:9\"\n");
    let path = settings.path();

    let ended = serve_until_it_stops(settings.dir(), &["--config", path.to_str().unwrap()], &[]);

    assert_eq!(ended.code, 2, "{}", ended.stderr);
    assert!(
        ended.stderr.contains("unknown setting 'listne'"),
        "{}",
        ended.stderr
    );
    assert!(
        ended.stderr.contains("accord-serve.toml"),
        "{}",
        ended.stderr
    );
    assert!(ended.stderr.contains("database_url"), "{}", ended.stderr);
}

#[test]
fn a_value_its_flag_refuses_is_refused_with_the_key() {
    let settings = Settings::new("read_access = \"sometimes\"\n");
    let path = settings.path();

    let ended = serve_until_it_stops(settings.dir(), &["--config", path.to_str().unwrap()], &[]);

    assert_eq!(ended.code, 2, "{}", ended.stderr);
    assert!(ended.stderr.contains("'read_access'"), "{}", ended.stderr);
    assert!(ended.stderr.contains("enforce"), "{}", ended.stderr);
}
