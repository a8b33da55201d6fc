//! The article inside a parsed page. A news page holds one article among other stories'
//! headlines: tickers, link lists, teaser cards, most-read boxes, reader comments. What the
//! daemon analyses must be the article alone, whatever the layout around it, so the reading is
//! anchored on what the item says of itself (its headline and summary) and on structure, not
//! on one site's markup:
//!
//! 1. [`headline`] finds the block that is the item's headline; the article starts there and
//!    what stands before it is furniture;
//! 2. the furniture passes each mark blocks, with a reason: [`links`] (link-dense blocks),
//!    [`named`] (landmarks and furniture class names), [`tickers`] (headlines joined by «—»,
//!    «|» or bullets), [`teasers`] (lists of like siblings that carry headline links or short
//!    records), [`labels`] («اقرأ أيضا», «الأكثر قراءة», «التعليقات» and what they head),
//!    [`noise`] (no words) and [`headline_runs`] (three or more short unpunctuated lines in a
//!    row);
//! 3. [`body`] picks the element that holds most of the remaining paragraphs after the
//!    headline, and the article is the unmarked blocks from the headline to the end of it;
//!    [`embedded_lists`] gives back lists between its paragraphs, [`duplicates`](super::story::duplicates) drops
//!    paragraphs said twice and [`repeats`] blocks outside it that other pages of the site
//!    share;
//! 4. [`matches_item`] checks that the result is this item's article: it holds most words of
//!    the summary (or of the headline).
//!
//! Each pass adds one layer to a [`Reading`] and can be tested alone.

use std::collections::{HashMap, HashSet};

use super::blocks::{Block, Hint, Page, ROOT};
use crate::arabic::{normalize, stem, tokens};

/// What the item says of itself: the page must be its article.
#[derive(Debug, Clone, Copy, Default)]
pub struct Expected<'a> {
    pub title: &'a str,
    pub summary: &'a str,
}

/// Why a block is not the article's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Furniture {
    BeforeHeadline,
    Headline,
    Links,
    Named,
    Ticker,
    Teasers,
    Label,
    HeadlineRun,
    Repeated,
    OutsideBody,
    /// No words: a date stamp, a URL, a number, a separator.
    Noise,
    /// The same text as a block before it.
    Duplicate,
    /// Another story of a page of several (see [`frame`]).
    OtherStory,
    /// A line about the page: a date, a byline, a credit, a share bar (see
    /// [`super::story::metadata`]).
    Metadata,
    /// A line after the story's last sentence (see [`super::story::tail`]).
    AfterStory,
    /// A picture's caption (see [`super::story::metadata`]).
    Caption,
    /// A heading and the other stories it lists (see [`super::story::boxes`]).
    Box,
    /// A social network's post embedded in the page (see [`super::story::embeds`]).
    Embed,
}

/// The layers the passes add to a page.
pub struct Reading<'p> {
    pub page: &'p Page,
    /// The block that is the item's headline.
    pub headline: Option<usize>,
    /// The block where the feed's summary is found: the story's lead (see
    /// [`super::story::lead`]).
    pub lead: Option<usize>,
    /// Per block: why it is furniture, or `None` while it may be the article's.
    pub furniture: Vec<Option<Furniture>>,
    /// The element that holds the article's body.
    pub body: Option<u32>,
}

impl<'p> Reading<'p> {
    pub fn new(page: &'p Page) -> Reading<'p> {
        Reading {
            page,
            headline: None,
            lead: None,
            furniture: vec![None; page.blocks.len()],
            body: None,
        }
    }

    /// Marks `block` as furniture, unless it is the headline or the lead, or already marked.
    pub(super) fn mark(&mut self, block: usize, why: Furniture) {
        if self.furniture[block].is_none()
            && Some(block) != self.headline
            && Some(block) != self.lead
        {
            self.furniture[block] = Some(why);
        }
    }

    /// Whether element `e` holds the headline (then it is the article's frame, not furniture).
    pub(super) fn holds_headline(&self, e: u32) -> bool {
        let el = &self.page.elements[e as usize];
        self.headline
            .is_some_and(|h| (el.first_block as usize..el.end_block as usize).contains(&h))
    }

    /// The article's text: the unmarked blocks, one a line.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for (b, why) in self.page.blocks.iter().zip(&self.furniture) {
            if why.is_none() {
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(&b.text);
            }
        }
        out
    }
}

/// The normalized, stemmed words of a text, for comparing what a page says with what an item
/// says («بيانا» and «بيان», «الشمال» and «شمال» are one word here).
pub fn words(text: &str) -> Vec<String> {
    let n = normalize(text);
    tokens(&n.text)
        .iter()
        .map(|t| stem(t.text(&n.text)).to_owned())
        .collect()
}

fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

/// Ends a sentence: a paragraph has one, a listed headline rarely.
fn ends_sentence(text: &str) -> bool {
    text.trim_end()
        .ends_with(['.', '!', '؟', '?', '»', '"', ':', '…', ')', '”'])
}

/// A paragraph of prose: a dozen words or more, little of it linked.
fn paragraph(b: &Block) -> bool {
    word_count(&b.text) >= 12 && b.link_chars * 3 < b.chars
}

