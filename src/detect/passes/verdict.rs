//! `verdict`: whether the text is Sahel security news. It must name the Sahel, not be about
//! elsewhere, not be other news in a security frame, and score enough: its events' weights,
//! security words near its Sahel places, a Sahel place in the headline, less off-topic words.

use crate::detect::doc::{Doc, Mention, Positions, Verdict};
use crate::detect::matcher::Hit;
use crate::detect::pack::{EntityKind, Scope, Target};

pub(super) const NAME: &str = "verdict";

pub(super) fn run(doc: &mut Doc<'_>) {
    let score = score(doc);
    // Scope by where the event is, not by counting mentions: an event reported in the headline
    // or lead at a Sahel place (its triggers fire only there) keeps the text ours, whatever
    // else it names more often.
    let event_in_lead = !doc.events.is_empty() && event_at_a_sahel_place(doc);
    let elsewhere = (doc.placement.outweighed && !event_in_lead) || doc.placement.placed_elsewhere;
    let in_scope = doc.placement.in_scope;
    if elsewhere && in_scope {
        let p = doc.placement;
        let why = format!(
            "{} Sahel mentions against {}",
            p.sahel_mentions, p.outside_mentions
        );
        doc.conclude(NAME, "focus:elsewhere", why);
    }
    let framed = other_news_frame(doc);
    doc.verdict = Verdict {
        relevant: in_scope && !elsewhere && !framed && score >= doc.pack.threshold,
        score,
    };
    // A text about elsewhere (a Cameroonian, Tunisian story) that names only Sahel neighbours
    // (Nigeria, Libya) in passing is about none of them.
    if elsewhere && !doc.countries.iter().any(|c| core_country(doc, c)) {
        doc.countries.clear();
    }
}

/// Whether a trigger of the headline or lead is nearest to a place of a core Sahel country (a
/// town, a region, the country; not an armed group, which also strikes in Cameroon) within the
/// window. A neighbour's Sahel-facing region (Borno, Fezzan) does not count here: a text about
/// Nigeria or Libya is placed by how it weighs their regions, which counting does tell.
fn event_at_a_sahel_place(doc: &Doc<'_>) -> bool {
    let core = |m: &&Mention| doc.pack.entities[m.entity].scope == Scope::Core;
    let places = |inside: bool| -> Vec<Hit> {
        doc.places
            .iter()
            .filter(|m| doc.geo(m.entity) && core(m) == inside)
            .map(|m| m.hit)
            .collect()
    };
    let (inside, outside) = (places(true), places(false));
    let (inside, outside) = (Positions::new(&inside), Positions::new(&outside));
    doc.triggers
        .iter()
        .filter(|t| doc.in_lead(t.first))
        .any(|t| {
            inside.nearest(t, doc).is_some_and(|d_in| {
                d_in <= doc.pack.window && outside.nearest(t, doc).is_none_or(|d_out| d_out > d_in)
            })
        })
}

fn score(doc: &Doc<'_>) -> f64 {
    let mut score = doc.event_weight + doc.signals.security;
    score += (doc.signals.offtopic.min(2) as f64) * doc.pack.offtopic_weight;
    let in_headline = |m: &&Mention| doc.counts(m.entity) && doc.in_title(m.hit.first);
    if doc.places.iter().any(|m| in_headline(&m)) {
        score += 1.0;
    }
    // An armed group in the headline («نصرة الإسلام والمسلمين تحاصر تمبكتو») is security news
    // by itself, whatever the headline's verb.
    let group = |m: &&Mention| doc.pack.entities[m.entity].kind == EntityKind::Group;
    if doc.places.iter().any(|m| in_headline(&m) && group(&m)) {
        score += 1.0;
    }
    score
}

/// A headline framed as other news (an election, a trial, a crash, migrants, donors) that
/// reports no event of its own is that news, whatever its body recalls of attacks.
fn other_news_frame(doc: &mut Doc<'_>) -> bool {
    let frame = doc
        .hits
        .iter()
        .find(|h| doc.target(h) == Target::Frame && doc.in_title(h.first))
        .copied();
    let Some(frame) = frame else { return false };
    if doc.triggers.iter().any(|t| doc.in_title(t.first)) {
        return false;
    }
    // A trial of Boko Haram members, armed men jailed for crossing a border, the drug that
    // pays a jihadist group: other news about armed actors is security news.
    let armed_actor_in_headline = doc.places.iter().any(|m| {
        doc.in_title(m.hit.first) && doc.pack.entities[m.entity].kind == EntityKind::Group
    }) || doc
        .hits
        .iter()
        .any(|h| doc.in_title(h.first) && doc.target(h) == Target::Security(true));
    if armed_actor_in_headline || recent_event_reported(doc) {
        return false;
    }
    if doc.placement.in_scope {
        doc.explain(NAME, "frame:other-news".into(), &frame);
    }
    true
}

