use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;

use anyhow::Context;
use sahel_watch::config::{Config, FullText};
use sahel_watch::detect::{
    analyst_label, analyze, candidate, evaluate, Analysis, EvalReport, LabelledItem,
};
use sahel_watch::fulltext::{decide, main_text, Expected, Need, PageLimits, SiteMemory};
use sahel_watch::page_templates::{Other, Site, Story, Templates};

use super::{read_input, Exit, Globals, UsageError};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Labelled corpora: one JSON object a line with id, title, text, relevant, events,
    /// countries. Several are scored as one (the shared dev corpus and the project's own labels).
    #[arg(required_unless_present = "analysts")]
    corpus: Vec<PathBuf>,
    /// Also score the articles analysts corrected in the archive (`sahel-watch correct`), as
    /// `correct export` writes them: the labels they gave, the stored analysis's for the rest.
    #[arg(long)]
    analysts: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Also write each item's prediction (id, relevant, score, events, countries, entities) as
    /// JSON Lines to this file, for audits (with --as-received, the predictions as received:
    /// one line per item and layout, with the layout's name).
    #[arg(long)]
    predictions: Option<PathBuf>,
    /// Also score the corpus as feeds deliver it: the headline and the item's `summary` (its
    /// first 200 characters, cut at a word, where it has none) in the feed; for candidates,
    /// the text served on an article page, in each page template of --pages (other items'
    /// headlines in its furniture), and read back by the full-text stage's extractor. Reports,
    /// per template, the items whose verdicts differ from the full text's.
    #[arg(long)]
    as_received: bool,
    /// With --as-received: page templates, as files or folders of `*.html` files (see
    /// tests/fixtures/pages/README.md); each is one site.
    #[arg(long, requires = "as_received", default_value = "tests/fixtures/pages")]
    pages: Vec<PathBuf>,
    /// With --as-received: serve the pages in the templates whose name (`own/semantic`)
    /// contains this only.
    #[arg(long, requires = "as_received")]
    layout: Option<String>,
    /// With --as-received: print each item whose verdicts differ from the full text's, with
    /// its layout, what differs, and both verdicts.
    #[arg(long, requires = "as_received")]
    show_diffs: bool,
    /// With --as-received: also write every page served as `DIR/<template>/<id>.html`, to
    /// read one again with `sahel-watch extract --explain`.
    #[arg(long, requires = "as_received", value_name = "DIR")]
    keep_pages: Option<PathBuf>,
    /// With --as-received: serve the pages without their JSON-LD, to measure reading the
    /// layout alone (many sites mark no article body).
    #[arg(long, requires = "as_received")]
    without_json_ld: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

pub fn run(g: &Globals, a: Args) -> anyhow::Result<Exit> {
    let config = g.config()?;
    let items = labelled_items(&config, &a)?;
    let report = evaluate(&config.rules, &items);
    if !a.as_received {
        if let Some(path) = &a.predictions {
            write_predictions(&config, path, items.iter().map(|it| (it, None)))?;
        }
        match a.format {
            Format::Json => println!("{}", serde_json::to_string(&report)?),
            Format::Text => print_text(&report),
        }
        return Ok(Exit::Ok);
    }

    let templates = Templates::load(&a.pages).map_err(|e| UsageError(e.to_string()))?;
    let layouts: Vec<&str> = templates
        .names()
        .iter()
        .map(String::as_str)
        .filter(|n| a.layout.as_deref().is_none_or(|l| n.contains(l)))
        .collect();
    if layouts.is_empty() {
        return Err(UsageError(format!(
            "no page template's name contains {:?} (there are: {})",
            a.layout.unwrap_or_default(),
            templates.names().join(", ")
        ))
        .into());
    }
    let full: Vec<Analysis> = items
        .iter()
        .map(|it| analyze(&config.rules, &it.title, &it.text))
        .collect();
    let runs: Vec<LayoutRun> = layouts
        .iter()
        .enumerate()
        .map(|(k, &layout)| {
            let served = Served {
                templates: &templates,
                layout,
                k,
                keep: a.keep_pages.as_deref(),
                without_json_ld: a.without_json_ld,
            };
            LayoutRun::new(&config, &items, &full, &served)
        })
        .collect::<anyhow::Result<_>>()?;
    if let Some(path) = &a.predictions {
        let rows = runs
            .iter()
            .flat_map(|r| r.items.iter().map(move |it| (it, Some(r.layout))));
        write_predictions(&config, path, rows)?;
    }
    let pooled_items: Vec<LabelledItem> = runs.iter().flat_map(|r| r.items.clone()).collect();
    let pooled = evaluate(&config.rules, &pooled_items);
    match a.format {
        Format::Json => {
            let per_layout: serde_json::Map<String, serde_json::Value> = runs
                .iter()
                .map(|r| (r.layout.to_owned(), r.to_json()))
                .collect();
            println!(
                "{}",
                serde_json::json!({
                    "full_text": report,
                    "as_received": pooled,
                    "pages_fetched": runs.first().map_or(0, |r| r.pages),
                    "layouts": per_layout,
                })
            );
        }
        Format::Text => {
            println!("== full text");
            print_text(&report);
            println!(
                "== as received, per page layout ({} items; candidates read from their page)",
                items.len()
            );
            print_layout_table(&runs);
            println!(
                "== as received, {} layout{} pooled ({} readings)",
                runs.len(),
                if runs.len() == 1 { "" } else { "s" },
                pooled_items.len()
            );
            print_text(&pooled);
        }
    }
    if a.show_diffs {
        // On stderr with JSON, so that stdout stays one document.
        for r in &runs {
            for d in &r.diffs {
                let line = format!(
                    "{} {}: {} differ; full text: {}; as received ({}): {}\n    read: {}",
                    items[d.item].id,
                    r.layout,
                    d.verdicts.join(", "),
                    describe(&full[d.item]),
                    r.sources[d.item],
                    describe(&d.received),
                    excerpt(&r.items[d.item].text),
                );
                match a.format {
                    Format::Text => println!("{line}"),
                    Format::Json => eprintln!("{line}"),
                }
            }
        }
    }
    Ok(Exit::Ok)
}

