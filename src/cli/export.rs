//! `query`'s export formats: CSV with stable columns, GeoJSON points from the gazetteer's
//! coordinates, and an ACLED-like CSV with one row per story.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;

use sahel_watch::dedup::Corroboration;
use sahel_watch::detect::{Entity, EntityKind, RulePack};
use sahel_watch::store::{ItemFilter, Store};

/// The columns of `--format csv`, in order; never reordered, only appended to.
pub const CSV_COLUMNS: &str = "id,published,feed,url,title,relevant,score,events,countries,places,groups,killed,wounded,kidnapped,story,event_date,text_source,corroboration";

/// The corroboration of the stories an export meets, each read once.
pub struct Corroborations<'a> {
    rules: &'a RulePack,
    store: &'a Store,
    seen: HashMap<i64, String>,
}

impl<'a> Corroborations<'a> {
    pub fn new(rules: &'a RulePack, store: &'a Store) -> Self {
        Corroborations {
            rules,
            store,
            seen: HashMap::new(),
        }
    }

    /// «single source», «corroborated by 2 independent outlets; …», or "" without a story.
    pub fn of(&mut self, story: Option<i64>) -> anyhow::Result<String> {
        let Some(id) = story else {
            return Ok(String::new());
        };
        if let Some(s) = self.seen.get(&id) {
            return Ok(s.clone());
        }
        let (story, _) = self.store.story(id)?;
        let summary = Corroboration::of(self.rules, &story.facts).summary();
        self.seen.insert(id, summary.clone());
        Ok(summary)
    }
}

fn n(v: Option<u32>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn of_kind<'a>(rules: &'a RulePack, ids: &[String], kinds: &[EntityKind]) -> Vec<&'a Entity> {
    ids.iter()
        .filter_map(|id| rules.entity(id))
        .filter(|e| kinds.contains(&e.kind))
        .collect()
}

fn date(ts: i64) -> String {
    rfc3339(ts).get(..10).unwrap_or_default().to_owned()
}

/// Every item `filter` matches as CSV, a row at a time.
pub fn csv(
    out: &mut impl Write,
    rules: &RulePack,
    store: &Store,
    filter: &ItemFilter,
) -> anyhow::Result<()> {
    writeln!(out, "{CSV_COLUMNS}")?;
    let mut corroboration = Corroborations::new(rules, store);
    store.query_each(filter, |r| -> anyhow::Result<()> {
        let (places, groups): (Vec<&String>, Vec<&String>) =
            r.entities.iter().partition(|id| !id.starts_with("g-"));
        let join = |v: Vec<&String>| v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(";");
        writeln!(
            out,
            "{},{},{},{},{},{},{:.1},{},{},{},{},{},{},{},{},{},{},{}",
            r.id,
            rfc3339(r.published),
            csv_field(&r.feed),
            csv_field(r.url.as_deref().unwrap_or("")),
            csv_field(&r.title),
            r.relevant,
            r.score,
            r.events.join(";"),
            r.countries.join(";"),
            join(places),
            join(groups),
            n(r.killed),
            n(r.wounded),
            n(r.kidnapped),
            r.story_id.map(|s| s.to_string()).unwrap_or_default(),
            r.event_at.map(date).unwrap_or_default(),
            r.text_source,
            csv_field(&corroboration.of(r.story_id)?),
        )?;
        Ok(())
    })
}

/// The most specific place of an item with coordinates: a town, else a region, else a country.
fn located<'a>(rules: &'a RulePack, ids: &[String]) -> Option<&'a Entity> {
    [EntityKind::City, EntityKind::Region, EntityKind::Country]
        .into_iter()
        .find_map(|k| {
            of_kind(rules, ids, &[k])
                .into_iter()
                .find(|e| e.lat.is_some() && e.lon.is_some())
        })
}

