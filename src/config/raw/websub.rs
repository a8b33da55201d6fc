//! `[websub]`: hubs that push new entries to a public callback.

use serde::Deserialize;
use toml::Spanned;

use super::{duration_within, socket_addr, ConfigError, Ctx};

/// WebSub: hubs push new entries to a public callback URL (off unless configured).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWebSub {
    /// The public URL hubs call (through the operator's reverse proxy); each subscription
    /// adds `/TOKEN` to it.
    callback: Spanned<String>,
    /// Where the daemon listens for those calls.
    #[serde(default = "default_websub_listen")]
    listen: Spanned<String>,
    /// The lease asked of hubs (they may grant another).
    #[serde(default = "default_websub_lease")]
    lease: Spanned<String>,
}

fn default_websub_listen() -> Spanned<String> {
    Spanned::new(0..0, "127.0.0.1:9618".into())
}

fn default_websub_lease() -> Spanned<String> {
    Spanned::new(0..0, "7d".into())
}

/// `[websub]`: a public http(s) callback without query or fragment, an address to listen on,
/// and a lease between an hour and the 30 days hubs commonly allow at most.
pub(super) fn websub(
    raw: &RawWebSub,
    ctx: &Ctx,
) -> Result<crate::config::WebSubConfig, ConfigError> {
    let callback = url::Url::parse(raw.callback.get_ref().trim())
        .map_err(|e| e.to_string())
        .and_then(|u| match u.scheme() {
            "http" | "https" if u.query().is_none() && u.fragment().is_none() => Ok(u),
            _ => Err("an http(s) URL without query or fragment".to_owned()),
        })
        .map_err(|m| {
            ctx.invalid(
                &raw.callback.span(),
                "websub.callback",
                format!("{:?}: {m}", raw.callback.get_ref()),
            )
        })?;
    let listen = socket_addr(&raw.listen, "websub.listen", ctx)?;
    let lease = duration_within(&raw.lease, "websub.lease", (3_600, "1h"), ctx)?;
    Ok(crate::config::WebSubConfig {
        callback,
        listen,
        lease,
    })
}

#[cfg(test)]
mod tests {
    use super::super::parsed;
    use super::*;

    #[test]
    fn websub_section() {
        let (ctx, raw) = parsed("[websub]\ncallback = \"https://w.example/hub\"\n");
        let w = websub(raw.websub.as_ref().unwrap(), &ctx).unwrap();
        assert_eq!(w.lease, std::time::Duration::from_secs(7 * 86_400));
        let src = "[websub]\ncallback = \"https://w.example/hub\"\nlease = \"10m\"\n";
        let (ctx, raw) = parsed(src);
        let e = websub(raw.websub.as_ref().unwrap(), &ctx);
        let e = e.unwrap_err().to_string();
        assert!(
            e.starts_with("c.toml:3: key `websub.lease`: between 1h and 30d"),
            "{e}"
        );
    }
}
