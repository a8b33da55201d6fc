//! Shared test plumbing: fixtures, feed builders, a loopback HTTP server, an SMTP server, and a
//! scratch environment that runs the binary.

pub mod browser;
pub mod http;
pub mod mail;
pub mod matrix;
pub mod smtp;
pub mod webhook;
pub mod websub_hub;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde::Deserialize;

/// A real article from `tests/fixtures`.
#[derive(Debug, Clone, Deserialize)]
pub struct Article {
    pub id: String,
    pub title: String,
    pub text: String,
    #[serde(default)]
    pub published: String,
    /// The human label of the incident the article reports (an attack, a kidnapping or a border
    /// closure in scope, as news or as a substantial follow-up), written in the fixture by reading
    /// it; `tests/fixtures/README.md` gives the rule. None: the article reports no incident.
    #[serde(default)]
    pub incident: Option<String>,
}

/// The fixtures' incident reports that the daemon does not alert on today although the labels
/// say it should (known disagreements, listed so that any new one fails the tests that compare
/// with the labels): empty when the program agrees with every label.
pub const KNOWN_MISSED: &[&str] = &[];

/// Articles the labels give as reporting no incident that the daemon alerts on today.
pub const KNOWN_FALSE_ALERTS: &[&str] = &[];

/// The incidents the human labels give among `articles`, leaving out those whose every report
/// is a known disagreement: one first alert each.
pub fn labelled_incidents(articles: &[Article]) -> std::collections::BTreeSet<String> {
    articles
        .iter()
        .filter(|a| !KNOWN_MISSED.contains(&a.id.as_str()))
        .filter_map(|a| a.incident.clone())
        .collect()
}

/// `n` articles of the fixtures (`articles.jsonl`, then `stream-sample.jsonl`) that report `n`
/// different incidents by their human labels, the first article of each, leaving out the known
/// disagreements: each should make one alert of its own.
pub fn incident_reports(n: usize) -> Vec<Article> {
    incident_reports_of(&["articles.jsonl", "stream-sample.jsonl"], n)
}

/// [`incident_reports`] from the named fixtures only.
pub fn incident_reports_of(files: &[&str], n: usize) -> Vec<Article> {
    let mut seen = std::collections::HashSet::new();
    let v: Vec<Article> = files
        .iter()
        .flat_map(|f| fixture(f))
        .filter(|a| !KNOWN_MISSED.contains(&a.id.as_str()))
        .filter(|a| a.incident.as_ref().is_some_and(|i| seen.insert(i.clone())))
        .take(n)
        .collect();
    assert_eq!(
        v.len(),
        n,
        "the fixtures {files:?} hold {n} labelled incidents"
    );
    v
}

pub fn fixture(name: &str) -> Vec<Article> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The page templates of `tests/fixtures/pages` (layouts modelled on Arabic news sites, real
/// sites' saved pages with placeholders, layouts written blind), loaded once.
pub fn page_templates() -> &'static sahel_watch::page_templates::Templates {
    static TEMPLATES: std::sync::OnceLock<sahel_watch::page_templates::Templates> =
        std::sync::OnceLock::new();
    TEMPLATES.get_or_init(|| {
        let pages = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pages");
        sahel_watch::page_templates::Templates::load(&[pages]).expect("the page templates load")
    })
}

pub fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn rfc2822(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|d| d.to_rfc2822())
        .unwrap_or_default()
}

/// The link an article is published at: a stable one on `base`, the loopback server, so that
/// the daemon's article-page requests stay on this machine (the article's real URL is kept in
/// the fixture for provenance only).
pub fn link(a: &Article, base: &str) -> String {
    format!("{base}/articles/{}", a.id)
}

