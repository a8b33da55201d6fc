use anyhow::Context as _;
use sahel_watch::alert::{alert_view, sample_row, Transport};
use sahel_watch::daemon::{send_sample, Context};
use sahel_watch::detect::analyze;
use sahel_watch::store::now;

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

pub fn run(g: &Globals, a: Args) -> anyhow::Result<Exit> {
    let config = g.config()?;
    // The transports (SMTP's connection pool, the HTTP client) live inside the runtime.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    if let Some(name) = a.recipient {
        let recipient = config.recipient_named(&name).cloned().ok_or_else(|| {
            let known: Vec<&str> = config.recipients.iter().map(|r| r.name.as_str()).collect();
            UsageError(format!(
                "no recipient named {name:?} (configured: {})",
                known.join(", ")
            ))
        })?;
        return rt.block_on(async {
            let ctx = Context::new(config).context("setting up delivery")?;
            let how = send_sample(&ctx, &recipient)
                .await
                .with_context(|| format!("sending to {}", recipient.name))?;
            println!("sent {how} to {}", recipient.name);
            Ok(Exit::Ok)
        });
    }
    let to = a.to.expect("clap requires --to or --recipient");
    let mut row = sample_row(&config.rules, &to);
    row.title = format!("[test] {}", row.title);
    row.analysis = analyze(&config.rules, &row.title, &row.text);
    let t = now();
    let rendered = config
        .templates
        .alert(&alert_view(&config.rules, &row))
        .context("rendering the sample alert")?;
    rt.block_on(async {
        let transport = Transport::new(config.smtp.as_ref(), config.maildir_path())
            .context("setting up delivery")?;
        let message = transport.message(&to, &row.message_id, None, &rendered)?;
        transport
            .send(&message, &format!("sw-test-{t}"))
            .await
            .with_context(|| format!("sending through {}", transport.describe()))?;
        println!(
            "sent «{}» to {to} through {}",
            rendered.subject,
            transport.describe()
        );
        Ok(Exit::Ok)
    })
}
