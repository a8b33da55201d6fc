//! Article pages as sites serve them, made from template files, to measure page reading on.
//!
//! The page stage must return an article's own sentences whatever page it sits on, and the only
//! honest measure of that is pages it was not written for. So page layouts are data, not code:
//! each is an HTML file in Jinja syntax (rendered by minijinja, HTML-escaped) that receives the
//! article (`article.headline`, `.summary`, `.paragraphs`, `.date`…), the site and at least 40
//! `others`, the other stories its furniture shows (callers put Sahel security headlines first:
//! they are what must not leak into an unrelated article). `tests/fixtures/pages/README.md`
//! lists every placeholder. A new layout, or a real site's saved page with placeholders put in,
//! is a new file; `eval --as-received`, the integration tests and `scripts/replay.py` (through
//! `examples/layout_pages.rs`) read the same files. Nothing of this runs in the daemon.

use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use serde::Serialize;

/// Why templates could not be loaded or a page not rendered.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("{path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}: no template files (*.html) there")]
    Empty(PathBuf),
    #[error("template {name}: {source}")]
    Template {
        name: String,
        #[source]
        source: minijinja::Error,
    },
    #[error("no template named {name:?} (there are: {known})")]
    Unknown { name: String, known: String },
}

/// The article a page is made for.
#[derive(Debug, Clone, Copy)]
pub struct Story<'a> {
    pub headline: &'a str,
    /// The feed's description; may be empty.
    pub summary: &'a str,
    /// The article's text: paragraphs one a line, or one line (split into sentences two by two).
    pub text: &'a str,
}

/// Another story that the page's furniture shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Other<'a> {
    pub title: &'a str,
    /// Its summary: teasers show its first sentence, as sites cut their deks.
    pub dek: &'a str,
    /// Where its links point (a path on the same site, or a URL).
    pub href: String,
}

/// The site a page is from.
#[derive(Debug, Clone, Copy)]
pub struct Site<'a> {
    /// Its name, in `<title>`, logo and footer.
    pub name: &'a str,
    /// scheme://host, without a trailing slash.
    pub url: &'a str,
}

/// Template files by name (`<folder>/<file stem>`: `own/semantic`, `real/hespress`).
pub struct Templates {
    env: minijinja::Environment<'static>,
    names: Vec<String>,
}

impl Templates {
    /// Every `*.html` file of each path (a folder, read one level down and in its
    /// subfolders, or a file), in name order. A template that does not parse is refused here
    /// with its name and line.
    pub fn load(paths: &[PathBuf]) -> Result<Templates, TemplateError> {
        let mut files = Vec::new();
        for path in paths {
            let before = files.len();
            collect(path, &mut files)?;
            if files.len() == before {
                return Err(TemplateError::Empty(path.clone()));
            }
        }
        let mut env = minijinja::Environment::new();
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
        let mut names = Vec::with_capacity(files.len());
        for file in files {
            let source = std::fs::read_to_string(&file).map_err(|source| TemplateError::Read {
                path: file.clone(),
                source,
            })?;
            let name = name_of(&file);
            env.add_template_owned(name.clone(), source)
                .map_err(|source| TemplateError::Template {
                    name: name.clone(),
                    source,
                })?;
            names.push(name);
        }
        names.sort();
        names.dedup();
        Ok(Templates { env, names })
    }

    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The page of `story` on `site` in template `name`, with `others` in its furniture;
    /// `seed` varies what the template lets it vary (and the page's date and byline).
    pub fn render(
        &self,
        name: &str,
        story: &Story<'_>,
        others: &[Other<'_>],
        site: &Site<'_>,
        seed: u64,
    ) -> Result<String, TemplateError> {
        let template = self
            .env
            .get_template(name)
            .map_err(|_| TemplateError::Unknown {
                name: name.to_owned(),
                known: self.names.join(", "),
            })?;
        let context = Context::new(story, others, site, seed);
        template
            .render(minijinja::Value::from(minijinja::value::Serde(&context)))
            .map_err(|source| TemplateError::Template {
                name: name.to_owned(),
                source,
            })
    }
}

/// A template's name: its folder's name and its file's stem.
fn name_of(file: &Path) -> String {
    let stem = file
        .file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    match file.parent().and_then(Path::file_name) {
        Some(dir) => format!("{}/{stem}", dir.to_string_lossy()),
        None => stem,
    }
}

/// The `*.html` files of `path`: itself, or those of the folder and its subfolders.
fn collect(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), TemplateError> {
    let read_err = |source| TemplateError::Read {
        path: path.to_owned(),
        source,
    };
    if !path.is_dir() {
        std::fs::metadata(path).map_err(read_err)?;
        out.push(path.to_owned());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(read_err)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for entry in entries {
        if entry.is_dir() {
            collect(&entry, out)?;
        } else if entry.extension().is_some_and(|e| e == "html") {
            out.push(entry);
        }
    }
    Ok(())
}

const MONTHS: [&str; 12] = [
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
];
/// Monday first, as chrono counts.
const WEEKDAYS: [&str; 7] = [
    "الاثنين",
    "الثلاثاء",
    "الأربعاء",
    "الخميس",
    "الجمعة",
    "السبت",
    "الأحد",
];
const AUTHORS: [&str; 6] = [
    "محمد الأمين",
    "فاطمة الزهراء بن علي",
    "",
    "عبد الله ولد أحمد",
    "سامي الحسيني",
    "",
];
/// How many other stories a template may count on (the format's promise).
pub const MIN_OTHERS: usize = 40;

const SECTIONS: [&str; 5] = ["أفريقيا", "أخبار العالم", "سياسة", "المغرب العربي", "أخبار"];

#[derive(Serialize)]
struct Context<'a> {
    site: SiteContext<'a>,
    article: ArticleContext<'a>,
    others: Vec<OtherContext<'a>>,
    seed: u64,
}

#[derive(Serialize)]
struct SiteContext<'a> {
    name: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct ArticleContext<'a> {
    url: String,
    headline: &'a str,
    summary: &'a str,
    paragraphs: Vec<&'a str>,
    #[serde(flatten)]
    when: When,
    author: &'static str,
    section: &'static str,
    image: String,
}

