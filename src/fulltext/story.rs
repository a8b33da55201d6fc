//! Passes that tell the story's own sentences from what stands among them, by structure and
//! language rather than by any site's names for its boxes:
//!
//! - [`lead`]: the block where the feed's summary is found is the story's lead, whatever
//!   element holds it (a standfirst in its own heading is still the lead);
//! - [`metadata`]: lines about the page, not the story (dates and times, bylines, reading
//!   times, «منذ ساعتين», photo credits, share and print bars) are never a sentence of it;
//! - [`boxes`]: a block with its own heading whose items are headline-like (short lines
//!   without a sentence end, list items, lines that open with a date or a time, linked or not)
//!   is another stories' list, wherever it stands, between two paragraphs of the story too;
//! - [`embeds`]: a post of a social network embedded in the story (the oEmbed markup: the
//!   post's text, then «— name (@handle) date») is someone else's words, not the story's.

use std::collections::HashSet;
use std::sync::LazyLock;

use super::article::{shingles, words, Furniture, Reading};
use super::blocks::{Block, Hint, ROOT};
use crate::arabic::{is_month_name, is_weekday, normalize};

fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

/// Ends a sentence: a paragraph has one, a listed headline or a date line rarely.
fn ends_sentence(text: &str) -> bool {
    text.trim_end().ends_with([
        '.', '!', '؟', '?', '»', '"', ':', '…', ')', '”', '۔', '。', '！', '？', '」',
    ])
}

/// Pass: the story's lead, the block after the headline (anywhere, without one) that holds
/// most of the words of the feed's summary, at least half of them; the earliest of the best.
/// A summary written apart from the story may match nothing: then there is no lead.
///
/// `from_feed` says whether the summary is the feed's: a page's own description (the `extract`
/// command on a saved page) often repeats the standfirst printed over the story in a heading,
/// which is then no lead of the story's sentences.
pub fn lead(r: &mut Reading<'_>, summary: &str, from_feed: bool) {
    let want: HashSet<String> = words(summary)
        .into_iter()
        .filter(|w| w.chars().count() >= 3)
        .collect();
    if want.len() < 4 {
        return;
    }
    let start = r.headline.map_or(0, |h| h + 1);
    let mut best: Option<(usize, usize)> = None;
    for (i, b) in r.page.blocks.iter().enumerate().skip(start) {
        if b.link_chars * 2 > b.chars || (!from_feed && b.heading > 0) {
            continue;
        }
        let have: HashSet<String> = words(&b.text).into_iter().collect();
        let common = want.iter().filter(|w| have.contains(*w)).count();
        if common * 2 >= want.len() && best.is_none_or(|(_, c)| common > c) {
            best = Some((i, common));
        }
    }
    r.lead = best.map(|(i, _)| i);
}

/// Words that open a line about the page: bylines, dates of publication and update, sources
/// of a picture.
const META_OPENERS: &[&str] = &[
    "بقلم",
    "كتب",
    "كتبت",
    "بواسطه",
    "اعداد",
    "تحرير",
    "المحرر",
    "مراسل",
    "الكاتب",
    "نشر",
    "نشرت",
    "نشر في",
    "تاريخ النشر",
    "اخر تحديث",
    "تحديث",
    "محدث",
    "المصدر",
    "صوره",
    "الصوره",
    "تصوير",
    "مصدر الصوره",
    "حقوق الصوره",
    "حقوق النشر",
    "by",
    "photo",
    "source",
    "updated",
    "published",
];

/// Words of share, print and subscribe bars, counters and credits.
const META_WORDS: &[&str] = &[
    "شارك",
    "مشاركه",
    "شاركها",
    "طباعه",
    "اطبع",
    "حفظ",
    "نسخ",
    "الرابط",
    "تويتر",
    "فيسبوك",
    "فيس",
    "بوك",
    "واتساب",
    "واتس",
    "تلغرام",
    "تيليغرام",
    "لينكدان",
    "انستغرام",
    "اكس",
    "البريد",
    "الالكتروني",
    "ارسل",
    "حجم",
    "الخط",
    "اشترك",
    "اشتراك",
    "النشره",
    "تابعنا",
    "تابعونا",
    "مشاهده",
    "عدد",
    "محدث",
    "محدثه",
    "انسخ",
    "صديق",
    "مشاهدات",
    "قراءه",
    "قراءات",
    "للقراءه",
    "تعليق",
    "تعليقات",
    "دقيقه",
    "دقائق",
    "ساعه",
    "ساعات",
    "ساعتين",
    "يوم",
    "يومين",
    "ايام",
    "منذ",
    "قبل",
    "بتوقيت",
    "تحديث",
    "اخر",
    "نشر",
    "في",
    "الساعه",
    "بتاريخ",
    "التاريخ",
    "توقيت",
    "غرينتش",
    "مكه",
    "gmt",
    "utc",
    "ص",
    "م",
    "صباحا",
    "مساء",
    "اعلان",
    "اعلانات",
    "ممول",
    "برعايه",
    "advertisement",
    "sponsored",
    "ad",
    "afp",
    "reuters",
    "getty",
    "epa",
    "ap",
    "رويترز",
    "فرانس",
    "برس",
    "وكالات",
    "ا",
    "ف",
    "ب",
    "min",
    "read",
    "share",
    "print",
];

