//! A WebSub hub on 127.0.0.1, as the W3C Recommendation describes one: it takes subscription
//! requests (a form POST, answered 202), verifies each intent by calling the subscriber's
//! callback with a random challenge that must come back verbatim, and publishes a document
//! to verified subscribers, signed with their `hub.secret` (HMAC-SHA256 in `X-Hub-Signature`).

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use hmac::{Hmac, Mac};

/// A subscription request the hub received, and whether its verification succeeded.
#[derive(Debug, Clone)]
pub struct HubRequest {
    pub form: HashMap<String, String>,
    pub verified: bool,
}

pub struct Hub {
    pub url: String,
    requests: Arc<Mutex<Vec<HubRequest>>>,
}

impl Hub {
    /// A hub that grants `lease_seconds` to every subscription.
    pub fn start(lease_seconds: u64) -> Hub {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/hub", listener.local_addr().unwrap());
        let requests: Arc<Mutex<Vec<HubRequest>>> = Arc::default();
        let r = requests.clone();
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let r = r.clone();
                thread::spawn(move || {
                    let Ok(body) = read_body(stream.try_clone().unwrap()) else {
                        return;
                    };
                    let mut out = stream;
                    let _ = write!(
                        out,
                        "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    );
                    drop(out);
                    let form: HashMap<String, String> =
                        url::form_urlencoded::parse(&body).into_owned().collect();
                    let verified = verify_intent(&form, lease_seconds);
                    r.lock().unwrap().push(HubRequest { form, verified });
                });
            }
        });
        Hub { url, requests }
    }

    pub fn requests(&self) -> Vec<HubRequest> {
        self.requests.lock().unwrap().clone()
    }

    /// The verified subscriptions to `topic`, latest last.
    pub fn subscribers(&self, topic: &str) -> Vec<HubRequest> {
        self.requests()
            .into_iter()
            .filter(|r| {
                r.verified
                    && r.form.get("hub.mode").map(String::as_str) == Some("subscribe")
                    && r.form.get("hub.topic").map(String::as_str) == Some(topic)
            })
            .collect()
    }

    /// Publishes `body` to a subscriber: POST to its callback, signed with `secret` (its own
    /// `hub.secret`, or another key to forge a push). Returns the callback's status.
    pub fn publish(&self, to: &HubRequest, body: &str, secret: &str) -> u16 {
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(body.as_bytes());
        let signature: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let (status, _) = request(
            "POST",
            &to.form["hub.callback"],
            &[
                ("Content-Type", "application/atom+xml"),
                ("X-Hub-Signature", &format!("sha256={signature}")),
            ],
            body.as_bytes(),
        );
        status
    }
}

/// Calls the callback with a challenge, as the hub verifies an intent.
fn verify_intent(form: &HashMap<String, String>, lease_seconds: u64) -> bool {
    let (Some(callback), Some(mode), Some(topic)) = (
        form.get("hub.callback"),
        form.get("hub.mode"),
        form.get("hub.topic"),
    ) else {
        return false;
    };
    let challenge = format!("challenge-{}", fastrand::u64(..));
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("hub.mode", mode)
        .append_pair("hub.topic", topic)
        .append_pair("hub.challenge", &challenge)
        .append_pair("hub.lease_seconds", &lease_seconds.to_string())
        .finish();
    let (status, body) = request("GET", &format!("{callback}?{query}"), &[], b"");
    (200..300).contains(&status) && body == challenge.as_bytes()
}

/// One HTTP/1.1 request to a loopback URL; the status and body of the answer.
pub fn request(method: &str, url: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, Vec<u8>) {
    let a = super::http::call(method, url, headers, body);
    (a.status, a.body)
}

/// Reads a request's body (by Content-Length).
fn read_body(stream: TcpStream) -> std::io::Result<Vec<u8>> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h == "\r\n" || h == "\n" {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
        }
    }
    let n: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; n.min(1 << 20)];
    reader.read_exact(&mut body)?;
    Ok(body)
}
