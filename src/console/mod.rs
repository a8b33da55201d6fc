//! The analysts' console (`[console]`): server-rendered pages over the archive, served by the
//! daemon with axum on the hyper and tokio it already runs. Pages work without JavaScript,
//! read right to left where the text is Arabic (every run of the other direction isolated),
//! and carry a strict Content-Security-Policy; every feed-supplied string is escaped by the
//! templates. Signing in takes an account (`sahel-watch users`) or, where configured, a
//! trusted reverse proxy's authenticated-user header.

mod auth;
pub mod corrections;
mod pages;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::{ConnectInfo, Form, Path, Query, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, COOKIE, LOCATION, REFERRER_POLICY,
    SET_COOKIE, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

pub use auth::{hash_password, AuthError};

use crate::config::Config;
use crate::detect::RulePack;
use crate::store::{CorrectionError, SessionRow, Store, StoreError, Verdict};

pub use corrections::{Correction, Made};

pub use crate::config::ConsoleConfig;

const SESSION_COOKIE: &str = "sw_session";
const LOGIN_COOKIE: &str = "sw_login";
const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
                   form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// What every request handler shares.
struct Shared {
    reader: Arc<Mutex<Store>>,
    writer: Arc<Mutex<Store>>,
    rules: Arc<RulePack>,
    /// The daemon's configuration: the rules, the story policy and the feeds' publishers
    /// that telling a corrected story again reads.
    app: Arc<Config>,
    config: ConsoleConfig,
    limiter: auth::Limiter,
    pages: pages::Pages,
}

type Console = Arc<Shared>;

/// Serves the console on `config.listen` until the process ends; a bind failure is logged
/// and the daemon goes on without it.
pub async fn serve(
    config: ConsoleConfig,
    reader: Arc<Mutex<Store>>,
    writer: Arc<Mutex<Store>>,
    app: Arc<Config>,
) {
    let addr = config.listen;
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) => {
            tracing::error!(%addr, error = %e, "cannot listen for the console; going on without");
            return;
        }
    };
    tracing::info!(%addr, "console on http://{addr}/");
    let app = router(Arc::new(Shared {
        reader,
        writer,
        rules: app.rules.clone(),
        app,
        config,
        limiter: auth::Limiter::default(),
        pages: pages::Pages::new(),
    }));
    let service = app.into_make_service_with_connect_info::<SocketAddr>();
    if let Err(e) = axum::serve(listener, service).await {
        tracing::error!(%addr, error = %e, "the console stopped");
    }
}

fn router(console: Console) -> Router {
    Router::new()
        .route("/", get(|| async { see_other("/incidents") }))
        .route("/console.css", get(stylesheet))
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/incidents", get(incidents))
        .route("/incidents/{id}", get(incident))
        .route("/incidents/{id}/dismiss", post(dismiss))
        .route("/incidents/{id}/merge", post(merge))
        .route("/incidents/{id}/place", post(place))
        .route("/articles/{id}/correct", post(article))
        .route("/corrections/{id}/undo", post(undo))
        .route("/search", get(search))
        .route("/feeds", get(feeds))
        .route("/alerts", get(alerts))
        .route("/alerts/{id}/retry", post(retry))
        .layer(axum::middleware::map_response(secure_headers))
        .with_state(console)
}

/// The headers every answer carries: no script, no framing, no sniffing, no referrer, and
/// nothing cached (the pages hold the archive).
async fn secure_headers(mut r: Response) -> Response {
    let h = r.headers_mut();
    h.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.entry(CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    r
}

fn see_other(to: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        r.headers_mut().insert(LOCATION, v);
    }
    r
}

fn html(status: StatusCode, body: String) -> Response {
    let mut r = (status, body).into_response();
    r.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r
}

fn failure(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "console request failed");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "the archive could not be read\n",
    )
        .into_response()
}

async fn stylesheet() -> Response {
    let mut r = pages::STYLESHEET.into_response();
    r.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/css; charset=utf-8"),
    );
    r.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("max-age=3600"));
    r
}

