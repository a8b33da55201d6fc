//! A loopback feed server for the load benchmark (`scripts/load_bench.sh`): serves N feeds built
//! from the shared stream corpus, with ETags, HTTP/1.1 keep-alive, on several loopback addresses
//! (so that per-host limits behave as with many publishers).
//!
//! Usage: feed_server STREAM.jsonl FEEDS PORT HOSTS [ITEMS]  (ITEMS per feed, 4 by default)
//! GET /feed/{i}.xml serves feed i; `POST /epoch` (or GET /epoch) moves every feed on by one
//! article, so each then has one new item; a request with the current ETag gets 304.

use std::io::BufRead;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

struct Article {
    title: String,
    text: String,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Feed `i` at `epoch`: `items` slots, epoch to epoch + items - 1; slot s carries article
/// i + s·N (mod the corpus) under an id and link of its own, so each epoch brings exactly one
/// new item per feed, and N feeds of items ≥ corpus / N serve every article of the corpus.
/// Links lead to the closed loopback port 9, so that the daemon's article-page requests for
/// short candidates stay on this machine and fail at once.
fn feed(articles: &[Article], feeds: usize, items: usize, i: usize, epoch: usize) -> String {
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>load</title>");
    for slot in epoch..epoch + items {
        let a = &articles[(i + slot * feeds) % articles.len()];
        s.push_str(&format!(
            "<item><title>{}</title><link>http://127.0.0.1:9/a/{i}-{slot}</link><guid isPermaLink=\"false\">f{i}-s{slot}</guid><description>{}</description></item>",
            esc(&a.title),
            esc(&a.text)
        ));
    }
    s.push_str("</channel></rss>");
    s
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (stream, feeds, port, hosts, items) = match &args[..] {
        [_, s, f, p, h] => (s, f, p, h, "4"),
        [_, s, f, p, h, n] => (s, f, p, h, n.as_str()),
        _ => {
            eprintln!("usage: feed_server STREAM.jsonl FEEDS PORT HOSTS [ITEMS]");
            std::process::exit(2);
        }
    };
    let items: usize = items.parse().unwrap();
    let feeds: usize = feeds.parse().unwrap();
    let hosts: usize = hosts.parse().unwrap();
    let articles: Arc<Vec<Article>> = Arc::new(
        std::io::BufReader::new(std::fs::File::open(stream).unwrap())
            .lines()
            .map_while(Result::ok)
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(&l).ok())
            .map(|v| Article {
                title: v["title"].as_str().unwrap_or_default().to_owned(),
                text: v["text"]
                    .as_str()
                    .unwrap_or_default()
                    .chars()
                    .take(3000)
                    .collect(),
            })
            .collect(),
    );
    let epoch = Arc::new(AtomicUsize::new(0));
    for h in 1..=hosts {
        let addr = format!("127.0.0.{h}:{port}");
        let listener = TcpListener::bind(&addr).await.unwrap();
        let (articles, epoch) = (articles.clone(), epoch.clone());
        tokio::spawn(async move {
            loop {
                let Ok((sock, _)) = listener.accept().await else {
                    continue;
                };
                let _ = sock.set_nodelay(true);
                let (articles, epoch) = (articles.clone(), epoch.clone());
                tokio::spawn(async move {
                    let (r, mut w) = sock.into_split();
                    let mut r = BufReader::new(r);
                    loop {
                        let mut line = String::new();
                        if r.read_line(&mut line).await.unwrap_or(0) == 0 {
                            return;
                        }
                        let path = line.split_whitespace().nth(1).unwrap_or("/").to_owned();
                        let mut inm = None;
                        loop {
                            let mut h = String::new();
                            if r.read_line(&mut h).await.unwrap_or(0) == 0 {
                                return;
                            }
                            if h == "\r\n" {
                                break;
                            }
                            if let Some((k, v)) = h.split_once(':') {
                                if k.eq_ignore_ascii_case("if-none-match") {
                                    inm = Some(v.trim().to_owned());
                                }
                            }
                        }
                        let e = epoch.load(Ordering::SeqCst);
                        let etag = format!("\"e{e}\"");
                        let (status, body) = if path == "/epoch" {
                            epoch.fetch_add(1, Ordering::SeqCst);
                            ("200 OK", String::from("ok"))
                        } else if let Some(i) = path
                            .strip_prefix("/feed/")
                            .and_then(|p| p.strip_suffix(".xml"))
                            .and_then(|p| p.parse::<usize>().ok())
                        {
                            if inm.as_deref() == Some(etag.as_str()) {
                                ("304 Not Modified", String::new())
                            } else {
                                ("200 OK", feed(&articles, feeds, items, i, e))
                            }
                        } else {
                            ("404 Not Found", String::new())
                        };
                        let head = format!(
                            "HTTP/1.1 {status}\r\nContent-Type: application/rss+xml; charset=utf-8\r\nETag: {etag}\r\nContent-Length: {}\r\n\r\n",
                            body.len()
                        );
                        // One write: a head and a body sent apart meet Nagle and delayed ACKs.
                        let mut out = head.into_bytes();
                        out.extend_from_slice(body.as_bytes());
                        if w.write_all(&out).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
    }
    eprintln!("serving {feeds} feeds on 127.0.0.1..{hosts}:{port}");
    std::future::pending::<()>().await;
}
