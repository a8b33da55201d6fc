use sahel_watch::config::Delivery;

use super::{Exit, Globals};

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(g: &Globals, _a: Args) -> anyhow::Result<Exit> {
    let c = g.config()?;
    println!("configuration: {}", c.source);
    println!("data_dir: {}", c.data_dir.display());
    println!(
        "rules: {} ({} entities)",
        c.rules.source,
        c.rules.entities.len()
    );
    println!("feeds: {}", c.feeds.len());
    for f in &c.feeds {
        println!(
            "  {} every {}{}",
            f.url,
            humantime::format_duration(f.interval),
            f.name
                .as_deref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default()
        );
    }
    match &c.smtp {
        Some(s) => println!(
            "smtp: {:?} {}:{} user {} password {} from {}{}",
            s.security,
            s.host,
            s.port,
            s.username.as_deref().unwrap_or("-"),
            if s.password.is_some() {
                "<redacted>"
            } else {
                "-"
            },
            s.from,
            if s.ca_pem.is_some() {
                " (extra CA trusted)"
            } else {
                ""
            }
        ),
        None => println!("smtp: none (alerts go to {})", c.maildir_path().display()),
    }
    println!("templates: {:?}", c.templates);
    println!("recipients:");
    for r in &c.recipients {
        let events: Vec<&str> = r.events.iter().map(|e| e.as_str()).collect();
        let mode = match r.delivery {
            Delivery::Immediate => format!(
                "immediate, at most {} an hour (the rest in a digest every {})",
                r.max_per_hour,
                humantime::format_duration(r.digest_every)
            ),
            Delivery::Digest => {
                format!(
                    "digest every {}",
                    humantime::format_duration(r.digest_every)
                )
            }
        };
        let to = match &r.channel {
            sahel_watch::config::Channel::Email(m) => format!("email {m}"),
            sahel_watch::config::Channel::Webhook(w) => format!("webhook {} → {}", r.name, w.url),
            sahel_watch::config::Channel::Matrix(m) => {
                format!("matrix {} → {} on {}", r.name, m.room, m.homeserver)
            }
        };
        println!(
            "  {to}: events [{}] countries [{}] min score {} — {mode}",
            events.join(", "),
            r.countries.join(", "),
            r.min_score
        );
    }
    let s = &c.surge;
    if s.enabled {
        println!(
            "surges: a place named by {} publishers within {} at {}x its usual rate (over {})",
            s.min_publishers,
            humantime::format_duration(s.window),
            s.min_ratio,
            humantime::format_duration(s.baseline)
        );
    } else {
        println!("surges: off");
    }
    println!("limits: {:?}", c.limits);
    Ok(Exit::Ok)
}
