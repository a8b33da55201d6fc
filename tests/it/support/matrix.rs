//! A real Matrix homeserver for the tests: Synapse, started by `matrix_homeserver.py` beside
//! this file with its SQLite database, a user and a room. `scripts/test.sh` installs
//! matrix-synapse from PyPI into the test virtualenv.

use std::io::{BufRead, Read, Write};
use std::process::{Child, Command, Stdio};

pub struct Homeserver {
    pub port: u16,
    pub access_token: String,
    pub room_id: String,
    pub user_id: String,
    child: Child,
    _dir: tempfile::TempDir,
}

#[derive(serde::Deserialize)]
struct Started {
    port: u16,
    access_token: String,
    room_id: String,
    user_id: String,
}

impl Homeserver {
    pub fn start() -> Homeserver {
        let py = super::smtp::python();
        let importable = Command::new(&py)
            .args(["-c", "import synapse"])
            .status()
            .is_ok_and(|s| s.success());
        assert!(
            importable,
            "matrix-synapse is not importable by {py}: run ./scripts/test.sh, which installs it, or set SAHEL_WATCH_TEST_PYTHON"
        );
        let dir = tempfile::tempdir().unwrap();
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/it/support/matrix_homeserver.py"
        );
        let mut child = Command::new(&py)
            .arg(script)
            .arg(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python runs the homeserver script");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let s: Started = serde_json::from_str(&line).unwrap_or_else(|e| {
            let log =
                std::fs::read_to_string(dir.path().join("homeserver.log")).unwrap_or_default();
            panic!("the homeserver did not start ({e}): {line:?}\n{log}")
        });
        Homeserver {
            port: s.port,
            access_token: s.access_token,
            room_id: s.room_id,
            user_id: s.user_id,
            child,
            _dir: dir,
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The room's `m.room.message` events, oldest first (the user's view, through the
    /// client-server API).
    pub fn messages(&self) -> Vec<serde_json::Value> {
        let room = self.room_id.replace('!', "%21").replace(':', "%3A");
        let path = format!("/_matrix/client/v3/rooms/{room}/messages?dir=f&limit=100");
        // HTTP/1.0: the answer is the body to the end, never chunked.
        let mut s = std::net::TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.0\r\nHost: localhost\r\nAuthorization: Bearer {}\r\n\r\n",
            self.access_token
        )
        .unwrap();
        let mut answer = String::new();
        s.read_to_string(&mut answer).unwrap();
        let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
        let v: serde_json::Value =
            serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {answer}"));
        v["chunk"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|e| e["type"] == "m.room.message")
            .collect()
    }
}

impl Drop for Homeserver {
    fn drop(&mut self) {
        // Closing stdin lets the script stop Synapse; a kill follows if it does not.
        drop(self.child.stdin.take());
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
        while std::time::Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
