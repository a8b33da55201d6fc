//! `[smtp]`: the mail server alerts are sent through, and the sender address.

use serde::Deserialize;
use toml::Spanned;

use super::{is_loopback, parse_duration, read_secret, ConfigError, Ctx};
use crate::config::{SmtpConfig, SmtpSecurity};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSmtp {
    url: Spanned<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password_file: Option<Spanned<String>>,
    /// Name of an environment variable holding the password (an alternative to the file).
    #[serde(default)]
    password_env: Option<Spanned<String>>,
    from: Spanned<String>,
    /// Plain SMTP to a host other than loopback sends the password and alerts in clear.
    #[serde(default)]
    allow_plain: bool,
    #[serde(default = "default_smtp_timeout")]
    timeout: Spanned<String>,
    /// With `smtp+starttls://`: "required" (the default) refuses a server that does not offer
    /// STARTTLS; "opportunistic" goes on in clear, so it needs `allow_plain` off loopback.
    #[serde(default)]
    starttls: Option<Spanned<String>>,
    /// A PEM file of extra certificate authorities to trust (a private CA or a self-signed
    /// server), on top of the system's.
    #[serde(default)]
    ca_file: Option<Spanned<String>>,
}

fn default_smtp_timeout() -> Spanned<String> {
    Spanned::new(0..0, "30s".into())
}

/// `[smtp]`: nothing crosses a network in clear unless `allow_plain` says so, and a password
/// goes with a username.
pub(super) fn smtp(s: RawSmtp, ctx: &Ctx) -> Result<SmtpConfig, ConfigError> {
    let span = s.url.span();
    let (host, port, security) = server(&s.url, ctx)?;
    let security = starttls(s.starttls.as_ref(), security, ctx)?;
    if matches!(
        security,
        SmtpSecurity::Plain | SmtpSecurity::OpportunisticStartTls
    ) && !is_loopback(&host)
        && !s.allow_plain
    {
        return Err(ctx.invalid(
            &span,
            "smtp.url",
            "plain smtp:// (or opportunistic STARTTLS, which may fall back to it) is only used for loopback; use smtp+starttls:// or smtps://, or set allow_plain = true".into(),
        ));
    }
    let ca_pem = s.ca_file.as_ref().map(|f| ca_file(f, ctx)).transpose()?;
    let password = read_secret(
        ("smtp.password_file", s.password_file.as_ref()),
        ("smtp.password_env", s.password_env.as_ref()),
        ctx,
    )?;
    if password.is_some() && s.username.is_none() {
        return Err(ctx.invalid(&span, "smtp.username", "a password needs a username".into()));
    }
    let from = s
        .from
        .get_ref()
        .parse::<lettre::message::Mailbox>()
        .map_err(|e| ctx.invalid(&s.from.span(), "smtp.from", e.to_string()))?;
    let timeout = parse_duration(s.timeout.get_ref())
        .map_err(|m| ctx.invalid(&s.timeout.span(), "smtp.timeout", m))?;
    Ok(SmtpConfig {
        host,
        port,
        security,
        username: s.username,
        password,
        from,
        timeout,
        ca_pem,
    })
}

/// `smtp.url`: the host (without IPv6 brackets), the port (the scheme's by default) and the
/// security the scheme asks for.
fn server(raw: &Spanned<String>, ctx: &Ctx) -> Result<(String, u16, SmtpSecurity), ConfigError> {
    let span = raw.span();
    let url = url::Url::parse(raw.get_ref())
        .map_err(|e| ctx.invalid(&span, "smtp.url", format!("not a URL ({e})")))?;
    let (security, default_port) = match url.scheme() {
        "smtp" => (SmtpSecurity::Plain, 25),
        "smtp+starttls" => (SmtpSecurity::StartTls, 587),
        "smtps" => (SmtpSecurity::Tls, 465),
        other => {
            return Err(ctx.invalid(
                &span,
                "smtp.url",
                format!("unknown scheme {other:?} (use smtp://, smtp+starttls:// or smtps://)"),
            ))
        }
    };
    let host = url
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| ctx.invalid(&span, "smtp.url", "no host".into()))?
        .trim_matches(|c| c == '[' || c == ']')
        .to_owned();
    Ok((host, url.port().unwrap_or(default_port), security))
}

/// `smtp.starttls`: whether an smtp+starttls:// server must offer STARTTLS.
fn starttls(
    raw: Option<&Spanned<String>>,
    security: SmtpSecurity,
    ctx: &Ctx,
) -> Result<SmtpSecurity, ConfigError> {
    match (raw, security) {
        (None, s) => Ok(s),
        (Some(v), SmtpSecurity::StartTls) => match v.get_ref().as_str() {
            "required" => Ok(SmtpSecurity::StartTls),
            "opportunistic" => Ok(SmtpSecurity::OpportunisticStartTls),
            other => Err(ctx.invalid(
                &v.span(),
                "smtp.starttls",
                format!("unknown value {other:?} (use \"required\" or \"opportunistic\")"),
            )),
        },
        (Some(v), _) => Err(ctx.invalid(
            &v.span(),
            "smtp.starttls",
            "only meaningful with an smtp+starttls:// URL".into(),
        )),
    }
}

/// `smtp.ca_file`: a readable file holding at least one PEM certificate.
fn ca_file(f: &Spanned<String>, ctx: &Ctx) -> Result<Vec<u8>, ConfigError> {
    let path = ctx.resolve(f.get_ref());
    let pem = std::fs::read(&path).map_err(|e| {
        ctx.invalid(
            &f.span(),
            "smtp.ca_file",
            format!("cannot read {}: {e}", path.display()),
        )
    })?;
    let has_certificate = String::from_utf8_lossy(&pem).contains("-----BEGIN CERTIFICATE-----");
    if !has_certificate || lettre::transport::smtp::client::Certificate::from_pem(&pem).is_err() {
        return Err(ctx.invalid(
            &f.span(),
            "smtp.ca_file",
            format!("{} holds no PEM certificate", path.display()),
        ));
    }
    Ok(pem)
}

#[cfg(test)]
mod tests {
    use super::super::parsed;
    use super::*;

    #[test]
    fn smtp_section() {
        let src = "[smtp]\nurl = \"smtps://mail.example.org\"\nfrom = \"a@b.c\"\n";
        let (ctx, raw) = parsed(src);
        let s = smtp(raw.smtp.unwrap(), &ctx).unwrap();
        assert_eq!((s.host.as_str(), s.port), ("mail.example.org", 465));
        let src = format!("{src}starttls = \"required\"\n");
        let (ctx, raw) = parsed(&src);
        let e = smtp(raw.smtp.unwrap(), &ctx).unwrap_err().to_string();
        assert!(e.starts_with("c.toml:4: key `smtp.starttls`"), "{e}");
    }

    #[test]
    fn smtp_ca_file() {
        let src = "[smtp]\nurl = \"smtps://mail.example.org\"\nfrom = \"a@b.c\"\nca_file = \"/nonexistent/ca.pem\"\n";
        let (ctx, raw) = parsed(src);
        let e = smtp(raw.smtp.unwrap(), &ctx).unwrap_err().to_string();
        assert!(
            e.starts_with("c.toml:4: key `smtp.ca_file`: cannot read"),
            "{e}"
        );
    }
}