/// Why a page could not be answered.
#[derive(Debug, thiserror::Error)]
enum ConsoleError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("a worker thread failed: {0}")]
    Join(#[from] tokio::task::JoinError),
    #[error(transparent)]
    Correction(#[from] CorrectionError),
}

/// Runs `f` on a store connection from a blocking thread.
async fn on<T: Send + 'static, E: Send + 'static>(
    store: &Arc<Mutex<Store>>,
    f: impl FnOnce(&mut Store) -> Result<T, E> + Send + 'static,
) -> Result<T, ConsoleError>
where
    ConsoleError: From<E>,
{
    let store = store.clone();
    let done = tokio::task::spawn_blocking(move || {
        f(&mut store.lock().unwrap_or_else(|p| p.into_inner()))
    })
    .await?;
    Ok(done?)
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn now() -> i64 {
    crate::time::now()
}

/// The signed-in user of a request: its session cookie, or the trusted proxy's header.
async fn who(
    console: &Console,
    peer: SocketAddr,
    headers: &HeaderMap,
) -> Result<Option<SessionRow>, ConsoleError> {
    let c = &console.config;
    if let Some(header) = &c.user_header {
        if c.trusted_proxies.contains(&peer.ip()) {
            let Some(name) = headers.get(header).and_then(|v| v.to_str().ok()) else {
                return Ok(None);
            };
            let name = name.trim().to_owned();
            let user = on(&console.reader, move |s| s.user_named(&name)).await?;
            // Behind the proxy the CSRF token is the user's own, fixed per account.
            return Ok(user.map(|user| SessionRow {
                csrf: auth::digest(&format!("proxy-csrf:{}:{}", user.id, user.password_hash)),
                expires_at: i64::MAX,
                user,
            }));
        }
    }
    let Some(token) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let digest = auth::digest(token);
    on(&console.reader, move |s| s.session(&digest, now())).await
}

#[derive(serde::Deserialize)]
struct LoginForm {
    name: String,
    password: String,
    csrf: String,
}

async fn login_page(State(console): State<Console>) -> Response {
    let token = match auth::random_token() {
        Ok(t) => t,
        Err(e) => return failure(e),
    };
    let page = console.pages.login(&token, None);
    with_cookie(
        html(StatusCode::OK, page),
        &format!("{LOGIN_COOKIE}={token}; Path=/login; HttpOnly; Secure; SameSite=Strict"),
    )
}

fn with_cookie(mut r: Response, cookie: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        r.headers_mut().append(SET_COOKIE, v);
    }
    r
}

/// Signs in: the form's token must match its cookie (a login form posted from elsewhere is
/// refused), failures are limited per address and per name, and a new session replaces
/// none of the others.
async fn login(
    State(console): State<Console>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let expected = cookie(&headers, LOGIN_COOKIE).unwrap_or_default();
    if expected.is_empty() || !auth::same_token(expected, &form.csrf) {
        return (
            StatusCode::FORBIDDEN,
            "the form's token is missing or wrong\n",
        )
            .into_response();
    }
    let t = now();
    let (by_peer, by_name) = (peer.ip().to_string(), format!("user:{}", form.name));
    if !console.limiter.allows(&by_peer, t) || !console.limiter.allows(&by_name, t) {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            "too many failed sign-ins; wait a quarter of an hour\n",
        )
            .into_response();
    }
    let name = form.name.clone();
    let user = match on(&console.reader, move |s| s.user_named(&name)).await {
        Ok(u) => u,
        Err(e) => return failure(e),
    };
    // The hash is checked on a blocking thread: Argon2 is meant to be slow.
    let password = form.password;
    let matched = match user {
        Some(u) => tokio::task::spawn_blocking(move || {
            auth::password_matches(&password, &u.password_hash).then_some(u)
        })
        .await
        .ok()
        .flatten(),
        None => None,
    };
    let Some(user) = matched else {
        console.limiter.failed(&by_peer, t);
        console.limiter.failed(&by_name, t);
        tracing::warn!(peer = %peer.ip(), name = %form.name, "console sign-in failed");
        let page = console
            .pages
            .login(&form.csrf, Some("Wrong name or password."));
        return html(StatusCode::UNAUTHORIZED, page);
    };
    console.limiter.succeeded(&by_peer);
    console.limiter.succeeded(&by_name);
    let (token, csrf) = match (auth::random_token(), auth::random_token()) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return failure(e),
    };
    let digest = auth::digest(&token);
    let lifetime = console.config.session.as_secs() as i64;
    let uid = user.id;
    if let Err(e) = on(&console.writer, move |s| {
        s.open_session(&digest, uid, &csrf, t, t + lifetime)
    })
    .await
    {
        return failure(e);
    }
    tracing::info!(user = %user.name, role = %user.role, "console sign-in");
    let r = with_cookie(
        see_other("/incidents"),
        &format!(
            "{SESSION_COOKIE}={token}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age={lifetime}"
        ),
    );
    with_cookie(r, &format!("{LOGIN_COOKIE}=; Path=/login; Max-Age=0"))
}

