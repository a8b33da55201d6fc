//! A real webhook receiver for the tests (`webhook_receiver.py` beside this file, on
//! 127.0.0.1): it checks every signature itself, records every request, and answers each path
//! from a script of statuses.

use std::io::BufRead;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

pub struct WebhookReceiver {
    pub port: u16,
    log: PathBuf,
    child: Child,
    _dir: tempfile::TempDir,
}

/// One request as the receiver saw it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Received {
    /// The receiver's clock (seconds since the epoch).
    pub received_at: f64,
    pub path: String,
    pub status: u16,
    pub signature_ok: bool,
    pub idempotency_key: Option<String>,
    pub event: Option<String>,
    pub content_type: Option<String>,
    pub body: Option<serde_json::Value>,
}

impl WebhookReceiver {
    /// Serves `plan`: each path with the statuses of its successive answers (the last repeats).
    pub fn start(secret: &str, plan: &[(&str, &[u16])]) -> WebhookReceiver {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("requests.jsonl");
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/it/support/webhook_receiver.py"
        );
        let mut args = vec![
            script.to_owned(),
            secret.to_owned(),
            log.display().to_string(),
        ];
        for (path, statuses) in plan {
            let s: Vec<String> = statuses.iter().map(u16::to_string).collect();
            args.push(format!("{path}={}", s.join(",")));
        }
        let mut child = Command::new(super::smtp::python())
            .args(&args)
            .stdout(Stdio::piped())
            .spawn()
            .expect("python runs the webhook receiver");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("the receiver did not say its port: {line:?}"));
        WebhookReceiver {
            port,
            log,
            child,
            _dir: dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<Received> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

impl Drop for WebhookReceiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
