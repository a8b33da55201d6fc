use sahel_watch::detect::{analyst_label, analyze, Agreement, RulePack};
use sahel_watch::store::Store;
use sahel_watch::time::now;

use super::{query::parse_time, Exit, Globals};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only items published at or after this time (RFC 3339, a date, or an age such as 30d).
    #[arg(long)]
    since: Option<String>,
    /// Store the new analyses (alerts are never sent for old items).
    #[arg(long)]
    apply: bool,
    /// How many changed items to list.
    #[arg(long, default_value_t = 20)]
    show: usize,
}

#[derive(Default)]
struct Changes {
    items: usize,
    newly_relevant: usize,
    no_longer_relevant: usize,
    events_changed: usize,
    countries_changed: usize,
}

pub fn run(g: &Globals, a: Args) -> anyhow::Result<Exit> {
    let since = a
        .since
        .as_deref()
        .map(|s| parse_time(s, now()))
        .transpose()?;
    let config = g.config()?;
    let mut store = Store::open(&config.data_dir)?;
    let mut c = Changes::default();
    let mut updates = Vec::new();
    let mut shown = 0;
    store.for_each_text(since, |item| {
        c.items += 1;
        let new = analyze(&config.rules, &item.title, &item.text);
        let old = &item.analysis;
        let mut what = Vec::new();
        if new.relevant && !old.relevant {
            c.newly_relevant += 1;
            what.push("newly relevant".to_owned());
        } else if !new.relevant && old.relevant {
            c.no_longer_relevant += 1;
            what.push("no longer relevant".to_owned());
        }
        if new.events != old.events {
            c.events_changed += 1;
            let names = |v: &[sahel_watch::detect::EventKind]| {
                v.iter().map(|e| e.as_str()).collect::<Vec<_>>().join(",")
            };
            what.push(format!(
                "events [{}] -> [{}]",
                names(&old.events),
                names(&new.events)
            ));
        }
        if new.countries != old.countries {
            c.countries_changed += 1;
            what.push(format!(
                "countries [{}] -> [{}]",
                old.countries.join(","),
                new.countries.join(",")
            ));
        }
        if new != *old {
            if !what.is_empty() && shown < a.show {
                shown += 1;
                let title: String = item.title.chars().take(70).collect();
                println!("{:>7}  {}  {}", item.id, what.join("; "), title);
            }
            updates.push((item.id, new));
        }
    })?;
    println!(
        "{} items: {} newly relevant, {} no longer relevant, {} with other events, {} with other countries ({} analyses differ in any way)",
        c.items,
        c.newly_relevant,
        c.no_longer_relevant,
        c.events_changed,
        c.countries_changed,
        updates.len()
    );
    against_analysts(&config.rules, &store, a.show)?;
    if a.apply {
        let n = store.update_analyses(&updates)?;
        println!("applied: {n} items updated (no alert sent)");
    } else if !updates.is_empty() {
        println!(
            "nothing changed in the archive; run again with --apply to store the new analyses"
        );
    }
    Ok(Exit::Ok)
}

/// What the rules would do to the articles analysts corrected: how many their stored
/// verdicts and the rules' new ones agree with the analysts on (on the labels analysts gave),
/// and which the change fixes or breaks.
fn against_analysts(rules: &RulePack, store: &Store, show: usize) -> anyhow::Result<()> {
    let corrected = store.corrected_items()?;
    if corrected.is_empty() {
        println!("analysts' corrections: none yet (see `sahel-watch correct`)");
        return Ok(());
    }
    let (mut before, mut after, mut fixed, mut broken) = (0, 0, Vec::new(), Vec::new());
    for it in &corrected {
        let (label, judged) = analyst_label(
            it.item_id.to_string(),
            (&it.title, &it.text),
            &it.analysis,
            &it.verdicts,
        );
        let new = analyze(rules, &it.title, &it.text);
        let was = Agreement::of(&it.analysis, &label, judged).right();
        let is = Agreement::of(&new, &label, judged).right();
        before += usize::from(was);
        after += usize::from(is);
        let title: String = it.title.chars().take(70).collect();
        match (was, is) {
            (false, true) => fixed.push(format!("{:>7}  fixed   {title}", it.item_id)),
            (true, false) => broken.push(format!("{:>7}  broken  {title}", it.item_id)),
            _ => {}
        }
    }
    println!(
        "analysts' corrections: {} articles; the stored verdicts agree with the analysts on {}, these rules on {} ({} fixed, {} broken)",
        corrected.len(),
        before,
        after,
        fixed.len(),
        broken.len()
    );
    for line in broken.iter().chain(&fixed).take(show) {
        println!("{line}");
    }
    Ok(())
}