/// The labelled corpora read, and the analysts' corrected items with `--analysts`.
fn labelled_items(config: &Config, a: &Args) -> anyhow::Result<Vec<LabelledItem>> {
    let mut items = Vec::new();
    for corpus in &a.corpus {
        let text = read_input(corpus)?;
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let item: LabelledItem = serde_json::from_str(line)
                .with_context(|| format!("{}:{}: not a labelled item", corpus.display(), n + 1))?;
            items.push(item);
        }
    }
    if a.analysts {
        let store = sahel_watch::store::Store::open(&config.data_dir)?;
        items.extend(store.corrected_items()?.iter().map(|it| {
            analyst_label(
                format!("item-{}", it.item_id),
                (&it.title, &it.text),
                &it.analysis,
                &it.verdicts,
            )
            .0
        }));
    }
    Ok(items)
}

fn write_predictions<'a>(
    config: &Config,
    path: &PathBuf,
    rows: impl Iterator<Item = (&'a LabelledItem, Option<&'a str>)>,
) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
    );
    for (it, layout) in rows {
        let p = analyze(&config.rules, &it.title, &it.text);
        let mut line = serde_json::json!({
            "id": it.id,
            "relevant": p.relevant,
            "score": p.score,
            "events": p.events,
            "countries": p.countries,
            "entities": p.entities,
        });
        if let Some(layout) = layout {
            line["layout"] = layout.into();
        }
        writeln!(out, "{line}")?;
    }
    out.flush()?;
    Ok(())
}

fn print_text(report: &EvalReport) {
    let r = &report.relevance;
    println!("items: {}", report.items);
    println!(
        "relevance:      P {:.3}  R {:.3}  F1 {:.3}  (tp {} fp {} fn {})",
        r.precision, r.recall, r.f1, r.tp, r.fp, r.fn_
    );
    for (name, s) in [
        ("attack", &report.events.attack),
        ("kidnapping", &report.events.kidnapping),
        ("border_closure", &report.events.border_closure),
    ] {
        println!(
            "{name:<15} P {:.3}  R {:.3}  F1 {:.3}  (tp {} fp {} fn {})",
            s.precision, s.recall, s.f1, s.tp, s.fp, s.fn_
        );
    }
    let c = &report.countries;
    println!(
        "countries:      P {:.3}  R {:.3}  F1 {:.3}",
        c.precision, c.recall, c.f1
    );
    println!("articles/s:     {:.0}", report.articles_per_second);
    println!("errors:         {}", report.errors.join(" "));
}

