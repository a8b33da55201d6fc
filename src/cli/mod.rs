//! Command-line interface: one file per subcommand, each an `Args` struct whose doc comments are
//! the help, and a `run` function.

mod alerts;
mod backtest;
mod backup;
mod check_config;
mod classify;
mod correct;
mod eval;
mod export;
mod extract;
mod feeds;
mod migrate;
mod prune;
pub mod query;
mod report;
mod rules;
mod run;
mod send_test_alert;
mod show;
mod stats;
mod stories;
mod users;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use sahel_watch::config::{Config, ConfigError};
use sahel_watch::detect::PackError;

/// Watches Arabic-language news feeds for security events in the Sahel and emails alerts.
#[derive(Debug, Parser)]
#[command(name = "sahel-watch", version, propagate_version = true)]
pub struct Cli {
    /// Configuration file (default: the configuration bundled in the binary).
    #[arg(long, global = true, env = "SAHEL_WATCH_CONFIG")]
    config: Option<PathBuf>,
    /// Data directory (database and alert maildir); overrides `data_dir` of the configuration.
    #[arg(long, global = true, env = "SAHEL_WATCH_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Log format on standard error.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the daemon: poll feeds, store items, send alerts.
    Run(run::Args),
    /// List stored items.
    Query(query::Args),
    /// Show one stored item with its analysis and why, or `show story ID`.
    Show(show::Args),
    /// List stories: one incident told by one or many outlets.
    Stories(stories::Args),
    /// Counts of stories by week, country and kind, with their tolls.
    Stats(stats::Args),
    /// Write a self-contained HTML briefing: charts per week and the latest stories.
    Report(report::Args),
    /// Feed health, checks and export.
    Feeds(feeds::Args),
    /// Outbox of alerts: pending, sent and failed.
    Alerts(alerts::Args),
    /// Analyse a text (title on the first line) and explain the result.
    Classify(classify::Args),
    /// Score the detector on a labelled corpus (JSON Lines).
    Eval(eval::Args),
    /// Print the article text extracted from a saved page, as the full-text stage reads it.
    Extract(extract::Args),
    /// Rule pack tools.
    Rules(rules::Args),
    /// Re-run the current rules over the stored archive and report what would change.
    Backtest(backtest::Args),
    /// Apply database migrations and exit.
    Migrate(migrate::Args),
    /// Write a consistent copy of the database (also while the daemon runs).
    Backup(backup::Args),
    /// Apply [retention] now (the daemon does it daily): empty old irrelevant texts, reclaim space.
    Prune(prune::Args),
    /// Analysts' corrections: not an incident, merge, undo (as the console makes them).
    Correct(correct::Args),
    /// Accounts of the web console ([console]): add, list, remove.
    Users(users::Args),
    /// Validate the configuration and print it (secrets redacted).
    CheckConfig(check_config::Args),
    /// Send one sample alert through the configured SMTP server (or the maildir) to check a setup.
    SendTestAlert(send_test_alert::Args),
    /// Print shell completions (bash, zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff).
    Man,
}

/// Exit statuses, as scripts see them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    Failure = 1,
    Usage = 2,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

/// What a subcommand needs from the global options.
pub struct Globals {
    config: Option<PathBuf>,
    data_dir: Option<PathBuf>,
}

impl Globals {
    /// Loads and validates the configuration, applying `--data-dir`.
    pub fn config(&self) -> Result<Config, ConfigError> {
        let mut c = Config::load(self.config.as_deref())?;
        if let Some(d) = &self.data_dir {
            c.data_dir = d.clone();
        }
        Ok(c)
    }
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                Exit::Usage
            } else {
                Exit::Ok
            }
            .into();
        }
    };
    sahel_watch::daemon::init_logging(matches!(cli.log_format, LogFormat::Json));
    let globals = Globals {
        config: cli.config,
        data_dir: cli.data_dir,
    };
    let result = match cli.command {
        Command::Run(a) => run::run(&globals, a),
        Command::Query(a) => query::run(&globals, a),
        Command::Show(a) => show::run(&globals, a),
        Command::Stories(a) => stories::run(&globals, a),
        Command::Stats(a) => stats::run(&globals, a),
        Command::Report(a) => report::run(&globals, a),
        Command::Feeds(a) => feeds::run(&globals, a),
        Command::Alerts(a) => alerts::run(&globals, a),
        Command::Classify(a) => classify::run(&globals, a),
        Command::Eval(a) => eval::run(&globals, a),
        Command::Extract(a) => extract::run(&globals, a),
        Command::Rules(a) => rules::run(a),
        Command::Backtest(a) => backtest::run(&globals, a),
        Command::Migrate(a) => migrate::run(&globals, a),
        Command::Backup(a) => backup::run(&globals, a),
        Command::Prune(a) => prune::run(&globals, a),
        Command::Users(a) => users::run(&globals, a),
        Command::Correct(a) => correct::run(&globals, a),
        Command::CheckConfig(a) => check_config::run(&globals, a),
        Command::SendTestAlert(a) => send_test_alert::run(&globals, a),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "sahel-watch",
                &mut std::io::stdout(),
            );
            Ok(Exit::Ok)
        }
        Command::Man => {
            use clap::CommandFactory;
            clap_mangen::Man::new(Cli::command())
                .render(&mut std::io::stdout())
                .map(|_| Exit::Ok)
                .map_err(anyhow::Error::from)
        }
    };
    match result {
        Ok(code) => code.into(),
        Err(e) => {
            eprintln!("sahel-watch: error: {}", error_chain(&e));
            exit_for(&e).into()
        }
    }
}

/// The error and its causes, each said once: a library error that already quotes its cause
/// in its message («cannot read x: No such file…») is not followed by that cause again.
pub(crate) fn error_chain(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if !out.contains(&text) {
            if !out.is_empty() {
                out.push_str(": ");
            }
            out.push_str(&text);
        }
    }
    out
}

/// Configuration and rule-pack errors are the user's to fix: status 2. Anything else: 1.
fn exit_for(e: &anyhow::Error) -> Exit {
    let usage = e.chain().any(|c| {
        c.downcast_ref::<ConfigError>().is_some()
            || c.downcast_ref::<PackError>().is_some()
            || c.downcast_ref::<UsageError>().is_some()
    });
    if usage {
        Exit::Usage
    } else {
        Exit::Failure
    }
}

/// A bad argument value found after parsing (a malformed `--since`, say).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Reads a file, or standard input for `-`.
pub fn read_input(path: &std::path::Path) -> anyhow::Result<String> {
    use anyhow::Context;
    use std::io::Read;
    if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .context("reading standard input")?;
        Ok(s)
    } else {
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_cause_is_said_once() {
        #[derive(Debug, thiserror::Error)]
        #[error("cannot read x: {source}")]
        struct Quoting {
            #[source]
            source: std::io::Error,
        }
        let io = || std::io::Error::new(std::io::ErrorKind::NotFound, "No such file");
        let quoted = anyhow::Error::new(Quoting { source: io() }).context("loading");
        assert_eq!(error_chain(&quoted), "loading: cannot read x: No such file");
        let io = io();
        let plain = anyhow::Error::new(io).context("cannot read x");
        assert_eq!(error_chain(&plain), "cannot read x: No such file");
    }
}