/// Mostly link text: a linked headline, a menu entry.
fn linked(b: &Block) -> bool {
    b.link_chars * 2 > b.chars
}

/// A headline of the page's own: not a link, not an item of a list.
fn own_headline(b: &Block) -> bool {
    !linked(b) && !b.in_list
}

/// Short and without a sentence end: a listed headline, a label, a date line.
fn headline_like(text: &str) -> bool {
    word_count(text) <= 16 && !ends_sentence(text)
}

/// Whether `text` is the headline `title` in other markup: most of its words are the title's
/// and most of the title's are its.
pub fn same_headline(text: &str, title: &str) -> bool {
    let want: HashSet<String> = words(title).into_iter().collect();
    let have: HashSet<String> = words(text).into_iter().collect();
    if want.is_empty() || have.is_empty() {
        return false;
    }
    let common = have.intersection(&want).count();
    common * 10 >= want.len() * 6 && common * 2 >= have.len()
}

/// Pass 1: the item's headline on the page. Of the blocks whose words are mostly the title's
/// and the title's mostly theirs, the one followed by the most paragraph text (a headline also
/// listed in a ticker or a most-read box is followed by other headlines).
pub fn headline(r: &mut Reading<'_>, title: &str) {
    let want: HashSet<String> = words(title).into_iter().collect();
    if want.is_empty() {
        return;
    }
    let blocks = &r.page.blocks;
    let mut candidates: Vec<(usize, u32)> = Vec::new();
    for (i, b) in blocks.iter().enumerate() {
        let n = word_count(&b.text);
        if n == 0 || n > want.len() * 2 + 8 {
            continue;
        }
        let have: HashSet<String> = words(&b.text).into_iter().collect();
        let common = have.intersection(&want).count();
        let (recall, precision) = (
            common as f64 / want.len() as f64,
            common as f64 / have.len().max(1) as f64,
        );
        if recall >= 0.6 && precision >= 0.5 {
            candidates.push((i, (recall.min(precision) * 10.0) as u32));
        }
    }
    // A headline of its own (not a link in a list), followed by paragraphs, closest to the
    // title, a heading, then followed by the most.
    type Rank = (bool, bool, u32, bool, usize);
    let mut best: Option<(usize, Rank)> = None;
    for &(i, closeness) in &candidates {
        let following: usize = blocks[i + 1..blocks.len().min(i + 41)]
            .iter()
            .filter(|b| paragraph(b))
            .map(|b| b.chars)
            .sum();
        let own = own_headline(&blocks[i]);
        let key = (
            own,
            following >= 200,
            closeness,
            blocks[i].heading > 0,
            following,
        );
        if best.is_none_or(|(_, k)| key > k) {
            best = Some((i, key));
        }
    }
    r.headline = best.map(|(i, _)| i);
    if let Some(h) = r.headline {
        r.furniture[h] = Some(Furniture::Headline);
        for b in 0..h {
            r.furniture[b] = Some(Furniture::BeforeHeadline);
        }
    }
}

/// Pass: blocks that are mostly link text (a linked headline, a menu entry).
pub fn links(r: &mut Reading<'_>) {
    for i in 0..r.page.blocks.len() {
        let b = &r.page.blocks[i];
        if linked(b) {
            r.mark(i, Furniture::Links);
        }
    }
}

/// Pass: blocks inside landmarks (`<nav>`, `<aside>`, `<footer>`…) and elements whose class or
/// id names furniture (`sidebar`, `related`, `comments`…), unless that element holds the
/// headline: some sites wrap the whole story in a `<header>` or a «main-with-sidebar» frame.
pub fn named(r: &mut Reading<'_>) {
    let page = r.page;
    let start = r.headline.unwrap_or(0);
    let paragraphs = |range: std::ops::Range<usize>| -> usize {
        page.blocks[range.start.max(start)..range.end.max(start)]
            .iter()
            .filter(|b| paragraph(b))
            .map(|b| b.chars)
            .sum()
    };
    let all = paragraphs(0..page.blocks.len());
    // Per element: `Some(true)` furniture, `Some(false)` the story's own (nothing above it
    // counts), `None` no say.
    let mut verdict: HashMap<u32, Option<bool>> = HashMap::new();
    for i in 0..page.blocks.len() {
        let e = page.blocks[i].element;
        let inside = page.ancestors(e).find_map(|a| {
            *verdict.entry(a).or_insert_with(|| {
                let el = &page.elements[a as usize];
                // A frame, not a box: it holds the headline, or (a frame's name) most of the
                // paragraphs from the headline on.
                let range = el.first_block as usize..el.end_block as usize;
                match el.hint {
                    None | Some(Hint::Meta) => None,
                    Some(Hint::Article) => Some(false),
                    Some(_) if r.holds_headline(a) => None,
                    Some(Hint::Stories) => lists(r, range).then_some(true),
                    Some(Hint::Layout) => (paragraphs(range) * 2 <= all).then_some(true),
                }
            })
        });
        if inside == Some(true) {
            r.mark(i, Furniture::Named);
        }
    }
}