/// One row per layout: pages fetched and read, then items whose verdicts differ from the full
/// text's (all of them; those of items that had no page, the same in every layout; and by
/// verdict), and the layout's relevance and attack F1.
fn print_layout_table(runs: &[LayoutRun]) {
    println!(
        "{:<28} {:>5} {:>5} {:>6} {:>7} {:>8} {:>6} {:>9} {:>7} {:>6} {:>9}",
        "template",
        "pages",
        "read",
        "differ",
        "no page",
        "relevant",
        "events",
        "countries",
        "figures",
        "rel F1",
        "attack F1"
    );
    for r in runs {
        let d = r.differences();
        println!(
            "{:<28} {:>5} {:>5} {:>6} {:>7} {:>8} {:>6} {:>9} {:>7} {:>6.3} {:>9.3}",
            r.layout,
            r.pages,
            r.read,
            d.items,
            d.without_page,
            d.relevant,
            d.events,
            d.countries,
            d.figures,
            r.report.relevance.f1,
            r.report.events.attack.f1,
        );
    }
}

/// A verdict in a few words: «not relevant», «relevant [attack] ML killed 5».
fn describe(a: &Analysis) -> String {
    if !a.relevant {
        return "not relevant".to_owned();
    }
    let events: Vec<&str> = a.events.iter().map(|e| e.as_str()).collect();
    let mut out = format!("relevant [{}] {}", events.join(","), a.countries.join(","));
    for (name, n) in [
        ("killed", a.figures.killed),
        ("wounded", a.figures.wounded),
        ("kidnapped", a.figures.kidnapped),
    ] {
        if let Some(n) = n {
            out.push_str(&format!(" {name} {n}"));
        }
    }
    out
}

/// The start of a text read as received, on one line (paragraphs marked «¶»): enough to see
/// what the page gave, or which furniture it let in.
fn excerpt(text: &str) -> String {
    let flat = text
        .split('\n')
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ¶ ");
    match flat.char_indices().nth(400) {
        None => flat,
        Some((at, _)) => format!("{}…", &flat[..at]),
    }
}

/// The summary a feed carries for an item: its own, else its first 200 characters cut at a word.
fn summary_of(it: &LabelledItem) -> String {
    let s = it.summary.trim();
    if !s.is_empty() {
        return s.to_owned();
    }
    let t = it.text.trim();
    match t.char_indices().nth(200) {
        None => t.to_owned(),
        Some((at, _)) => {
            let head = &t[..at];
            head.rfind(' ').map_or(head, |w| &head[..w]).to_owned()
        }
    }
}

/// Where an item's text came from as received, as the daemon would record it.
enum Source {
    /// The summary was long enough to be taken for the article: no page is fetched.
    Feed,
    /// Not a candidate: analysed on its summary, no page fetched.
    Summary,
    /// The page was fetched and its text read.
    Page,
    /// The page was fetched, but gave no text: analysed on its summary, for this reason.
    PageFailed(String),
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Feed => f.write_str("the feed's entry"),
            Source::Summary => f.write_str("summary, no page"),
            Source::Page => f.write_str("page"),
            Source::PageFailed(why) => write!(f, "summary, page failed: {why}"),
        }
    }
}

/// An item whose verdicts as received differ from the full text's.
struct Diff {
    item: usize,
    verdicts: Vec<&'static str>,
    received: Analysis,
}

/// Counts of items whose verdicts differ from the full text's.
#[derive(Debug, Default, serde::Serialize)]
struct Differences {
    items: usize,
    /// Of `items`, those that had no page read (summary or feed entry): the same in every layout.
    without_page: usize,
    relevant: usize,
    events: usize,
    countries: usize,
    figures: usize,
}

/// `html` without its `<script type="application/ld+json">` elements (any case and quoting).
fn strip_json_ld(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let mut out = String::with_capacity(html.len());
    let mut at = 0;
    while let Some(open) = lower[at..].find("<script").map(|i| at + i) {
        let Some(tag_end) = lower[open..].find('>').map(|i| open + i + 1) else {
            break;
        };
        let Some(close) = lower[tag_end..].find("</script").map(|i| tag_end + i) else {
            break;
        };
        let end = lower[close..]
            .find('>')
            .map_or(html.len(), |i| close + i + 1);
        out.push_str(&html[at..open]);
        if !lower[open..tag_end].contains("ld+json") {
            out.push_str(&html[open..end]);
        }
        at = end;
    }
    out.push_str(&html[at..]);
    out
}

/// One template, and where its pages are kept.
#[derive(Clone, Copy)]
struct Served<'t, 'p> {
    templates: &'t Templates,
    layout: &'t str,
    /// Its position among the templates served (each is another site).
    k: usize,
    keep: Option<&'p std::path::Path>,
    without_json_ld: bool,
}