/// An RSS 2.0 document; `encoding` is written in the prolog when given.
pub fn rss(articles: &[Article], base: &str, encoding: Option<&str>) -> String {
    let mut s = match encoding {
        Some(e) => format!("<?xml version=\"1.0\" encoding=\"{e}\"?>\n"),
        None => "<?xml version=\"1.0\"?>\n".to_owned(),
    };
    s.push_str("<rss version=\"2.0\"><channel><title>اختبار</title><link>http://127.0.0.1/</link><description>test feed</description>\n");
    for a in articles {
        s.push_str(&format!(
            "<item><title>{}</title><link>{}</link><guid isPermaLink=\"false\">{}</guid><pubDate>{}</pubDate><description>{}</description></item>\n",
            xml_escape(&a.title),
            xml_escape(&link(a, base)),
            xml_escape(&a.id),
            rfc2822(&a.published),
            xml_escape(&a.text)
        ));
    }
    s.push_str("</channel></rss>\n");
    s
}

/// An Atom 1.0 document.
pub fn atom(articles: &[Article], base: &str) -> String {
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>اختبار</title><id>urn:test</id><updated>2018-01-01T00:00:00Z</updated>\n");
    for a in articles {
        s.push_str(&format!(
            "<entry><title>{}</title><id>urn:article:{}</id><link href=\"{}\"/><updated>{}</updated><content type=\"text\">{}</content></entry>\n",
            xml_escape(&a.title),
            xml_escape(&a.id),
            xml_escape(&link(a, base)),
            if a.published.is_empty() { "2018-01-01T00:00:00Z" } else { &a.published },
            xml_escape(&a.text)
        ));
    }
    s.push_str("</feed>\n");
    s
}

/// A loopback port nobody listens on (at the moment of asking).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Polls `f` every 100 ms until it holds, failing the test after `limit`.
pub fn wait_for(what: &str, limit: std::time::Duration, mut f: impl FnMut() -> bool) {
    let start = std::time::Instant::now();
    while !f() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// A running daemon that is killed if the test fails before stopping it.
pub struct Daemon(pub std::process::Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A scratch data directory and configuration for one test.
pub struct Env {
    pub dir: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Env {
        Env {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn config_path(&self) -> PathBuf {
        self.dir.path().join("sahel-watch.toml")
    }

    /// Writes a configuration whose data_dir is this environment's.
    pub fn write_config(&self, body: &str) -> PathBuf {
        let text = format!(
            "data_dir = {:?}\n{body}",
            self.data_dir().display().to_string()
        );
        std::fs::write(self.config_path(), text).unwrap();
        self.config_path()
    }

    pub fn command(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_sahel-watch"));
        c.arg("--config").arg(self.config_path());
        c.env_remove("SAHEL_WATCH_CONFIG")
            .env("SAHEL_WATCH_LOG", "warn");
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command().args(args).output().unwrap()
    }

    /// `run` in the background, quiet; killed when the returned guard drops.
    pub fn daemon(&self) -> Daemon {
        self.daemon_with(|c| c)
    }

    /// [`Env::daemon`] with more set on its command (an environment variable, say).
    pub fn daemon_with(&self, f: impl FnOnce(&mut Command) -> &mut Command) -> Daemon {
        let mut c = self.command();
        c.arg("run").stderr(std::process::Stdio::null());
        Daemon(f(&mut c).spawn().unwrap())
    }

    /// The stored items (all of them) as `query --format json` prints them.
    pub fn items(&self) -> Vec<serde_json::Value> {
        let out = self.run(&[
            "query", "--all", "--since", "36500d", "--limit", "100000", "--format", "json",
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// The stored feeds as `feeds --json` prints them.
    pub fn feeds(&self) -> Vec<serde_json::Value> {
        let out = self.run(&["feeds", "--json"]);
        assert!(out.status.success(), "{}", stderr(&out));
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    /// Files in the alert maildir's new/.
    pub fn maildir_files(&self) -> Vec<PathBuf> {
        let dir = self.data_dir().join("alerts/new");
        let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map(|r| r.map(|e| e.unwrap().path()).collect())
            .unwrap_or_default();
        v.sort();
        v
    }
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
