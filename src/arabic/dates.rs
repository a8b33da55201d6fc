//! Dates as news writes them, resolved against the day an article was published: explicit ones
//! («في 7 أغسطس الماضي», «في مارس 2012», «عام 2012») in the three families of month names
//! (Egyptian/Gulf «أغسطس», Levantine «آب», Maghrebi «أوت»/«غشت»), and relative ones («أمس»,
//! «الجمعة الماضي», «الشهر الماضي», «العام الماضي», «قبل ثلاثة أيام»).
//!
//! Where an expression names a span (a month, a year), the latest day of it is taken: the age of
//! an event is never overstated, so an event called old is surely old. A part of a month or a
//! week («مطلع الشهر الجاري», «أواخر مارس», «مطلع الأسبوع») also gives the span's first day, so
//! that an event told only so is placed within those days.

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};

use super::normalize;
use super::numbers::number_at;

/// A date found among words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateMention {
    pub date: NaiveDate,
    /// The first word and how many words the expression spans.
    pub first: usize,
    pub len: usize,
    /// A calendar date or month («19 فبراير», «مارس 2012», «منذ عام 2013», «بعد 3 أيام من»),
    /// rather than a weekday or a word relative to the day of writing: what an article uses to
    /// date an event, not the day it reports on.
    pub explicit: bool,
    /// The first day the expression may mean: `date` itself, or the start of a part of a
    /// month or week («مطلع الشهر الجاري»: the 1st; `date` is the 10th).
    pub from: NaiveDate,
}

const MONTHS: &[(&str, u32)] = &[
    ("يناير", 1),
    ("جانفي", 1),
    ("كانون الثاني", 1),
    ("فبراير", 2),
    ("فيفري", 2),
    ("شباط", 2),
    ("مارس", 3),
    ("آذار", 3),
    ("أبريل", 4),
    ("إبريل", 4),
    ("أفريل", 4),
    ("نيسان", 4),
    ("مايو", 5),
    ("ماي", 5),
    ("أيار", 5),
    ("يونيو", 6),
    ("يونيه", 6),
    ("جوان", 6),
    ("حزيران", 6),
    ("يوليو", 7),
    ("يوليه", 7),
    ("جويلية", 7),
    ("يوليوز", 7),
    ("تموز", 7),
    ("أغسطس", 8),
    ("أوت", 8),
    ("غشت", 8),
    ("آب", 8),
    ("سبتمبر", 9),
    ("شتنبر", 9),
    ("أيلول", 9),
    ("أكتوبر", 10),
    ("تشرين الأول", 10),
    ("نوفمبر", 11),
    ("نونبر", 11),
    ("تشرين الثاني", 11),
    ("ديسمبر", 12),
    ("دجنبر", 12),
    ("كانون الأول", 12),
];

const WEEKDAYS: &[(&str, Weekday)] = &[
    ("الأحد", Weekday::Sun),
    ("الاثنين", Weekday::Mon),
    ("الإثنين", Weekday::Mon),
    ("الثلاثاء", Weekday::Tue),
    ("الأربعاء", Weekday::Wed),
    ("الخميس", Weekday::Thu),
    ("الجمعة", Weekday::Fri),
    ("السبت", Weekday::Sat),
];

/// Words that put a date in the past: «الماضي», «الماضية», «المنصرم», «الفائت».
const PAST: &[&str] = &[
    "الماضي",
    "الماضية",
    "المنصرم",
    "المنصرمة",
    "الفائت",
    "الفائتة",
];

fn norm(s: &str) -> String {
    normalize(s).text
}

struct Tables {
    /// Month names by their first word; the second word for two-word names.
    months: HashMap<String, Vec<(Option<String>, u32)>>,
    weekdays: HashMap<String, Weekday>,
    past: Vec<String>,
}

