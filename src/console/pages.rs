//! The console's pages: plain view rows built from the store's, rendered by autoescaping
//! templates (`config/templates/console/`). Feed-supplied strings reach the templates as
//! text, cleaned of control and bidi-override characters, and links only when http(s).

use std::time::Duration;

use minijinja::{Environment, Value};
use serde::Serialize;

use crate::dedup::Corroboration;
use crate::detect::{EventKind, RulePack};
use crate::report::map::{self, Point};
use crate::report::where_it_happened;
use crate::store::{
    CorrectionRow, FeedHealth, ItemFilter, ItemRow, OutboxEntry, SessionRow, StoryArticle,
    StoryRow, WebSubStatus,
};
use crate::text::{safe_link, sanitize_line};
use crate::time::format_time as time;

pub const STYLESHEET: &str = include_str!("../../config/templates/console/console.css");

/// The countries the filter offers: the Sahel and the neighbours whose borders it watches.
const COUNTRIES: [&str; 8] = ["ML", "NE", "BF", "TD", "MR", "NG", "DZ", "LY"];
const PERIODS: [(u32, &str); 5] = [
    (7, "last 7 days"),
    (30, "last 30 days"),
    (90, "last 90 days"),
    (365, "last year"),
    (36_500, "all"),
];
/// The most incidents one page lists.
const MAX_ROWS: usize = 500;

pub struct Pages {
    env: Environment<'static>,
}

/// The incidents page's filters, as its form sends them.
#[derive(Debug, Clone, Default, serde::Deserialize, Serialize)]
pub struct IncidentFilter {
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default = "default_days")]
    pub days: u32,
    /// "corroborated", "single", or anything else for both.
    #[serde(default)]
    pub sources: String,
    /// "dismissed" lists what analysts said is no incident, instead of the incidents.
    #[serde(default)]
    pub status: String,
    /// An administrative region's ISO 3166-2 code (`ML-7`): the incidents placed in it.
    #[serde(default)]
    pub region: String,
}

fn default_days() -> u32 {
    30
}

impl IncidentFilter {
    /// The start of the period, in unix seconds.
    pub fn since(&self, now: i64) -> i64 {
        now - i64::from(self.days.clamp(1, 36_500)) * 86_400
    }

    /// What the store is asked for: at most `limit` stories of the period that `keeps` keeps,
    /// chosen in SQL (an archive's thousands of stories are not all read to list some).
    pub fn stories(&self, now: i64, limit: usize) -> crate::store::StoryFilter {
        let given = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        crate::store::StoryFilter {
            since: self.since(now),
            // A region is in one country, which the store can filter on; the region itself is
            // a matter of where the place lies, which `keeps` decides.
            country: given(&self.country).or_else(|| {
                self.region
                    .split_once('-')
                    .map(|(country, _)| country.to_owned())
            }),
            kind: given(&self.kind),
            corroborated: match self.sources.as_str() {
                "corroborated" => Some(true),
                "single" => Some(false),
                _ => None,
            },
            dismissed: self.status == "dismissed",
            limit,
        }
    }

    /// Whether a story answers these choices: the same test as [`IncidentFilter::stories`]
    /// asks of the store (`Store::stories_matching`), on the stories read, and the region:
    /// the one where the story's place lies (a story placed only by its country is in none).
    fn keeps(&self, rules: &RulePack, s: &StoryRow, c: &Corroboration) -> bool {
        (self.region.is_empty() || region_of(rules, s) == Some(self.region.as_str()))
            && (self.country.is_empty() || s.facts.countries.contains(&self.country))
            && (self.kind.is_empty() || s.facts.kinds.iter().any(|k| k.as_str() == self.kind))
            && match self.sources.as_str() {
                "corroborated" => c.outlets >= 2,
                "single" => c.outlets < 2,
                _ => true,
            }
            && s.dismissed == (self.status == "dismissed")
    }
}

/// The administrative region where a story happened, by its code.
fn region_of(rules: &RulePack, s: &StoryRow) -> Option<&'static str> {
    let place = where_it_happened(rules, &s.facts).filter(|p| !p.approximate)?;
    let (lat, lon) = place.at?;
    map::region_at(lon, lat)
}

