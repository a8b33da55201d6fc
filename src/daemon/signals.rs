/// Resolves on SIGTERM or SIGINT (Ctrl-C). The handlers are installed when this is called, not
/// when the future is first polled: a SIGTERM that came before the first poll would otherwise
/// meet the default action and kill the process without draining.
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = signal(SignalKind::terminate()).expect("installing a SIGTERM handler");
        let mut int = signal(SignalKind::interrupt()).expect("installing a SIGINT handler");
        async move {
            tokio::select! {
                _ = term.recv() => tracing::info!("SIGTERM received, stopping"),
                _ = int.recv() => tracing::info!("SIGINT received, stopping"),
            }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// SIGHUP, as a stream of reload requests. Installing it also keeps SIGHUP from ending the
/// process (its default action).
#[cfg(unix)]
pub(crate) fn hangup() -> tokio::signal::unix::Signal {
    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
        .expect("installing a SIGHUP handler")
}
