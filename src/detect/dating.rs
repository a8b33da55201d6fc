//! When the reported event happened: the first date expression in the sentences where an event
//! trigger fired (headline first, then the body in order), resolved against the publication day.
//! An article that recounts an old attack as background says so there («في مارس 2012»); one
//! that reports a new one says «أمس» or nothing, and its event is dated by its publication.

use chrono::NaiveDate;

use super::Analysis;
use crate::arabic::{dates_in, normalize, tokens};

/// Sentences with a trigger that are looked at, in text order.
const SENTENCES_LOOKED_AT: usize = 5;
/// After a mention of the day of publication, how many trigger sentences may still give a
/// calendar date for the event.
const EXPLICIT_SENTENCES: usize = 3;

/// The date of an event and the words that gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventDate {
    /// The latest day the text allows.
    pub date: NaiveDate,
    /// The earliest: `date`, or the start of a span («مطلع الشهر الجاري»: the 1st).
    pub from: NaiveDate,
    pub phrase: String,
    /// Only the day the report speaks of («قالت الشرطة الثلاثاء», «اليوم»), the day it was
    /// published: the event's day for a flash, the day of the news for a claim or a funeral.
    pub reporting: bool,
}

/// How far from its trigger (bytes, each way) a sentence is taken to reach: about 500 words of
/// Arabic, past any real sentence.
const SENTENCE_REACH: usize = 4_000;

/// The char boundary at or before `i`.
fn floor_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn is_break(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '؟' | ';' | '؛' | '\n')
}

/// The date of the event `a` reports in `title` and `text` (the texts it was computed from),
/// or `None` when the trigger sentences carry no date.
pub fn event_date(
    a: &Analysis,
    title: &str,
    text: &str,
    published: NaiveDate,
) -> Option<EventDate> {
    let original = format!("{}\n{text}", title.replace(['\n', '\r'], " "));
    let mut starts: Vec<usize> = a
        .explanation
        .iter()
        .filter(|e| e.rule.starts_with("event:") && e.end <= original.len())
        .map(|e| e.start)
        .collect();
    starts.sort_unstable();
    let mut seen: Vec<(usize, usize)> = Vec::new();
    let mut reporting_day: Option<EventDate> = None;
    let mut reporting_sentence = 0;
    for start in starts {
        if !original.is_char_boundary(start) {
            continue;
        }
        // A sentence is looked for within a reach of the trigger, so that a text without
        // breaks costs a bounded scan per trigger, not one over the whole text.
        let lo = floor_boundary(&original, start.saturating_sub(SENTENCE_REACH));
        let hi = floor_boundary(&original, (start + SENTENCE_REACH).min(original.len()));
        let from = original[lo..start]
            .rfind(is_break)
            .map_or(lo, |i| lo + i + 1);
        let to = original[start..hi].find(is_break).map_or(hi, |i| start + i);
        if seen.contains(&(from, to)) {
            continue;
        }
        seen.push((from, to));
        let sentence = normalize(&original[from..to]).text;
        let toks = tokens(&sentence);
        let words: Vec<&str> = toks.iter().map(|t| t.text(&sentence)).collect();
        for m in dates_in(&words, published) {
            let found = EventDate {
                date: m.date,
                from: m.from,
                phrase: words[m.first..m.first + m.len].join(" "),
                reporting: m.date == published && m.from == m.date,
            };
            // A weekday or «اليوم» that is the day of publication dates the report («قالت
            // الشرطة الثلاثاء»), not always the event: remember it, and let a calendar date in
            // the next trigger sentences («خُطفن في 19 فبراير») date the event instead.
            if found.reporting && reporting_day.is_none() {
                reporting_day = Some(found);
                reporting_sentence = seen.len();
                continue;
            }
            match &reporting_day {
                None => return Some(found),
                Some(_) if m.explicit && seen.len() <= EXPLICIT_SENTENCES => return Some(found),
                // «أعلن الجيش الأربعاء أن الهجوم الذي تعرضت له قواتها الاثنين»: an earlier day
                // after the day of the report, in its sentence, is the event's.
                Some(r) if seen.len() == reporting_sentence && found.date < r.date => {
                    return Some(found)
                }
                Some(_) => {}
            }
        }
        if seen.len() >= SENTENCES_LOOKED_AT {
            break;
        }
    }
    // The lead states the event and its date even when its verb is no trigger («أعلن الجيش
    // الفرنسي اليوم الخميس أن قوة برخان قضت على نحو عشرين جهاديا ... يومي 16 و17 يناير»).
    lead_date(&original, title.len(), published).or(reporting_day)
}

