//! Running the server as an operator does: how `accord serve` starts, what it logs, what it
//! refuses, and the settings it reads; each test runs the real binary.

mod config_file;
mod logs;
mod metrics;
mod startup;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How a run of `accord serve` that was expected to stop ended.
pub struct Ended {
    pub code: i32,
    pub stderr: String,
}

/// Runs `accord serve args` in `dir` and waits for it to stop by itself; panics when it is
/// still running after 30 s (it started serving instead of refusing to).
pub fn serve_until_it_stops(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Ended {
    let mut child = Command::new(env!("CARGO_BIN_EXE_accord"))
        .current_dir(dir)
        .arg("serve")
        .args(["--listen", "127.0.0.1:0"])
        .args(args)
        .env_remove("ACCORD_DATABASE_URL")
        .env_remove("ACCORD_ADMIN_TOKEN")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("accord starts");
    let start = Instant::now();
    while child.try_wait().expect("accord runs").is_none() {
        if start.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let output = child.wait_with_output().expect("reaped");
            panic!(
                "accord serve {args:?} is still running after 30 s: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().expect("reaped");
    Ended {
        code: output
            .status
            .code()
            .expect("exited, not killed by a signal"),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// `accord serve args` in `dir` with `env` added, until dropped; its address file is the one
/// its settings name, `address_file`.
pub struct Served {
    child: std::process::Child,
    pub base: String,
}

impl Served {
    /// Starts the server and waits until it answers on `/readyz`.
    pub async fn start(
        dir: &Path,
        args: &[&str],
        env: &[(&str, &str)],
        address_file: &Path,
    ) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_accord"))
            .current_dir(dir)
            .arg("serve")
            .args(args)
            .env_remove("ACCORD_DATABASE_URL")
            .env_remove("ACCORD_ADMIN_TOKEN")
            .env_remove("ACCORD_LISTEN")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("accord starts");
        let address = crate::backend::bound_address(&mut child, address_file).await;
        let served = Served {
            child,
            base: format!("http://{address}"),
        };
        crate::backend::until_ready(&served.base).await;
        served
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