#[derive(Serialize)]
struct Choice {
    code: String,
    name: String,
}

/// The regions the filter offers, by country.
#[derive(Serialize)]
struct RegionGroup {
    country: String,
    regions: Vec<Choice>,
}

fn choices_of_regions(rules: &RulePack) -> Vec<RegionGroup> {
    COUNTRIES
        .iter()
        .map(|c| RegionGroup {
            country: country_name(rules, c),
            regions: map::REGION_NAMES
                .iter()
                .filter(|(code, _)| code.split_once('-').is_some_and(|(k, _)| k == *c))
                .map(|(code, name)| Choice {
                    code: code.clone(),
                    name: name.clone(),
                })
                .collect(),
        })
        .collect()
}

#[derive(Serialize)]
struct Period {
    days: u32,
    name: &'static str,
}

/// One incident as the pages show it.
#[derive(Serialize)]
struct IncidentView {
    id: i64,
    number: usize,
    place_en: String,
    place_ar: String,
    country: String,
    countries: String,
    kinds: String,
    toll: String,
    groups: String,
    sources: String,
    outlets: Vec<String>,
    first_seen: String,
    last_seen: String,
    first_alerted: Option<String>,
}

#[derive(Serialize)]
struct ArticleView {
    id: i64,
    /// The verdict's explanation: score, events, and the passes that fired with their terms.
    why: VerdictView,
    title: String,
    url: Option<String>,
    outlet: String,
    published: String,
    reason: Option<String>,
}

#[derive(Serialize)]
struct CorrectionLine {
    id: i64,
    what: String,
    by: String,
    at: String,
    undone: Option<String>,
}

#[derive(Serialize)]
struct AlertLine {
    kind: String,
    recipient: String,
    status: String,
    sent: Option<String>,
    error: String,
}

impl AlertLine {
    /// An outbox row as the incident and alerts pages show it.
    fn of(a: &OutboxEntry) -> AlertLine {
        AlertLine {
            kind: a.kind.clone(),
            recipient: sanitize_line(&a.recipient, 200),
            status: a.status.as_str().to_owned(),
            sent: a.sent_at.map(time),
            error: a
                .last_error
                .as_deref()
                .map(|e| sanitize_line(e, 300))
                .unwrap_or_default(),
        }
    }
}

fn kind_name(k: EventKind) -> &'static str {
    match k {
        EventKind::Attack => "attack",
        EventKind::Kidnapping => "kidnapping",
        EventKind::BorderClosure => "border closure",
    }
}

fn country_name(rules: &RulePack, code: &str) -> String {
    rules
        .country_entity(code)
        .and_then(|e| e.name_en.clone())
        .unwrap_or_else(|| code.to_owned())
}

fn view(rules: &RulePack, number: usize, s: &StoryRow) -> IncidentView {
    let f = &s.facts;
    let place = where_it_happened(rules, f);
    let mut toll = Vec::new();
    for (n, what) in [
        (f.killed, "killed"),
        (f.wounded, "wounded"),
        (f.kidnapped, "kidnapped"),
    ] {
        if let Some(n) = n {
            toll.push(format!("{n} {what}"));
        }
    }
    let groups: Vec<String> = f
        .groups
        .iter()
        .map(|g| {
            rules
                .entity(g)
                .and_then(|e| e.name_en.clone())
                .unwrap_or_else(|| g.clone())
        })
        .collect();
    IncidentView {
        id: s.id,
        number,
        place_en: place
            .as_ref()
            .map(|p| p.name_en.clone())
            .unwrap_or_default(),
        place_ar: place
            .as_ref()
            .filter(|p| !p.approximate)
            .map(|p| p.name_ar.clone())
            .unwrap_or_default(),
        country: place
            .as_ref()
            .and_then(|p| p.country.clone())
            .map(|c| country_name(rules, &c))
            .unwrap_or_default(),
        countries: f
            .countries
            .iter()
            .map(|c| country_name(rules, c))
            .collect::<Vec<_>>()
            .join(", "),
        kinds: f
            .kinds
            .iter()
            .map(|k| kind_name(*k))
            .collect::<Vec<_>>()
            .join(", "),
        toll: if toll.is_empty() {
            "not reported".into()
        } else {
            toll.join(", ")
        },
        groups: if groups.is_empty() {
            "none named".into()
        } else {
            groups.join(", ")
        },
        sources: Corroboration::of(rules, f).summary(),
        outlets: s.outlets.iter().map(|o| sanitize_line(o, 120)).collect(),
        first_seen: time(s.first_seen),
        last_seen: time(s.last_seen),
        first_alerted: s.first_alerted.map(time),
    }
}

