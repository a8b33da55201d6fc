use std::time::Duration;

use super::{AlertTo, Delivery, Recipient};
use crate::detect::Analysis;

/// Where alerts go when nobody is configured and there is no SMTP `from` either: the maildir
/// run needs an address to write.
pub const DEFAULT_RECIPIENT: &str = "sahel-watch@localhost";

/// An item is alert-worthy when it is relevant and reports an event that happened.
pub fn alert_worthy(a: &Analysis) -> bool {
    a.relevant && !a.events.is_empty()
}

/// When the next digest of this period leaves after `now`. Digests are aligned on multiples of
/// the period since the epoch (every 6h: 00:00, 06:00, ... UTC), so the schedule needs no state
/// and survives restarts.
pub fn next_digest_at(now: i64, every: Duration) -> i64 {
    let period = every.as_secs().clamp(1, i64::MAX as u64) as i64;
    (now.div_euclid(period) + 1) * period
}

/// The outbox rows to write for this analysis (none when it is not alert-worthy): one per
/// recipient whose filters match, due now for immediate recipients and at the next digest for
/// the others.
pub fn recipients_for(recipients: &[Recipient], a: &Analysis, now: i64) -> Vec<AlertTo> {
    if !alert_worthy(a) {
        return Vec::new();
    }
    recipients
        .iter()
        .filter(|r| r.wants(&a.events, &a.countries, a.score))
        .map(|r| alert_to(r, now))
        .collect()
}

/// The outbox row's addressee for a message to `r` decided at `now`: due now for immediate
/// recipients, at the next digest for the others.
pub fn alert_to(r: &Recipient, now: i64) -> AlertTo {
    AlertTo {
        recipient: r.key.clone(),
        delivery: r.delivery,
        due_at: match r.delivery {
            Delivery::Immediate => now,
            Delivery::Digest => next_digest_at(now, r.digest_every),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_are_aligned_on_the_period() {
        let h = Duration::from_secs(3600);
        assert_eq!(next_digest_at(0, h), 3600);
        assert_eq!(next_digest_at(3599, h), 3600);
        assert_eq!(next_digest_at(3600, h), 7200);
        assert_eq!(next_digest_at(10, Duration::from_secs(0)), 11);
    }
}
