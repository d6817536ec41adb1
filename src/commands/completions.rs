//! `accord completions SHELL`: a completion script for bash, zsh, fish, elvish or PowerShell,
//! generated from the same clap definitions that parse the command line.

use clap::CommandFactory;
use clap_complete::Shell;

use super::Done;

/// `accord completions`.
#[derive(Debug, Clone, clap::Args)]
pub struct CompletionsArgs {
    /// The shell, such as bash, zsh or fish.
    pub shell: Shell,
}

/// Returns the completion script.
pub fn completions(args: CompletionsArgs) -> Done {
    let mut script = Vec::new();
    clap_complete::generate(
        args.shell,
        &mut crate::cli::Cli::command(),
        "accord",
        &mut script,
    );
    Done::ok(String::from_utf8_lossy(&script).into_owned())
}