impl Pages {
    pub fn new() -> Pages {
        let mut env = Environment::new();
        for (name, source) in [
            (
                "base.html",
                include_str!("../../config/templates/console/base.html"),
            ),
            (
                "login.html",
                include_str!("../../config/templates/console/login.html"),
            ),
            (
                "_filters.html",
                include_str!("../../config/templates/console/_filters.html"),
            ),
            (
                "incidents.html",
                include_str!("../../config/templates/console/incidents.html"),
            ),
            (
                "incident.html",
                include_str!("../../config/templates/console/incident.html"),
            ),
            (
                "search.html",
                include_str!("../../config/templates/console/search.html"),
            ),
            (
                "feeds.html",
                include_str!("../../config/templates/console/feeds.html"),
            ),
            (
                "alerts.html",
                include_str!("../../config/templates/console/alerts.html"),
            ),
        ] {
            env.add_template(name, source)
                .expect("the bundled console templates parse (tested)");
        }
        Pages { env }
    }

    fn render(&self, name: &str, ctx: Value) -> String {
        self.env
            .get_template(name)
            .and_then(|t| t.render(ctx))
            .unwrap_or_else(|e| {
                tracing::error!(template = name, error = %e, "console page failed to render");
                "<!doctype html><p>This page could not be rendered; the daemon's log says why.</p>"
                    .to_owned()
            })
    }

    pub fn login(&self, csrf: &str, error: Option<&str>) -> String {
        self.render(
            "login.html",
            minijinja::context! { title => "Sign in", csrf, error },
        )
    }

    pub fn incidents(
        &self,
        rules: &RulePack,
        session: &SessionRow,
        filter: &IncidentFilter,
        stories: &[StoryRow],
    ) -> String {
        let matching: Vec<&StoryRow> = stories
            .iter()
            .filter(|s| filter.keeps(rules, s, &Corroboration::of(rules, &s.facts)))
            .collect();
        // The chart counts every incident that matches, over the whole period asked (the
        // handler read the stories since `filter.since(now)`), binned as the briefing bins it.
        let now = crate::time::now();
        let chart =
            crate::report::incidents_chart(rules, matching.iter().copied(), filter.since(now), now);
        let kept = &matching[..matching.len().min(MAX_ROWS)];
        let rows: Vec<IncidentView> = kept
            .iter()
            .enumerate()
            .map(|(i, s)| view(rules, i + 1, s))
            .collect();
        let points: Vec<Point> = kept
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let p = where_it_happened(rules, &s.facts)?;
                let (lat, lon) = p.at?;
                let kind = s.facts.kinds.first().copied();
                Some(Point {
                    number: i + 1,
                    lon,
                    lat,
                    toll: s.facts.killed.unwrap_or(0) + s.facts.kidnapped.unwrap_or(0),
                    colour: crate::report::kind_colour(kind),
                    approximate: p.approximate,
                    title: format!(
                        "{} {} {}",
                        i + 1,
                        p.name_en,
                        kind.map(kind_name).unwrap_or_default()
                    ),
                    href: Some(format!("/incidents/{}", s.id)),
                })
            })
            .collect();
        let svg = map::svg("map", "Incidents of the period", 720.0, &points, &[]);
        let (countries, kinds, periods) =
            (choices_of_countries(rules), choices_of_kinds(), periods());
        self.render(
            "incidents.html",
            minijinja::context! {
                title => "Incidents",
                filter => Value::from(minijinja::value::Serde(filter)),
                rows => Value::from(minijinja::value::Serde(&rows)),
                countries => Value::from(minijinja::value::Serde(&countries)),
                kinds => Value::from(minijinja::value::Serde(&kinds)),
                periods => Value::from(minijinja::value::Serde(&periods)),
                regions => Value::from(minijinja::value::Serde(&choices_of_regions(rules))),
                map => svg,
                chart => Value::from(minijinja::value::Serde(&chart)),
                ..chrome(session),
            },
        )
    }

    pub fn incident(
        &self,
        rules: &RulePack,
        session: &SessionRow,
        story: &StoryRow,
        articles: &[StoryArticle],
        told: &Told,
    ) -> String {
        let corrections: Vec<CorrectionLine> = told
            .corrections
            .iter()
            .map(|c| CorrectionLine {
                id: c.id,
                what: correction_said(c, story.id),
                by: sanitize_line(&c.user, 100),
                at: time(c.at),
                undone: c.undone_at.map(|t| {
                    format!(
                        "undone by {} {}",
                        sanitize_line(c.undone_by.as_deref().unwrap_or("?"), 100),
                        time(t)
                    )
                }),
            })
            .collect();
        let articles: Vec<ArticleView> = articles
            .iter()
            .map(|a| ArticleView {
                id: a.item_id,
                why: told
                    .analyses
                    .iter()
                    .find(|(id, _)| *id == a.item_id)
                    .map(|(_, analysis)| verdict_explained(analysis))
                    .unwrap_or_default(),
                title: sanitize_line(&a.title, 300),
                url: safe_link(a.url.as_deref()),
                outlet: sanitize_line(&a.feed_name, 120),
                published: a.published_at.map(time).unwrap_or_default(),
                reason: a.reason.as_deref().map(|r| sanitize_line(r, 300)),
            })
            .collect();
        let alerts: Vec<AlertLine> = told.alerts.iter().map(AlertLine::of).collect();
        self.render(
            "incident.html",
            minijinja::context! {
                title => format!("Incident {}", story.id),
                story => Value::from(minijinja::value::Serde(view(rules, 1, story))),
                dismissed => story.dismissed,
                analyst => session.user.role == "analyst",
                corrections => Value::from(minijinja::value::Serde(&corrections)),
                articles => Value::from(minijinja::value::Serde(&articles)),
                alerts => Value::from(minijinja::value::Serde(&alerts)),
                ..chrome(session),
            },
        )
    }
}