#[derive(Serialize)]
struct OtherContext<'a> {
    title: &'a str,
    dek: String,
    href: String,
    #[serde(flatten)]
    when: When,
    image: String,
    section: &'static str,
}

/// A publication time in the forms pages print it.
#[derive(Serialize)]
struct When {
    /// «الأحد 12 مارس 2017»
    date: String,
    /// 12/03/2017
    date_short: String,
    /// 10:32
    time: String,
    /// 2017-03-12T10:32:00+00:00
    iso: String,
}

impl When {
    /// A time within 2012–2025, the same for the same seed.
    fn from_seed(seed: u64) -> When {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
        x ^= x >> 29;
        let day = NaiveDate::from_ymd_opt(2012, 1, 1).expect("a date")
            + chrono::Days::new(x % (14 * 365));
        let minute = (x >> 20) % (24 * 60);
        let t = day
            .and_hms_opt((minute / 60) as u32, (minute % 60) as u32, 0)
            .expect("a time");
        When::of(t)
    }

    fn of(t: NaiveDateTime) -> When {
        When {
            date: format!(
                "{} {} {} {}",
                WEEKDAYS[t.weekday().num_days_from_monday() as usize],
                t.day(),
                MONTHS[t.month0() as usize],
                t.year()
            ),
            date_short: t.format("%d/%m/%Y").to_string(),
            time: format!("{:02}:{:02}", t.hour(), t.minute()),
            iso: t.format("%Y-%m-%dT%H:%M:00+00:00").to_string(),
        }
    }
}

impl<'a> Context<'a> {
    fn new(story: &Story<'a>, others: &[Other<'a>], site: &Site<'a>, seed: u64) -> Context<'a> {
        let pick = |list: &'static [&'static str], k: u64| list[(k % list.len() as u64) as usize];
        let article = ArticleContext {
            url: format!("{}/a/{seed}", site.url),
            headline: story.headline,
            summary: story.summary,
            paragraphs: paragraphs(story.text),
            when: When::from_seed(seed),
            author: pick(&AUTHORS, seed / 3),
            section: pick(&SECTIONS, seed / 5),
            image: format!("{}/media/{seed}.jpg", site.url),
        };
        // Templates may use the first `MIN_OTHERS`: fewer are shown again, as sites repeat a
        // headline in their ticker and their most-read list.
        let shown = if others.is_empty() {
            0
        } else {
            others.len().max(MIN_OTHERS)
        };
        let others = (0..shown)
            .map(|k| (k, &others[k % others.len()]))
            .map(|(k, o)| {
                let k = k as u64;
                OtherContext {
                    title: o.title,
                    dek: teaser(o.dek),
                    href: o.href.clone(),
                    when: When::from_seed(seed.wrapping_add(k + 1)),
                    image: format!("{}/media/{seed}-{k}.jpg", site.url),
                    section: pick(&SECTIONS, seed + k),
                }
            })
            .collect();
        Context {
            site: SiteContext {
                name: site.name,
                url: site.url,
            },
            article,
            others,
            seed,
        }
    }
}

/// The article's paragraphs: its own lines, or, for a text without line breaks (many feeds
/// and corpora flatten them), its sentences two by two, as a CMS would have shown them.
pub fn paragraphs(text: &str) -> Vec<&str> {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.len() != 1 {
        return lines;
    }
    let line = lines[0];
    sentences(line)
        .chunks(2)
        .map(|pair| &line[pair[0].start..pair[pair.len() - 1].end])
        .collect()
}

/// The sentences of one line, as byte ranges without their surrounding spaces: a sentence ends
/// after «.», «!», «?» or «؟» followed by a space (so «3.5» stays whole).
fn sentences(line: &str) -> Vec<std::ops::Range<usize>> {
    let mut cuts = Vec::new();
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let ends = matches!(c, '.' | '!' | '?' | '؟')
            && chars.peek().is_some_and(|(_, next)| next.is_whitespace());
        if ends {
            cuts.push(i + c.len_utf8());
        }
    }
    cuts.push(line.len());
    let mut start = 0;
    let mut out = Vec::new();
    for end in cuts {
        let piece = &line[start..end];
        let lead = piece.len() - piece.trim_start().len();
        let trimmed = piece.trim();
        if !trimmed.is_empty() {
            out.push(start + lead..start + lead + trimmed.len());
        }
        start = end;
    }
    out
}

