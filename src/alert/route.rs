use crate::config::Config;
use crate::detect::Analysis;

/// Where alerts go when nobody is configured and there is no SMTP `from` either: the maildir
/// run needs an address to write.
pub const DEFAULT_RECIPIENT: &str = "sahel-watch@localhost";

/// An item is alert-worthy when it is relevant and reports an event that happened.
pub fn alert_worthy(a: &Analysis) -> bool {
    a.relevant && !a.events.is_empty()
}

/// The recipients of an alert for this analysis (empty when it is not alert-worthy). With no
/// recipient configured, every alert goes to the `from` address, or [`DEFAULT_RECIPIENT`].
pub fn recipients_for(config: &Config, a: &Analysis) -> Vec<String> {
    if !alert_worthy(a) {
        return Vec::new();
    }
    if config.recipients.is_empty() {
        let to = config
            .smtp
            .as_ref()
            .map(|s| s.from.email.to_string())
            .unwrap_or_else(|| DEFAULT_RECIPIENT.to_owned());
        return vec![to];
    }
    config
        .recipients
        .iter()
        .filter(|r| r.wants(&a.events, &a.countries))
        .map(|r| r.email.to_string())
        .collect()
}