/// Whether the blocks of `range` read as a list of stories, as an element named for other
/// stories should: no paragraph of prose, or two lines or more that are headlines (short,
/// unpunctuated, or linked; lines about the page do not count). A name alone is weak: a live
/// blog's entry of this story may be classed «breaking», a story's box «latest».
fn lists(r: &Reading<'_>, range: std::ops::Range<usize>) -> bool {
    let blocks = || {
        range
            .clone()
            .filter(|&i| r.furniture[i] != Some(Furniture::Metadata))
            .map(|i| &r.page.blocks[i])
    };
    let listed = blocks()
        .filter(|b| linked(b) || headline_like(&b.text))
        .count();
    listed >= 2 || !blocks().any(paragraph)
}

/// Separators of headlines on one line.
const SEPARATORS: &[char] = &[
    '—', '–', '|', '•', '·', '◆', '■', '●', '◀', '▶', '★', '⚫', '◄', '►', '»', '«', '/', '¦',
];

/// Pass: ticker lines, headlines joined on one line by «—», «|» or bullets (often behind a
/// label such as «عاجل:»): three or more short segments, none a sentence.
pub fn tickers(r: &mut Reading<'_>) {
    for i in 0..r.page.blocks.len() {
        let t = &r.page.blocks[i].text;
        let segments: Vec<&str> = t
            .split(|c| SEPARATORS.contains(&c))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        if segments.len() >= 3
            && segments.iter().filter(|s| word_count(s) >= 3).count() >= 2
            && segments.iter().all(|s| word_count(s) <= 20)
            && !ends_sentence(t)
        {
            r.mark(i, Furniture::Ticker);
        }
    }
}

/// Pass: lists of like siblings (same tag and class) that are other stories: two or more that
/// all carry a linked headline, or three or more that mostly do (cards, «آخر الأخبار» lists),
/// or three or more short records that open with a line of who or when (comments: a name, a
/// date, a text; rows of timed headlines).
/// The list that holds the headline is the article's frame and is never marked.
pub fn teasers(r: &mut Reading<'_>) {
    let page = r.page;
    let lead: HashSet<[u64; 3]> = r
        .lead
        .map(|l| shingles(&page.blocks[l].text))
        .unwrap_or_default();
    // Records of one list with the story's lead are the story told in entries (a live blog: a time, a paragraph, a share bar),
    // not readers' comments. An entry tells the lead when they share a run of words: most of
    // the shorter, or eight words in a row.
    let tells_the_lead = |b: &Block| {
        let s = shingles(&b.text);
        let common = s.intersection(&lead).count();
        paragraph(b)
            && !lead.is_empty()
            && (common * 5 >= s.len().min(lead.len()) * 4 || common >= 6)
    };
    // The lead's own entry: an element of the same kind as the records, beside them (entries
    // differ by modifiers: «entry», «entry entry--breaking»).
    let follow_the_lead = |parent: u32, first: u32| {
        page.elements.iter().enumerate().any(|(k, s)| {
            s.parent == parent
                && page.alike(k as u32, first)
                && page.blocks[s.first_block as usize..s.end_block as usize]
                    .iter()
                    .any(&tells_the_lead)
        })
    };
    let mut groups: HashMap<(u32, u64), Vec<u32>> = HashMap::new();
    for (i, e) in page.elements.iter().enumerate() {
        if e.end_block > e.first_block {
            groups
                .entry((e.parent, e.signature))
                .or_default()
                .push(i as u32);
        }
    }
    for ((parent, _), members) in groups {
        let holds_lead = |m: u32| {
            let e = &page.elements[m as usize];
            r.lead
                .is_some_and(|l| (e.first_block as usize..e.end_block as usize).contains(&l))
        };
        if members.len() < 2
            || members
                .iter()
                .any(|&m| r.holds_headline(m) || holds_lead(m))
        {
            continue;
        }
        let stats: Vec<(bool, bool, usize)> = members
            .iter()
            .map(|&m| {
                let e = &page.elements[m as usize];
                let blocks = &page.blocks[e.first_block as usize..e.end_block as usize];
                // A card leads with its linked headline (after a kicker or a time at most); a
                // page of a story split in two may hold a link in its middle.
                let linked_headline = (e.first_block as usize..e.end_block as usize)
                    .filter(|&i| r.furniture[i] != Some(Furniture::Metadata))
                    .take(2)
                    .any(|i| {
                        let b = &page.blocks[i];
                        b.link_chars >= 12 && linked(b)
                    });
                // A record: a short line of who or when (a name, «منذ ساعتين», «1 - سالم
                // 16/12/2019»), then text.
                let record = e.marked
                    && blocks.len() >= 2
                    && (word_count(&blocks[0].text) <= 4
                        || (word_count(&blocks[0].text) <= 6
                            && blocks[0].text.chars().any(|c| c.is_ascii_digit())))
                    && !ends_sentence(&blocks[0].text);
                let words: usize = blocks.iter().map(|b| word_count(&b.text)).sum();
                (linked_headline, record, words)
            })
            .collect();
        let linked = stats.iter().filter(|s| s.0).count();
        let records = stats.iter().filter(|s| s.1 && s.2 <= 90).count();
        let long = stats.iter().filter(|s| s.2 > 90).count();
        // Two cards that each lead with a linked headline are a list already; records (no
        // link) need three, as paragraphs of a story can come in twos.
        let cards =
            linked == members.len() || (members.len() >= 3 && linked * 3 >= members.len() * 2);
        let records = members.len() >= 3
            && records * 3 >= members.len() * 2
            && !follow_the_lead(parent, members[0]);
        if (cards || records) && long == 0 {
            for &m in &members {
                let e = &page.elements[m as usize];
                for b in e.first_block..e.end_block {
                    r.mark(b as usize, Furniture::Teasers);
                }
            }
        }
    }
}