static TABLES: LazyLock<Tables> = LazyLock::new(|| {
    let mut months: HashMap<String, Vec<(Option<String>, u32)>> = HashMap::new();
    for (name, m) in MONTHS {
        let n = norm(name);
        let mut words = n.split(' ');
        let first = words.next().unwrap_or_default().to_owned();
        months
            .entry(first)
            .or_default()
            .push((words.next().map(str::to_owned), *m));
    }
    // Two-word names first, so «كانون الثاني» is not read as a bare «كانون».
    for v in months.values_mut() {
        v.sort_by_key(|(second, _)| second.is_none());
    }
    Tables {
        months,
        weekdays: WEEKDAYS.iter().map(|(n, d)| (norm(n), *d)).collect(),
        past: PAST.iter().map(|p| norm(p)).collect(),
    }
});

/// Whether a normalized word names a day of the week («الاحد», «والجمعه»).
pub fn is_weekday(w: &str) -> bool {
    let days = &TABLES.weekdays;
    days.contains_key(w) || days.contains_key(bare(w))
}

/// Whether a normalized word is a month's name, or the first word of one («مارس», «كانون»,
/// «بمارس»).
pub fn is_month_name(w: &str) -> bool {
    let months = &TABLES.months;
    months.contains_key(w) || months.contains_key(bare(w))
}

/// The word without a leading conjunction or preposition letter («وفي», «بمارس», «لعام»).
fn bare(w: &str) -> &str {
    for p in ["و", "ف", "ب", "ل"] {
        if let Some(rest) = w.strip_prefix(p) {
            // A number keeps its conjunction short: «16 و17 يناير».
            let digits = !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit());
            if rest.chars().count() >= 3 || digits {
                return rest;
            }
        }
    }
    w
}

/// A month name at `i` (one or two words): (month, words used).
fn month_at(words: &[&str], i: usize) -> Option<(u32, usize)> {
    let t = &*TABLES;
    let w = words.get(i)?;
    let candidates = t.months.get(*w).or_else(|| t.months.get(bare(w)))?;
    for (second, m) in candidates {
        match second {
            Some(s) if words.get(i + 1) == Some(&s.as_str()) => return Some((*m, 2)),
            Some(_) => {}
            None => return Some((*m, 1)),
        }
    }
    None
}

fn year_at(words: &[&str], i: usize) -> Option<i32> {
    let w = words.get(i)?;
    let y: i32 = w.strip_suffix('م').unwrap_or(w).parse().ok()?;
    (1950..=2100).contains(&y).then_some(y)
}

fn day_of_month(w: &str) -> Option<u32> {
    let d: u32 = bare(w).parse().ok()?;
    (1..=31).contains(&d).then_some(d)
}

fn is_past(words: &[&str], i: usize) -> bool {
    words
        .get(i)
        .is_some_and(|w| TABLES.past.iter().any(|p| p == w))
}

fn last_day_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, 1)?
        .checked_add_months(Months::new(1))?
        .pred_opt()
}

/// The latest `month` of a year that is not after `published` (strictly before its month when
/// `past`: «أغسطس الماضي» said in August is last year's).
fn recent_month(published: NaiveDate, month: u32, past: bool) -> i32 {
    let y = published.year();
    if month < published.month() || (month == published.month() && !past) {
        y
    } else {
        y - 1
    }
}

fn days_before(published: NaiveDate, n: u64) -> Option<NaiveDate> {
    published.checked_sub_days(Days::new(n))
}

/// Words between «قبل»/«منذ» and the quantity that leave it as it is: «قبل نحو 4 سنوات»,
/// «منذ أكثر من شهر».
const APPROXIMATELY: &[&str] = &[
    "نحو",
    "حوالي",
    "قرابه",
    "اكثر",
    "من",
    "زهاء",
    "ما",
    "يقارب",
    "يزيد",
    "عن",
];

