//! The daemon's small HTTP/1 servers (`/metrics` and `/healthz`, the WebSub callback) on
//! hyper: bounded connections, a deadline for the request head and a lifetime for each
//! connection, and the current context (reloads included) handed to each request.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use super::Context;

/// Connections served at once; more are closed at accept, so a client that opens many cannot
/// make the daemon hold many tasks.
const MAX_CONNECTIONS: usize = 16;
/// A request head must arrive within this.
const HEADER_TIMEOUT: Duration = Duration::from_secs(5);
/// A connection, keep-alive included, is closed after this.
const CONNECTION_LIFETIME: Duration = Duration::from_secs(60);

/// Serves `answer` on `addr` until the process ends. A bind failure is logged (`what` names
/// the server) and the daemon goes on without it.
pub async fn serve<F, Fut>(
    addr: SocketAddr,
    what: &'static str,
    ctx: Arc<tokio::sync::RwLock<Arc<Context>>>,
    answer: F,
) where
    F: Fn(Request<Incoming>, Arc<Context>) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Response<Full<Bytes>>> + Send + 'static,
{
    let listener = match TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(%addr, error = %e, "cannot listen for {what}; going on without");
            return;
        }
    };
    tracing::info!(%addr, "{what} on http://{addr}/");
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let sock = match listener.accept().await {
            Ok((sock, _)) => sock,
            Err(e) => {
                // Out of descriptors, most likely: wait instead of spinning on accept.
                tracing::warn!(%addr, error = %e, "{what} listener cannot accept");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            continue; // dropping the socket closes it
        };
        let ctx = ctx.read().await.clone();
        let answer = answer.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let answer = answer.clone();
                let ctx = ctx.clone();
                async move { Ok::<_, Infallible>(answer(req, ctx).await) }
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .serve_connection(TokioIo::new(sock), service);
            let _ = tokio::time::timeout(CONNECTION_LIFETIME, conn).await;
            drop(slot);
        });
    }
}

/// A plain-text answer.
pub fn text(status: StatusCode, body: String) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = status;
    r.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}