/// A feed as its page shows it: its health, its WebSub subscription, and how often it is
/// polled and why (none when it is no longer configured).
pub type FeedState = (FeedHealth, Option<WebSubStatus>, Option<(Duration, String)>);

/// What the incident page shows besides the story and its articles.
pub struct Told {
    /// Each article's stored analysis, by article id.
    pub analyses: Vec<(i64, crate::detect::Analysis)>,
    pub alerts: Vec<OutboxEntry>,
    pub corrections: Vec<CorrectionRow>,
}

/// A correction as the page of story `here` says it.
fn correction_said(c: &CorrectionRow, here: i64) -> String {
    let verdict = |a: &str| match a {
        "not_in_scope" => "not in scope",
        _ => "not an incident",
    };
    match (c.action.as_str(), c.into_story, c.item_id) {
        ("merge", Some(into), _) if into == here => {
            format!("incident {} merged into this one", c.story_id)
        }
        ("merge", Some(into), _) => format!("merged into incident {into}"),
        ("split", Some(into), Some(item)) if into == here => {
            format!(
                "article {item} split out of incident {} into this one",
                c.story_id
            )
        }
        ("split", Some(into), Some(item)) => {
            format!("article {item} split out into incident {into}")
        }
        ("wrong_place", _, Some(item)) => format!(
            "article {item} placed in {}",
            sanitize_line(c.value.as_deref().unwrap_or("?"), 60)
        ),
        ("wrong_place", ..) => format!(
            "placed in {}",
            sanitize_line(c.value.as_deref().unwrap_or("?"), 60)
        ),
        (action, _, Some(item)) => {
            format!("article {item} marked {} (it left)", verdict(action))
        }
        (action, ..) => format!("marked {}", verdict(action)),
    }
}