/// The corpus as received with its candidates' pages in one layout.
struct LayoutRun<'t> {
    layout: &'t str,
    /// The items with the text the daemon would analyse.
    items: Vec<LabelledItem>,
    sources: Vec<Source>,
    /// Pages fetched (candidates whose entry is only a summary).
    pages: usize,
    /// Pages whose text was used.
    read: usize,
    report: EvalReport,
    diffs: Vec<Diff>,
}

impl<'t> LayoutRun<'t> {
    /// Serves each candidate's text on a page of `served` and reads it back; `full` holds the
    /// analyses of the full texts, to compare with.
    fn new(
        config: &Config,
        items: &[LabelledItem],
        full: &[Analysis],
        served: &Served<'t, '_>,
    ) -> anyhow::Result<Self> {
        let Served {
            templates,
            layout,
            k,
            keep,
            without_json_ld,
        } = *served;
        let keep = match keep {
            Some(dir) => {
                let dir = dir.join(layout.replace('/', "_"));
                std::fs::create_dir_all(&dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
                Some(dir)
            }
            None => None,
        };
        let rules = &config.rules;
        let limits = &config.limits;
        // One site per layout, with the memory of its pages the daemon keeps per site.
        let memory = SiteMemory::new();
        let site_url = format!(
            "http://{}.example",
            layout.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
        );
        let site = Site {
            name: SITE_NAMES[k % SITE_NAMES.len()],
            url: &site_url,
        };
        let furniture = Furniture::new(config, items);
        let mut pages = 0;
        let mut read = 0;
        let mut received = Vec::with_capacity(items.len());
        let mut sources = Vec::with_capacity(items.len());
        for (n, it) in items.iter().enumerate() {
            let summary = summary_of(it);
            let pick = candidate(rules, &it.title, &summary);
            let link = format!("{site_url}/a/{}", it.id);
            let need = decide(
                FullText::Auto,
                summary.chars().count(),
                limits.min_article_chars,
                Some(&link),
                pick,
            );
            let (text, source) = match need {
                Need::Page { .. } => {
                    pages += 1;
                    let others = furniture.others_for(n);
                    let story = Story {
                        headline: &it.title,
                        summary: &summary,
                        text: &it.text,
                    };
                    let mut html = templates.render(layout, &story, &others, &site, n as u64)?;
                    if without_json_ld {
                        html = strip_json_ld(&html);
                    }
                    if let Some(dir) = &keep {
                        let path = dir.join(format!("{}.html", it.id));
                        std::fs::write(&path, &html)
                            .with_context(|| format!("writing {}", path.display()))?;
                    }
                    let page = Page {
                        html: &html,
                        link: &link,
                        site: &site_url,
                        memory: &memory,
                    };
                    match read_page(&page, &it.title, &summary, limits.max_text_chars) {
                        Ok(text) => {
                            read += 1;
                            (text, Source::Page)
                        }
                        Err(why) => (summary, Source::PageFailed(why)),
                    }
                }
                Need::Feed => (summary, Source::Feed),
                Need::Summary(_) => (summary, Source::Summary),
            };
            received.push(LabelledItem { text, ..it.clone() });
            sources.push(source);
        }
        let report = evaluate(rules, &received);
        let diffs = received
            .iter()
            .zip(full)
            .enumerate()
            .filter_map(|(item, (r, f))| {
                let got = analyze(rules, &r.title, &r.text);
                let verdicts = differing(f, &got);
                (!verdicts.is_empty()).then_some(Diff {
                    item,
                    verdicts,
                    received: got,
                })
            })
            .collect();
        Ok(LayoutRun {
            layout,
            items: received,
            sources,
            pages,
            read,
            report,
            diffs,
        })
    }

    fn differences(&self) -> Differences {
        let mut d = Differences::default();
        for diff in &self.diffs {
            d.items += 1;
            if !matches!(self.sources[diff.item], Source::Page) {
                d.without_page += 1;
            }
            for v in &diff.verdicts {
                match *v {
                    "relevant" => d.relevant += 1,
                    "events" => d.events += 1,
                    "countries" => d.countries += 1,
                    _ => d.figures += 1,
                }
            }
        }
        d
    }

    fn to_json(&self) -> serde_json::Value {
        let diffs: Vec<serde_json::Value> = self
            .diffs
            .iter()
            .map(|d| {
                serde_json::json!({
                    "id": self.items[d.item].id,
                    "differ": d.verdicts,
                    "source": self.sources[d.item].to_string(),
                })
            })
            .collect();
        serde_json::json!({
            "pages_fetched": self.pages,
            "pages_read": self.read,
            "differ": self.differences(),
            "scores": self.report,
            "diffs": diffs,
        })
    }
}

/// Which verdicts differ between the full text's analysis and the one as received: relevance,
/// and, when either is relevant, the events, the countries and the figures.
fn differing(full: &Analysis, received: &Analysis) -> Vec<&'static str> {
    let mut out = Vec::new();
    if full.relevant != received.relevant {
        out.push("relevant");
    }
    if full.relevant || received.relevant {
        let events = |a: &Analysis| a.events.iter().copied().collect::<HashSet<_>>();
        let countries = |a: &Analysis| a.countries.iter().cloned().collect::<HashSet<_>>();
        if events(full) != events(received) {
            out.push("events");
        }
        if countries(full) != countries(received) {
            out.push("countries");
        }
        if full.figures != received.figures {
            out.push("figures");
        }
    }
    out
}