/// The two lists above as the normalizer writes them (hamza carriers, alef and ta marbuta
/// unified), so that they are compared with normalized text.
static OPENERS: LazyLock<Vec<String>> =
    LazyLock::new(|| META_OPENERS.iter().map(|w| normalize(w).text).collect());
static PAGE_WORDS: LazyLock<HashSet<String>> =
    LazyLock::new(|| META_WORDS.iter().map(|w| normalize(w).text).collect());

/// How much a word tells a date or a time: 2 for a time («10:32») or a date written with two
/// separators («12/03/2017», «2019-07-13»), 1 for a month's or a day's name, a day of the
/// month or a year («12», «2017»), 0 for anything else (a price, a score, a word).
fn dating(w: &str) -> usize {
    let w = w.trim_matches(|c: char| matches!(c, ',' | '،' | '.' | '-'));
    let numbers: Vec<&str> = w.split(['/', '-', '.', ':']).collect();
    let all_digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if numbers.iter().all(|n| all_digits(n)) {
        let value = |s: &str| s.parse::<u32>().unwrap_or(u32::MAX);
        return match numbers.as_slice() {
            [h, m] if w.contains(':') && value(h) < 24 && m.len() == 2 && value(m) < 60 => 2,
            [_, _, _] if !w.contains(':') => 2,
            [n] if (1..=31).contains(&value(n)) || (1900..=2099).contains(&value(n)) => 1,
            _ => 0,
        };
    }
    usize::from(is_month_name(w) || is_weekday(w))
}

/// Whether a word is no word of prose: a number, a date, a separator.
fn not_a_word(w: &str) -> bool {
    dating(w) > 0 || !w.chars().any(char::is_alphabetic)
}

/// Whether a block is a line about the page rather than a sentence of the story: short, no
/// sentence end, and made of dates, times, counters and share words but for one word, or
/// opened by a byline's or a credit's word; or a line of such pieces joined by «|» or «·»
/// («تاريخ النشر: … | عدد القراءات: 1809 | طباعة»).
pub fn is_metadata(text: &str) -> bool {
    let pieces: Vec<&str> = text
        .split(['|', '·', '•'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if pieces.len() >= 2 && word_count(text) <= 40 {
        return pieces.iter().all(|p| one_line_about_the_page(p));
    }
    one_line_about_the_page(text)
}

fn one_line_about_the_page(text: &str) -> bool {
    let n = word_count(text);
    if n == 0 || n > 14 || (ends_sentence(text) && !text.trim_end().ends_with([':', ')'])) {
        return false;
    }
    let norm = normalize(text).text;
    let opened = OPENERS.iter().any(|o| {
        norm.strip_prefix(o)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', ':', '/', '|', '-']))
    });
    if opened && n <= 10 {
        return true;
    }
    let ws: Vec<&str> = norm
        .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | ':'))
        .filter(|w| !w.is_empty())
        .collect();
    let page_word = |w: &str| {
        PAGE_WORDS.contains(w)
            || ["ال", "و", "ب", "ل", "لل"].iter().any(|p| {
                w.strip_prefix(p)
                    .is_some_and(|rest| PAGE_WORDS.contains(rest))
            })
    };
    // A date or a time: two of its words («12 مارس», «الأحد 12»), or one written with
    // separators («12/03/2017», «10:32»).
    let dating: usize = ws.iter().map(|w| dating(w)).sum();
    let other = ws
        .iter()
        .filter(|w| !not_a_word(w) && !page_word(w))
        .count();
    let meta = ws.iter().filter(|w| page_word(w)).count();
    (other <= 1 && (dating >= 2 || meta >= 2)) || (meta >= 1 && other == 0)
}