#[derive(serde::Deserialize)]
struct CsrfForm {
    csrf: String,
}

async fn logout(
    State(console): State<Console>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Response {
    let session = match signed_in(&console, peer, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if !auth::same_token(&session.csrf, &form.csrf) {
        return (
            StatusCode::FORBIDDEN,
            "the form's token is missing or wrong\n",
        )
            .into_response();
    }
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        let digest = auth::digest(token);
        if let Err(e) = on(&console.writer, move |s| s.close_session(&digest)).await {
            return failure(e);
        }
    }
    with_cookie(
        see_other("/login"),
        &format!("{SESSION_COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0"),
    )
}

async fn incidents(
    State(console): State<Console>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(filter): Query<pages::IncidentFilter>,
) -> Response {
    let session = match signed_in(&console, peer, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    // The filters are applied by the store, in SQL: the period's stories of an archive are
    // thousands (benches/console.rs); the page lists at most 500 and charts those read.
    let wanted = filter.stories(now(), 2_000);
    let stories = match on(&console.reader, move |s| s.stories_matching(&wanted)).await {
        Ok(s) => s,
        Err(e) => return failure(e),
    };
    html(
        StatusCode::OK,
        console
            .pages
            .incidents(&console.rules, &session, &filter, &stories),
    )
}

async fn incident(
    State(console): State<Console>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    let session = match signed_in(&console, peer, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let found = on(&console.reader, move |s| {
        let story = match s.story(id) {
            Ok(story) => Some(story),
            Err(StoreError::NoSuchStory(_)) => None,
            Err(e) => return Err(e),
        };
        Ok::<_, StoreError>((
            story,
            pages::Told {
                analyses: s.story_analyses(id)?,
                alerts: s.story_alerts(id)?,
                corrections: s.corrections(Some(id))?,
            },
            s.merged_into(id)?,
        ))
    })
    .await;
    match found {
        // A story merged into another is read there.
        Ok((_, _, Some(into))) => see_other(&format!("/incidents/{into}")),
        Ok((Some((story, articles)), told, None)) => html(
            StatusCode::OK,
            console
                .pages
                .incident(&console.rules, &session, &story, &articles, &told),
        ),
        Ok((None, ..)) => (StatusCode::NOT_FOUND, "no such incident\n").into_response(),
        Err(e) => failure(e),
    }
}

/// The session of a request, or the answer to one without: the sign-in page.
async fn signed_in(
    console: &Console,
    peer: SocketAddr,
    headers: &HeaderMap,
) -> Result<SessionRow, Response> {
    match who(console, peer, headers).await {
        Ok(Some(s)) => Ok(s),
        Ok(None) => Err(see_other("/login")),
        Err(e) => Err(failure(e)),
    }
}

/// The session of a request that changes something: signed in, its form's token the
/// session's, and an analyst's account. Otherwise the answer to give.
async fn analyst(
    console: &Console,
    peer: SocketAddr,
    headers: &HeaderMap,
    csrf: &str,
) -> Result<SessionRow, Response> {
    let session = signed_in(console, peer, headers).await?;
    if !auth::same_token(&session.csrf, csrf) {
        return Err((
            StatusCode::FORBIDDEN,
            "the form's token is missing or wrong\n",
        )
            .into_response());
    }
    if session.user.role != "analyst" {
        return Err((
            StatusCode::FORBIDDEN,
            "a reader's account may not correct; ask an analyst\n",
        )
            .into_response());
    }
    Ok(session)
}

/// A correction that could not be made: the analyst's mistake (409, with why), or ours.
fn refused(e: ConsoleError) -> Response {
    match e {
        ConsoleError::Correction(c) if !matches!(c, CorrectionError::Store(_)) => {
            (StatusCode::CONFLICT, format!("{c}\n")).into_response()
        }
        ConsoleError::Store(StoreError::NoSuchStory(id)) => {
            (StatusCode::NOT_FOUND, format!("no incident {id}\n")).into_response()
        }
        e => failure(e),
    }
}

#[derive(serde::Deserialize)]
struct StoryForm {
    csrf: String,
    /// `not_incident` (also when absent) or `not_in_scope`.
    #[serde(default)]
    verdict: String,
}

/// «Not an incident» or «not in scope», of a whole story.
async fn dismiss(
    State(console): State<Console>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(story): Path<i64>,
    Form(form): Form<StoryForm>,
) -> Response {
    let given = match form.verdict.as_str() {
        "" => "not_incident",
        v => v,
    };
    let Some(verdict) = Verdict::parse(given) else {
        return unknown_verdict(&form.verdict);
    };
    let c = Correction::Story { story, verdict };
    correct(&console, peer, &headers, &form.csrf, c).await
}

#[derive(serde::Deserialize)]
struct MergeForm {
    csrf: String,
    into: i64,
}

/// «Same incident as …»: this story goes into the other, which keeps its first alert.
async fn merge(
    State(console): State<Console>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(story): Path<i64>,
    Form(form): Form<MergeForm>,
) -> Response {
    let c = Correction::Merge {
        story,
        into: form.into,
    };
    correct(&console, peer, &headers, &form.csrf, c).await
}

#[derive(serde::Deserialize)]
struct PlaceForm {
    csrf: String,
    /// ISO codes, separated by commas or spaces.
    #[serde(default)]
    countries: String,
}

/// «Wrong country or place»: the story happened in the countries given.
async fn place(
    State(console): State<Console>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(story): Path<i64>,
    Form(form): Form<PlaceForm>,
) -> Response {
    let countries = match corrections::country_codes(&form.countries) {
        Ok(c) => c,
        Err(why) => return (StatusCode::UNPROCESSABLE_ENTITY, format!("{why}\n")).into_response(),
    };
    let c = Correction::Place { story, countries };
    correct(&console, peer, &headers, &form.csrf, c).await
}

#[derive(serde::Deserialize)]
struct ArticleForm {
    csrf: String,
    story: i64,
    /// `not_incident`, `not_in_scope`, `split` or `wrong_place`.
    action: String,
    /// `wrong_place`: ISO codes, separated by commas or spaces.
    #[serde(default)]
    countries: String,
}

/// A correction of one article of a story: it is no incident or out of scope (it leaves the
/// story), or it tells a different incident (it is split out into its own).
async fn article(
    State(console): State<Console>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(item): Path<i64>,
    Form(form): Form<ArticleForm>,
) -> Response {
    let story = form.story;
    let c = match (form.action.as_str(), Verdict::parse(&form.action)) {
        ("split", _) => Correction::Split { item, story },
        ("wrong_place", _) => match corrections::country_codes(&form.countries) {
            Ok(countries) => Correction::PlaceArticle {
                item,
                story,
                countries,
            },
            Err(why) => {
                return (StatusCode::UNPROCESSABLE_ENTITY, format!("{why}\n")).into_response()
            }
        },
        (_, Some(verdict)) => Correction::Article {
            item,
            story,
            verdict,
        },
        (other, None) => return unknown_verdict(other),
    };
    correct(&console, peer, &headers, &form.csrf, c).await
}

async fn undo(
    State(console): State<Console>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(form): Form<CsrfForm>,
) -> Response {
    correct(
        &console,
        peer,
        &headers,
        &form.csrf,
        Correction::Undo { id },
    )
    .await
}

fn unknown_verdict(v: &str) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        format!(
            "unknown correction {:?}: not_incident, not_in_scope, split or wrong_place\n",
            v.chars().take(40).collect::<String>()
        ),
    )
        .into_response()
}

/// Makes an analyst's correction and shows the story it leaves to look at.
async fn correct(
    console: &Console,
    peer: SocketAddr,
    headers: &HeaderMap,
    csrf: &str,
    c: Correction,
) -> Response {
    let session = match analyst(console, peer, headers, csrf).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let user = session.user.name.clone();
    let shared = console.clone();
    let what = format!("{c:?}");
    let done = tokio::task::spawn_blocking(move || {
        corrections::make(
            &shared.reader,
            &shared.writer,
            &shared.app,
            &c,
            &user,
            now(),
        )
    })
    .await;
    match done {
        Ok(Ok(made)) => {
            tracing::info!(user = %session.user.name, correction = made.id, %what, "analyst's correction");
            see_other(&format!("/incidents/{}", made.story))
        }
        Ok(Err(e)) => refused(e.into()),
        Err(e) => failure(e),
    }
}

/// The archive's full-text search (any spelling: the query is read as `query --text` reads
/// it), with the incidents' filters.
async fn search(
    State(console): State<Console>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(form): Query<pages::SearchForm>,
) -> Response {
    let session = match signed_in(&console, peer, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let rules = console.rules.clone();
    let parsed = match form.q.trim() {
        "" => Ok(None),
        q => crate::arabic::parse_search(q, &|w| rules.aliases(w)).map(Some),
    };
    let wanted = !form.q.trim().is_empty() || !form.country.is_empty() || !form.kind.is_empty();
    let (items, error) = match parsed {
        Err(why) => (None, Some(why)),
        Ok(_) if !wanted => (None, None),
        Ok(search) => {
            let filter = form.filter(now(), search);
            match on(&console.reader, move |s| s.query(&filter)).await {
                Ok(items) => (Some(items), None),
                Err(e) => return failure(e),
            }
        }
    };
    html(
        StatusCode::OK,
        console.pages.search(
            &console.rules,
            &session,
            &form,
            items.as_deref(),
            error.as_deref(),
        ),
    )
}

/// Each feed's health: status, last success, next poll, items, last error and its cause,
/// and its WebSub subscription.
async fn feeds(
    State(console): State<Console>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let session = match signed_in(&console, peer, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let now = now();
    let since = now - crate::fetch::HISTORY.as_secs() as i64;
    let rows = on(&console.reader, move |s| {
        s.feed_health()?
            .into_iter()
            .map(|f| {
                let w = s.websub_status(f.id)?;
                let history = s.feed_history(f.id, since, crate::fetch::HISTORY_ITEMS)?;
                Ok((f, w, history))
            })
            .collect::<Result<Vec<_>, StoreError>>()
    })
    .await;
    let rows = match rows {
        Ok(rows) => rows,
        Err(e) => return failure(e),
    };
    // Each feed's interval and why, as `sahel-watch feeds` says it.
    let app = &console.app;
    let rows: Vec<_> = rows
        .into_iter()
        .map(|(f, w, history)| {
            let pace = app.feed(&f.url).map(|settings| {
                crate::fetch::polling(
                    &history,
                    now,
                    app.pace_bounds(),
                    (settings.adaptive, settings.interval),
                )
            });
            (f, w, pace)
        })
        .collect();
    html(StatusCode::OK, console.pages.feeds(&session, &rows))
}

#[derive(serde::Deserialize)]
struct StatusQuery {
    #[serde(default)]
    status: String,
}

/// The outbox, newest first: pending, sent and failed alerts; a failed one can be retried.
async fn alerts(
    State(console): State<Console>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(q): Query<StatusQuery>,
) -> Response {
    let session = match signed_in(&console, peer, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let status = crate::store::OutboxStatus::parse_filter(&q.status);
    match on(&console.reader, move |s| s.outbox(status, 500)).await {
        Ok(rows) => html(
            StatusCode::OK,
            console.pages.alerts(&session, &q.status, &rows),
        ),
        Err(e) => failure(e),
    }
}

async fn retry(
    State(console): State<Console>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let session = match analyst(&console, peer, &headers, &form.csrf).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    match on(&console.writer, move |s| s.retry_alert(id, now())).await {
        Ok(()) => {
            tracing::info!(user = %session.user.name, alert = id, "alert retried from the console");
            see_other("/alerts")
        }
        Err(ConsoleError::Store(e @ StoreError::AlertStatus { .. })) => {
            (StatusCode::CONFLICT, format!("{e}\n")).into_response()
        }
        Err(e) => failure(e),
    }
}