/// Whether an event sentence gives a toll and dates the event by the days of the week of
/// writing («قتل ثلاثة مدنيين الأربعاء», «أمس»): an election preview that reports the week's
/// killings reports them, where one that recalls past ones («منذ 2012») recalls. Calendar dates
/// do not count (they are how old events are recalled), nor sentences without a toll («يخططون
/// لهجمات في نهاية الأسبوع», «مهاجمة نظام احتساب الأصوات ليل الأحد»).
fn recent_event_reported(doc: &Doc<'_>) -> bool {
    // Any day will do as the day of writing: only the distance back matters.
    let written = chrono::NaiveDate::from_ymd_opt(2000, 1, 15).expect("a valid date");
    let tolls: std::collections::BTreeSet<u32> = doc
        .hits
        .iter()
        .filter(|h| matches!(doc.target(h), Target::Toll(..)))
        .map(|h| doc.sentence[h.first])
        .collect();
    let sentences: std::collections::BTreeSet<u32> = doc
        .triggers
        .iter()
        .map(|t| doc.sentence[t.first])
        .filter(|sid| tolls.contains(sid))
        .collect();
    sentences.into_iter().any(|sid| {
        let words: Vec<&str> = (0..doc.tokens.len())
            .filter(|&i| doc.sentence[i] == sid)
            .filter_map(|i| doc.word(i))
            .collect();
        crate::arabic::dates_in(&words, written)
            .iter()
            .any(|m| !m.explicit && (written - m.date).num_days() <= 7)
    })
}

fn core_country(doc: &Doc<'_>, c: &str) -> bool {
    doc.pack.entities.iter().any(|e| {
        e.kind == EntityKind::Country && e.country.as_deref() == Some(c) && e.scope == Scope::Core
    })
}

#[cfg(test)]
mod tests {
    use crate::detect::passes::testing::text;

    #[test]
    fn an_attack_in_the_sahel_is_relevant() {
        let t = text("مقتل عشرة جنود في هجوم مسلح قرب غاو شمال مالي", "");
        assert!(t.until(super::NAME).verdict.relevant);
    }

    #[test]
    fn an_event_at_a_sahel_place_is_ours_however_often_elsewhere_is_named() {
        let t = text(
            "تشاد تغلق حدودها مع السودان",
            "أغلقت تشاد الحدود بعد معارك في دارفور. ويشهد السودان توترا، وتتهم الخرطوم فصائل دارفور.",
        );
        let doc = t.until(super::NAME);
        assert!(doc.placement.outweighed);
        assert!(doc.verdict.relevant, "score {}", doc.verdict.score);
    }

    #[test]
    fn an_armed_actor_in_a_trial_headline_is_security_news() {
        let t = text(
            "محاكمة جماعية لعناصر من بوكو حرام",
            "مثل أمام المحكمة مئات المتهمين بالإرهاب والقتال في صفوف الجماعة المسلحة التي \
             تشن هجماتها في ولاية بورنو شمال شرق نيجيريا، بعد اعتقالهم في عمليات عسكرية.",
        );
        assert!(t.until(super::NAME).verdict.relevant);
    }

    #[test]
    fn other_news_that_reports_the_week_s_attacks_reports_them() {
        let t = text(
            "انتخابات رئاسية في مالي الأحد والأمن أهم رهاناتها",
            "يتوجه الناخبون إلى مراكز الاقتراع. وقد قتل ثلاثة مدنيين في هجوم على قرية قرب موبتي \
             الأربعاء، حسب مصادر أمنية.",
        );
        assert!(t.until(super::NAME).verdict.relevant);
        let t = text(
            "انتخابات رئاسية في مالي الأحد والأمن أهم رهاناتها",
            "يتوجه الناخبون إلى مراكز الاقتراع. وشهدت موبتي هجوما دمويا في مارس 2012.",
        );
        assert!(!t.until(super::NAME).verdict.relevant);
    }

    #[test]
    fn other_news_in_a_security_frame_is_not() {
        let t = text(
            "انتخابات رئاسية في مالي",
            "وسط مخاوف من هجمات المسلحين في الشمال",
        );
        let doc = t.until(super::NAME);
        assert!(!doc.verdict.relevant, "score {}", doc.verdict.score);
    }
}