/// Ordinal days of the month as news writes them in words («الأول من أبريل», «الحادي عشر
/// من», «الحادي والعشرين من»), normalized: (day, words used).
fn ordinal_day_at(words: &[&str], i: usize) -> Option<(u32, usize)> {
    const UNITS: &[(&str, u32)] = &[
        ("الاول", 1),
        ("الثاني", 2),
        ("الثالث", 3),
        ("الرابع", 4),
        ("الخامس", 5),
        ("السادس", 6),
        ("السابع", 7),
        ("الثامن", 8),
        ("التاسع", 9),
        ("العاشر", 10),
    ];
    let unit = |w: &str| {
        let w = w
            .strip_prefix('و')
            .filter(|r| r.starts_with("ال"))
            .unwrap_or(w);
        let w = if w == "الحادي" { "الاول" } else { w };
        UNITS.iter().find(|(u, _)| *u == w).map(|(_, n)| *n)
    };
    let first = words.get(i)?;
    let first = first
        .strip_prefix('ف')
        .filter(|r| r.starts_with("ال"))
        .unwrap_or(first);
    let Some(n) = unit(first) else {
        return match first {
            "العشرين" | "العشرون" => Some((20, 1)),
            "الثلاثين" | "الثلاثون" => Some((30, 1)),
            _ => None,
        };
    };
    match (words.get(i + 1).copied(), words.get(i + 2).copied()) {
        // الحادي عشر .. التاسع عشر
        (Some("عشر"), _) if n < 10 => Some((10 + n, 2)),
        // الحادي والعشرين, الثالث والعشرون, الأول والثلاثين
        (Some(t), _) if t.starts_with("والعشرين") || t.starts_with("والعشرون") => {
            Some((20 + n, 2)).filter(|(d, _)| *d <= 31)
        }
        (Some(t), _) if t.starts_with("والثلاثين") || t.starts_with("والثلاثون") => {
            Some((30 + n, 2)).filter(|(d, _)| *d <= 31)
        }
        _ => Some((n, 1)),
    }
}

/// «قبل N أيام/أسابيع/أشهر/سنوات», «منذ أكثر من شهر» (N units before publication), or
/// «بعد N أيام من» (the article is N days after the event) at `i`.
fn ago_at(words: &[&str], i: usize, published: NaiveDate) -> Option<(NaiveDate, usize, bool)> {
    let head = bare(words.get(i)?);
    let after = match head {
        "قبل" | "منذ" => false,
        "بعد" => true,
        _ => return None,
    };
    // «منذ عام 2013», «منذ 2013»: since that year (its last day, not to overstate the age).
    if !after {
        let k = usize::from(matches!(
            words.get(i + 1).map(|w| bare(w)),
            Some("عام" | "العام" | "سنه")
        ));
        if let Some(y) = year_at(words, i + 1 + k) {
            let end = NaiveDate::from_ymd_opt(y, 12, 31)?.min(published);
            return Some((end, 2 + k, true));
        }
    }
    let mut j = i + 1;
    while j < words.len() && j < i + 4 && APPROXIMATELY.contains(&words[j]) {
        j += 1;
    }
    let (n, used, unit) = match number_at(&words[j..]) {
        Some(nw) => (nw.value, nw.len, words.get(j + nw.len)?),
        // «قبل يومين», «قبل أسبوع», «قبل عام»: the unit alone is one (or two, in the dual).
        None => (1, 0, words.get(j)?),
    };
    // «بعد 3 أيام من هجوم»: only with «من» after the unit, else it is a delay to come.
    if after && words.get(j + used + 1) != Some(&"من") {
        return None;
    }
    let used = used + (j - i - 1);
    let unit = norm(unit);
    let n = u64::from(n);
    let date = match unit.as_str() {
        "يوم" | "ايام" | "يوما" => days_before(published, n)?,
        "يومين" => days_before(published, 2)?,
        "اسبوع" | "اسابيع" | "اسبوعا" => days_before(published, 7 * n)?,
        "اسبوعين" => days_before(published, 14)?,
        "شهر" | "اشهر" | "شهور" | "شهرا" => {
            published.checked_sub_months(Months::new(n as u32))?
        }
        "شهرين" => published.checked_sub_months(Months::new(2))?,
        "عام" | "سنه" | "اعوام" | "سنوات" | "عاما" => {
            published.checked_sub_months(Months::new(12 * n as u32))?
        }
        "عامين" | "سنتين" => published.checked_sub_months(Months::new(24))?,
        _ => return None,
    };
    Some((date, used + 2, after))
}