/// Why the rules flagged an article: its score and events, then each pass that fired with
/// the terms it matched (a few of each).
fn verdict_explained(a: &crate::detect::Analysis) -> VerdictView {
    let mut passes: Vec<PassLine> = Vec::new();
    for e in a.explanation.iter().filter(|e| !e.term.is_empty()) {
        let pass = if e.pass.is_empty() { "rules" } else { &e.pass };
        let term = sanitize_line(&e.term, 60);
        match passes.iter_mut().find(|p| p.pass == pass) {
            Some(p) if p.terms.len() < 4 && !p.terms.contains(&term) => p.terms.push(term),
            Some(_) => {}
            None => passes.push(PassLine {
                pass: sanitize_line(pass, 40),
                terms: vec![term],
            }),
        }
    }
    let events: Vec<&str> = a.events.iter().map(|e| e.as_str()).collect();
    VerdictView {
        summary: format!(
            "score {:.1}, {}",
            a.score,
            if events.is_empty() {
                "no event".to_owned()
            } else {
                events.join(", ")
            }
        ),
        passes,
    }
}

/// An article's verdict as its page explains it.
#[derive(Serialize, Default)]
struct VerdictView {
    summary: String,
    passes: Vec<PassLine>,
}

/// A pass of the analysis and the (Arabic) terms it matched.
#[derive(Serialize)]
struct PassLine {
    pass: String,
    terms: Vec<String>,
}

/// The search page's form.
#[derive(Debug, Clone, Default, serde::Deserialize, Serialize)]
pub struct SearchForm {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default = "default_days")]
    pub days: u32,
    /// Items judged not relevant too.
    #[serde(default)]
    pub all: Option<String>,
}

/// The most items a search page lists.
pub const SEARCH_LIMIT: usize = 200;

impl SearchForm {
    /// The store's filter for this form (`search` parsed by the caller).
    pub fn filter(&self, now: i64, search: Option<crate::arabic::Search>) -> ItemFilter {
        ItemFilter {
            since: Some(now - i64::from(self.days.clamp(1, 36_500)) * 86_400),
            events: [&self.kind]
                .into_iter()
                .filter(|k| !k.is_empty())
                .cloned()
                .collect(),
            countries: [&self.country]
                .into_iter()
                .filter(|c| !c.is_empty())
                .cloned()
                .collect(),
            search,
            all: self.all.is_some(),
            limit: Some(SEARCH_LIMIT),
            ..ItemFilter::default()
        }
    }

    /// The same search as `sahel-watch query` arguments, to paste in a shell.
    fn cli(&self) -> String {
        let mut parts = vec![
            "sahel-watch query".to_owned(),
            format!("--since {}d", self.days),
        ];
        if !self.q.trim().is_empty() {
            parts.push(format!("--text '{}'", self.q.replace('\'', "")));
        }
        if !self.country.is_empty() {
            parts.push(format!("--country {}", self.country));
        }
        if !self.kind.is_empty() {
            parts.push(format!("--event {}", self.kind));
        }
        if self.all.is_some() {
            parts.push("--all".into());
        }
        parts.push("--format csv".into());
        parts.join(" ")
    }
}

#[derive(Serialize)]
struct ItemLine {
    title: String,
    url: Option<String>,
    snippet: Option<String>,
    feed: String,
    published: String,
    events: String,
    countries: String,
    story: Option<i64>,
}

#[derive(Serialize)]
struct FeedLine {
    name: String,
    url: String,
    /// How often it is polled and why (its pace, or its configured interval).
    pace: Option<String>,
    status: String,
    failing: bool,
    failures: u32,
    last_success: String,
    next_poll: String,
    items: i64,
    relevant: i64,
    error: String,
    websub: Option<String>,
}

#[derive(Serialize)]
struct OutboxLine {
    id: i64,
    title: String,
    attempts: u32,
    #[serde(flatten)]
    alert: AlertLine,
}

