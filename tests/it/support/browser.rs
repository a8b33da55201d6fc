//! Headless Chromium driven through ChromeDriver (Debian's `chromium-driver`) over the W3C
//! WebDriver protocol, on 127.0.0.1: pages are opened, typed into and clicked as a person
//! would, without any script of the page's own.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::http::call;

/// The W3C name of an element reference in WebDriver answers.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    _profile: tempfile::TempDir,
}

fn chromedriver() -> String {
    let bin =
        std::env::var("SAHEL_WATCH_TEST_CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
    let runs = Command::new(&bin)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        runs,
        "{bin} does not run: ./scripts/test.sh installs Debian's chromium-driver, or set SAHEL_WATCH_TEST_CHROMEDRIVER"
    );
    bin
}

impl Browser {
    /// A fresh headless Chromium, `width` pixels wide.
    pub fn start(width: u32) -> Browser {
        let port = super::free_port();
        let driver = Command::new(chromedriver())
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        super::wait_for("chromedriver", Duration::from_secs(30), || {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        let profile = tempfile::tempdir().unwrap();
        // ChromeDriver wants the browser's path, not a name to look up.
        let chromium = std::env::var("SAHEL_WATCH_TEST_CHROMIUM").unwrap_or_else(|_| {
            std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
                .map(|d| d.join("chromium"))
                .find(|p| p.is_file())
                .map_or_else(|| "chromium".into(), |p| p.display().to_string())
        });
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                    "--force-device-scale-factor=1", "--lang=en-US",
                    format!("--window-size={width},1100"),
                    format!("--user-data-dir={}", profile.path().display()),
                ]
            }
        }}});
        let mut browser = Browser {
            driver,
            base,
            session: String::new(),
            _profile: profile,
        };
        let v = browser.send("POST", "/session", Some(caps));
        browser.session = v["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {v}"))
            .to_owned();
        browser
    }

    /// One WebDriver command; its `value`.
    fn send(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let a = call(
            method,
            &format!("{}{path}", self.base),
            &[("Content-Type", "application/json")],
            body.as_bytes(),
        );
        let v: Value = serde_json::from_slice(&a.body)
            .unwrap_or_else(|e| panic!("{method} {path}: {e}: {}", a.text()));
        assert!(a.status == 200, "{method} {path}: {}: {v}", a.status);
        v["value"].clone()
    }

    fn at(&self, path: &str) -> String {
        format!("/session/{}{path}", self.session)
    }

    pub fn go(&self, url: &str) {
        self.send("POST", &self.at("/url"), Some(json!({ "url": url })));
    }

    pub fn url(&self) -> String {
        self.send("GET", &self.at("/url"), None)
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub fn source(&self) -> String {
        self.send("GET", &self.at("/source"), None)
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Waits (a while) for the page to hold `text`; the page's source.
    pub fn wait_text(&self, text: &str) -> String {
        let started = Instant::now();
        loop {
            let page = self.source();
            if page.contains(text) {
                return page;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "no {text:?} in {page}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits (a while) for the page's address to end with `path`.
    pub fn wait_url(&self, path: &str) {
        let started = Instant::now();
        while !self.url().ends_with(path) {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "at {} instead of …{path}",
                self.url()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The element `css` selects, waiting for it a while (a page may still be loading).
    pub fn find(&self, css: &str) -> String {
        let started = Instant::now();
        loop {
            let a = call(
                "POST",
                &format!("{}{}", self.base, self.at("/element")),
                &[("Content-Type", "application/json")],
                json!({"using": "css selector", "value": css})
                    .to_string()
                    .as_bytes(),
            );
            if a.status == 200 {
                let v: Value = serde_json::from_slice(&a.body).unwrap();
                return v["value"][ELEMENT].as_str().unwrap().to_owned();
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "no element {css} in {}",
                self.source()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn type_into(&self, css: &str, text: &str) {
        let e = self.find(css);
        self.send(
            "POST",
            &self.at(&format!("/element/{e}/value")),
            Some(json!({ "text": text })),
        );
    }

    pub fn click(&self, css: &str) {
        let e = self.find(css);
        self.send(
            "POST",
            &self.at(&format!("/element/{e}/click")),
            Some(json!({})),
        );
    }

    /// A computed style of the element `css` selects.
    pub fn style(&self, css: &str, property: &str) -> String {
        let e = self.find(css);
        self.send(
            "GET",
            &self.at(&format!("/element/{e}/css/{property}")),
            None,
        )
        .as_str()
        .unwrap_or_default()
        .to_owned()
    }

    /// Where the element `css` selects is drawn: x, y, width, height in pixels.
    pub fn rect(&self, css: &str) -> (f64, f64, f64, f64) {
        let e = self.find(css);
        let v = self.send("GET", &self.at(&format!("/element/{e}/rect")), None);
        let n = |k: &str| v[k].as_f64().unwrap_or_default();
        (n("x"), n("y"), n("width"), n("height"))
    }

    /// Makes the window `width` pixels wide (as tall as it was started).
    pub fn resize(&self, width: u32) {
        self.send(
            "POST",
            &self.at("/window/rect"),
            Some(json!({ "width": width, "height": 900 })),
        );
    }

    /// A PNG of the window, written to `path`.
    pub fn screenshot(&self, path: &std::path::Path) {
        use base64::Engine as _;
        let v = self.send("GET", &self.at("/screenshot"), None);
        let png = base64::engine::general_purpose::STANDARD
            .decode(v.as_str().unwrap_or_default())
            .unwrap();
        std::fs::write(path, png).unwrap();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = call(
                "DELETE",
                &format!("{}/session/{}", self.base, self.session),
                &[],
                b"",
            );
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