/// Headings of furniture: what follows them lists other stories or readers' words.
const LABELS: &[&str] = &[
    "اقرا ايضا",
    "اقرا المزيد",
    "اقرا كذلك",
    "الاكثر قراءه",
    "الاكثر مشاهده",
    "الاكثر تداولا",
    "الاكثر تعليقا",
    "ذات صله",
    "اخبار متعلقه",
    "مواضيع متعلقه",
    "المزيد من الاخبار",
    "مقالات اخري",
    "اخبار اخري",
    "مواضيع اخري",
    "المقال التالي",
    "الخبر التالي",
    "اخر الاخبار",
    "احدث الاخبار",
    "شريط الاخبار",
    "عاجل",
    "التعليقات",
    "تعليقات القراء",
    "اضف تعليق",
    "اترك تعليق",
    "شارك",
    "تابعونا",
    "related",
    "read more",
    "most read",
    "comments",
    "latest news",
];

/// A label opens its block («اقرأ أيضا: …») or is most of a short one («أخبار ذات صلة»).
fn is_label(text: &str) -> bool {
    let n = normalize(text).text;
    let n = n.trim_start_matches(|c: char| !c.is_alphanumeric());
    let words = word_count(text);
    words <= 12
        && LABELS
            .iter()
            .any(|l| n.starts_with(l) || (words <= 5 && n.contains(l)))
}

/// Pass: a furniture heading («اقرأ أيضا», «الأكثر قراءة», «التعليقات») and what it heads: the
/// section it opens when it opens one (and that section is not the article's frame), else the
/// short or linked lines that follow it, up to the next paragraph.
pub fn labels(r: &mut Reading<'_>) {
    let page = r.page;
    for i in 0..page.blocks.len() {
        if Some(i) == r.headline
            || r.furniture[i] == Some(Furniture::Metadata)
            || !is_label(&page.blocks[i].text)
        {
            continue;
        }
        r.mark(i, Furniture::Label);
        // The largest element this label opens.
        let mut section = None;
        for a in page.ancestors(page.blocks[i].element) {
            let e = &page.elements[a as usize];
            if e.first_block as usize != i || r.holds_headline(a) {
                break;
            }
            section = Some(a);
        }
        match section {
            Some(s) if page.elements[s as usize].end_block as usize > i + 1 => {
                let e = &page.elements[s as usize];
                for b in e.first_block..e.end_block {
                    r.mark(b as usize, Furniture::Label);
                }
            }
            _ => {
                for j in i + 1..page.blocks.len() {
                    let b = &page.blocks[j];
                    if Some(j) == r.headline || !(headline_like(&b.text) || linked(b)) {
                        break;
                    }
                    r.mark(j, Furniture::Label);
                }
            }
        }
    }
}

/// Pass: three or more short lines without a sentence end in a row, outside the article's
/// paragraphs: lists of headlines without links, dates and bylines, menus written out.
pub fn headline_runs(r: &mut Reading<'_>) {
    let n = r.page.blocks.len();
    let mut i = 0;
    while i < n {
        let is_run = |j: usize| {
            Some(j) != r.headline
                && r.furniture[j].is_none()
                && headline_like(&r.page.blocks[j].text)
                && word_count(&r.page.blocks[j].text) >= 2
        };
        if !is_run(i) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < n && (is_run(j) || (r.furniture[j].is_some() && Some(j) != r.headline)) {
            j += 1;
        }
        let run: Vec<usize> = (i..j).filter(|&k| is_run(k)).collect();
        if run.len() >= 3 {
            for k in run {
                r.mark(k, Furniture::HeadlineRun);
            }
        }
        i = j.max(i + 1);
    }
}

/// Pass: blocks without words of prose: a URL, a time stamp, a count, a separator (but for
/// the cells of a table, whose numbers are its data).
pub fn noise(r: &mut Reading<'_>) {
    for i in 0..r.page.blocks.len() {
        let b = &r.page.blocks[i];
        if matches!(r.page.tag(b.element), "td" | "th") {
            continue;
        }
        let t = b.text.trim();
        let letters = t.chars().filter(|c| c.is_alphabetic()).count();
        let url = t.starts_with("http://") || t.starts_with("https://") || t.starts_with("www.");
        if letters < 2 || (url && !t.contains(' ')) {
            r.mark(i, Furniture::Noise);
        }
    }
}

