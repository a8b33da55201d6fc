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
            "smtp: {:?} {}:{} user {} password {} from {}",
            s.security,
            s.host,
            s.port,
            s.username.as_deref().unwrap_or("-"),
            if s.password.is_some() {
                "<redacted>"
            } else {
                "-"
            },
            s.from
        ),
        None => println!("smtp: none (alerts go to {})", c.maildir_path().display()),
    }
    if c.recipients.is_empty() {
        println!("recipients: none configured (every alert goes to the default address)");
    }
    for r in &c.recipients {
        let events: Vec<&str> = r.events.iter().map(|e| e.as_str()).collect();
        println!(
            "  {} events [{}] countries [{}]",
            r.email,
            events.join(", "),
            r.countries.join(", ")
        );
    }
    println!("limits: {:?}", c.limits);
    Ok(Exit::Ok)
}