/// Whether a line ends with a picture's credit: «(أرشيفية - رويترز)», «© أ ف ب», «Credit:
/// Getty». A caption says what a picture shows, often an archive one of another day.
fn credited(text: &str) -> bool {
    let norm = normalize(text).text;
    let tail: String = norm
        .chars()
        .rev()
        .take(40)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let bracketed = tail.trim_end().ends_with(')')
        && tail.rfind('(').is_some_and(|at| {
            tail[at..].split(|c: char| !c.is_alphanumeric()).any(|w| {
                PAGE_WORDS.contains(w)
                    || matches!(w, "ارشيفيه" | "ارشيف" | "صوره" | "تعبيريه" | "file")
            })
        });
    bracketed || tail.contains('©') || tail.contains("credit")
}

/// Lines that are no sentence (a byline, a kicker, «الموضوع:») in `range`, which ends at the
/// lead: the story's sentences start there.
pub(super) fn before_lead(r: &mut Reading<'_>, range: std::ops::Range<usize>) {
    for i in range {
        let t = &r.page.blocks[i].text;
        if word_count(t) < 8 || !ends_sentence(t) {
            r.mark(i, Furniture::Metadata);
        }
    }
}

/// Pass: lines about the page (see [`is_metadata`], and what schema.org microdata marks as
/// the author, publisher, dates or image), pictures' captions (a `<figcaption>`, or a short
/// line that ends with a picture's credit), wherever they stand; and between the headline and
/// the lead, any line that is no sentence (a byline, «الموضوع:», «تابعنا عبر»): the lead is
/// where the story's sentences start.
pub fn metadata(r: &mut Reading<'_>) {
    let page = r.page;
    if let (Some(h), Some(l)) = (r.headline, r.lead) {
        before_lead(r, h + 1..l);
    }
    for i in 0..page.blocks.len() {
        let b = &page.blocks[i];
        // A property that holds prose is a publisher's mistake, not a byline.
        let marked = page.ancestors(b.element).any(|a| {
            let e = &page.elements[a as usize];
            e.hint == Some(Hint::Meta)
                && page.blocks[e.first_block as usize..e.end_block as usize]
                    .iter()
                    .map(|b| word_count(&b.text))
                    .sum::<usize>()
                    <= 40
        });
        if marked {
            r.mark(i, Furniture::Metadata);
            continue;
        }
        let caption = page
            .ancestors(b.element)
            .any(|a| page.tag(a) == "figcaption")
            || (word_count(&b.text) <= 30 && credited(&b.text));
        if caption {
            r.mark(i, Furniture::Caption);
        } else if is_metadata(&b.text) {
            r.mark(i, Furniture::Metadata);
        }
    }
}

/// An item of another stories' list: a short line without a sentence end, a line that opens
/// with a date or a time, mostly a link, or a short list item.
fn headline_item(b: &Block) -> bool {
    let n = word_count(&b.text);
    let first = b.text.split_whitespace().next().unwrap_or("");
    let dated = dating(first) == 2 || (dating(first) == 1 && first.len() == 4);
    n > 0
        && ((n <= 16 && !ends_sentence(&b.text))
            || dated
            || b.link_chars * 2 > b.chars
            || (b.in_list && n <= 20 && !ends_sentence(&b.text)))
}

/// Pass: boxes of other stories. An element that opens with a heading (not the item's
/// headline, not a link) and holds, after it, items of which at least two, and half, are
/// headline-like, none a paragraph of more than 35 words, is another stories' list wherever it
/// stands: between two paragraphs of the story too. Lines of one element broken by `<br>` are
/// one item (a paragraph so broken is no list), lines about the page are no item, and a box is
/// small: it holds at most half the page's prose.
pub fn boxes(r: &mut Reading<'_>) {
    let page = r.page;
    let prose = |range: std::ops::Range<usize>| -> usize {
        page.blocks[range]
            .iter()
            .filter(|b| word_count(&b.text) >= 12 && b.link_chars * 3 < b.chars)
            .map(|b| b.chars)
            .sum()
    };
    let all = prose(0..page.blocks.len());
    for h in 0..page.blocks.len() {
        let b = &page.blocks[h];
        if b.heading == 0
            || b.link_chars * 2 > b.chars
            || Some(h) == r.headline
            || Some(h) == r.lead
        {
            continue;
        }
        let Some(items) = headed(r, h) else { continue };
        if prose(items.clone()) * 2 > all {
            continue;
        }
        let items = flows(r, items);
        let listed = items.iter().filter(|t| t.0).count();
        let paragraph = items.iter().any(|t| t.1 > 35);
        if listed >= 2 && listed * 2 >= items.len() && !paragraph {
            for i in headed(r, h).into_iter().flatten().chain([h]) {
                r.mark(i, Furniture::Box);
            }
        }
    }
}