/// The first calendar date of the body's first sentence, if it gives one.
fn lead_date(original: &str, title_len: usize, published: NaiveDate) -> Option<EventDate> {
    let body = original.get(title_len + 1..)?;
    let first = &body[..body.find(is_break).unwrap_or(body.len())];
    let sentence = normalize(first).text;
    let toks = tokens(&sentence);
    let words: Vec<&str> = toks.iter().map(|t| t.text(&sentence)).collect();
    dates_in(&words, published)
        .into_iter()
        .find(|m| m.explicit && m.date < published)
        .map(|m| EventDate {
            date: m.date,
            from: m.from,
            phrase: words[m.first..m.first + m.len].join(" "),
            reporting: false,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::{analyze, RulePack};

    fn date(title: &str, text: &str, published: &str) -> Option<String> {
        let rules = RulePack::bundled();
        let a = analyze(&rules, title, text);
        assert!(!a.events.is_empty(), "an event in {title}");
        let p = NaiveDate::parse_from_str(published, "%Y-%m-%d").unwrap();
        event_date(&a, title, text, p).map(|d| d.date.to_string())
    }

    #[test]
    fn a_new_attack_is_dated_by_its_words_or_its_publication() {
        assert_eq!(
            date(
                "مقتل 10 جنود في هجوم شمال مالي",
                "قتل عشرة جنود أمس في هجوم مسلح على معسكر في شمال مالي.",
                "2018-02-21"
            ),
            Some("2018-02-20".into())
        );
        assert_eq!(
            date(
                "مقتل 10 جنود في هجوم شمال مالي",
                "قتل عشرة جنود في هجوم مسلح على معسكر في شمال مالي.",
                "2018-02-21"
            ),
            None
        );
    }

    #[test]
    fn the_day_of_the_report_gives_way_to_the_date_of_the_event() {
        // Published on Tuesday 20 March 2018 (Sky News Arabia, on the Dapchi kidnapping).
        assert_eq!(
            date(
                "مفاجأة حول خطف بوكوحرام 110 تلميذات في نيجيريا",
                "اتهمت منظمة العفو الدولية الجيش النيجيري، الثلاثاء، بتجاهل تحذيرات قبل قيام بوكو حرام بخطف 110 تلميذات في شمال شرق البلاد.\nواختطفت التلميذات في بلدة دابشي بولاية يوبي في 19 شباط/فبراير.",
                "2018-03-20"
            ),
            Some("2018-02-19".into())
        );
        // «منذ عام 2013» after the day of the report: an aggregate, not today's event.
        assert_eq!(
            date(
                "الأمم المتحدة: بوكو حرام خطفت أكثر من ألف طفلة في نيجيريا",
                "قالت يونيسيف الجمعة إن مقاتلين من جماعة بوكو حرام خطفوا أكثر من ألف طفلة في شمال شرق نيجيريا منذ عام 2013.",
                "2018-04-13"
            ),
            Some("2013-12-31".into())
        );
    }

    #[test]
    fn an_earlier_day_after_the_day_of_the_report_dates_the_event() {
        // Wednesday 17 March 2021.
        assert_eq!(
            date(
                "الجيش المالي: 33 قتيلا في هجوم تيسيت",
                "أعلنت هيئة الأركان العامة للجيش المالي، الأربعاء، أن الهجوم الذي تعرضت له قواتها الاثنين في منطقة تيسيت أسفر عن مقتل 33 جنديا.",
                "2021-03-17"
            ),
            Some("2021-03-15".into())
        );
    }

    #[test]
    fn the_lead_dates_an_event_its_trigger_sentences_do_not() {
        // Thursday 21 January 2021: the headline's toll is the trigger, the lead the date.
        assert_eq!(
            date(
                "برخان: مقتل نحو عشرين جهاديا في شمال بوركينا فاسو",
                "أعلن الجيش الفرنسي اليوم الخميس أن قوة برخان قضت على نحو عشرين جهاديا في عمليتين نفذتهما مروحيات يومي 16 و17 يناير في شمال بوركينا فاسو.",
                "2021-01-21"
            ),
            Some("2021-01-17".into())
        );
    }

    #[test]
    fn background_of_an_old_attack_is_dated_in_the_past() {
        assert_eq!(
            date(
                "مالي تحيي ذكرى ضحايا الهجوم على فندق في باماكو",
                "وكان مسلحون قد هاجموا فندق راديسون بلو في باماكو في 20 نوفمبر 2015 وقتلوا 20 شخصا.",
                "2016-11-20"
            ),
            Some("2015-11-20".into())
        );
    }
}