/// Every date expression among `words` (normalized), resolved against `published`.
pub fn dates_in(words: &[&str], published: NaiveDate) -> Vec<DateMention> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if let Some((from, date, len)) =
            part_of_period_at(words, i, published).or_else(|| two_days_at(words, i, published))
        {
            out.push(DateMention {
                date,
                first: i,
                len,
                explicit: true,
                from,
            });
            i += len;
            continue;
        }
        let found = date_at(words, i, published);
        match found {
            // A date after publication («elections on 29 July») is no event's date.
            Some((date, len, _)) if date > published => i += len.max(1),
            Some((date, len, explicit)) => {
                out.push(DateMention {
                    date,
                    first: i,
                    len,
                    explicit,
                    from: date,
                });
                i += len.max(1);
            }
            None => i += 1,
        }
    }
    out
}

/// The date expression that starts at `words[i]`, if any, resolved against `published`: the
/// date, the words it takes, and whether it names its day outright.
fn date_at(words: &[&str], i: usize, published: NaiveDate) -> Option<(NaiveDate, usize, bool)> {
    let t = &*TABLES;
    let w = words[i];
    // 7 أغسطس [2015 | الماضي]
    if let Some(d) = day_of_month(w) {
        if let Some((m, used)) = month_at(words, i + 1) {
            // «19 فبراير/شباط»: the same month in a second family of names.
            let used = used + month_at(words, i + 1 + used).map_or(0, |(_, u)| u);
            let after = i + 1 + used;
            if let Some(y) = year_at(words, after) {
                return Some((NaiveDate::from_ymd_opt(y, m, d)?, used + 2, true));
            }
            let past = is_past(words, after);
            let mut y = recent_month(published, m, past);
            if !past && m == published.month() && d > published.day() {
                y -= 1;
            }
            let date = NaiveDate::from_ymd_opt(y, m, d)?;
            return Some((date, used + 1 + usize::from(past), true));
        }
    }
    // الأول من أبريل; العاشر من مارس
    if let Some((d, used)) = ordinal_day_at(words, i) {
        if bare(words.get(i + used)?) == "من" || words.get(i + used) == Some(&"من") {
            if let Some((m, mused)) = month_at(words, i + used + 1) {
                let after = i + used + 1 + mused;
                let span = used + 1 + mused;
                if let Some(y) = year_at(words, after) {
                    return Some((NaiveDate::from_ymd_opt(y, m, d)?, span + 1, true));
                }
                let past = is_past(words, after);
                let mut y = recent_month(published, m, past);
                if !past && m == published.month() && d > published.day() {
                    y -= 1;
                }
                return Some((
                    NaiveDate::from_ymd_opt(y, m, d)?,
                    span + usize::from(past),
                    true,
                ));
            }
        }
    }
    // مارس 2012; مارس الماضي; شهر مارس
    let after_month_word = bare(w) == "شهر";
    let at = if after_month_word { i + 1 } else { i };
    if let Some((m, used)) = month_at(words, at) {
        let after = at + used;
        let span = used + usize::from(after_month_word);
        if let Some(y) = year_at(words, after) {
            return Some((last_day_of_month(y, m)?, span + 1, true));
        }
        let past = is_past(words, after);
        if past || after_month_word {
            let y = recent_month(published, m, past);
            let end = last_day_of_month(y, m)?.min(published);
            return Some((end, span + usize::from(past), true));
        }
    }
    // عام 2012; سنة 2012
    if matches!(bare(w), "عام" | "العام" | "سنه" | "السنه") {
        if let Some(y) = year_at(words, i + 1) {
            let end = NaiveDate::from_ymd_opt(y, 12, 31)?.min(published);
            return Some((end, 2, false));
        }
        // العام الماضي
        if is_past(words, i + 1) {
            return Some((
                NaiveDate::from_ymd_opt(published.year() - 1, 12, 31)?,
                2,
                false,
            ));
        }
    }
    match bare(w) {
        "امس" => {
            // أول أمس: the day before yesterday.
            let before = i > 0 && matches!(words[i - 1], "اول");
            return Some((
                days_before(published, if before { 2 } else { 1 })?,
                1,
                false,
            ));
        }
        "البارحه" => return Some((days_before(published, 1)?, 1, false)),
        // «في اليوم نفسه»: the day of something else, not today.
        "اليوم" if matches!(words.get(i + 1), Some(&("نفسه" | "ذاته"))) => {}
        "اليوم" => return Some((published, 1, false)),
        "الشهر" if is_past(words, i + 1) => {
            let prev = published.checked_sub_months(Months::new(1))?;
            return Some((last_day_of_month(prev.year(), prev.month())?, 2, false));
        }
        "الاسبوع" if is_past(words, i + 1) => {
            return Some((days_before(published, 3)?, 2, false));
        }
        _ => {}
    }
    // [يوم] الجمعة [الماضي]: the latest such day, before the publication day when past.
    if let Some(&day) = t.weekdays.get(bare(w)).or_else(|| t.weekdays.get(w)) {
        let past = is_past(words, i + 1);
        let back =
            (7 + published.weekday().num_days_from_monday() - day.num_days_from_monday()) % 7;
        let back = if back == 0 && past { 7 } else { back };
        // «الأحد الماضي» names one past day as surely as a date does.
        return Some((
            days_before(published, u64::from(back))?,
            1 + usize::from(past),
            past,
        ));
    }
    ago_at(words, i, published)
}

