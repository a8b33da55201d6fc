//! A small HTTP/1.1 server on 127.0.0.1 serving fixed responses, for feeds in tests.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::Duration;

/// What a route sends after its headers.
#[derive(Clone)]
pub enum Body {
    Bytes(Vec<u8>),
    /// `chunk` sent `times` times (large bodies without holding them in memory).
    Repeat {
        chunk: Vec<u8>,
        times: usize,
    },
    /// One byte every `every`, for ever.
    Drip {
        every: Duration,
    },
    /// Not HTTP at all: these bytes, then the connection closes.
    Raw(Vec<u8>),
}

#[derive(Clone)]
pub struct Route {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Body,
    /// Wait this long before answering.
    pub delay: Duration,
    /// Answer 304 when the request's If-None-Match equals this.
    pub etag: Option<String>,
    /// Answer only once this gate is open (or after a minute).
    pub gate: Option<Gate>,
}

/// Holds a route's answers until the test opens it: an order of events checked without
/// timing («the alert came before these pages were answered»).
#[derive(Clone, Default)]
pub struct Gate(Arc<(Mutex<bool>, Condvar)>);

impl Gate {
    pub fn open(&self) {
        *self.0 .0.lock().unwrap() = true;
        self.0 .1.notify_all();
    }

    fn wait(&self) {
        let (open, changed) = &*self.0;
        let guard = open.lock().unwrap();
        let _ = changed
            .wait_timeout_while(guard, Duration::from_secs(60), |open| !*open)
            .unwrap();
    }
}

impl Route {
    pub fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Route {
        Route {
            status: 200,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: Body::Bytes(body.into()),
            delay: Duration::ZERO,
            etag: None,
            gate: None,
        }
    }
    pub fn status(code: u16, body: &str) -> Route {
        Route {
            status: code,
            headers: vec![("Content-Type".into(), "text/plain".into())],
            body: Body::Bytes(body.as_bytes().to_vec()),
            delay: Duration::ZERO,
            etag: None,
            gate: None,
        }
    }
    pub fn redirect(code: u16, location: &str) -> Route {
        let mut r = Route::status(code, "");
        r.headers.push(("Location".into(), location.into()));
        r
    }
    pub fn with_body(mut self, body: Body) -> Route {
        self.body = body;
        self
    }
    pub fn with_header(mut self, k: &str, v: &str) -> Route {
        self.headers.push((k.into(), v.into()));
        self
    }
    pub fn with_etag(mut self, etag: &str) -> Route {
        self.headers.push(("ETag".into(), etag.into()));
        self.etag = Some(etag.into());
        self
    }
    pub fn delayed(mut self, d: Duration) -> Route {
        self.delay = d;
        self
    }
    pub fn held_by(mut self, gate: &Gate) -> Route {
        self.gate = Some(gate.clone());
        self
    }
}

pub struct HttpServer {
    pub base: String,
    routes: Arc<Mutex<HashMap<String, Route>>>,
    hits: Arc<Mutex<HashMap<String, usize>>>,
    not_modified: Arc<AtomicUsize>,
}

impl HttpServer {
    pub fn start() -> HttpServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let routes: Arc<Mutex<HashMap<String, Route>>> = Arc::default();
        let hits: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
        let not_modified = Arc::new(AtomicUsize::new(0));
        let (r, h, n) = (routes.clone(), hits.clone(), not_modified.clone());
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (r, h, n) = (r.clone(), h.clone(), n.clone());
                thread::spawn(move || {
                    let _ = serve(stream, &r, &h, &n);
                });
            }
        });
        HttpServer {
            base,
            routes,
            hits,
            not_modified,
        }
    }

    pub fn route(&self, path: &str, route: Route) -> String {
        self.routes.lock().unwrap().insert(path.to_owned(), route);
        format!("{}{path}", self.base)
    }

    /// Serves `articles` as an RSS feed at `path`.
    pub fn feed(&self, path: &str, articles: &[super::Article]) -> String {
        self.route(
            path,
            Route::ok(
                "application/rss+xml",
                super::rss(articles, &self.base, None),
            ),
        )
    }

    pub fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }

    pub fn not_modified(&self) -> usize {
        self.not_modified.load(Ordering::SeqCst)
    }
}

