use anyhow::Context as _;
use sahel_watch::daemon::send_sample;

use super::{Exit, Globals, UsageError};

#[derive(Debug, clap::Args)]
#[group(required = true, multiple = false)]
pub struct Args {
    /// Send it by email to this address (through SMTP, or the maildir when none is set).
    #[arg(long, value_name = "ADDRESS")]
    to: Option<String>,
    /// Send it to this configured recipient, through its channel (email, webhook or Matrix):
    /// its name, or its address.
    #[arg(long, value_name = "NAME")]
    recipient: Option<String>,
}

/// Sends the sample alert as an alert would go, without opening the database.
pub fn run(g: &Globals, a: Args) -> anyhow::Result<Exit> {
    let config = g.config()?;
    let (to, name) = match (a.recipient, a.to) {
        (Some(name), _) => {
            let r = config.recipient_named(&name).ok_or_else(|| {
                let known: Vec<&str> = config.recipients.iter().map(|r| r.name.as_str()).collect();
                UsageError(format!(
                    "no recipient named {name:?} (configured: {})",
                    known.join(", ")
                ))
            })?;
            (r.key.clone(), r.name.clone())
        }
        (None, Some(address)) => (address.clone(), address),
        (None, None) => unreachable!("clap requires --to or --recipient"),
    };
    // The transports (SMTP's connection pool, the HTTP client) live inside the runtime.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let how = rt
        .block_on(send_sample(&config, &to))
        .with_context(|| format!("sending the sample alert to {name}"))?;
    println!("sent {how} to {name}");
    Ok(Exit::Ok)
}
