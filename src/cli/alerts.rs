use sahel_watch::store::{OutboxStatus, Store};
use sahel_watch::time::now;

use super::{Exit, Globals};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// List outbox rows, newest first.
    List {
        /// Only rows with this status.
        #[arg(long, value_enum)]
        status: Option<Status>,
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Put a failed alert back in the queue (a failed digest is retried whole).
    Retry { id: i64 },
    /// Send a sent alert again, on its own, with the same Message-ID (a webhook gets the same
    /// Idempotency-Key and a Matrix room the same transaction id: receivers that honour them
    /// do not show it twice).
    Resend { id: i64 },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Status {
    Pending,
    Sent,
    Failed,
}

pub fn run(g: &Globals, a: Args) -> anyhow::Result<Exit> {
    let config = g.config()?;
    let mut store = Store::open(&config.data_dir)?;
    match a.command.unwrap_or(Command::List {
        status: None,
        limit: 50,
    }) {
        Command::List { status, limit } => {
            let status = status.map(|s| match s {
                Status::Pending => OutboxStatus::Pending,
                Status::Sent => OutboxStatus::Sent,
                Status::Failed => OutboxStatus::Failed,
            });
            for r in store.outbox(status, limit)? {
                let mode = match r.digest_id {
                    Some(d) => format!("digest #{d}"),
                    None => r.mode.clone(),
                };
                println!(
                    "{:>6} {:<7} {:<6} {:<12} item {:>6} attempts {:>2} to {}  {}",
                    r.id,
                    r.status.as_str(),
                    r.kind,
                    mode,
                    r.item_id,
                    r.attempts,
                    r.recipient,
                    sahel_watch::text::sanitize_line(&r.title, 60)
                );
                if let Some(e) = &r.last_error {
                    println!("       last error: {e}");
                }
            }
            Ok(Exit::Ok)
        }
        Command::Retry { id } => {
            store.retry_alert(id, now())?;
            println!(
                "alert {id} queued again; the running daemon (or the next `run --once`) sends it"
            );
            Ok(Exit::Ok)
        }
        Command::Resend { id } => {
            store.resend_alert(id, now())?;
            println!("alert {id} queued to be sent again; the running daemon (or the next `run --once`) sends it");
            Ok(Exit::Ok)
        }
    }
}