/// Pass: short lists inside the body are the article's (the points of a statement, a list of
/// towns, dates): a headline run there is given back when it stands between two paragraphs of
/// the body, or shares its element with one (lines under «… the dates:»). Runs before the
/// first paragraph (date, byline) or after the body's paragraphs in elements of their own
/// (tags, other stories) stay furniture.
pub fn embedded_lists(r: &mut Reading<'_>) {
    let Some(body) = r.body else { return };
    let page = r.page;
    let paragraphs: Vec<usize> = (0..page.blocks.len())
        .filter(|&i| {
            r.furniture[i].is_none()
                && word_count(&page.blocks[i].text) >= 12
                && page.within(page.blocks[i].element, body)
        })
        .collect();
    let (Some(&first), Some(&last)) = (paragraphs.first(), paragraphs.last()) else {
        return;
    };
    let holders: HashSet<u32> = paragraphs.iter().map(|&i| page.blocks[i].element).collect();
    for i in first..page.blocks.len() {
        let b = &page.blocks[i];
        if r.furniture[i] == Some(Furniture::HeadlineRun)
            && page.within(b.element, body)
            && (i < last || holders.contains(&b.element))
        {
            r.furniture[i] = None;
        }
    }
}

/// The runs of three words of a text, its words normalized and stemmed (hashed).
pub(super) fn shingles(text: &str) -> HashSet<[u64; 3]> {
    use std::hash::{Hash, Hasher};
    let hashed: Vec<u64> = words(text)
        .iter()
        .map(|w| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            w.hash(&mut h);
            h.finish()
        })
        .collect();
    hashed.windows(3).map(|w| [w[0], w[1], w[2]]).collect()
}

/// A block's fingerprint for the site memory: its normalized words.
pub fn fingerprint(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    words(text).hash(&mut h);
    h.finish()
}

/// Pass (after [`body`]): blocks that other pages of the site share (see [`super::sites`]).
/// By their words (`words[i]` for block `i`): outside the body, or short lines inside it; a
/// paragraph of the body stays even when other pages show it (a site's teaser cards quote its
/// articles' leads). By their shape (`shapes[i]`): lines that are no sentence (headlines,
/// links, labels), wherever they stand; a sentence's shape is the site's paragraphs' too.
pub fn repeats(r: &mut Reading<'_>, words: &[bool], shapes: &[bool]) {
    let page = r.page;
    for i in 0..r.furniture.len().min(words.len()).min(shapes.len()) {
        let b = &page.blocks[i];
        let in_body = r.body.is_some_and(|body| page.within(b.element, body));
        let line = headline_like(&b.text) || linked(b);
        if (words[i] && (!in_body || line)) || (shapes[i] && line) {
            r.mark(i, Furniture::Repeated);
        }
    }
}

/// Pass: the story's own frame on a page of several stories. When the headline sits in an
/// element whose like siblings (same tag and class) each hold a headline of the same kind
/// (same heading level and markup) and paragraphs, the page is a live blog, a timeline or an
/// endless scroll of articles: the item's story is its own element, and what follows it in
/// the others is other news. A story in sections is not caught: its sections' headings are of
/// another kind than its headline.
pub fn frame(r: &mut Reading<'_>) {
    let Some(h) = r.headline else { return };
    let page = r.page;
    let head = &page.blocks[h];
    let kind = |i: usize| {
        let b = &page.blocks[i];
        (
            b.heading,
            page.elements.get(b.element as usize).map(|e| e.signature),
        )
    };
    let paragraph = |i: usize| paragraph(&page.blocks[i]);
    for a in page.ancestors(head.element) {
        let el = &page.elements[a as usize];
        if el.parent == ROOT {
            break;
        }
        let own = (h + 1..el.end_block as usize).any(paragraph);
        if !own {
            continue;
        }
        let like_story = page.elements.iter().enumerate().any(|(i, s)| {
            i as u32 != a
                && s.parent == el.parent
                && s.signature == el.signature
                && (s.first_block as usize..s.end_block as usize).any(|j| kind(j) == kind(h))
                && (s.first_block as usize..s.end_block as usize).any(paragraph)
        });
        if like_story {
            for i in h + 1..page.blocks.len() {
                if !page.within(page.blocks[i].element, a) {
                    r.mark(i, Furniture::OtherStory);
                }
            }
            return;
        }
    }
}

