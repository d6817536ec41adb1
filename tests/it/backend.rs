//! Which database the suite runs on, a fresh database for each test, and the real `accord`
//! binary as a process.
//!
//! `ACCORD_TEST_BACKEND=sqlite` (the default) or `postgres` picks the backend of every
//! [`crate::support::TestApp`]. PostgreSQL is reached at `ACCORD_TEST_POSTGRES`
//! (`postgres://postgres@127.0.0.1:5432` by default, trust authentication); each test creates a
//! database named `accord_test_<pid>_<n>_<random>` and drops it when it ends. Tests that only
//! make sense on PostgreSQL call [`postgres_or_skip`]: without a server they say on stderr that
//! they skipped and why, and under CI (`CI=true`) they fail instead.

use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use sqlx::{Connection, Executor, PgConnection};

use accord::storage::{PoolSettings, Store};

/// The database every `TestApp` of this run uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Returns the backend `ACCORD_TEST_BACKEND` names; SQLite when unset.
pub fn backend() -> Backend {
    match std::env::var("ACCORD_TEST_BACKEND").as_deref() {
        Ok("postgres") | Ok("postgresql") => Backend::Postgres,
        Ok("sqlite") | Ok("") | Err(_) => Backend::Sqlite,
        Ok(other) => panic!("ACCORD_TEST_BACKEND={other}: use sqlite or postgres"),
    }
}

/// The PostgreSQL server the tests use, without a database name.
pub fn postgres_server() -> String {
    std::env::var("ACCORD_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_string())
}

/// The pool a test store uses: small, and patient enough for a loaded machine.
pub fn test_pool() -> PoolSettings {
    PoolSettings {
        max_connections: 5,
        min_connections: 0,
        acquire_timeout: Duration::from_secs(20),
    }
}

/// A fresh, empty database for one test, removed when dropped.
pub enum TestDb {
    Sqlite {
        url: String,
        _dir: tempfile::TempDir,
    },
    Postgres(PgDatabase),
    /// Another `TestDb`'s database, which that one removes.
    Borrowed {
        url: String,
    },
}

impl TestDb {
    /// A database on the backend of this run; panics when PostgreSQL was asked for and is not
    /// reachable.
    pub async fn new() -> TestDb {
        match backend() {
            Backend::Sqlite => TestDb::sqlite(),
            Backend::Postgres => match PgDatabase::create().await {
                Ok(db) => TestDb::Postgres(db),
                Err(err) => panic!(
                    "ACCORD_TEST_BACKEND=postgres, but PostgreSQL is not reachable at {}: {err}",
                    postgres_server()
                ),
            },
        }
    }

    /// A fresh SQLite file in a temporary folder.
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("accord.db").display());
        TestDb::Sqlite { url, _dir: dir }
    }

    pub fn url(&self) -> &str {
        match self {
            TestDb::Sqlite { url, .. } | TestDb::Borrowed { url } => url,
            TestDb::Postgres(db) => &db.url,
        }
    }

    /// The same database, for a second instance; it must not outlive `self`.
    pub fn borrowed(&self) -> TestDb {
        TestDb::Borrowed {
            url: self.url().to_string(),
        }
    }

    /// Opens a store on this database, as an instance does on start.
    pub async fn connect(&self) -> std::sync::Arc<dyn Store> {
        accord::storage::connect_with(self.url(), &test_pool())
            .await
            .expect("store opens")
    }
}

/// A PostgreSQL database created for one test and dropped (connections and all) with it.
pub struct PgDatabase {
    pub name: String,
    pub url: String,
}

impl PgDatabase {
    /// Creates a uniquely named database.
    pub async fn create() -> Result<PgDatabase, sqlx::Error> {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let mut random = [0u8; 4];
        getrandom::fill(&mut random).expect("random bytes");
        let name = format!(
            "accord_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst),
            hex::encode(random)
        );
        let mut admin = admin().await?;
        drop_leftovers(&mut admin).await;
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await?;
        let _ = admin.close().await;
        let url = format!("{}/{name}", postgres_server());
        Ok(PgDatabase { name, url })
    }

    /// A connection to this database, for checking what is stored.
    pub async fn connection(&self) -> PgConnection {
        PgConnection::connect(&self.url)
            .await
            .expect("connects to the test database")
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        // Drop runs inside the test's runtime, which cannot be blocked on: use a thread of its own.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                let mut admin = admin().await?;
                admin.execute(sql.as_str()).await?;
                admin.close().await
            })
        })
        .join();
        if let Ok(Err(err)) = dropped {
            say(&format!(
                "could not drop test database {}: {err}",
                self.name
            ));
        }
    }
}

async fn admin() -> Result<PgConnection, sqlx::Error> {
    let url = format!("{}/postgres", postgres_server());
    tokio::time::timeout(Duration::from_secs(5), PgConnection::connect(&url))
        .await
        .unwrap_or(Err(sqlx::Error::PoolTimedOut))
}