/// A served page and where it is from.
struct Page<'a> {
    html: &'a str,
    link: &'a str,
    /// The site (scheme://host) its memory is kept under.
    site: &'a str,
    memory: &'a SiteMemory,
}

/// The page read back as the daemon reads it (`fulltext::Pages`): the item's headline and
/// summary to find and check the article, the site's memory of its other pages keyed by the
/// page's URL, the default page limits. The one call of the extractor here, so that a change of
/// its signature is made once.
fn read_page(page: &Page, title: &str, summary: &str, max_chars: usize) -> Result<String, String> {
    let mut key = std::collections::hash_map::DefaultHasher::new();
    page.link.hash(&mut key);
    main_text(
        page.html,
        &Expected { title, summary },
        Some((page.memory, page.site, key.finish())),
        &PageLimits::default(),
        max_chars,
    )
    .map_err(|e| e.to_string())
}

/// The outlet each template's pages are said to be from (in `<title>`, logo and footer), one per
/// template as each template is one site; plain words naming no place, so that a name leaking
/// into the text changes no verdict by itself.
const SITE_NAMES: [&str; 7] = [
    "المشهد",
    "الوسيط نت",
    "بوابة النبأ",
    "الخبر الآن",
    "صدى الأحداث",
    "المراقب",
    "نبض الشارع",
];

/// The other stories a page's furniture shows: the corpus's other items, those whose headline
/// alone makes them candidates (Sahel places, security events) first, since they are what must
/// not leak into the article.
struct Furniture<'a> {
    items: &'a [LabelledItem],
    /// Indexes of the items whose headline alone makes them candidates.
    sahel: Vec<usize>,
    /// Indexes of the others.
    rest: Vec<usize>,
    summaries: Vec<String>,
}

/// How many other stories one page shows, Sahel ones and others (a layout repeats them when it
/// has more slots).
const SAHEL_PER_PAGE: usize = 20;
const OTHERS_PER_PAGE: usize = 45;

impl<'a> Furniture<'a> {
    fn new(config: &Config, items: &'a [LabelledItem]) -> Self {
        let (sahel, rest) = (0..items.len())
            .partition(|&i| candidate(&config.rules, &items[i].title, "").is_some());
        Furniture {
            items,
            sahel,
            rest,
            summaries: items.iter().map(summary_of).collect(),
        }
    }

    /// The others for item `n`'s page, without item `n` itself: Sahel ones, then the rest,
    /// each list from a starting point that moves with `n` (pages show the stories of their
    /// hour, not always the same).
    fn others_for(&self, n: usize) -> Vec<Other<'_>> {
        let from = |list: &[usize], count: usize| -> Vec<usize> {
            let len = list.len().max(1);
            (0..list.len())
                .map(|k| list[(n * 3 + k) % len])
                .filter(|&i| i != n)
                .take(count)
                .collect()
        };
        let mut picked = from(&self.sahel, SAHEL_PER_PAGE);
        let rest = OTHERS_PER_PAGE.saturating_sub(picked.len());
        picked.extend(from(&self.rest, rest));
        picked
            .into_iter()
            .map(|i| Other {
                title: &self.items[i].title,
                dek: &self.summaries[i],
                href: format!("/a/{}", self.items[i].id),
            })
            .collect()
    }
}
