use anyhow::Context as _;
use sahel_watch::alert::{alert_view, sample_row, Transport};
use sahel_watch::detect::analyze;
use sahel_watch::store::now;

use super::{Exit, Globals};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to send it.
    #[arg(long)]
    to: String,
}

pub fn run(g: &Globals, a: Args) -> anyhow::Result<Exit> {
    let config = g.config()?;
    let mut row = sample_row(&config.rules, &a.to);
    row.title = format!("[test] {}", row.title);
    row.analysis = analyze(&config.rules, &row.title, &row.text);
    let t = now();
    let rendered = config
        .templates
        .alert(&alert_view(&config.rules, &row))
        .context("rendering the sample alert")?;
    // The SMTP transport (its connection pool) lives inside the runtime.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let transport = Transport::new(config.smtp.as_ref(), config.maildir_path())
            .context("setting up delivery")?;
        let message = transport.message(&a.to, &row.message_id, None, &rendered)?;
        transport
            .send(&message, &format!("sw-test-{t}"))
            .await
            .with_context(|| format!("sending through {}", transport.describe()))?;
        println!(
            "sent «{}» to {} through {}",
            rendered.subject,
            a.to,
            transport.describe()
        );
        Ok(Exit::Ok)
    })
}