/// Two days of one month («يومي 16 و17 يناير»): (the first, the second, words used).
fn two_days_at(
    words: &[&str],
    i: usize,
    published: NaiveDate,
) -> Option<(NaiveDate, NaiveDate, usize)> {
    let first = day_of_month(words.get(i)?)?;
    let second = words.get(i + 1)?.strip_prefix('و').and_then(day_of_month)?;
    let m = dates_in(&words[i + 1..(i + 5).min(words.len())], published)
        .into_iter()
        .next()
        .filter(|m| m.first == 0)?;
    let from = m.date.with_day(first).filter(|_| first < second)?;
    Some((from, m.date, 1 + m.len))
}

/// Which part of a month or week a word names («مطلع», «منتصف», «أواخر»), normalized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Early,
    Middle,
    Late,
}

fn part_word(w: &str) -> Option<Part> {
    match bare(w) {
        "مطلع" | "اوايل" | "بدايه" | "مستهل" | "اول" => Some(Part::Early),
        "منتصف" | "اواسط" => Some(Part::Middle),
        "اواخر" | "نهايه" | "اخر" => Some(Part::Late),
        _ => None,
    }
}

/// The days of a part of a month: the 1st to the 10th, the 11th to the 20th, the 21st to its
/// end.
fn month_part(year: i32, month: u32, part: Part) -> Option<(NaiveDate, NaiveDate)> {
    let day = |d| NaiveDate::from_ymd_opt(year, month, d);
    Some(match part {
        Part::Early => (day(1)?, day(10)?),
        Part::Middle => (day(11)?, day(20)?),
        Part::Late => (day(21)?, last_day_of_month(year, month)?),
    })
}

/// Words that keep a period the current one: «الشهر الجاري», «الأسبوع الحالي».
fn is_current(words: &[&str], i: usize) -> bool {
    words
        .get(i)
        .is_some_and(|w| matches!(*w, "الجاري" | "الحالي"))
}

