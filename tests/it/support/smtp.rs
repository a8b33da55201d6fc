//! A real SMTP server for the tests: Python's aiosmtpd on 127.0.0.1, writing a Maildir.
//! `scripts/test.sh` installs it into a virtualenv and points SAHEL_WATCH_TEST_PYTHON at it.

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

fn python() -> String {
    std::env::var("SAHEL_WATCH_TEST_PYTHON").unwrap_or_else(|_| "python3".into())
}

impl SmtpServer {
    pub fn start() -> SmtpServer {
        let py = python();
        let check = Command::new(&py).args(["-c", "import aiosmtpd"]).output();
        assert!(
            check.is_ok_and(|o| o.status.success()),
            "aiosmtpd is not importable by {py}: run ./scripts/test.sh, which installs it, or set SAHEL_WATCH_TEST_PYTHON"
        );
        let dir = tempfile::tempdir().unwrap();
        let maildir = dir.path().join("Maildir");
        let port = super::free_port();
        let child = Command::new(&py)
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(&maildir)
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
