use anyhow::Context as _;
use sahel_watch::alert::{render, Transport};
use sahel_watch::detect::analyze;
use sahel_watch::store::{now, AlertRow};

use super::{Exit, Globals};

/// A real headline and lead (the project's seed article), so that the test message shows what an
/// alert looks like: Arabic subject, right-to-left body, summary block.
const TITLE: &str = "الجزائر تغلق حدودها البرية مع مالي وليبيا بعد هجوم باماكو";
const TEXT: &str = "أغلقت الجزائر حدودها البرية مع مالي وليبيا بعد الهجوم على فندق راديسون بلو في باماكو الذي أسفر عن مقتل 27 شخصا.";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to send it.
    #[arg(long)]
    to: String,
}

pub fn run(g: &Globals, a: Args) -> anyhow::Result<Exit> {
    let config = g.config()?;
    let analysis = analyze(&config.rules, TITLE, TEXT);
    let t = now();
    let row = AlertRow {
        id: 0,
        item_id: 0,
        recipient: a.to.clone(),
        kind: "test".into(),
        message_id: format!("<sw.test.{t}.{:08x}@sahel-watch>", fastrand::u32(..)),
        attempts: 0,
        title: format!("[test] {TITLE}"),
        text: TEXT.into(),
        url: None,
        feed_name: "sahel-watch send-test-alert".into(),
        published_at: Some(t),
        fetched_at: t,
        analysis,
    };
    let rendered = render(&config.rules, &row);
    // The SMTP transport (its connection pool) lives inside the runtime.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let transport = Transport::from_config(&config).context("setting up delivery")?;
        let message = transport.message(&a.to, &row.message_id, &rendered)?;
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
