//! Output into a pipe whose reader has gone (`accord openapi | head -1`): the command stops
//! writing, says nothing and exits with the code of its outcome.

use std::path::Path;
use std::process::{Command, Stdio};

use super::{breaking_change_with_a_consumer, repo, Project, Run, Server};

/// Runs `accord args` in `dir` with its standard output a pipe closed before it writes.
fn accord_into_a_closed_pipe(dir: &Path, args: &[&str], registry: Option<&str>) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_accord"));
    command
        .current_dir(dir)
        .args(args)
        .env_remove("ACCORD_REGISTRY")
        .env_remove("ACCORD_CREDENTIALS")
        .env_remove("ACCORD_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(registry) = registry {
        command.env("ACCORD_REGISTRY", registry);
    }
    let mut child = command.spawn().expect("accord runs");
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("accord ends");
    Run {
        code: output
            .status
            .code()
            .expect("exited, not killed by a signal"),
        stdout: String::new(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

#[test]
fn openapi_into_a_closed_pipe_exits_0_without_a_word() {
    // The document is larger than a pipe's buffer: the writer meets the closed pipe whatever
    // the timing.
    let run = accord_into_a_closed_pipe(&repo(), &["openapi"], None);

    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
}

#[tokio::test]
async fn check_as_json_into_a_closed_pipe_exits_0_without_a_word() {
    let server = Server::start(None).await;
    let project = Project::examples();
    assert_eq!(project.accord(&server, &["register"], &[]).code, 0);

    let run = accord_into_a_closed_pipe(
        project.dir.path(),
        &["check", "--format", "json"],
        Some(&server.base),
    );

    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
}

#[tokio::test]
async fn check_into_a_closed_pipe_still_exits_1_on_a_breaking_change() {
    let (server, project) = breaking_change_with_a_consumer().await;

    let run = accord_into_a_closed_pipe(project.dir.path(), &["check"], Some(&server.base));

    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stderr, "");
}