/// Pass: the element that holds the article's body, the one with most paragraph text after
/// the headline (a paragraph counts for the element that holds it, half for the one above, a
/// quarter above that, so the tightest frame wins), with its like siblings (same tag and
/// class) that hold paragraphs of their own: a story in sections. Then what
/// lies after the headline outside them is furniture, but for the lead paragraphs between the
/// headline and the body.
pub fn body(r: &mut Reading<'_>) {
    let page = r.page;
    let start = r.headline.map_or(0, |h| h + 1);
    let mut score: HashMap<u32, f64> = HashMap::new();
    let mut total: HashMap<u32, usize> = HashMap::new();
    for i in start..page.blocks.len() {
        let b = &page.blocks[i];
        if r.furniture[i].is_some() || word_count(&b.text) < 8 {
            continue;
        }
        let w = 1.0 + (b.chars as f64 / 100.0).min(3.0);
        let holder = match page.tag(b.element) {
            "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "li" | "dd" | "dt" | "blockquote"
            | "pre" | "figcaption" => page.elements[b.element as usize].parent,
            _ => b.element,
        };
        for (k, a) in page.ancestors(holder).take(3).enumerate() {
            *score.entry(a).or_default() += w / f64::from(1u32 << k);
        }
        for a in page.ancestors(b.element) {
            *total.entry(a).or_default() += b.chars;
        }
    }
    // The body the publisher marks with schema.org microdata (`itemprop="articleBody"`), when
    // it holds some of what may be the story, is the body: no guess beats the page's word.
    let marked = page.article_body.filter(|&e| {
        let el = &page.elements[e as usize];
        (el.first_block as usize..el.end_block as usize).any(|i| {
            i >= start && r.furniture[i].is_none() && word_count(&page.blocks[i].text) >= 8
        })
    });
    let best = marked.or_else(|| {
        score
            .iter()
            .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(&e, _)| e)
    });
    let Some(best) = best else {
        return;
    };
    // Up through wrappers that hold nothing more that may be the article's.
    let open = |e: u32| {
        let el = &page.elements[e as usize];
        (el.first_block as usize..el.end_block as usize)
            .filter(|&i| i >= start && r.furniture[i].is_none())
            .count()
    };
    let mut body = best;
    loop {
        let p = page.elements[body as usize].parent;
        if p == ROOT || open(p) != open(body) {
            break;
        }
        body = p;
    }
    r.body = Some(body);
    let parent = page.elements[body as usize].parent;
    let enough = total.get(&body).copied().unwrap_or(0) / 4;
    let in_body = |e: u32| {
        page.within(e, body)
            || (parent != ROOT
                && page.ancestors(e).any(|a| {
                    page.elements[a as usize].parent == parent
                        && page.alike(a, body)
                        && total.get(&a).is_some_and(|&t| t >= enough)
                }))
    };
    let first = page.elements[body as usize].first_block as usize;
    for i in start..page.blocks.len() {
        if in_body(page.blocks[i].element) {
            continue;
        }
        // The lead: paragraphs between the headline and the body, but for captions and
        // galleries.
        let b = &page.blocks[i];
        let caption = b.in_list
            || page
                .ancestors(b.element)
                .any(|a| matches!(&*page.elements[a as usize].tag, "figure" | "figcaption"));
        if i < first && !headline_like(&b.text) && !caption && b.heading == 0 {
            continue;
        }
        r.mark(i, Furniture::OutsideBody);
    }
}

/// Whether the article read is the item's. It must hold most of the words of the summary (of
/// the headline when the summary says nothing more), or, when the page's own headline was
/// found (a heading of its own, not a link in a list), at least a fifth of them: some outlets
/// write their summaries apart from the article (on the shared stream a summary has more than
/// half its words in the article for 97.8 % of items, 87.5 % for BBC Arabic; more than a fifth
/// for 99.3 %). Short words are left out: they are in every text.
pub fn matches_item(r: &Reading<'_>, text: &str, expected: &Expected<'_>) -> bool {
    let headline = r.headline.map(|h| &r.page.blocks[h]);
    let with_headline = match headline {
        Some(b) => format!("{}\n{text}", b.text),
        None => text.to_owned(),
    };
    says_the_item(&with_headline, headline.is_some_and(own_headline), expected)
}

