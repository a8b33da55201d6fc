//! Article pages laid out as Arabic news sites lay them out, to measure page reading against.
//!
//! The page stage must return the article's own text whatever page it sits on. Measuring that
//! on one layout says little: an extractor can be tuned to it without noticing that an old
//! table portal, or a page that lists other headlines before the story, makes it read the
//! furniture. So `eval --as-received` and `scripts/replay.py --as-received` (through
//! `examples/layout_pages.rs`, so that there is one source of truth) serve every article in each
//! of these layouts, modelled on real sites:
//!
//! - [`Layout::Semantic`]: a modern CMS (Al Jazeera, Sky News Arabia): `<header>`/`<nav>`,
//!   `<article>` with its `<h1>`, an `<aside>` of the most read, cards of more stories.
//! - [`Layout::Wordpress`]: a WordPress news theme: `div` soup with `.site-header`,
//!   `.entry-title`, `.entry-content`, a sidebar of `.widget`s (latest, most read, a tag cloud)
//!   and `#comments` where readers quote other headlines.
//! - [`Layout::TablePortal`]: an older Maghreb or Sahel portal: layout tables, no `<article>`
//!   and no `<h1>`, the headline in a `<span>` or `<font><b>`, the body as text broken by `<br>`,
//!   a breaking-news ticker line of headlines above the story, a cell of related links beside it
//!   and a table of timed headlines.
//! - [`Layout::Amp`]: an AMP page (`<html ⚡>`, `amp-img`, an `amp-carousel` of teaser cards).
//! - [`Layout::ListsFirst`]: latest news, most read and teaser cards before the story in
//!   source order (a right-hand column written first, or a CSS grid reordering).
//! - [`Layout::RelatedInline`]: «اقرأ أيضا» links and a boxed list of headlines inside the body,
//!   between its paragraphs.
//! - [`Layout::HeadlineNotH1`]: the page's `<h1>` is the site's logo or section; the headline is
//!   in an `<h2>`, `<h3>` or `<div class="title">`.
//!
//! Every layout fills its furniture (tickers, link lists, teaser cards with a dek, most read,
//! comments, footer) with the *other* stories the caller passes, in the order given: callers put
//! Sahel security headlines first, since they are what must not leak into an unrelated
//! article. A seed varies the details (separators, labels, how many cards, whether the date
//! precedes the headline, class names) so that no reader can key on one fixed string; the same
//! seed gives the same page.

use std::fmt::Write;

use crate::feed::escape_html as esc;

/// One of the page layouts; see the module's documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layout {
    Semantic,
    Wordpress,
    TablePortal,
    Amp,
    ListsFirst,
    RelatedInline,
    HeadlineNotH1,
}

impl Layout {
    pub const ALL: [Layout; 7] = [
        Layout::Semantic,
        Layout::Wordpress,
        Layout::TablePortal,
        Layout::Amp,
        Layout::ListsFirst,
        Layout::RelatedInline,
        Layout::HeadlineNotH1,
    ];

    /// The name used on command lines and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Layout::Semantic => "semantic",
            Layout::Wordpress => "wordpress",
            Layout::TablePortal => "table_portal",
            Layout::Amp => "amp",
            Layout::ListsFirst => "lists_first",
            Layout::RelatedInline => "related_inline",
            Layout::HeadlineNotH1 => "headline_not_h1",
        }
    }

    pub fn parse(name: &str) -> Option<Layout> {
        Layout::ALL.into_iter().find(|l| l.name() == name)
    }
}

impl std::fmt::Display for Layout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Another story that the page's furniture links to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Other<'a> {
    pub title: &'a str,
    /// The story's summary: teaser cards show its first sentence, as sites cut their deks.
    pub dek: &'a str,
    /// Where its links point (a path on the same site, or a URL).
    pub href: String,
}

/// The HTML of the page of the article `title` with `text`, in `layout`, on `site` (its name
/// is in the `<title>`, the logo and the footer), with `others` in the furniture.
pub fn render(
    layout: Layout,
    title: &str,
    text: &str,
    others: &[Other<'_>],
    site: &str,
    seed: u64,
) -> String {
    let mut page = Page::new(title, text, others, site, seed ^ layout as u64);
    match layout {
        Layout::Semantic => page.semantic(),
        Layout::Wordpress => page.wordpress(),
        Layout::TablePortal => page.table_portal(),
        Layout::Amp => page.amp(),
        Layout::ListsFirst => page.lists_first(),
        Layout::RelatedInline => page.related_inline(),
        Layout::HeadlineNotH1 => page.headline_not_h1(),
    }
}

/// The article's paragraphs: its own lines, or, for a text without line breaks (many feeds
/// and corpora flatten them), its sentences two by two, as a CMS would have shown them.
pub fn paragraphs(text: &str) -> Vec<&str> {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.len() != 1 {
        return lines;
    }
    let line = lines[0];
    sentences(line)
        .chunks(2)
        .map(|pair| &line[pair[0].start..pair[pair.len() - 1].end])
        .collect()
}

/// The sentences of one line, as byte ranges without their surrounding spaces: a sentence ends
/// after «.», «!», «?» or «؟» followed by a space (so «3.5» stays whole).
fn sentences(line: &str) -> Vec<std::ops::Range<usize>> {
    let mut cuts = Vec::new();
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let ends = matches!(c, '.' | '!' | '?' | '؟')
            && chars.peek().is_some_and(|(_, next)| next.is_whitespace());
        if ends {
            cuts.push(i + c.len_utf8());
        }
    }
    cuts.push(line.len());
    let mut start = 0;
    let mut out = Vec::new();
    for end in cuts {
        let piece = &line[start..end];
        let lead = piece.len() - piece.trim_start().len();
        let trimmed = piece.trim();
        if !trimmed.is_empty() {
            out.push(start + lead..start + lead + trimmed.len());
        }
        start = end;
    }
    out
}

/// A teaser's dek: the first sentence of a summary, at most 160 characters cut at a word.
fn teaser(summary: &str) -> String {
    let summary = summary.trim();
    let first = sentences(summary)
        .into_iter()
        .next()
        .map_or("", |r| &summary[r]);
    match first.char_indices().nth(160) {
        None => first.to_owned(),
        Some((at, _)) => {
            let head = &first[..at];
            format!("{}…", head.rfind(' ').map_or(head, |w| &head[..w]))
        }
    }
}

