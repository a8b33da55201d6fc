//! `[console]`: the analysts' console.

use serde::Deserialize;
use toml::Spanned;

use super::{duration_within, socket_addr, ConfigError, Ctx};

/// The analysts' console (off unless the section is there).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConsole {
    #[serde(default = "default_console_listen")]
    listen: Spanned<String>,
    #[serde(default = "default_console_session")]
    session: Spanned<String>,
    #[serde(default)]
    user_header: Option<Spanned<String>>,
    #[serde(default)]
    trusted_proxies: Vec<Spanned<String>>,
}

fn default_console_listen() -> Spanned<String> {
    Spanned::new(0..0, "127.0.0.1:9619".into())
}

fn default_console_session() -> Spanned<String> {
    Spanned::new(0..0, "12h".into())
}

/// `[console]`: an address to listen on, a session of a minute to 30 days, and a proxy
/// header only with the proxies it is believed from.
pub(super) fn console(
    raw: &RawConsole,
    ctx: &Ctx,
) -> Result<crate::config::ConsoleConfig, ConfigError> {
    let listen = socket_addr(&raw.listen, "console.listen", ctx)?;
    let session = duration_within(&raw.session, "console.session", (60, "1m"), ctx)?;
    let trusted_proxies = raw
        .trusted_proxies
        .iter()
        .map(|p| {
            p.get_ref().trim().parse::<std::net::IpAddr>().map_err(|e| {
                ctx.invalid(
                    &p.span(),
                    "console.trusted_proxies",
                    format!("{:?} is not an IP address ({e})", p.get_ref()),
                )
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let user_header = match &raw.user_header {
        Some(h) if trusted_proxies.is_empty() => {
            return Err(ctx.invalid(
                &h.span(),
                "console.user_header",
                "set trusted_proxies too: the header is believed only from them".into(),
            ))
        }
        Some(h) => Some(
            hyper::header::HeaderName::from_bytes(h.get_ref().trim().as_bytes())
                .map_err(|e| ctx.invalid(&h.span(), "console.user_header", e.to_string()))?
                .to_string(),
        ),
        None => None,
    };
    Ok(crate::config::ConsoleConfig {
        listen,
        session,
        user_header,
        trusted_proxies,
    })
}

#[cfg(test)]
mod tests {
    use super::super::parsed;
    use super::*;

    #[test]
    fn console_section() {
        let (ctx, raw) = parsed("[console]\n");
        let c = console(raw.console.as_ref().unwrap(), &ctx).unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:9619");
        let (ctx, raw) = parsed("[console]\nuser_header = \"X-User\"\n");
        let e = console(raw.console.as_ref().unwrap(), &ctx);
        let e = e.unwrap_err().to_string();
        assert!(e.starts_with("c.toml:2: key `console.user_header`"), "{e}");
    }
}