/// Whether `text` says what the item says of itself: most of its summary's words (of its
/// headline's when the summary adds fewer than four), or a fifth of them when `anchored` (the
/// item's own headline stands over the text).
pub fn says_the_item(text: &str, anchored: bool, expected: &Expected<'_>) -> bool {
    let have: HashSet<String> = words(text).into_iter().collect();
    let significant = |s: &str| -> Vec<String> {
        let mut w: Vec<String> = words(s)
            .into_iter()
            .filter(|w| w.chars().count() >= 3)
            .collect();
        w.sort();
        w.dedup();
        w
    };
    let title = significant(expected.title);
    let summary: Vec<String> = significant(expected.summary)
        .into_iter()
        .filter(|w| !title.contains(w))
        .collect();
    let want = if summary.len() >= 4 { summary } else { title };
    if want.is_empty() {
        return !text.trim().is_empty();
    }
    let found = want.iter().filter(|w| have.contains(*w)).count();
    found * 2 > want.len() || (anchored && found * 5 >= want.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fulltext::blocks::parse_for_test as page;

    const PARA: &str = "وقال مصدر أمني إن مسلحين هاجموا موقعا للجيش في المنطقة فجر اليوم وأسفر الهجوم عن سقوط قتلى.";

    #[test]
    fn the_headline_is_the_one_followed_by_the_article() {
        let html = format!(
            "<ul><li><a href=/1>هجوم على موقع للجيش</a></li><li><a href=/2>خبر آخر عن الاقتصاد</a></li></ul>\
             <span class=t>هجوم على موقع للجيش</span><br>{PARA}<br>{PARA}"
        );
        let p = page(&html);
        let mut r = Reading::new(&p);
        headline(&mut r, "هجوم على موقع للجيش");
        assert_eq!(r.headline, Some(2));
        assert_eq!(r.furniture[0], Some(Furniture::BeforeHeadline));
    }

    #[test]
    fn a_ticker_line_is_furniture_and_a_sentence_with_dashes_is_not() {
        let p = page(&format!(
            "<div>عاجل: هجوم في غاو — مقتل جنود في النيجر — إغلاق الحدود مع مالي</div>\
             <p>قال الوزير — في مؤتمر صحفي — إن الحكومة ستواصل دعمها للمزارعين هذا العام.</p><p>{PARA}</p>"
        ));
        let mut r = Reading::new(&p);
        tickers(&mut r);
        assert_eq!(r.furniture[0], Some(Furniture::Ticker));
        assert_eq!(r.furniture[1], None);
    }

    #[test]
    fn cards_of_other_stories_are_furniture() {
        let card = |t: &str| {
            format!("<div class=card><h3><a href=/x>{t}</a></h3><p>مقتطف قصير عن الخبر يذكر مالي والنيجر.</p></div>")
        };
        let html = format!(
            "<h1>العنوان هنا</h1><div class=body><p>{PARA}</p><p>{PARA}</p></div><div class=grid>{}{}{}</div>",
            card("هجوم في باماكو"),
            card("كمين في تيلابيري"),
            card("خطف في بوركينا فاسو")
        );
        let p = page(&html);
        let mut r = Reading::new(&p);
        headline(&mut r, "العنوان هنا");
        teasers(&mut r);
        assert_eq!(r.text(), format!("{PARA}\n{PARA}"));
    }

    #[test]
    fn the_item_must_be_on_the_page() {
        let p = page(&format!("<h1>عنوان</h1><p>{PARA}</p>"));
        let mut r = Reading::new(&p);
        headline(&mut r, "عنوان");
        let text = r.text();
        let hit = Expected {
            title: "عنوان",
            summary: "مسلحين هاجموا موقعا للجيش في المنطقة",
        };
        let miss = Expected {
            title: "عنوان",
            summary: "مباراة كرة القدم انتهت بفوز الفريق المحلي بهدفين",
        };
        assert!(matches_item(&r, &text, &hit));
        assert!(!matches_item(&r, &text, &miss));
    }

    /// Every pass in the daemon's order, on a page read alone.
    fn read(html: &str, title: &str) -> String {
        let p = page(html);
        let mut r = Reading::new(&p);
        headline(&mut r, title);
        links(&mut r);
        named(&mut r);
        tickers(&mut r);
        teasers(&mut r);
        labels(&mut r);
        noise(&mut r);
        headline_runs(&mut r);
        frame(&mut r);
        body(&mut r);
        embedded_lists(&mut r);
        super::super::story::duplicates(&mut r);
        r.text()
    }

    #[test]
    fn an_old_portal_gives_its_short_story_alone() {
        // Tables, no <article> nor <h1>, the headline in a <span>, the body broken by <br>, a
        // ticker above, related links beside, a table of timed headlines below.
        let html = "<table><tr><td><a href=/>الرئيسية</a> | <a href=/s>رياضة</a></td></tr></table>\
            <table><tr><td><b>عاجل:</b> مقتل 20 جنديا في هجوم على معسكر للجيش في شمال مالي — مسلحون يختطفون 15 شخصا في تيلابيري — إغلاق الحدود بين النيجر وبنين</td></tr></table>\
            <table><tr><td width=70%><font size=1>الأحد 12 مارس 2017</font><br><span class=ttl>المنتخب المالي يفوز على السنغال بهدفين</span><br><br>\
            فاز المنتخب المالي لكرة القدم على نظيره السنغالي بهدفين مقابل هدف في المباراة الودية التي جرت مساء السبت في باماكو.<br>\
            وسجل الهدفين المهاجم موسى ماريغا في الشوط الثاني.<br></td>\
            <td><b>أخبار ذات صلة</b><br><a href=/1>هجوم على قاعدة عسكرية في ميناكا يوقع قتلى</a><br><a href=/2>كمين لبوكو حرام يقتل 12 جنديا قرب مايدوغوري</a></td></tr></table>\
            <table><tr><td>10:32</td><td>اختطاف ثلاثة عمال أجانب في النيجر</td></tr><tr><td>09:15</td><td>الجيش يعلن مقتل 30 مسلحا</td></tr>\
            <tr><td>08:01</td><td>اشتباكات مسلحة في شمال تشاد</td></tr></table><table><tr><td>جميع الحقوق محفوظة</td></tr></table>";
        let want = "فاز المنتخب المالي لكرة القدم على نظيره السنغالي بهدفين مقابل هدف في المباراة الودية التي جرت مساء السبت في باماكو.\n\
                    وسجل الهدفين المهاجم موسى ماريغا في الشوط الثاني.";
        assert_eq!(read(html, "المنتخب المالي يفوز على السنغال بهدفين"), want);
        // A feed headline worded otherwise finds no anchor: structure alone keeps the ticker,
        // the links and the timed headlines out.
        let alone = read(html, "مالي تهزم جارتها");
        assert!(alone.ends_with(want), "{alone}");
        for leak in ["تيلابيري", "ميناكا", "تشاد", "النيجر"] {
            assert!(!alone.contains(leak), "{leak} leaked: {alone}");
        }
    }

    #[test]
    fn readers_comments_and_most_read_lists_are_furniture() {
        let comment = |who: &str, text: &str| {
            format!("<div class=c><span>{who}</span><span>منذ ساعتين</span><p>{text}</p></div>")
        };
        let html = format!(
            "<div><h3>الأكثر قراءة</h3><div>مقتل جنود في كمين شمال بوركينا فاسو</div><div>خطف رهائن في النيجر</div><div>هجوم على حافلة في مالي</div></div>\
             <h2>افتتاح معرض الكتاب في نواكشوط</h2><div><p>{PARA}</p><p>افتتح وزير الثقافة الموريتاني معرض الكتاب في نواكشوط بمشاركة دور نشر عربية وأفريقية كثيرة.</p></div>\
             <div><h4>التعليقات</h4>{}{}{}</div>",
            comment("أحمد", "هذا مثل الهجوم الذي قتل فيه عشرون جنديا في شمال مالي الأسبوع الماضي"),
            comment("سالم", "والخطف في تيلابيري غرب النيجر لم يتوقف منذ شهور طويلة"),
            comment("مريم", "نتمنى السلام لكل بلدان الساحل من بوركينا فاسو إلى تشاد"),
        );
        let text = read(&html, "افتتاح معرض الكتاب في نواكشوط");
        assert!(text.contains("معرض الكتاب"), "{text}");
        for leak in ["بوركينا", "تيلابيري", "حافلة", "عشرون"] {
            assert!(!text.contains(leak), "{leak} leaked: {text}");
        }
    }

    #[test]
    fn text_outside_every_element_is_read() {
        // Found by the page fuzz target: a fragment whose text has no element around it.
        let text = read("عاجل: هجوم — مقتل جنود — إغلاق الحدود<h1>عنوان</h1><p>كلمة كلمة كلمة كلمة كلمة كلمة كلمة كلمة كلمة كلمة.</p>", "عنوان");
        assert_eq!(text, "كلمة كلمة كلمة كلمة كلمة كلمة كلمة كلمة كلمة كلمة.");
    }

    #[test]
    fn a_live_blog_entry_is_its_own_story() {
        let entry = |time: &str, title: &str, text: &str| {
            format!("<div class=entry><span class=time>{time}</span><h2>{title}</h2><div class=txt><p>{text}</p></div></div>")
        };
        let html = format!(
            "<h1>تغطية مباشرة | التطورات في الساحل</h1><div class=timeline>{}{}{}</div>",
            entry("17:07", "مقتل 20 جنديا في هجوم على معسكر شمال مالي", "قال مصدر عسكري إن مسلحين هاجموا المعسكر فجرا وقتلوا عشرين جنديا قبل أن يفروا نحو الحدود."),
            entry("16:54", "افتتاح مهرجان الموسيقى في نواكشوط", "افتتح وزير الثقافة الموريتاني مساء أمس مهرجان الموسيقى في العاصمة نواكشوط بمشاركة فرق كثيرة."),
            entry("16:31", "خطف 15 شخصا في تيلابيري غرب النيجر", "أفاد سكان بأن مسلحين اقتادوا خمسة عشر شخصا من قرية في منطقة تيلابيري إلى جهة مجهولة."),
        );
        assert_eq!(
            read(&html, "افتتاح مهرجان الموسيقى في نواكشوط"),
            "افتتح وزير الثقافة الموريتاني مساء أمس مهرجان الموسيقى في العاصمة نواكشوط بمشاركة فرق كثيرة."
        );
    }

    #[test]
    fn two_cards_of_other_stories_beside_a_short_story_are_furniture() {
        let card = |t: &str, dek: &str| {
            format!("<div class=card><a href=/x>{t}</a><div class=dek>{dek}</div></div>")
        };
        let html = format!(
            "<table><tr><td><h1>عنوان الخبر القصير</h1><div class=txt>انتهت منذ قليل عملية احتجاز الرهائن في كنيسة بفرنسا بمقتل المنفذين وفق ما أكده مصدر من الشرطة.</div></td>\
             <td><h3>أخبار الساحل</h3>{}{}</td></tr></table>",
            card("الكشف عن مخبأ للأسلحة في الجزائر", "تمكن الجيش الجزائري أمس الأحد في عين قزام من اكتشاف مخبأ للأسلحة والذخيرة قرب الحدود مع مالي."),
            card("تحرير رهائن مع إنهاء حصار فندق في مالي", "قال متحدث باسم وزارة الدفاع إن قوات خاصة من مالي مدعومة بجنود فرنسيين أنهت حصارا لفندق في وسط البلاد بعد اشتباكات طويلة مع المسلحين."),
        );
        assert_eq!(
            read(&html, "عنوان الخبر القصير"),
            "انتهت منذ قليل عملية احتجاز الرهائن في كنيسة بفرنسا بمقتل المنفذين وفق ما أكده مصدر من الشرطة."
        );
    }
}