/// The items of a box's blocks, as (headline-like, words): consecutive blocks of one element
/// (lines broken by `<br>`) are one item, a table's cells are data, and lines about the page
/// are left out.
fn flows(r: &Reading<'_>, range: std::ops::Range<usize>) -> Vec<(bool, usize)> {
    let page = r.page;
    let mut out: Vec<(bool, usize)> = Vec::new();
    let mut last: Option<u32> = None;
    for i in range {
        if r.furniture[i] == Some(Furniture::Metadata) {
            continue;
        }
        let b = &page.blocks[i];
        let n = word_count(&b.text);
        match out.last_mut() {
            Some(item) if last == Some(b.element) => {
                // A second line of one element: a broken paragraph, not a headline.
                *item = (false, item.1 + n);
            }
            // A table's cells are its data, not a list of stories.
            _ if matches!(page.tag(b.element), "td" | "th") => out.push((false, n)),
            _ => out.push((headline_item(b), n)),
        }
        last = Some(b.element);
    }
    out
}

/// The blocks heading `h` heads: those of the largest element it opens that holds neither the
/// item's headline nor the lead.
fn headed(r: &Reading<'_>, h: usize) -> Option<std::ops::Range<usize>> {
    let page = r.page;
    let protected = |first: usize, end: usize| {
        let inside = |x: Option<usize>| x.is_some_and(|x| (first..end).contains(&x) && x != h);
        inside(r.headline) || inside(r.lead)
    };
    let mut section = None;
    for a in page.ancestors(page.blocks[h].element) {
        let e = &page.elements[a as usize];
        let (first, end) = (e.first_block as usize, e.end_block as usize);
        if first != h || protected(first, end) {
            break;
        }
        if end > h + 1 {
            section = Some(h + 1..end);
        }
    }
    section
}

/// Pass: a single card of another story standing alone (inside the body too): an element of
/// two or three blocks that opens with a linked headline («طالع أيضا: …») and holds after it
/// only its dek, a line or two of at most 40 words; not the element of the headline or the
/// lead. Lists of cards are the `teasers` pass's.
pub fn cards(r: &mut Reading<'_>) {
    let page = r.page;
    for (k, e) in page.elements.iter().enumerate() {
        let (first, end) = (e.first_block as usize, e.end_block as usize);
        if !(2..=3).contains(&(end - first)) {
            continue;
        }
        let opener = &page.blocks[first];
        let linked = opener.link_chars * 2 > opener.chars && word_count(&opener.text) >= 3;
        let inside = |x: Option<usize>| x.is_some_and(|x| (first..end).contains(&x));
        if !linked || inside(r.headline) || inside(r.lead) || r.body == Some(k as u32) {
            continue;
        }
        let dek = page.blocks[first + 1..end]
            .iter()
            .all(|b| b.link_chars * 2 <= b.chars && word_count(&b.text) <= 40);
        if dek {
            for i in first..end {
                r.mark(i, Furniture::Teasers);
            }
        }
    }
}

/// Pass (last): the story ends with a sentence. Lines after its last sentence that are none
/// (the next and previous articles' headlines, «التالي», a site's slogan) are not the story's,
/// unless they stand in the element that holds its paragraphs.
pub fn tail(r: &mut Reading<'_>) {
    let page = r.page;
    let start = r.lead.or(r.headline).map_or(0, |i| i + 1);
    let last = (start..page.blocks.len()).rev().find(|&i| {
        let t = &page.blocks[i].text;
        // A line of 18 words (or 120 letters) or more is a paragraph that lost its full stop,
        // not a headline.
        r.furniture[i].is_none()
            && (ends_sentence(t) || word_count(t) >= 18 || t.chars().count() >= 120)
    });
    let Some(last) = last else { return };
    // What closes the story inside the element that holds its paragraphs stays (a list of
    // points at its end).
    let element = page.blocks[last].element;
    let holder = match page.tag(element) {
        "p" | "li" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "blockquote" => {
            page.elements[element as usize].parent
        }
        _ => element,
    };
    for i in last + 1..page.blocks.len() {
        if holder == ROOT || !page.within(page.blocks[i].element, holder) {
            r.mark(i, Furniture::AfterStory);
        }
    }
}