impl Pages {
    pub fn search(
        &self,
        rules: &RulePack,
        session: &SessionRow,
        form: &SearchForm,
        items: Option<&[ItemRow]>,
        error: Option<&str>,
    ) -> String {
        let items: Vec<ItemLine> = items
            .unwrap_or_default()
            .iter()
            .map(|i| ItemLine {
                title: sanitize_line(&i.title, 300),
                url: safe_link(i.url.as_deref()),
                snippet: i.snippet.as_deref().map(|s| sanitize_line(s, 400)),
                feed: sanitize_line(&i.feed, 120),
                published: time(i.published),
                events: i.events.join(", "),
                countries: i
                    .countries
                    .iter()
                    .map(|c| country_name(rules, c))
                    .collect::<Vec<_>>()
                    .join(", "),
                story: i.story_id,
            })
            .collect();
        self.render(
            "search.html",
            minijinja::context! {
                title => "Search",
                filter => Value::from(minijinja::value::Serde(form)),
                countries => Value::from(minijinja::value::Serde(&choices_of_countries(rules))),
                kinds => Value::from(minijinja::value::Serde(&choices_of_kinds())),
                periods => Value::from(minijinja::value::Serde(&periods())),
                searched => error.is_none() && !form.q.trim().is_empty() || !form.country.is_empty() || !form.kind.is_empty(),
                items => Value::from(minijinja::value::Serde(&items)),
                limit => SEARCH_LIMIT,
                cli => form.cli(),
                error,
                ..chrome(session),
            },
        )
    }

    pub fn feeds(&self, session: &SessionRow, feeds: &[FeedState]) -> String {
        let feeds: Vec<FeedLine> = feeds
            .iter()
            .map(|(f, w, pace)| FeedLine {
                pace: pace.as_ref().map(|(every, why)| {
                    format!(
                        "every {}: {}",
                        humantime::format_duration(*every),
                        sanitize_line(why, 300)
                    )
                }),
                name: sanitize_line(
                    f.name.as_deref().or(f.title.as_deref()).unwrap_or(&f.url),
                    120,
                ),
                url: sanitize_line(&f.url, 300),
                status: if f.active {
                    f.status.clone()
                } else {
                    "no longer configured".into()
                },
                failing: f.status == "failing",
                failures: f.consecutive_failures,
                last_success: f
                    .last_success_at
                    .map(time)
                    .unwrap_or_else(|| "never".into()),
                next_poll: time(f.next_poll_at),
                items: f.items,
                relevant: f.relevant_items,
                error: f
                    .last_error
                    .as_deref()
                    .map(|e| sanitize_line(e, 300))
                    .unwrap_or_default(),
                websub: w.as_ref().map(|w| {
                    format!(
                        "WebSub {} — {} pushes, {} refused",
                        w.state, w.pushes, w.refused
                    )
                }),
            })
            .collect();
        self.render(
            "feeds.html",
            minijinja::context! {
                title => "Feeds",
                feeds => Value::from(minijinja::value::Serde(&feeds)),
                ..chrome(session),
            },
        )
    }

    pub fn alerts(&self, session: &SessionRow, status: &str, rows: &[OutboxEntry]) -> String {
        let alerts: Vec<OutboxLine> = rows
            .iter()
            .map(|a| OutboxLine {
                id: a.id,
                title: sanitize_line(&a.title, 200),
                attempts: a.attempts,
                alert: AlertLine::of(a),
            })
            .collect();
        self.render(
            "alerts.html",
            minijinja::context! {
                title => "Alerts",
                analyst => session.user.role == "analyst",
                status,
                statuses => vec!["pending", "sent", "failed"],
                alerts => Value::from(minijinja::value::Serde(&alerts)),
                ..chrome(session),
            },
        )
    }
}

/// What every signed-in page's frame shows: who is signed in, and the token of its forms.
fn chrome(session: &SessionRow) -> Value {
    minijinja::context! {
        user => &session.user.name,
        role => &session.user.role,
        csrf => &session.csrf,
    }
}

fn choices_of_countries(rules: &RulePack) -> Vec<Choice> {
    COUNTRIES
        .iter()
        .map(|c| Choice {
            code: (*c).to_owned(),
            name: country_name(rules, c),
        })
        .collect()
}

fn choices_of_kinds() -> Vec<Choice> {
    EventKind::ALL
        .iter()
        .map(|k| Choice {
            code: k.as_str().to_owned(),
            name: kind_name(*k).to_owned(),
        })
        .collect()
}

fn periods() -> Vec<Period> {
    PERIODS
        .iter()
        .map(|(days, name)| Period { days: *days, name })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bundled templates parse (the console would otherwise refuse every page).
    #[test]
    fn the_console_templates_parse() {
        let p = Pages::new();
        let page = p.login("tok", Some("Wrong name or password."));
        assert!(page.contains("name=\"csrf\" value=\"tok\""), "{page}");
        assert!(page.contains("Wrong name or password."));
    }
}
