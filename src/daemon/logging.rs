use tracing_subscriber::EnvFilter;

/// Logs to standard error: human-readable, or one JSON object a line. The level comes from
/// `SAHEL_WATCH_LOG`, else `RUST_LOG`, else `info`.
pub fn init_logging(json: bool) {
    let filter = std::env::var("SAHEL_WATCH_LOG")
        .ok()
        .or_else(|| std::env::var("RUST_LOG").ok())
        .and_then(|s| EnvFilter::try_new(s).ok())
        .unwrap_or_else(|| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