/// Whether a text signs a social network post: a handle in brackets («(@SahelWatch)»), or a
/// link to a post's picture or page written out.
fn signs_a_post(text: &str) -> bool {
    let handle = text.match_indices("(@").any(|(at, _)| {
        let rest = &text[at + 2..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        !name.is_empty() && rest[name.len()..].starts_with(')')
    });
    handle
        || [
            "pic.twitter.com/",
            "twitter.com/",
            "x.com/",
            "instagram.com/p/",
            "t.co/",
        ]
        .iter()
        .any(|u| text.contains(u))
}

/// Pass: embedded posts of social networks. A block that signs a post (see [`signs_a_post`]),
/// with the quotation or figure that holds it (else the element that does).
pub fn embeds(r: &mut Reading<'_>) {
    let page = r.page;
    for i in 0..page.blocks.len() {
        if !signs_a_post(&page.blocks[i].text) {
            continue;
        }
        let holder = page
            .ancestors(page.blocks[i].element)
            .find(|&a| matches!(page.tag(a), "blockquote" | "figure"))
            .unwrap_or(page.blocks[i].element);
        if holder == ROOT || r.holds_headline(holder) {
            r.mark(i, Furniture::Embed);
            continue;
        }
        let e = &page.elements[holder as usize];
        for b in e.first_block..e.end_block {
            r.mark(b as usize, Furniture::Embed);
        }
    }
}

/// Pass: a paragraph that says again what the article says. A block of eight words or more
/// said twice is kept once (a page that holds its story twice, a summary printed over the same
/// first paragraph); the first block kept of eight words or more whose runs of three words are
/// nine tenths in the blocks kept right after it, as long or longer, is a standfirst or a
/// pinned summary that quotes the story's first lines, dropped for the story itself (the lead
/// passes to the first block that says it again). Runs of words, not words: paragraphs of one
/// story share their vocabulary without repeating each other. Shorter lines may rightly repeat
/// («الصورة: أرشيف»).
pub fn duplicates(r: &mut Reading<'_>) {
    let mut seen: HashSet<&str> = HashSet::new();
    for i in 0..r.page.blocks.len() {
        let t = r.page.blocks[i].text.as_str();
        if r.furniture[i].is_none() && word_count(t) >= 8 && !seen.insert(t) {
            r.mark(i, Furniture::Duplicate);
        }
    }
    let kept: Vec<usize> = (0..r.page.blocks.len())
        .filter(|&i| r.furniture[i].is_none() && Some(i) != r.headline)
        .collect();
    let runs: Vec<HashSet<[u64; 3]>> = kept
        .iter()
        .map(|&i| shingles(&r.page.blocks[i].text))
        .collect();
    // A standfirst stands first, and says in fewer words what the blocks it quotes say.
    let first = kept
        .iter()
        .position(|&i| word_count(&r.page.blocks[i].text) >= 8);
    if let Some(k) = first.filter(|&k| !runs[k].is_empty()) {
        let i = kept[k];
        let after = k + 1..kept.len().min(k + 7);
        let holders: Vec<usize> = after
            .clone()
            .filter(|&j| runs[k].iter().any(|s| runs[j].contains(s)))
            .collect();
        let found = runs[k]
            .iter()
            .filter(|s| holders.iter().any(|&j| runs[j].contains(*s)))
            .count();
        let longer: usize = holders.iter().map(|&j| runs[j].len()).sum();
        // A paragraph said again by two or more of those that follow is one of a list of
        // near-identical entries, not a summary of what follows.
        let repeated = holders
            .iter()
            .filter(|&&j| {
                runs[k].iter().filter(|s| runs[j].contains(*s)).count() * 10 >= runs[k].len() * 9
            })
            .count()
            >= 2;
        if found * 10 >= runs[k].len() * 9 && longer >= runs[k].len() && !repeated {
            r.furniture[i] = Some(Furniture::Duplicate);
            if r.lead == Some(i) {
                r.lead = holders.first().map(|&j| kept[j]);
                if let Some(l) = r.lead {
                    before_lead(r, i + 1..l);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fulltext::article::Reading;
    use crate::fulltext::blocks::parse_for_test as page;

    const PARA: &str = "وقال مصدر أمني إن مسلحين هاجموا موقعا للجيش في المنطقة فجر اليوم وأسفر الهجوم عن سقوط قتلى.";

    #[test]
    fn lines_about_the_page_are_metadata() {
        for line in [
            "الأحد 12 مارس 2017 - 10:32",
            "نشر في: 12/03/2017",
            "آخر تحديث: 12:45 بتوقيت مكة",
            "بقلم: محمد الأمين",
            "منذ ساعتين",
            "3 دقائق قراءة",
            "الصورة: رويترز",
            "شارك | فيسبوك | تويتر | واتساب",
            "1,234 مشاهدة",
            "2019/07/13",
        ] {
            assert!(is_metadata(line), "{line}");
        }
        for line in [
            "قتل 12 جنديا الأحد في هجوم على معسكر للجيش في شمال مالي.",
            "هجوم في غاو",
            "وقتل 12 جنديا الأحد",
            "اختطاف ثلاثة عمال أجانب في النيجر",
            PARA,
        ] {
            assert!(!is_metadata(line), "{line}");
        }
    }

    #[test]
    fn a_box_of_older_headlines_between_two_paragraphs_is_not_the_story() {
        let html = format!(
            "<h1>العنوان</h1><div class=body><p>{PARA}</p>\
             <div class=x><h3>ملف الساحل</h3><div>2017/03/12 هجوم على معسكر في ميناكا</div>\
             <div>2017/02/01 اختطاف عمال في تيلابيري</div><div>2016/12/30 كمين قرب غاو</div></div>\
             <p>{PARA}</p></div>"
        );
        let p = page(&html);
        let mut r = Reading::new(&p);
        crate::fulltext::article::headline(&mut r, "العنوان");
        boxes(&mut r);
        assert_eq!(r.text(), format!("{PARA}\n{PARA}"));
    }

    #[test]
    fn a_section_of_the_story_is_no_box() {
        let long = format!("{PARA} {PARA}");
        let html = format!(
            "<h1>العنوان</h1><p>{PARA}</p><h2>خلفية</h2><p>{long}</p><p>{long}</p>\
             <h3>ردود</h3><ul><li>{PARA}</li><li>{PARA}</li></ul>"
        );
        let p = page(&html);
        let mut r = Reading::new(&p);
        crate::fulltext::article::headline(&mut r, "العنوان");
        boxes(&mut r);
        assert!(
            r.furniture.iter().all(|f| f.is_none()
                || *f == Some(Furniture::BeforeHeadline)
                || *f == Some(Furniture::Headline)),
            "{:?}",
            r.furniture
        );
    }

    #[test]
    fn an_embedded_post_is_not_the_story() {
        let html = format!(
            "<h1>العنوان</h1><div class=body><p>{PARA}</p>\
             <blockquote class=q><p lang=ar dir=rtl>عاجل: مسلحون يهاجمون مواقع للجيش قرب الحدود بين النيجر ومالي \
             <a href=https://t.co/x>pic.twitter.com/x</a></p>— مرصد (@Sahel_1) <a href=/s>13 يونيو 2013</a></blockquote>\
             <p>{PARA}</p><blockquote>قال الوزير: «لن نتراجع أمام الإرهاب»</blockquote></div>"
        );
        let p = page(&html);
        let mut r = Reading::new(&p);
        crate::fulltext::article::headline(&mut r, "العنوان");
        embeds(&mut r);
        assert_eq!(
            r.text(),
            format!("{PARA}\n{PARA}\nقال الوزير: «لن نتراجع أمام الإرهاب»")
        );
    }

    #[test]
    fn the_lead_is_where_the_summary_is() {
        let html = format!(
            "<h1>العنوان</h1><div>الأحد 12 مارس</div><h2>مسلحون يهاجمون موقعا للجيش فجر اليوم ويقتلون جنودا</h2><p>{PARA}</p>"
        );
        let p = page(&html);
        let mut r = Reading::new(&p);
        crate::fulltext::article::headline(&mut r, "العنوان");
        lead(
            &mut r,
            "مسلحون يهاجمون موقعا للجيش فجر اليوم ويقتلون جنودا",
            true,
        );
        assert_eq!(r.lead, Some(2));
    }
}
