use sahel_watch::store::{now, OutboxStatus, Store};

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
    /// Put a failed alert back in the queue.
    Retry { id: i64 },
    /// Send an alert again (same Message-ID).
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
                println!(
                    "{:>6} {:<7} item {:>6} attempts {:>2} to {}  {}",
                    r.id,
                    r.status.as_str(),
                    r.item_id,
                    r.attempts,
                    r.recipient,
                    r.title.chars().take(60).collect::<String>()
                );
                if let Some(e) = &r.last_error {
                    println!("       last error: {e}");
                }
            }
            Ok(Exit::Ok)
        }
        Command::Retry { id } | Command::Resend { id } => {
            store.requeue_alert(id, now())?;
            println!("alert {id} queued; the running daemon (or the next `run --once`) sends it");
            Ok(Exit::Ok)
        }
    }
}
