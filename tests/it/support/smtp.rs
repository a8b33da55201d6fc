//! A real SMTP server for the tests: Python's aiosmtpd on 127.0.0.1 (driven by
//! `smtp_server.py` beside this file), writing a Maildir, with STARTTLS, implicit TLS and AUTH
//! when asked. `scripts/test.sh` installs aiosmtpd into a virtualenv and points
//! SAHEL_WATCH_TEST_PYTHON at it.

use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct SmtpServer {
    pub port: u16,
    pub maildir: PathBuf,
    child: Child,
    _dir: tempfile::TempDir,
}

pub fn python() -> String {
    std::env::var("SAHEL_WATCH_TEST_PYTHON").unwrap_or_else(|_| "python3".into())
}

/// TLS on the server side, with the test CA's server certificate (tests/fixtures/tls).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    None,
    /// STARTTLS, required before MAIL.
    StartTls,
    /// TLS from the first byte (smtps).
    Implicit,
}

/// How the server behaves.
#[derive(Debug, Clone)]
pub struct Options {
    /// A fixed port (to bring a server up where the daemon expects one); else a free one.
    pub port: Option<u16>,
    pub tls: Security,
    /// AUTH required with this user and password.
    pub auth: Option<(String, String)>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            port: None,
            tls: Security::None,
            auth: None,
        }
    }
}

/// The test CA's certificate, to give the daemon as `smtp.ca_file`.
pub fn ca_file() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/tls/ca.pem"
    ))
}

impl SmtpServer {
    pub fn start() -> SmtpServer {
        SmtpServer::start_with(Options::default())
    }

    pub fn start_with(o: Options) -> SmtpServer {
        let py = python();
        let check = Command::new(&py).args(["-c", "import aiosmtpd"]).output();
        assert!(
            check.is_ok_and(|o| o.status.success()),
            "aiosmtpd is not importable by {py}: run ./scripts/test.sh, which installs it, or set SAHEL_WATCH_TEST_PYTHON"
        );
        let dir = tempfile::tempdir().unwrap();
        let maildir = dir.path().join("Maildir");
        let port = o.port.unwrap_or_else(super::free_port);
        let tls_dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tls");
        let mut cmd = Command::new(&py);
        cmd.arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/it/support/smtp_server.py"
        ))
        .args(["--port", &port.to_string()])
        .arg("--maildir")
        .arg(&maildir);
        let pair = [
            format!("{tls_dir}/server.pem"),
            format!("{tls_dir}/server.key"),
        ];
        match o.tls {
            Security::None => {}
            Security::StartTls => {
                cmd.arg("--starttls").args(&pair);
            }
            Security::Implicit => {
                cmd.arg("--tls").args(&pair);
            }
        }
        if let Some((u, p)) = &o.auth {
            cmd.args(["--auth", &format!("{u}:{p}")]);
        }
        let child = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "aiosmtpd did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        SmtpServer {
            port,
            maildir,
            child,
            _dir: dir,
        }
    }

    /// The messages received so far.
    pub fn messages(&self) -> Vec<super::mail::Mail> {
        let mut v: Vec<super::mail::Mail> = ["new", "cur"]
            .iter()
            .flat_map(|d| {
                std::fs::read_dir(self.maildir.join(d))
                    .into_iter()
                    .flatten()
            })
            .map(|e| super::mail::read(&e.unwrap().path()))
            .collect();
        v.sort_by(|a, b| a.message_id.cmp(&b.message_id));
        v
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