/// JSON for a `<script>` element, with `<`, `>` and `&` as `\u` escapes (as frameworks write
/// their page data): a `</script>` in a headline would otherwise end the element early.
fn script_json(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// SplitMix64: small, deterministic, and good enough to vary page details by a seed.
struct Dice(u64);

impl Dice {
    fn roll(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.roll() % n.max(1) as u64) as usize
    }

    /// A number in `lo..=hi`.
    fn between(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn coin(&mut self) -> bool {
        self.roll() & 1 == 1
    }

    fn pick<'t, T>(&mut self, xs: &'t [T]) -> &'t T {
        &xs[self.below(xs.len())]
    }
}

const NAV: [&str; 10] = [
    "الرئيسية",
    "أخبار",
    "سياسة",
    "اقتصاد",
    "رياضة",
    "ثقافة",
    "منوعات",
    "فيديو",
    "رأي",
    "اتصل بنا",
];
const SECTIONS: [&str; 5] = ["أخبار", "سياسة", "أفريقيا", "العالم", "المغرب العربي"];
const TICKER_LABELS: [&str; 4] = ["عاجل", "خبر عاجل", "الآن", "عاجل جدا"];
/// What joins the headlines of a one-line ticker.
const TICKER_SEPARATORS: [&str; 4] = [" — ", " | ", " • ", " ● "];
const MOST_READ: [&str; 3] = ["الأكثر قراءة", "الأكثر مشاهدة", "الأكثر تداولا"];
const LATEST: [&str; 3] = ["آخر الأخبار", "أحدث الأخبار", "جديد الأخبار"];
const RELATED: [&str; 5] = [
    "اقرأ أيضا",
    "اقرأ أيضاً",
    "مواضيع ذات صلة",
    "قد يهمك أيضا",
    "أخبار ذات صلة",
];
const MONTHS: [&str; 12] = [
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
];
const DAYS: [&str; 7] = [
    "السبت",
    "الأحد",
    "الاثنين",
    "الثلاثاء",
    "الأربعاء",
    "الخميس",
    "الجمعة",
];
const BYLINES: [&str; 4] = ["وكالات", "متابعات", "فريق التحرير", "المحرر السياسي"];
/// A tag cloud of the kind Sahel-facing sites keep: single words that name the region.
const TAGS: [&str; 12] = [
    "مالي",
    "النيجر",
    "بوركينا فاسو",
    "الساحل",
    "الإرهاب",
    "تشاد",
    "موريتانيا",
    "الجزائر",
    "اقتصاد",
    "كرة القدم",
    "الانتخابات",
    "الأمن",
];
const COMMENTERS: [&str; 6] = [
    "أبو محمد",
    "سالم",
    "مواطن غيور",
    "فاطمة الزهراء",
    "عبد الله",
    "متابع",
];
/// Reader comments that quote another headline; `{}` is the headline.
const COMMENTS: [&str; 4] = [
    "هذا يذكرني بخبر «{}»، متى تتحرك الحكومات؟",
    "نشرتم أمس «{}» واليوم هذا، الله يستر.",
    "لماذا لا تتابعون قصة «{}»؟ هي أهم من هذا.",
    "{}... نفس الأخبار كل يوم ولا شيء يتغير.",
];

/// One page being written: the article, the other stories handed out to the furniture in
/// turn, and the dice that vary the details.
struct Page<'a> {
    /// The headline as given, for the page's JSON-LD.
    raw_title: &'a str,
    /// The headline escaped for HTML, as are `paragraphs` and `site`.
    title: String,
    paragraphs: Vec<String>,
    others: &'a [Other<'a>],
    next_other: usize,
    site: String,
    dice: Dice,
    date: String,
    year: usize,
    section: &'static str,
}