fn serve(
    stream: TcpStream,
    routes: &Mutex<HashMap<String, Route>>,
    hits: &Mutex<HashMap<String, usize>>,
    not_modified: &AtomicUsize,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let mut if_none_match = None;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h == "\r\n" || h == "\n" {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            if k.eq_ignore_ascii_case("if-none-match") {
                if_none_match = Some(v.trim().to_owned());
            }
        }
    }
    *hits.lock().unwrap().entry(path.clone()).or_default() += 1;
    let route = routes.lock().unwrap().get(&path).cloned();
    let mut out = stream;
    let Some(route) = route else {
        write!(
            out,
            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )?;
        return Ok(());
    };
    if let Some(gate) = &route.gate {
        gate.wait();
    }
    thread::sleep(route.delay);
    if route.etag.is_some() && route.etag == if_none_match {
        not_modified.fetch_add(1, Ordering::SeqCst);
        write!(
            out,
            "HTTP/1.1 304 Not Modified\r\nConnection: close\r\n\r\n"
        )?;
        return Ok(());
    }
    let length = match &route.body {
        Body::Bytes(b) => Some(b.len()),
        Body::Repeat { chunk, times } => Some(chunk.len() * times),
        Body::Drip { .. } => None,
        Body::Raw(raw) => {
            out.write_all(raw)?;
            return out.flush();
        }
    };
    write!(out, "HTTP/1.1 {} X\r\nConnection: close\r\n", route.status)?;
    if let Some(n) = length {
        write!(out, "Content-Length: {n}\r\n")?;
    }
    for (k, v) in &route.headers {
        write!(out, "{k}: {v}\r\n")?;
    }
    write!(out, "\r\n")?;
    match &route.body {
        Body::Bytes(b) => out.write_all(b)?,
        Body::Repeat { chunk, times } => {
            for _ in 0..*times {
                out.write_all(chunk)?;
            }
        }
        Body::Drip { every } => loop {
            out.write_all(b"<")?;
            out.flush()?;
            thread::sleep(*every);
        },
        Body::Raw(_) => unreachable!("answered above"),
    }
    out.flush()
}

/// What a server answered: status, headers (names lowercase), body.
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One HTTP/1.1 request to a loopback URL (the connection closed after it), read whole.
pub fn call(method: &str, url: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
    let u = url::Url::parse(url).unwrap();
    let mut s = TcpStream::connect((u.host_str().unwrap(), u.port().unwrap())).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let target = match u.query() {
        Some(q) => format!("{}?{q}", u.path()),
        None => u.path().to_owned(),
    };
    let mut head = format!(
        "{method} {target} HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        u.authority(),
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let answer = read_answer(&mut s);
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(answer.len());
    let head = String::from_utf8_lossy(&answer[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut body = answer.get(split + 4..).unwrap_or_default().to_vec();
    // Chunked answers (axum's, without a length) are joined.
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    Answer {
        status,
        headers,
        body,
    }
}

/// Reads an answer: up to the end of its body by Content-Length, else to the end of the
/// connection (a server that keeps it open despite «Connection: close» is not waited for).
fn read_answer(s: &mut TcpStream) -> Vec<u8> {
    let mut answer = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = match std::io::Read::read(s, &mut buf) {
            Ok(0) | Err(_) => return answer,
            Ok(n) => n,
        };
        answer.extend_from_slice(&buf[..n]);
        let Some(end) = answer.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&answer[..end]).to_ascii_lowercase();
        let length = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse::<usize>().ok());
        if let Some(length) = length {
            if answer.len() >= end + 4 + length {
                answer.truncate(end + 4 + length);
                return answer;
            }
        }
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = b.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&b[..eol])
                .split(';')
                .next()
                .unwrap_or("")
                .trim(),
            16,
        )
        .unwrap_or(0);
        if size == 0 || b.len() < eol + 2 + size {
            return out;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + size]);
        b = &b[(eol + 4 + size).min(b.len())..];
    }
}