/// A part of a month or a week («مطلع الشهر الجاري», «أواخر الشهر الماضي», «منتصف مارس»,
/// «مطلع الأسبوع»): (first day, last day, words used), the last day no later than
/// `published`; `None` for a part still to come («نهاية الشهر الجاري» said on the 5th).
fn part_of_period_at(
    words: &[&str],
    i: usize,
    published: NaiveDate,
) -> Option<(NaiveDate, NaiveDate, usize)> {
    let part = part_word(words.get(i)?)?;
    let period = *words.get(i + 1)?;
    let (from, to, used) = if period == "الشهر" {
        let past = is_past(words, i + 2);
        let month = if past {
            published.checked_sub_months(Months::new(1))?
        } else {
            published
        };
        let (a, b) = month_part(month.year(), month.month(), part)?;
        (a, b, 2 + usize::from(past || is_current(words, i + 2)))
    } else if period == "الاسبوع" {
        // The week as the Arab press counts it, from Sunday.
        let past = is_past(words, i + 2);
        let back = u64::from(published.weekday().num_days_from_sunday()) + if past { 7 } else { 0 };
        let sunday = days_before(published, back)?;
        let used = 2 + usize::from(past || is_current(words, i + 2));
        let (a, b) = match part {
            Part::Early => (0, 2),
            Part::Middle => (2, 4),
            Part::Late => (4, 6),
        };
        (
            sunday.checked_add_days(Days::new(a))?,
            sunday.checked_add_days(Days::new(b))?,
            used,
        )
    } else {
        let (m, mused) = month_at(words, i + 1)?;
        let after = i + 1 + mused;
        let (y, used) = match year_at(words, after) {
            Some(y) => (y, 1 + mused + 1),
            None => {
                let past = is_past(words, after);
                (
                    recent_month(published, m, past),
                    1 + mused + usize::from(past),
                )
            }
        };
        let (a, b) = month_part(y, m, part)?;
        (a, b, used)
    };
    (from <= published).then(|| (from, to.min(published), used))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str, published: &str) -> Vec<NaiveDate> {
        let n = normalize(s).text;
        let toks = crate::arabic::tokens(&n);
        let words: Vec<&str> = toks.iter().map(|t| t.text(&n)).collect();
        let p = NaiveDate::parse_from_str(published, "%Y-%m-%d").unwrap();
        dates_in(&words, p).into_iter().map(|m| m.date).collect()
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn explicit_dates_in_every_family_of_month_names() {
        assert_eq!(read("في 7 أغسطس الماضي", "2015-11-26"), [d("2015-08-07")]);
        assert_eq!(read("في 7 أغسطس الماضي", "2015-08-20"), [d("2014-08-07")]);
        assert_eq!(read("في مارس 2012", "2015-11-26"), [d("2012-03-31")]);
        assert_eq!(read("يوم 19 شباط 2018", "2018-03-01"), [d("2018-02-19")]);
        assert_eq!(read("في 3 أوت", "2017-08-10"), [d("2017-08-03")]);
        assert_eq!(read("في 30 ديسمبر", "2018-01-02"), [d("2017-12-30")]);
        assert_eq!(
            read("في 12 كانون الثاني الماضي", "2018-05-01"),
            [d("2018-01-12")]
        );
        assert_eq!(
            read("وفي عام 2009 شن التنظيم", "2018-05-01"),
            [d("2009-12-31")]
        );
    }

    #[test]
    fn ordinal_days_in_words() {
        assert_eq!(
            read("وقع في الأول من أبريل", "2018-04-05"),
            [d("2018-04-01")]
        );
        assert_eq!(
            read("في الحادي عشر من مارس", "2018-04-05"),
            [d("2018-03-11")]
        );
        assert_eq!(
            read("في الثالث والعشرين من فبراير الماضي", "2018-04-05"),
            [d("2018-02-23")]
        );
        assert_eq!(
            read("يوم العشرين من يناير 2017", "2018-04-05"),
            [d("2017-01-20")]
        );
        // Not a date: an ordinal without «من» and a month.
        assert!(read("الأول من نوعه", "2018-04-05").is_empty());
    }

    #[test]
    fn relative_words() {
        assert_eq!(read("قتل مسلحون أمس عشرة", "2018-02-21"), [d("2018-02-20")]);
        assert_eq!(read("أول أمس", "2018-02-21"), [d("2018-02-19")]);
        assert!(read("في اليوم نفسه الذي قتل فيه", "2018-02-21").is_empty());
        // 2018-02-21 is a Wednesday.
        assert_eq!(read("يوم الجمعة الماضي", "2018-02-21"), [d("2018-02-16")]);
        assert_eq!(read("الأربعاء الماضي", "2018-02-21"), [d("2018-02-14")]);
        assert_eq!(read("الإثنين", "2018-02-21"), [d("2018-02-19")]);
        assert_eq!(read("العام الماضي", "2018-02-21"), [d("2017-12-31")]);
        assert_eq!(read("الشهر الماضي", "2018-03-05"), [d("2018-02-28")]);
        assert_eq!(read("قبل ثلاثة أيام", "2018-02-21"), [d("2018-02-18")]);
        assert_eq!(read("قبل عامين", "2018-02-21"), [d("2016-02-21")]);
        assert_eq!(read("منذ أكثر من شهر", "2018-03-21"), [d("2018-02-21")]);
        assert_eq!(read("قبل نحو 4 سنوات", "2018-02-23"), [d("2014-02-23")]);
        assert_eq!(read("بعد 3 أيام من هجوم", "2018-02-23"), [d("2018-02-20")]);
        assert_eq!(read("منذ عام 2013", "2018-04-13"), [d("2013-12-31")]);
        assert!(
            read("بعد 3 أيام", "2018-02-23").is_empty(),
            "a delay to come"
        );
        assert_eq!(
            read("في 19 فبراير/ شباط الماضي", "2018-03-21"),
            [d("2018-02-19")]
        );
    }

    fn spans(s: &str, published: &str) -> Vec<(NaiveDate, NaiveDate)> {
        let n = normalize(s).text;
        let words: Vec<&str> = n.split_whitespace().collect();
        dates_in(&words, d(published))
            .iter()
            .map(|m| (m.from, m.date))
            .collect()
    }

    #[test]
    fn parts_of_a_month_or_a_week_are_spans_of_days() {
        // 2017-10-21 is a Saturday.
        assert_eq!(
            spans("قتلوا في كمين بالنيجر مطلع الشهر الجاري", "2017-10-21"),
            [(d("2017-10-01"), d("2017-10-10"))]
        );
        assert_eq!(
            spans("في أواخر الشهر الماضي", "2017-10-21"),
            [(d("2017-09-21"), d("2017-09-30"))]
        );
        assert_eq!(
            spans("منتصف مارس الماضي", "2018-04-05"),
            [(d("2018-03-11"), d("2018-03-20"))]
        );
        assert_eq!(
            spans("أوائل يناير 2017", "2018-04-05"),
            [(d("2017-01-01"), d("2017-01-10"))]
        );
        // 2018-04-05 is a Thursday: the week began on Sunday 1 April.
        assert_eq!(
            spans("اشتباكات مطلع الأسبوع بمنطقة ميناكا", "2018-04-05"),
            [(d("2018-04-01"), d("2018-04-03"))]
        );
        assert_eq!(
            spans("نهاية الأسبوع الماضي", "2018-04-05"),
            [(d("2018-03-29"), d("2018-03-31"))]
        );
        // Said on the 5th, the rest of the month is to come; an early part ends today.
        assert!(spans("نهاية الشهر الجاري", "2018-04-05").is_empty());
        assert_eq!(
            spans("مطلع الشهر", "2018-04-05"),
            [(d("2018-04-01"), d("2018-04-05"))]
        );
        assert_eq!(
            spans("في عمليتين يومي 16 و17 يناير", "2021-01-21"),
            [(d("2021-01-16"), d("2021-01-17"))]
        );
        // Not a period: «أول أمس» is the day before yesterday, «نهاية المطاف» no date.
        assert_eq!(
            spans("أول أمس", "2018-02-21"),
            [(d("2018-02-19"), d("2018-02-19"))]
        );
        assert!(spans("في نهاية المطاف", "2018-02-21").is_empty());
    }

    #[test]
    fn dates_after_publication_are_not_events() {
        // Found by the normalize fuzz target: «جوان 2018» in an article dated February 2018.
        assert!(read("فجر اليوم الاثنين 05F جوان 2018", "2018-02-21")
            .iter()
            .all(|d| *d <= self::d("2018-02-21")));
        assert!(read("الانتخابات في 29 يوليو 2018", "2018-02-21").is_empty());
        let found = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/fuzz/normalize-future-date.txt"
        ))
        .unwrap();
        let text = String::from_utf8_lossy(&found);
        assert!(read(&text, "2018-02-21")
            .iter()
            .all(|x| *x <= d("2018-02-21")));
    }

    #[test]
    fn a_month_name_alone_is_not_a_date() {
        // «مارس» is also a verb («he practised»).
        assert!(read("مارس الضغط على الحكومة", "2018-02-21").is_empty());
        assert!(read("قتل 7 أشخاص", "2018-02-21").is_empty());
    }
}