impl<'a> Page<'a> {
    fn new(title: &'a str, text: &str, others: &'a [Other<'a>], site: &str, seed: u64) -> Page<'a> {
        let mut dice = Dice(seed);
        let (day, month, year) = (
            dice.between(1, 28),
            dice.below(12),
            dice.between(2012, 2025),
        );
        let (hour, minute) = (dice.below(24), dice.below(60));
        let date = match dice.below(4) {
            0 => format!("{day} {} {year}", MONTHS[month]),
            1 => format!("{year}/{:02}/{day:02} {hour:02}:{minute:02}", month + 1),
            2 => format!(
                "{} {day} {} {year} - {hour:02}:{minute:02}",
                dice.pick(&DAYS),
                MONTHS[month]
            ),
            _ => format!("نشر في: {day:02}-{:02}-{year}", month + 1),
        };
        let section = *dice.pick(&SECTIONS);
        Page {
            raw_title: title,
            title: esc(title),
            paragraphs: paragraphs(text).into_iter().map(esc).collect(),
            others,
            next_other: 0,
            site: esc(site),
            dice,
            date,
            year,
            section,
        }
    }

    /// The next `n` other stories, going round when there are fewer (sites repeat a headline
    /// in their ticker and their most-read list); none when there are none.
    fn take(&mut self, n: usize) -> Vec<&'a Other<'a>> {
        if self.others.is_empty() {
            return Vec::new();
        }
        (0..n)
            .map(|_| {
                let o = &self.others[self.next_other % self.others.len()];
                self.next_other += 1;
                o
            })
            .collect()
    }

    fn head(&mut self, extra: &str) -> String {
        let title = if self.dice.coin() {
            format!("{} | {}", self.title, self.site)
        } else {
            format!("{} - {}", self.site, self.title)
        };
        let ld = script_json(&serde_json::json!({
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": self.raw_title,
            "datePublished": format!("{}-01-01", self.year),
            "publisher": {"@type": "Organization", "name": self.site},
        }));
        let version = self.dice.below(10_000);
        format!(
            "<head><meta charset=\"utf-8\"><title>{title}</title>\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <meta name=\"description\" content=\"{t}\"><meta property=\"og:title\" content=\"{t}\">\
             <meta property=\"og:site_name\" content=\"{site}\"><meta property=\"og:type\" content=\"article\">\
             <link rel=\"stylesheet\" href=\"/assets/main.css?v={version}\">\
             <style>.hidden{{display:none}} body{{font-family:Tahoma,Arial;direction:rtl}}</style>\
             <script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments)}}gtag('js',new Date());</script>\
             <script type=\"application/ld+json\">{ld}</script>{extra}</head>",
            t = self.title,
            site = self.site,
        )
    }

    fn nav_items(&mut self) -> String {
        let n = self.dice.between(5, NAV.len());
        NAV[..n]
            .iter()
            .enumerate()
            .map(|(i, name)| format!("<li><a href=\"/section/{i}\">{name}</a></li>"))
            .collect()
    }

    fn link_items(&mut self, n: usize) -> String {
        self.take(n)
            .into_iter()
            .map(|o| format!("<li><a href=\"{}\">{}</a></li>", esc(&o.href), esc(o.title)))
            .collect()
    }

    /// Teaser cards: image, headline in `heading`, and a one-sentence dek.
    fn cards(&mut self, n: usize, element: &str, heading: &str) -> String {
        let mut out = String::new();
        for o in self.take(n) {
            let img = self.dice.below(100_000);
            let _ = write!(
                out,
                "<{element} class=\"card\"><a href=\"{href}\"><img src=\"/img/{img}.jpg\" alt=\"\" loading=\"lazy\">\
                 <{heading} class=\"card-title\">{t}</{heading}></a><p class=\"card-dek\">{dek}</p></{element}>",
                href = esc(&o.href),
                t = esc(o.title),
                dek = esc(&teaser(o.dek)),
            );
        }
        out
    }

    /// A breaking-news ticker as one line of text: «عاجل: headline — headline — headline».
    fn ticker_line(&mut self, n: usize) -> String {
        let label = *self.dice.pick(&TICKER_LABELS);
        let separator = *self.dice.pick(&TICKER_SEPARATORS);
        let heads: Vec<String> = self.take(n).into_iter().map(|o| esc(o.title)).collect();
        format!("{label}: {}", heads.join(separator))
    }

    /// A clock time for the timed headline lists, earlier for each later row.
    fn times(&mut self, n: usize) -> Vec<String> {
        let mut minutes = self.dice.between(8 * 60, 23 * 60);
        (0..n)
            .map(|_| {
                minutes = minutes.saturating_sub(self.dice.between(4, 50));
                format!("{:02}:{:02}", minutes / 60, minutes % 60)
            })
            .collect()
    }

    fn comments(&mut self, n: usize) -> String {
        let mut out = String::new();
        for o in self.take(n) {
            let who = *self.dice.pick(&COMMENTERS);
            let said = self.dice.pick(&COMMENTS).replace("{}", &esc(o.title));
            let _ = write!(
                out,
                "<li class=\"comment\"><div class=\"comment-author vcard\"><b class=\"fn\">{who}</b></div>\
                 <div class=\"comment-metadata\"><time>{}</time></div>\
                 <div class=\"comment-content\"><p>{said}</p></div>\
                 <div class=\"reply\"><a class=\"comment-reply-link\" href=\"#respond\">رد</a></div></li>",
                self.date,
            );
        }
        out
    }

    fn tags(&mut self) -> String {
        let start = self.dice.below(TAGS.len());
        let n = self.dice.between(5, 9);
        (0..n)
            .map(|k| {
                let tag = TAGS[(start + k) % TAGS.len()];
                format!("<a href=\"/tag/{k}\" class=\"tag-cloud-link\">{tag}</a> ")
            })
            .collect()
    }

    fn body_paragraphs(&self) -> String {
        self.paragraphs
            .iter()
            .map(|p| format!("<p>{p}</p>"))
            .collect()
    }

    fn footer_links(&mut self) -> String {
        let n = self.dice.between(3, 5);
        self.link_items(n)
    }

    /// The headline and the date line, in the order this page's seed chose.
    fn headline_with_date(&mut self, headline: String, date: String) -> String {
        if self.dice.coin() {
            format!("{date}{headline}")
        } else {
            format!("{headline}{date}")
        }
    }

    fn semantic(&mut self) -> String {
        let head = self.head("");
        let nav = self.nav_items();
        let breaking = if self.dice.coin() {
            let label = *self.dice.pick(&TICKER_LABELS);
            let n = self.dice.between(2, 4);
            format!(
                "<div class=\"breaking-news\" role=\"region\"><span class=\"breaking-label\">{label}</span><ul>{}</ul></div>",
                self.link_items(n)
            )
        } else {
            String::new()
        };
        let headline = self.headline_with_date(
            format!("<h1 class=\"article-title\">{}</h1>", self.title),
            format!(
                "<div class=\"article-dates\"><time>{}</time></div>",
                self.date
            ),
        );
        let most = *self.dice.pick(&MOST_READ);
        let most_n = self.dice.between(4, 6);
        let most_items = self.link_items(most_n);
        let card_element = if self.dice.coin() { "article" } else { "div" };
        let cards_n = self.dice.between(3, 5);
        let cards = self.cards(cards_n, card_element, "h3");
        let footer = self.footer_links();
        let trending: Vec<&str> = self.take(4).into_iter().map(|o| o.title).collect();
        let data =
            script_json(&serde_json::json!({"props": {"pageProps": {"trending": trending}}}));
        format!(
            "<!DOCTYPE html><html lang=\"ar\" dir=\"rtl\">{head}<body class=\"article-page\">\
             <a class=\"skip-link\" href=\"#main\">تخطي إلى المحتوى</a>\
             <header class=\"site-header\"><a class=\"site-logo\" href=\"/\"><img src=\"/logo.svg\" alt=\"{site}\"></a>\
             <nav aria-label=\"القائمة الرئيسية\"><ul>{nav}</ul></nav></header>{breaking}\
             <main id=\"main\"><article class=\"article\">\
             <nav class=\"breadcrumbs\"><a href=\"/\">الرئيسية</a> › <a href=\"/news\">{section}</a></nav>\
             <header class=\"article-header\">{headline}</header>\
             <figure class=\"article-featured-image\"><img src=\"/img/lead.jpg\" alt=\"\"><figcaption>صورة أرشيفية</figcaption></figure>\
             <div class=\"wysiwyg wysiwyg--all-content\">{body}</div>\
             <div class=\"article-topics\"><a href=\"/topics/{section}\">{section}</a></div></article>\
             <aside class=\"most-read\" aria-label=\"{most}\"><h2>{most}</h2><ol>{most_items}</ol></aside>\
             <section class=\"more-stories\"><h2>المزيد من {section}</h2>{cards}</section></main>\
             <footer class=\"site-footer\"><ul>{footer}</ul><p>© {year} {site}. جميع الحقوق محفوظة</p></footer>\
             <script id=\"__NEXT_DATA__\" type=\"application/json\">{data}</script></body></html>",
            site = self.site,
            section = self.section,
            body = self.body_paragraphs(),
            year = self.year,
        )
    }

    fn wordpress(&mut self) -> String {
        let head = self.head("<link rel=\"https://api.w.org/\" href=\"/wp-json/\">");
        let nav = self.nav_items();
        let post = self.dice.between(1000, 99_999);
        let ticker = if self.dice.coin() {
            let label = *self.dice.pick(&TICKER_LABELS);
            let n = self.dice.between(3, 5);
            format!(
                "<div class=\"breaking-news\"><span class=\"breaking-title\">{label}</span><ul class=\"breaking-news-list\">{}</ul></div>",
                self.link_items(n)
            )
        } else {
            String::new()
        };
        // Theme classes: the default theme's, Jannah's and Newspaper's.
        let content_class = *self.dice.pick(&[
            "entry-content",
            "entry-content entry clearfix",
            "entry-content td-post-content",
        ]);
        let byline = *self.dice.pick(&BYLINES);
        let headline = self.headline_with_date(
            format!("<h1 class=\"entry-title\">{}</h1>", self.title),
            format!(
                "<div class=\"entry-meta\"><span class=\"posted-on\"><time class=\"entry-date published\">{}</time></span>\
                 <span class=\"byline\"> بواسطة <span class=\"author vcard\">{}</span></span></div>",
                self.date,
                byline
            ),
        );
        let adjacent = self.take(2);
        let post_nav: String = adjacent
            .iter()
            .zip([("nav-previous", "prev"), ("nav-next", "next")])
            .map(|(o, (class, rel))| {
                format!(
                    "<div class=\"{class}\"><a href=\"{}\" rel=\"{rel}\">{}</a></div>",
                    esc(&o.href),
                    esc(o.title)
                )
            })
            .collect();
        let related = *self.dice.pick(&RELATED);
        let related_n = self.dice.between(3, 4);
        let related_cards = self.cards(related_n, "div", "h3");
        let comments_n = self.dice.between(2, 4);
        let comments = self.comments(comments_n);
        let latest = *self.dice.pick(&LATEST);
        let latest_n = self.dice.between(4, 6);
        let latest_items = self.link_items(latest_n);
        let most = *self.dice.pick(&MOST_READ);
        let most_n = self.dice.between(4, 6);
        let most_items = self.link_items(most_n);
        let tags = self.tags();
        let footer = self.footer_links();
        format!(
            "<!DOCTYPE html><html dir=\"rtl\" lang=\"ar\">{head}\
             <body class=\"post-template-default single single-post postid-{post} single-format-standard\">\
             <div id=\"page\" class=\"site\"><a class=\"skip-link screen-reader-text\" href=\"#content\">انتقل إلى المحتوى</a>\
             <header id=\"masthead\" class=\"site-header\"><div class=\"site-branding\"><p class=\"site-title\"><a href=\"/\" rel=\"home\">{site}</a></p>\
             <p class=\"site-description\">موقع إخباري مستقل</p></div>\
             <nav id=\"site-navigation\" class=\"main-navigation\"><ul id=\"primary-menu\" class=\"menu\">{nav}</ul></nav></header>{ticker}\
             <div id=\"content\" class=\"site-content\"><div id=\"primary\" class=\"content-area\"><main id=\"main\" class=\"site-main\">\
             <div id=\"post-{post}\" class=\"post-{post} post type-post status-publish format-standard has-post-thumbnail hentry\">\
             <div class=\"entry-header\">{headline}</div>\
             <div class=\"post-thumbnail\"><img src=\"/wp-content/uploads/{year}/lead.jpg\" class=\"wp-post-image\" alt=\"\"></div>\
             <div class=\"{content_class}\">{body}\
             <div class=\"sharedaddy sd-sharing-enabled\"><h3 class=\"sd-title\">شارك هذا:</h3><ul><li><a href=\"#\">فيسبوك</a></li><li><a href=\"#\">تويتر</a></li></ul></div></div>\
             <div class=\"entry-footer\"><span class=\"cat-links\">نشرت في <a href=\"/category/news\">{section}</a></span></div></div>\
             <nav class=\"navigation post-navigation\"><h2 class=\"screen-reader-text\">تصفّح المقالات</h2><div class=\"nav-links\">{post_nav}</div></nav>\
             <div class=\"related-posts\"><h3 class=\"related-title\">{related}</h3>{related_cards}</div>\
             <div id=\"comments\" class=\"comments-area\"><h2 class=\"comments-title\">{comments_n} تعليقات على &ldquo;{title}&rdquo;</h2>\
             <ol class=\"comment-list\">{comments}</ol>\
             <div id=\"respond\" class=\"comment-respond\"><h3 id=\"reply-title\" class=\"comment-reply-title\">أضف تعليقاً</h3>\
             <form action=\"/wp-comments-post.php\" method=\"post\"><textarea name=\"comment\"></textarea><input type=\"submit\" value=\"إرسال التعليق\"></form></div></div>\
             </main></div>\
             <div id=\"secondary\" class=\"widget-area\" role=\"complementary\">\
             <section class=\"widget widget_recent_entries\"><h2 class=\"widget-title\">{latest}</h2><ul>{latest_items}</ul></section>\
             <section class=\"widget widget_popular_posts\"><h2 class=\"widget-title\">{most}</h2><ul>{most_items}</ul></section>\
             <section class=\"widget widget_tag_cloud\"><h2 class=\"widget-title\">وسوم</h2><div class=\"tagcloud\">{tags}</div></section></div></div>\
             <footer id=\"colophon\" class=\"site-footer\"><div class=\"footer-widgets\"><ul>{footer}</ul></div>\
             <div class=\"site-info\">© {year} {site} — يعمل بواسطة ووردبريس</div></footer></div>\
             <script src=\"/wp-includes/js/wp-embed.min.js?ver=5.8\"></script></body></html>",
            site = self.site,
            section = self.section,
            title = self.title,
            body = self.body_paragraphs(),
            year = self.year,
        )
    }

    fn table_portal(&mut self) -> String {
        let ticker_n = self.dice.between(3, 5);
        let ticker = self.ticker_line(ticker_n);
        // A marquee of plain text, or the same line in a table cell.
        let ticker = if self.dice.coin() {
            format!("<marquee direction=\"right\" scrollamount=\"3\" onmouseover=\"this.stop()\" onmouseout=\"this.start()\">{ticker}</marquee>")
        } else {
            format!("<font color=\"#cc0000\">{ticker}</font>")
        };
        let menu: String = NAV[..self.dice.between(5, NAV.len())]
            .iter()
            .enumerate()
            .map(|(i, n)| format!("<a href=\"/index.php?cat={i}\" class=\"menu\">{n}</a>"))
            .collect::<Vec<_>>()
            .join(" | ");
        let headline = if self.dice.coin() {
            let class = *self.dice.pick(&["title_news", "NewsTitle", "art_title"]);
            format!("<span class=\"{class}\">{}</span>", self.title)
        } else {
            format!(
                "<font size=\"4\" color=\"#990000\" face=\"Tahoma\"><b>{}</b></font>",
                self.title
            )
        };
        let date = format!("<span class=\"date\">{}</span>", self.date);
        let headline = self.headline_with_date(format!("{headline}<br>"), format!("{date}<br>"));
        let body = self.paragraphs.join("<br><br>\n");
        let related_label = *self.dice.pick(&RELATED);
        let related_n = self.dice.between(4, 6);
        let related: String = self
            .take(related_n)
            .into_iter()
            .map(|o| {
                format!(
                    "<img src=\"/images/arrow.gif\" width=\"7\" height=\"7\"> <a href=\"{}\" class=\"link\">{}</a><br>",
                    esc(&o.href),
                    esc(o.title)
                )
            })
            .collect();
        let related_cell = format!(
            "<td width=\"190\" valign=\"top\" class=\"side\"><table width=\"100%\" cellpadding=\"3\">\
             <tr><td class=\"side_title\" bgcolor=\"#eeeeee\"><b>{related_label}</b></td></tr>\
             <tr><td>{related}</td></tr></table></td>"
        );
        let story_cell = format!(
            "<td valign=\"top\" class=\"content\">{headline}<br>\
             <table width=\"100%\"><tr><td class=\"text_news\" align=\"justify\">{body}</td></tr></table><br>\
             <a href=\"/print.php\">طباعة</a> | <a href=\"/send.php\">أرسل لصديق</a></td>"
        );
        // Related links left or right of the story, as the portal's template placed them.
        let (first, second) = if self.dice.coin() {
            (related_cell, story_cell)
        } else {
            (story_cell, related_cell)
        };
        let latest = *self.dice.pick(&LATEST);
        let timed_n = self.dice.between(4, 7);
        let times = self.times(timed_n);
        let one_cell = self.dice.coin();
        let timed: String = self
            .take(timed_n)
            .into_iter()
            .zip(times)
            .map(|(o, t)| {
                let link = format!("<a href=\"{}\">{}</a>", esc(&o.href), esc(o.title));
                if one_cell {
                    format!("<tr><td>{t} {link}</td></tr>")
                } else {
                    format!("<tr><td class=\"time\">{t}</td><td>{link}</td></tr>")
                }
            })
            .collect();
        let footer: String = self
            .take(3)
            .into_iter()
            .map(|o| format!("<a href=\"{}\">{}</a>", esc(&o.href), esc(o.title)))
            .collect::<Vec<_>>()
            .join(" - ");
        format!(
            "<html dir=\"rtl\"><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\
             <title>{site} :: {title}</title><link href=\"/style.css\" rel=\"stylesheet\" type=\"text/css\">\
             <script language=\"javascript\">function MM_openBrWindow(u,n,f){{window.open(u,n,f);}}</script></head>\
             <body bgcolor=\"#ffffff\" topmargin=\"0\" leftmargin=\"0\">\
             <table width=\"980\" align=\"center\" border=\"0\" cellpadding=\"0\" cellspacing=\"0\">\
             <tr><td><img src=\"/images/logo.gif\" alt=\"{site}\"></td><td align=\"left\"><img src=\"/images/banner.gif\"></td></tr></table>\
             <table width=\"980\" align=\"center\" bgcolor=\"#003366\"><tr><td class=\"menu\">{menu}</td></tr></table>\
             <table width=\"980\" align=\"center\"><tr><td class=\"ticker\">{ticker}</td></tr></table>\
             <table width=\"980\" align=\"center\" border=\"0\" cellpadding=\"4\"><tr>{first}{second}\
             <td width=\"200\" valign=\"top\"><table width=\"100%\" class=\"last_news\">\
             <tr><td colspan=\"2\" class=\"side_title\"><b>{latest}</b></td></tr>{timed}</table></td></tr></table>\
             <table width=\"980\" align=\"center\"><tr><td class=\"footer\">{footer}<br>جميع الحقوق محفوظة © {site} {year}</td></tr></table>\
             </body></html>",
            site = self.site,
            title = self.title,
            year = self.year,
        )
    }

    fn amp(&mut self) -> String {
        let nav = self.nav_items();
        let headline = self.headline_with_date(
            format!("<h1 class=\"amp-title\">{}</h1>", self.title),
            format!("<time class=\"amp-date\">{}</time>", self.date),
        );
        let related = *self.dice.pick(&RELATED);
        let cards_n = self.dice.between(3, 6);
        let cards = self.cards(cards_n, "div", "h3");
        // Some AMP templates open with a carousel of the latest stories as well.
        let top = if self.dice.coin() {
            let n = self.dice.between(2, 4);
            format!(
                "<amp-carousel class=\"latest\" type=\"carousel\" layout=\"fixed-height\" height=\"120\">{}</amp-carousel>",
                self.cards(n, "div", "h2")
            )
        } else {
            String::new()
        };
        let footer = self.footer_links();
        format!(
            "<!doctype html><html ⚡ lang=\"ar\" dir=\"rtl\"><head><meta charset=\"utf-8\">\
             <script async src=\"https://cdn.ampproject.org/v0.js\"></script>\
             <script async custom-element=\"amp-carousel\" src=\"https://cdn.ampproject.org/v0/amp-carousel-0.2.js\"></script>\
             <script async custom-element=\"amp-sidebar\" src=\"https://cdn.ampproject.org/v0/amp-sidebar-0.1.js\"></script>\
             <title>{title} | {site}</title><link rel=\"canonical\" href=\"/article\">\
             <meta name=\"viewport\" content=\"width=device-width\">\
             <style amp-boilerplate>body{{-webkit-animation:-amp-start 8s steps(1,end) 0s 1 normal both;animation:-amp-start 8s steps(1,end) 0s 1 normal both}}</style>\
             <noscript><style amp-boilerplate>body{{-webkit-animation:none;animation:none}}</style></noscript>\
             <style amp-custom>.amp-title{{font-size:1.6rem}}.card{{width:240px}}</style></head>\
             <body><amp-sidebar id=\"sidebar\" layout=\"nodisplay\" side=\"right\"><ul>{nav}</ul></amp-sidebar>\
             <header class=\"amp-header\"><button on=\"tap:sidebar.toggle\">☰</button>\
             <a href=\"/\"><amp-img src=\"/logo.png\" width=\"120\" height=\"40\" alt=\"{site}\"></amp-img></a></header>{top}\
             <article class=\"amp-article\"><header>{headline}</header>\
             <amp-img src=\"/img/lead.jpg\" layout=\"responsive\" width=\"16\" height=\"9\" alt=\"\"></amp-img>\
             <div class=\"amp-body\">{body}</div>\
             <amp-social-share type=\"facebook\"></amp-social-share><amp-social-share type=\"twitter\"></amp-social-share></article>\
             <section class=\"amp-related\"><h2>{related}</h2>\
             <amp-carousel type=\"carousel\" layout=\"fixed-height\" height=\"260\">{cards}</amp-carousel></section>\
             <amp-analytics type=\"gtag\"><script type=\"application/json\">{{\"vars\":{{\"gtag_id\":\"G-1\"}}}}</script></amp-analytics>\
             <footer class=\"amp-footer\"><ul>{footer}</ul><p>© {year} {site}</p></footer></body></html>",
            title = self.title,
            site = self.site,
            body = self.body_paragraphs(),
            year = self.year,
        )
    }

    fn lists_first(&mut self) -> String {
        let head = self.head("");
        let nav = self.nav_items();
        let latest = *self.dice.pick(&LATEST);
        let latest_n = self.dice.between(4, 7);
        let times = self.times(latest_n);
        let latest_items: String = self
            .take(latest_n)
            .into_iter()
            .zip(times)
            .map(|(o, t)| {
                format!(
                    "<li><span class=\"time\">{t}</span> <a href=\"{}\">{}</a></li>",
                    esc(&o.href),
                    esc(o.title)
                )
            })
            .collect();
        let most = *self.dice.pick(&MOST_READ);
        let most_n = self.dice.between(3, 5);
        let most_items = self.link_items(most_n);
        let cards_n = self.dice.between(2, 4);
        let cards = self.cards(cards_n, "div", "h3");
        let lists = [
            format!("<div class=\"latest-news\"><h3>{latest}</h3><ul>{latest_items}</ul></div>"),
            format!("<div class=\"most-read\"><h3>{most}</h3><ol>{most_items}</ol></div>"),
            format!("<div class=\"cards\">{cards}</div>"),
        ];
        // The lists in the order this site's column template writes them.
        let rotation = self.dice.below(lists.len());
        let lists: String = (0..lists.len())
            .map(|k| lists[(rotation + k) % lists.len()].as_str())
            .collect();
        let headline = self.headline_with_date(
            format!("<h1>{}</h1>", self.title),
            format!("<span class=\"date\">{}</span>", self.date),
        );
        let footer = self.footer_links();
        format!(
            "<!DOCTYPE html><html lang=\"ar\" dir=\"rtl\">{head}<body>\
             <div class=\"top-bar\"><span>{date}</span></div>\
             <div class=\"header\"><a class=\"logo\" href=\"/\">{site}</a><ul class=\"menu\">{nav}</ul></div>\
             <div class=\"container\"><div class=\"col-side\">{lists}</div>\
             <div class=\"col-main\"><div class=\"story\"><div class=\"story-head\">{headline}</div>\
             <div class=\"story-img\"><img src=\"/img/lead.jpg\" alt=\"\"></div>\
             <div class=\"story-body\">{body}</div>\
             <div class=\"share\"><a href=\"#\">شارك</a></div></div></div></div>\
             <div class=\"footer\"><ul>{footer}</ul><p>جميع الحقوق محفوظة لـ {site} © {year}</p></div></body></html>",
            date = self.date,
            site = self.site,
            body = self.body_paragraphs(),
            year = self.year,
        )
    }

    fn related_inline(&mut self) -> String {
        let head = self.head("");
        let nav = self.nav_items();
        let read_also = *self.dice.pick(&["اقرأ أيضا", "اقرأ أيضاً", "طالع أيضا"]);
        let box_label = *self.dice.pick(&RELATED);
        let strong_label = self.dice.coin();
        // An «اقرأ أيضا» line after every second paragraph, the box after the first line,
        // and at least one of each even for a one-paragraph article.
        let count = self.paragraphs.len();
        let box_after = usize::from(count > 1);
        let mut body = String::new();
        for i in 0..count {
            let _ = write!(body, "<p>{}</p>", self.paragraphs[i]);
            if i % 2 == 0 && (i + 1 < count || count == 1) {
                if let Some(o) = self.take(1).first() {
                    let link = format!("<a href=\"{}\">{}</a>", esc(&o.href), esc(o.title));
                    if strong_label {
                        let _ = write!(body, "<p><strong>{read_also}:</strong> {link}</p>");
                    } else {
                        let _ = write!(
                            body,
                            "<div class=\"read-also\"><span>{read_also}</span> {link}</div>"
                        );
                    }
                }
            }
            if i == box_after {
                let _ = write!(
                    body,
                    "<div class=\"related-box\"><h4>{box_label}</h4><ul>{}</ul></div>",
                    self.link_items(3)
                );
            }
        }
        let byline = *self.dice.pick(&BYLINES);
        let headline = self.headline_with_date(
            format!("<h1 class=\"headline\">{}</h1>", self.title),
            format!("<p class=\"byline\">{} — {}</p>", byline, self.date),
        );
        let most = *self.dice.pick(&MOST_READ);
        let most_n = self.dice.between(3, 5);
        let most_items = self.link_items(most_n);
        let footer = self.footer_links();
        format!(
            "<!DOCTYPE html><html lang=\"ar\" dir=\"rtl\">{head}<body>\
             <header><div class=\"logo\"><a href=\"/\">{site}</a></div><nav><ul>{nav}</ul></nav></header>\
             <main><article class=\"story\">{headline}<div class=\"article-body\">{body}</div></article>\
             <aside class=\"sidebar\"><h2>{most}</h2><ul>{most_items}</ul></aside></main>\
             <footer><ul>{footer}</ul><p>© {year} {site}</p></footer></body></html>",
            site = self.site,
            year = self.year,
        )
    }

    fn headline_not_h1(&mut self) -> String {
        let head = self.head("");
        let nav = self.nav_items();
        // The page's one <h1>: the logo on some sites, the section's name on others.
        let h1 = if self.dice.coin() {
            format!(
                "<h1 class=\"logo\"><a href=\"/\"><img src=\"/logo.png\" alt=\"{site}\">{site}</a></h1>",
                site = self.site
            )
        } else {
            format!("<h1 class=\"section-title\">{}</h1>", self.section)
        };
        let headline = match self.dice.below(3) {
            0 => format!("<h2 class=\"news-title\">{}</h2>", self.title),
            1 => format!("<h3 class=\"post-title\">{}</h3>", self.title),
            _ => format!("<div class=\"title\">{}</div>", self.title),
        };
        let headline = self.headline_with_date(
            headline,
            format!("<div class=\"news-date\">{}</div>", self.date),
        );
        let more_n = self.dice.between(3, 5);
        let more = self.cards(more_n, "div", "h3");
        let comments = if self.dice.coin() {
            let n = self.dice.between(2, 3);
            format!(
                "<div class=\"comments\"><h4>تعليقات الزوار</h4><ol>{}</ol></div>",
                self.comments(n)
            )
        } else {
            String::new()
        };
        let latest = *self.dice.pick(&LATEST);
        let latest_n = self.dice.between(4, 6);
        let latest_items = self.link_items(latest_n);
        let footer = self.footer_links();
        format!(
            "<!DOCTYPE html><html lang=\"ar\" dir=\"rtl\">{head}<body>\
             <div class=\"header\">{h1}<div class=\"menu\"><ul>{nav}</ul></div></div>\
             <div class=\"breadcrumb\"><a href=\"/\">الرئيسية</a> &gt; <a href=\"/news\">{section}</a></div>\
             <div class=\"wrapper\"><div class=\"right-col\"><div class=\"news-details\">{headline}\
             <div class=\"news-img\"><img src=\"/img/lead.jpg\" alt=\"\"></div>\
             <div class=\"details\">{body}</div></div>\
             <div class=\"more-news\"><h2>المزيد</h2>{more}</div>{comments}</div>\
             <div class=\"left-col\"><div class=\"box\"><h2>{latest}</h2><ul>{latest_items}</ul></div></div></div>\
             <div class=\"footer\"><ul>{footer}</ul><p>© {year} {site}</p></div></body></html>",
            section = self.section,
            site = self.site,
            body = self.body_paragraphs(),
            year = self.year,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TITLE: &str = "النيجر: افتتاح معرض الكتاب في نيامي";
    const TEXT: &str =
        "افتتح وزير الثقافة في النيجر صباح اليوم الدورة الجديدة لمعرض الكتاب في العاصمة نيامي.\n\
        ويضم المعرض هذا العام جناحا لأدب الأطفال وندوات عن الترجمة والشعر.\n\
        وقال منظمو المعرض إن عدد الزوار في العام الماضي تجاوز خمسين ألفا.\n\
        ويستمر المعرض أسبوعا كاملا في قصر المؤتمرات.";
    const HEADLINES: [&str; 6] = [
        "مالي: مقتل 14 جنديا في هجوم قرب ميناكا",
        "بوركينا فاسو: خطف ثلاثة أجانب في الشرق",
        "تشاد تغلق حدودها مع ليبيا",
        "تونس: ارتفاع أسعار الخضر",
        "الترجي يفوز على النادي الصفاقسي",
        "البنك المركزي يرفع سعر الفائدة",
    ];

    fn others() -> Vec<Other<'static>> {
        HEADLINES
            .iter()
            .enumerate()
            .map(|(i, t)| Other {
                title: t,
                dek: "قالت مصادر محلية إن الحادث وقع فجرا. وأضافت أن التحقيق جار.",
                href: format!("/a/{i}"),
            })
            .collect()
    }

    fn page(layout: Layout, seed: u64) -> String {
        render(layout, TITLE, TEXT, &others(), "أخبار الصحراء", seed)
    }

    /// The page from `<body` on: the `<head>` repeats the headline in `<title>` and metadata.
    fn body(html: &str) -> &str {
        &html[html.find("<body").expect("a body")..]
    }

    #[test]
    fn names_round_trip() {
        for l in Layout::ALL {
            assert_eq!(Layout::parse(l.name()), Some(l));
        }
        assert_eq!(Layout::parse("nope"), None);
    }

    #[test]
    fn every_layout_has_each_paragraph_once_and_other_headlines_around_it() {
        for l in Layout::ALL {
            for seed in 0..12 {
                let html = page(l, seed);
                for p in paragraphs(TEXT) {
                    assert_eq!(html.matches(p).count(), 1, "{l} seed {seed}: {p}\n{html}");
                }
                assert!(html.contains(HEADLINES[0]), "{l} seed {seed}");
                assert!(html.contains("<title>"), "{l}");
                assert!(html.contains("أخبار الصحراء"), "{l}: the site's name");
                assert!(html.contains("<script"), "{l}: script noise");
            }
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_page_and_seeds_vary_it() {
        for l in Layout::ALL {
            assert_eq!(page(l, 7), page(l, 7));
            let distinct: std::collections::HashSet<String> = (0..8).map(|s| page(l, s)).collect();
            assert!(distinct.len() > 4, "{l}");
        }
    }

    #[test]
    fn html_is_escaped() {
        let text = "a <script>alert(1)</script> & \"b\"\nsecond 'line'";
        let title = "A & B <i>";
        let evil = [Other {
            title: "<b>x</b>",
            dek: "d </script> e.",
            href: "/a?x=\"1\"".into(),
        }];
        for l in Layout::ALL {
            let html = render(l, title, text, &evil, "S<&>", 3);
            assert!(!html.contains("<script>alert"), "{l}");
            assert!(!html.contains("<i>") && !html.contains("<b>x"), "{l}");
            assert!(!html.contains("S<&>"), "{l}");
            assert!(html.contains("a &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;b&quot;"));
            assert!(html.contains("A &amp; B &lt;i&gt;"), "{l}");
            assert!(
                !html.contains("</script> e."),
                "{l}: a dek cannot close a script"
            );
        }
    }

    #[test]
    fn semantic_has_an_article_with_its_h1_and_an_aside() {
        for seed in 0..8 {
            let html = page(Layout::Semantic, seed);
            assert!(html.contains(&format!("<h1 class=\"article-title\">{TITLE}</h1>")));
            assert!(html.contains("<article class=\"article\">") && html.contains("<aside"));
            assert!(html.contains("<header") && html.contains("<footer"));
        }
    }

    #[test]
    fn wordpress_has_entry_widgets_and_comments_quoting_headlines() {
        for seed in 0..8 {
            let html = page(Layout::Wordpress, seed);
            assert!(html.contains("site-header"));
            assert!(html.contains(&format!("<h1 class=\"entry-title\">{TITLE}</h1>")));
            assert!(html.contains("class=\"entry-content"));
            assert!(html.matches("class=\"widget ").count() >= 3);
            assert!(html.contains("id=\"comments\""));
            let comments = &html[html.find("id=\"comments\"").unwrap()..];
            assert!(HEADLINES
                .iter()
                .any(|h| comments.contains(&format!("«{h}»"))
                    || comments.contains(&format!("{h}..."))));
            assert!(html.contains("tagcloud"));
        }
    }

    #[test]
    fn table_portal_has_no_article_nor_h1_a_br_body_and_a_ticker_above_the_story() {
        let mut separators = std::collections::HashSet::new();
        for seed in 0..16 {
            let html = page(Layout::TablePortal, seed);
            assert!(
                !html.contains("<article") && !html.contains("<h1"),
                "{html}"
            );
            assert!(!html.contains("<p>"), "the body is not in paragraphs");
            assert!(html.contains("<table"));
            let ps = paragraphs(TEXT);
            assert!(html.contains(&format!("{}<br><br>\n{}", ps[0], ps[1])));
            let headline_at = body(&html).find(&format!(">{TITLE}<")).expect("headline");
            let ticker_sep = TICKER_SEPARATORS
                .iter()
                .find(|s| body(&html).contains(&format!("{}{s}{}", HEADLINES[0], HEADLINES[1])))
                .expect("a ticker line joining headlines");
            separators.insert(*ticker_sep);
            let ticker_at = body(&html).find(HEADLINES[0]).unwrap();
            assert!(ticker_at < headline_at, "the ticker stands above the story");
            assert!(
                html.contains("<span class=\"") || html.contains("<font size=\"4\""),
                "headline in a span or font"
            );
            let timed = &html[html.find("class=\"last_news\"").unwrap()..];
            let clock = |cell: &str| {
                let b = cell.split_once('>').map_or("", |(_, c)| c).as_bytes();
                b.len() > 5 && b[2] == b':' && [0, 1, 3, 4].iter().all(|&i| b[i].is_ascii_digit())
            };
            assert!(
                timed.split("<td").filter(|c| clock(c)).count() >= 4,
                "timed headlines"
            );
        }
        assert!(separators.len() >= 2, "{separators:?}");
    }

    #[test]
    fn amp_has_amp_markup_and_a_carousel_of_cards_with_deks() {
        for seed in 0..8 {
            let html = page(Layout::Amp, seed);
            assert!(html.starts_with("<!doctype html><html ⚡"));
            assert!(html.contains("<amp-img") && html.contains("<amp-carousel"));
            assert!(html.contains("<p class=\"card-dek\">قالت مصادر محلية إن الحادث وقع فجرا.</p>"));
            assert!(!html.contains("وأضافت أن التحقيق"), "a dek is one sentence");
        }
    }

    #[test]
    fn lists_first_puts_other_headlines_before_the_story() {
        for seed in 0..8 {
            let html = page(Layout::ListsFirst, seed);
            let b = body(&html);
            let story = b.find(&format!("<h1>{TITLE}</h1>")).expect("headline");
            let first_other = HEADLINES
                .iter()
                .filter_map(|h| b.find(h))
                .min()
                .expect("other headlines");
            assert!(first_other < story);
            assert!(b[..story].contains("<ul>") && b[..story].contains("card"));
        }
    }

    #[test]
    fn related_inline_puts_links_between_paragraphs() {
        for seed in 0..8 {
            let html = page(Layout::RelatedInline, seed);
            let ps = paragraphs(TEXT);
            let (first, second, last) = (
                html.find(ps[0]).unwrap(),
                html.find(ps[1]).unwrap(),
                html.find(ps[3]).unwrap(),
            );
            let between = &html[first..second];
            assert!(between.contains("أيضا") && between.contains("<a href"));
            let boxed = html.find("related-box").unwrap();
            assert!(first < boxed && boxed < last);
            assert_eq!(
                html[boxed..]
                    .split("</div>")
                    .next()
                    .unwrap()
                    .matches("<li>")
                    .count(),
                3
            );
        }
        let one = render(
            Layout::RelatedInline,
            TITLE,
            "فقرة وحيدة",
            &others(),
            "s",
            1,
        );
        assert!(
            one.contains("related-box") && (one.contains("<strong>") || one.contains("read-also"))
        );
    }

    #[test]
    fn headline_not_h1_keeps_h1_for_the_site_or_section() {
        for seed in 0..8 {
            let html = page(Layout::HeadlineNotH1, seed);
            let h1 = &html[html.find("<h1").unwrap()..html.find("</h1>").unwrap()];
            assert!(!h1.contains(TITLE));
            assert_eq!(html.matches("<h1").count(), 1);
            assert!(
                html.contains(&format!("news-title\">{TITLE}</h2>"))
                    || html.contains(&format!("post-title\">{TITLE}</h3>"))
                    || html.contains(&format!("<div class=\"title\">{TITLE}</div>"))
            );
        }
    }

    #[test]
    fn a_text_without_line_breaks_is_cut_into_sentence_pairs() {
        let text = "الجملة الأولى. الجملة الثانية؟ الجملة الثالثة! الجملة الرابعة. والخامسة";
        assert_eq!(
            paragraphs(text),
            [
                "الجملة الأولى. الجملة الثانية؟",
                "الجملة الثالثة! الجملة الرابعة.",
                "والخامسة"
            ]
        );
        assert_eq!(paragraphs("3.5 مليون. ثم"), ["3.5 مليون. ثم"]);
        assert!(paragraphs("  \n ").is_empty());
    }

    #[test]
    fn no_others_still_makes_a_page() {
        for l in Layout::ALL {
            let html = render(l, TITLE, TEXT, &[], "s", 0);
            assert!(html.contains(paragraphs(TEXT)[2]), "{l}");
        }
    }
}