/// A FeatureCollection with one point per item at its most specific place, written a feature
/// at a time; returns how many items had no place with coordinates.
pub fn geojson(
    out: &mut impl Write,
    rules: &RulePack,
    store: &Store,
    filter: &ItemFilter,
) -> anyhow::Result<usize> {
    let mut skipped = 0;
    let mut first = true;
    let mut corroboration = Corroborations::new(rules, store);
    write!(out, r#"{{"type":"FeatureCollection","features":["#)?;
    store.query_each(filter, |r| -> anyhow::Result<()> {
        let Some(place) = located(rules, &r.entities) else {
            skipped += 1;
            return Ok(());
        };
        let feature = serde_json::json!({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
            "properties": {
                "id": r.id,
                "title": r.title,
                "url": r.url,
                "feed": r.feed,
                "published": rfc3339(r.published),
                "event_date": r.event_at.map(date),
                "events": r.events,
                "countries": r.countries,
                "place": place.id,
                "place_name": place.name_en.as_deref().unwrap_or(&place.name),
                "killed": r.killed,
                "kidnapped": r.kidnapped,
                "story": r.story_id,
                "corroboration": corroboration.of(r.story_id)?,
            }
        });
        if !std::mem::take(&mut first) {
            out.write_all(b",")?;
        }
        serde_json::to_writer(&mut *out, &feature)?;
        Ok(())
    })?;
    writeln!(out, "]}}")?;
    Ok(skipped)
}

/// ACLED's columns (a subset, in its order), then `corroboration`, which is ours: «single
/// source», «corroborated by N independent outlets», with a claim or a denial.
pub const ACLED_COLUMNS: &str = "event_date,event_type,sub_event_type,country,admin1,location,latitude,longitude,fatalities,actor1,source,source_url,notes,corroboration";

fn english(e: &Entity) -> &str {
    e.name_en.as_deref().unwrap_or(&e.name)
}

/// One row per story of the matched items (items without a story are not events of their
/// own: background, or not alert-worthy). Items are read a row at a time; only the stories
/// and their first event times are held.
pub fn acled(
    out: &mut impl Write,
    rules: &RulePack,
    store: &Store,
    filter: &ItemFilter,
) -> anyhow::Result<()> {
    let mut stories: BTreeMap<i64, i64> = BTreeMap::new();
    store.query_each(filter, |r| -> anyhow::Result<()> {
        if let Some(s) = r.story_id {
            let at = r.event_at.unwrap_or(r.published);
            let e = stories.entry(s).or_insert(at);
            *e = (*e).min(at);
        }
        Ok(())
    })?;
    writeln!(out, "{ACLED_COLUMNS}")?;
    for (id, event_at) in stories {
        let (story, articles) = store.story(id)?;
        let f = &story.facts;
        let kind = f.kinds.first().map_or("attack", |k| k.as_str());
        let (event_type, sub_event_type) = match kind {
            "kidnapping" => (
                "Violence against civilians",
                "Abduction/forced disappearance",
            ),
            "border_closure" => ("Strategic developments", "Other"),
            _ => ("Violence against civilians", "Attack"),
        };
        let ids: Vec<String> = f
            .cities
            .iter()
            .chain(&f.regions)
            .map(|p| p.id.clone())
            .chain(f.countries.iter().filter_map(|c| {
                rules
                    .entities
                    .iter()
                    .find(|e| e.kind == EntityKind::Country && e.country.as_deref() == Some(c))
                    .map(|e| e.id.clone())
            }))
            .collect();
        let country = f
            .countries
            .first()
            .and_then(|c| {
                rules
                    .entities
                    .iter()
                    .find(|e| e.kind == EntityKind::Country && e.country.as_deref() == Some(c))
            })
            .map(english)
            .unwrap_or_default();
        let admin1 = of_kind(rules, &ids, &[EntityKind::Region])
            .first()
            .map(|e| english(e).to_owned())
            .unwrap_or_default();
        let place = located(rules, &ids);
        let location = place.map(english).unwrap_or(country);
        let actor = f
            .groups
            .first()
            .and_then(|g| rules.entity(g))
            .map(english)
            .unwrap_or_default();
        let first = articles.first();
        writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            date(event_at),
            event_type,
            csv_field(sub_event_type),
            csv_field(country),
            csv_field(&admin1),
            csv_field(location),
            place
                .and_then(|p| p.lat)
                .map(|v| v.to_string())
                .unwrap_or_default(),
            place
                .and_then(|p| p.lon)
                .map(|v| v.to_string())
                .unwrap_or_default(),
            f.killed.unwrap_or(0),
            csv_field(actor),
            csv_field(&story.outlets.join("; ")),
            csv_field(first.and_then(|a| a.url.as_deref()).unwrap_or("")),
            csv_field(&sahel_watch::text::sanitize_line(
                first.map(|a| a.title.as_str()).unwrap_or(""),
                300
            )),
            csv_field(&Corroboration::of(rules, f).summary()),
        )?;
    }
    Ok(())
}

/// A time as RFC 3339 in UTC, to the second.
pub(super) fn rfc3339(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// A CSV field, quoted when it must be (RFC 4180).
pub(super) fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}