/// Drops, once per run, the test databases of test processes that no longer exist.
async fn drop_leftovers(admin: &mut PgConnection) {
    static DONE: std::sync::Once = std::sync::Once::new();
    let mut first = false;
    DONE.call_once(|| first = true);
    if !first {
        return;
    }
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT datname FROM pg_database WHERE datname LIKE 'accord\\_test\\_%'",
    )
    .fetch_all(&mut *admin)
    .await
    .unwrap_or_default();
    for name in names {
        let pid = name.split('_').nth(2).unwrap_or_default();
        if !pid.is_empty() && !std::path::Path::new(&format!("/proc/{pid}")).exists() {
            let _ = admin
                .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                .await;
        }
    }
}

/// A fresh PostgreSQL database for a test that needs PostgreSQL whatever the backend of the
/// run, or `None` after saying why the test is skipped. Under CI, an unreachable server fails
/// the test instead.
pub async fn postgres_or_skip() -> Option<PgDatabase> {
    // The test harness names each test's thread after the test.
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("a PostgreSQL test");
    match PgDatabase::create().await {
        Ok(db) => Some(db),
        Err(err) if std::env::var("CI").is_ok_and(|ci| ci == "true") => {
            panic!("{test} needs PostgreSQL at {}: {err}", postgres_server())
        }
        Err(err) => {
            say(&format!(
                "SKIPPED {test}: PostgreSQL is not reachable at {} ({err}); \
                 start it to run this test (CI=true makes this a failure)",
                postgres_server()
            ));
            None
        }
    }
}

/// Writes a line to the real stderr, which the test harness does not capture.
pub fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Polls `check` every 20 ms until it returns `Some`, or panics with `what` after `deadline`.
pub async fn eventually<T, F, Fut>(what: &str, deadline: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let start = Instant::now();
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            start.elapsed() < deadline,
            "{what}: not within {deadline:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The real `accord` binary serving on a free loopback port; killed when dropped.
pub struct Process {
    child: Child,
    pub base: String,
}

impl Process {
    /// Starts `accord serve` on `database_url` with `args`, and waits until it is ready.
    pub async fn start(database_url: &str, args: &[&str]) -> Process {
        let logs = || match std::env::var("ACCORD_TEST_SERVER_LOGS") {
            Ok(_) => Stdio::inherit(),
            Err(_) => Stdio::null(),
        };
        Self::spawn(database_url, args, &[], logs(), logs()).await
    }

    /// Starts `accord serve` like [`Process::start`], with `env` added to its environment and
    /// its standard output and error both written to `log`.
    pub async fn start_logging(
        database_url: &str,
        args: &[&str],
        env: &[(&str, &str)],
        log: &std::path::Path,
    ) -> Process {
        let file = std::fs::File::create(log).expect("log file");
        let stderr = file.try_clone().expect("log file");
        Self::spawn(database_url, args, env, file.into(), stderr.into()).await
    }

    async fn spawn(
        database_url: &str,
        args: &[&str],
        env: &[(&str, &str)],
        stdout: Stdio,
        stderr: Stdio,
    ) -> Process {
        // The server binds port 0 and says which port it got, so that no other process can take
        // the port between choosing and binding it.
        let dir = tempfile::tempdir().expect("temp dir");
        let address_file = dir.path().join("address");
        let mut child = Command::new(env!("CARGO_BIN_EXE_accord"))
            .args(["serve", "--listen", "127.0.0.1:0", "--address-file"])
            .arg(&address_file)
            .args(["--database-url", database_url])
            .args(args)
            .env_remove("ACCORD_ADMIN_TOKEN")
            .envs(env.iter().copied())
            .stdout(stdout)
            .stderr(stderr)
            .spawn()
            .expect("accord starts");
        let address = bound_address(&mut child, &address_file).await;
        let process = Process {
            child,
            base: format!("http://{address}"),
        };
        until_ready(&process.base).await;
        process
    }

    /// Stops the process with SIGTERM, as a supervisor would, and waits until it has exited.
    pub fn stop(mut self) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status();
        assert!(sent.expect("kill runs").success(), "SIGTERM sent");
        self.child.wait().expect("reaped");
    }

    /// Kills the process with SIGKILL, as a crash would.
    pub fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }
}

/// Waits until `child` writes the address it listens on to `file` (`--address-file`); panics
/// when it exits first or takes over 30 s.
pub async fn bound_address(child: &mut Child, file: &std::path::Path) -> std::net::SocketAddr {
    eventually(
        "accord says the address it listens on",
        Duration::from_secs(30),
        || {
            if let Ok(Some(status)) = child.try_wait() {
                panic!("accord exited with {status} before listening");
            }
            let written = std::fs::read_to_string(file).ok();
            async move { written?.trim().parse().ok() }
        },
    )
    .await
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits until the server at `base` answers 200 on `/readyz` (at most 30 seconds).
pub async fn until_ready(base: &str) {
    let client = &reqwest::Client::new();
    let ready = &format!("{base}/readyz");
    eventually(
        "accord becomes ready",
        Duration::from_secs(30),
        || async move {
            let response = client.get(ready).send().await.ok()?;
            response.status().is_success().then_some(())
        },
    )
    .await;
}
