use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::EnvFilter;

/// Logs to journald when systemd started us with its journal on stderr (`JOURNAL_STREAM`), as
/// structured entries with their fields (`feed_url`, `item_id`, `alert_id`...); otherwise to
/// standard error, human-readable or one JSON object a line. The level comes from
/// `SAHEL_WATCH_LOG`, else `RUST_LOG`, else `info`.
pub fn init_logging(json: bool) {
    let filter = || {
        std::env::var("SAHEL_WATCH_LOG")
            .ok()
            .or_else(|| std::env::var("RUST_LOG").ok())
            .and_then(|s| EnvFilter::try_new(s).ok())
            .unwrap_or_else(|| EnvFilter::new("info"))
    };
    if std::env::var_os("JOURNAL_STREAM").is_some() && !json {
        if let Ok(journald) = tracing_journald::layer() {
            let _ = tracing_subscriber::registry()
                .with(filter())
                .with(journald.with_syslog_identifier("sahel-watch".into()))
                .try_init();
            return;
        }
    }
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter())
        .with_writer(std::io::stderr)
        .with_target(false);
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