/// A teaser's dek: the first sentence of a summary, at most 160 characters cut at a word.
fn teaser(summary: &str) -> String {
    let summary = summary.trim();
    let first = sentences(summary)
        .into_iter()
        .next()
        .map_or("", |r| &summary[r]);
    match first.char_indices().nth(160) {
        None => first.to_owned(),
        Some((at, _)) => {
            let head = &first[..at];
            format!("{}…", head.rfind(' ').map_or(head, |w| &head[..w]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(files: &[(&str, &str)]) -> (tempfile::TempDir, Templates) {
        let dir = tempfile::tempdir().expect("a temp dir");
        let sub = dir.path().join("own");
        std::fs::create_dir(&sub).expect("a folder");
        for (name, body) in files {
            std::fs::write(sub.join(name), body).expect("written");
        }
        let t = Templates::load(&[dir.path().to_owned()]).expect("loaded");
        (dir, t)
    }

    #[test]
    fn placeholders_are_filled_and_escaped() {
        let (_d, t) = set(&[(
            "a.html",
            "<h1>{{ article.headline }}</h1>{% for p in article.paragraphs %}<p>{{ p }}</p>{% endfor %}\
             <ul>{% for o in others[0:2] %}<li><a href=\"{{ o.href }}\">{{ o.title }}</a></li>{% endfor %}</ul>\
             <script type=\"application/ld+json\">{\"headline\": {{ article.headline|tojson }}}</script>\
             <footer>{{ site.name }} {{ article.date }}</footer>",
        )]);
        assert_eq!(t.names(), ["own/a"]);
        let others = [
            Other {
                title: "هجوم <في> غاو",
                dek: "",
                href: "/1".into(),
            },
            Other {
                title: "خبر",
                dek: "",
                href: "/2".into(),
            },
            Other {
                title: "ثالث",
                dek: "",
                href: "/3".into(),
            },
        ];
        let story = Story {
            headline: "عنوان </script> & آخر",
            summary: "",
            text: "جملة أولى. جملة ثانية. جملة ثالثة.",
        };
        let site = Site {
            name: "الموقع",
            url: "http://s.example",
        };
        let html = t
            .render("own/a", &story, &others, &site, 7)
            .expect("rendered");
        assert!(
            html.contains("<p>جملة أولى. جملة ثانية.</p><p>جملة ثالثة.</p>"),
            "{html}"
        );
        assert!(html.contains("هجوم &lt;في&gt; غاو"), "{html}");
        assert!(!html.contains("ثالث<"), "only two others: {html}");
        assert!(
            html.contains(r#""headline": "عنوان \u003c/script\u003e \u0026 آخر""#),
            "{html}"
        );
        // The same seed gives the same date.
        assert_eq!(html, t.render("own/a", &story, &others, &site, 7).unwrap());
    }

    #[test]
    fn fewer_others_than_a_template_counts_on_are_repeated() {
        let (_d, t) = set(&[(
            "a.html",
            "<i>{{ others[39].title }}</i><b>{{ others|length }}</b>",
        )]);
        let others = [
            Other {
                title: "أول",
                dek: "",
                href: "/1".into(),
            },
            Other {
                title: "ثان",
                dek: "",
                href: "/2".into(),
            },
            Other {
                title: "ثالث",
                dek: "",
                href: "/3".into(),
            },
        ];
        let story = Story {
            headline: "ع",
            summary: "",
            text: "نص.",
        };
        let site = Site {
            name: "م",
            url: "http://s.example",
        };
        let html = t
            .render("own/a", &story, &others, &site, 1)
            .expect("rendered");
        assert_eq!(html, "<i>أول</i><b>40</b>");
    }

    #[test]
    fn a_broken_template_is_refused_with_its_name() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("bad.html"), "<p>\n{% for x in %}</p>").unwrap();
        let err = Templates::load(&[dir.path().to_owned()])
            .err()
            .expect("refused");
        let text = err.to_string();
        assert!(text.contains("bad:2"), "{text}");
        let empty = tempfile::tempdir().unwrap();
        assert!(matches!(
            Templates::load(&[empty.path().to_owned()]),
            Err(TemplateError::Empty(_))
        ));
    }

    #[test]
    fn dates_are_real_days() {
        let w = When::of(
            NaiveDate::from_ymd_opt(2017, 3, 12)
                .unwrap()
                .and_hms_opt(10, 32, 0)
                .unwrap(),
        );
        assert_eq!(w.date, "الأحد 12 مارس 2017");
        assert_eq!(w.date_short, "12/03/2017");
        assert_eq!(w.iso, "2017-03-12T10:32:00+00:00");
    }
}
