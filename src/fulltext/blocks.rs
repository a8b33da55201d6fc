//! A page as the article stage reads it: the run of text blocks in source order (a paragraph, a
//! list item, a cell, a line between `<br>`), each with the element it sits in, and the elements
//! as a flat table of parents. Built from html5ever's tokenizer with an explicit stack, not a
//! tree walked by recursion: no page can overflow a stack, and depth, elements and text are
//! counted as they come (see [`super::guard`]).

use std::cell::RefCell;
use std::time::Instant;

use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

use super::guard::{PageLimits, Refused};

/// No parent: the document itself.
pub const ROOT: u32 = u32::MAX;

/// Why an element's class or id or tag marks it as page furniture by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    /// `<nav>`, `<header>`, `<footer>`, `<aside>`, `<menu>`, or a class or id word of the
    /// page's frame (`sidebar`, `widget`, `menu`, `share`): some sites wrap their whole story in
    /// one («main-with-sidebar»).
    Layout,
    /// A class or id word of other stories or readers' words (`related`, `ticker`, `comments`,
    /// `most-read`): furniture wherever it stands.
    Stories,
    /// `itemprop="articleBody"`, or a class or id such as `article-body`, `entry-content`:
    /// the story's own text, whatever else its class says («article-content-breaking-news»).
    Article,
}

/// One element of the page.
#[derive(Debug, Clone)]
pub struct Element {
    pub parent: u32,
    /// Lower-case tag name.
    pub tag: Box<str>,
    /// Tag and class together: siblings with one signature are items of one list.
    pub signature: u64,
    /// It has a class or an id, or is a list item or a row: one of a list by its markup.
    pub marked: bool,
    pub hint: Option<Hint>,
    /// Blocks `first_block..end_block` are inside it.
    pub first_block: u32,
    pub end_block: u32,
}

/// A run of text between block boundaries.
#[derive(Debug, Clone)]
pub struct Block {
    /// White space collapsed.
    pub text: String,
    pub chars: usize,
    /// Characters inside `<a href>`.
    pub link_chars: usize,
    /// The innermost block-level element holding it.
    pub element: u32,
    /// 1 to 6 inside `<h1>`…`<h6>`, else 0.
    pub heading: u8,
    /// Inside `<li>`, `<dt>` or `<dd>`.
    pub in_list: bool,
}

/// The parsed page: its blocks, its elements, and the headline it names for itself
/// (`og:title`, else `<title>`), for when the item gives none.
#[derive(Debug, Default)]
pub struct Page {
    pub blocks: Vec<Block>,
    pub elements: Vec<Element>,
    pub own_title: String,
}

impl Page {
    /// Whether element `e` is `ancestor` or inside it.
    pub fn within(&self, mut e: u32, ancestor: u32) -> bool {
        while e != ROOT {
            if e == ancestor {
                return true;
            }
            e = self.elements[e as usize].parent;
        }
        false
    }

    /// The tag of element `e` («» for the document itself: text outside every element).
    pub fn tag(&self, e: u32) -> &str {
        self.elements.get(e as usize).map_or("", |el| &el.tag)
    }

    /// The elements from `e` up to the root.
    pub fn ancestors(&self, e: u32) -> impl Iterator<Item = u32> + '_ {
        std::iter::successors((e != ROOT).then_some(e), move |&x| {
            let p = self.elements[x as usize].parent;
            (p != ROOT).then_some(p)
        })
    }
}

/// Parses `html` into blocks within `limits`, by `deadline`.
pub fn parse(html: &str, limits: &PageLimits, deadline: Instant) -> Result<Page, Refused> {
    let sink = Sink {
        state: RefCell::new(State::new(*limits, deadline)),
    };
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(html.into());
    // The sink pauses the tokenizer (as a script would) once a limit is broken: then nothing
    // more is fed.
    let _ = tokenizer.feed(&input);
    let failed = tokenizer.sink.state.borrow_mut().failed.take();
    if let Some(why) = failed {
        return Err(why);
    }
    tokenizer.end();
    let mut state = tokenizer.sink.state.into_inner();
    if let Some(why) = state.failed.take() {
        return Err(why);
    }
    state.flush();
    while let Some(e) = state.stack.pop() {
        state.close(e.index);
    }
    let own = state.og_title.take().unwrap_or_else(|| state.title.clone());
    state.page.own_title = own.split_whitespace().collect::<Vec<_>>().join(" ");
    Ok(state.page)
}

struct Sink {
    state: RefCell<State>,
}

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        // Only a tag may pause the tokenizer: it asserts that the sink takes characters as
        // they come. After a failure the rest is ignored until the next tag pauses it.
        let pause = if matches!(token, Token::TagToken(_)) {
            TokenSinkResult::Script(())
        } else {
            TokenSinkResult::Continue
        };
        let mut s = self.state.borrow_mut();
        if s.failed.is_some() {
            return pause;
        }
        let result = match token {
            Token::TagToken(tag) => s.tag(tag),
            Token::CharacterTokens(t) => {
                s.text(&t);
                TokenSinkResult::Continue
            }
            _ => TokenSinkResult::Continue,
        };
        s.tokens += 1;
        if s.tokens % 1024 == 0 && Instant::now() > s.deadline {
            s.failed = Some(Refused::TooSlow(s.limits.budget));
        }
        if s.failed.is_some() {
            return pause;
        }
        result
    }
}

struct Open {
    index: u32,
    tag: Box<str>,
}

struct State {
    limits: PageLimits,
    deadline: Instant,
    tokens: u64,
    failed: Option<Refused>,
    page: Page,
    stack: Vec<Open>,
    /// Inside an element whose text is not the page's (script, style, svg, select…): its tag.
    skipping: Option<(Box<str>, usize)>,
    /// Inside `<title>`.
    in_title: bool,
    og_title: Option<String>,
    title: String,
    text: String,
    chars: usize,
    link_chars: usize,
    total_chars: usize,
    pending_space: bool,
    /// The last character gathered was link text.
    prev_in_link: bool,
}

/// Elements whose start or end ends a block.
fn is_block(tag: &str) -> bool {
    matches!(
        tag,
        "p" | "div"
            | "section"
            | "article"
            | "main"
            | "header"
            | "footer"
            | "nav"
            | "aside"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "table"
            | "tbody"
            | "thead"
            | "tfoot"
            | "tr"
            | "td"
            | "th"
            | "caption"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "blockquote"
            | "pre"
            | "figure"
            | "figcaption"
            | "form"
            | "fieldset"
            | "address"
            | "center"
            | "hr"
            | "br"
            | "menu"
            | "details"
            | "summary"
            | "body"
            | "html"
            | "marquee"
    ) || tag.starts_with("amp-")
}

/// Elements that have no end tag.
fn is_void(tag: &str) -> bool {
    matches!(
        tag,
        "br" | "img"
            | "meta"
            | "link"
            | "input"
            | "hr"
            | "area"
            | "base"
            | "col"
            | "embed"
            | "param"
            | "source"
            | "track"
            | "wbr"
            | "keygen"
    )
}

/// Elements whose content is no text of the page.
fn is_skipped(tag: &str) -> bool {
    matches!(
        tag,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "svg"
            | "math"
            | "iframe"
            | "object"
            | "select"
            | "textarea"
            | "button"
            | "amp-sidebar"
    )
}

/// Class and id words of other stories and readers' words, as whole words of the attribute
/// (split on `-`, `_` and spaces) or their start: `related-posts`, `commentlist`.
const STORIES: &[&str] = &[
    "related",
    "ticker",
    "breaking",
    "marquee",
    "comment",
    "trending",
    "popular",
    "mostread",
    "recommend",
    "latest",
    "teaser",
    "outbrain",
    "taboola",
];

/// Class and id words of the page's frame: `sidebar`, `widget-area`, `main-nav`.
const LAYOUT: &[&str] = &[
    "sidebar",
    "widget",
    "nav",
    "navbar",
    "navigation",
    "menu",
    "footer",
    "breadcrumb",
    "share",
    "social",
    "newsletter",
    "advert",
    "ads",
    "promo",
    "subscribe",
    "cookie",
    "tags",
];

fn named_hint(value: &str) -> Option<Hint> {
    let value = value.to_ascii_lowercase();
    let words: Vec<&str> = value
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let any_of = |names: &[&str]| {
        words.iter().any(|w| {
            names
                .iter()
                .any(|n| w.starts_with(n) && (n.len() >= 4 || w.len() == n.len()))
        })
    };
    let article = words.windows(2).any(|p| {
        matches!(
            p[0],
            "article" | "entry" | "post" | "story" | "news" | "main"
        ) && matches!(p[1], "body" | "content" | "text" | "inner" | "details")
    });
    if article {
        return Some(Hint::Article);
    }
    let stories = any_of(STORIES)
        || words.windows(2).any(|p| {
            matches!(
                (p[0], p[1]),
                ("most", "read" | "viewed" | "popular") | ("more", "news" | "stories")
            )
        });
    if stories {
        Some(Hint::Stories)
    } else if any_of(LAYOUT) {
        Some(Hint::Layout)
    } else {
        None
    }
}

fn signature(tag: &str, class: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    tag.hash(&mut h);
    class.hash(&mut h);
    h.finish()
}

impl State {
    fn new(limits: PageLimits, deadline: Instant) -> State {
        State {
            limits,
            deadline,
            tokens: 0,
            failed: None,
            page: Page::default(),
            stack: Vec::with_capacity(64),
            skipping: None,
            in_title: false,
            og_title: None,
            title: String::new(),
            text: String::new(),
            chars: 0,
            link_chars: 0,
            total_chars: 0,
            pending_space: false,
            prev_in_link: false,
        }
    }

    fn tag(&mut self, tag: Tag) -> TokenSinkResult<()> {
        let name: Box<str> = tag.name.as_ref().into();
        if let Some((skip, depth)) = &mut self.skipping {
            if **skip == *name {
                match tag.kind {
                    TagKind::StartTag if !tag.self_closing => *depth += 1,
                    TagKind::EndTag if *depth > 1 => *depth -= 1,
                    TagKind::EndTag => self.skipping = None,
                    TagKind::StartTag => {}
                }
            }
            return TokenSinkResult::Continue;
        }
        match tag.kind {
            TagKind::StartTag => self.start(tag, name),
            TagKind::EndTag => {
                if &*name == "title" {
                    self.in_title = false;
                }
                if is_block(&name) {
                    self.flush();
                }
                if let Some(at) = self.stack.iter().rposition(|o| o.tag == name) {
                    self.close_from(at);
                }
                TokenSinkResult::Continue
            }
        }
    }

    fn start(&mut self, tag: Tag, name: Box<str>) -> TokenSinkResult<()> {
        match &*name {
            "title" => {
                self.in_title = true;
                return TokenSinkResult::RawData(RawKind::Rcdata);
            }
            "meta" => {
                let attr = |k: &str| {
                    tag.attrs
                        .iter()
                        .find(|a| a.name.local.as_ref() == k)
                        .map(|a| a.value.to_string())
                };
                if attr("property").or_else(|| attr("name")).as_deref() == Some("og:title") {
                    self.og_title = attr("content");
                }
                return TokenSinkResult::Continue;
            }
            _ => {}
        }
        let hidden = !is_void(&name)
            && tag.attrs.iter().any(|a| match a.name.local.as_ref() {
                "hidden" => true,
                "style" => {
                    let v: String = a
                        .value
                        .chars()
                        .filter(|c| !c.is_whitespace())
                        .collect::<String>()
                        .to_ascii_lowercase();
                    v.contains("display:none") || v.contains("visibility:hidden")
                }
                _ => false,
            });
        if hidden && !tag.self_closing {
            // What the page hides is no text of it (data for scripts, closed dialogs).
            self.flush();
            self.skipping = Some((name, 1));
            return TokenSinkResult::Continue;
        }
        if is_skipped(&name) {
            if !tag.self_closing {
                let raw = match &*name {
                    "script" => Some(RawKind::ScriptData),
                    "style" | "noscript" | "iframe" | "xmp" => Some(RawKind::Rawtext),
                    "textarea" => Some(RawKind::Rcdata),
                    _ => None,
                };
                match raw {
                    // Raw text ends at its own end tag, which the tokenizer still reports.
                    Some(kind) => {
                        self.skipping = Some((name, 1));
                        return TokenSinkResult::RawData(kind);
                    }
                    None => self.skipping = Some((name, 1)),
                }
            }
            return TokenSinkResult::Continue;
        }
        if is_block(&name) {
            self.flush();
        }
        if is_void(&name) {
            return TokenSinkResult::Continue;
        }
        self.close_implied(&name);
        if self.stack.len() >= self.limits.max_depth {
            self.failed = Some(Refused::TooDeep(self.limits.max_depth));
            return TokenSinkResult::Continue;
        }
        if self.page.elements.len() >= self.limits.max_elements {
            self.failed = Some(Refused::TooManyElements(self.limits.max_elements));
            return TokenSinkResult::Continue;
        }
        let attr = |k: &str| {
            tag.attrs
                .iter()
                .find(|a| a.name.local.as_ref() == k)
                .map_or("", |a| a.value.as_ref())
        };
        let class = attr("class");
        let landmark = matches!(&*name, "nav" | "header" | "footer" | "aside" | "menu")
            || attr("role") == "navigation"
            || attr("role") == "complementary";
        let hint = match &*name {
            "html" | "body" | "main" | "article" => None,
            "marquee" => Some(Hint::Stories),
            _ if attr("itemprop") == "articleBody" => Some(Hint::Article),
            _ => match (named_hint(class), named_hint(attr("id"))) {
                (Some(Hint::Article), _) | (_, Some(Hint::Article)) => Some(Hint::Article),
                (Some(Hint::Stories), _) | (_, Some(Hint::Stories)) => Some(Hint::Stories),
                _ if landmark => Some(Hint::Layout),
                (a, b) => a.or(b),
            },
        };
        let index = self.page.elements.len() as u32;
        let n = self.page.blocks.len() as u32;
        self.page.elements.push(Element {
            parent: self.stack.last().map_or(ROOT, |o| o.index),
            signature: signature(&name, class),
            marked: !class.is_empty()
                || !attr("id").is_empty()
                || matches!(&*name, "li" | "tr" | "article" | "dd"),
            tag: name.clone(),
            hint,
            first_block: n,
            end_block: n,
        });
        self.stack.push(Open { index, tag: name });
        TokenSinkResult::Continue
    }

    /// The end tags HTML implies: a `<p>` ends at the next block, a list item at the next
    /// item, a cell at the next cell or row, a link at the next link.
    fn close_implied(&mut self, name: &str) {
        // (what the new element ends, what stops the search for it)
        let (same, stop_at): (&[&str], &[&str]) = match name {
            "li" => (&["li"], &["ul", "ol", "menu"]),
            "dt" | "dd" => (&["dt", "dd"], &["dl"]),
            "td" | "th" => (&["td", "th"], &["tr", "table"]),
            "tr" => (&["tr"], &["table", "tbody", "thead", "tfoot"]),
            "tbody" | "thead" | "tfoot" => (&["tbody", "thead", "tfoot"], &["table"]),
            "option" => (&["option"], &["select"]),
            "a" => (&["a"], &[]),
            "p" => (&["p"], &[]),
            _ if is_block(name) => {
                if self.stack.last().is_some_and(|o| &*o.tag == "p") {
                    self.close_from(self.stack.len() - 1);
                }
                return;
            }
            _ => return,
        };
        let found = self.stack.iter().rposition(|o| {
            same.contains(&&*o.tag) || stop_at.contains(&&*o.tag) || &*o.tag == "body"
        });
        if let Some(at) = found.filter(|&at| same.contains(&&*self.stack[at].tag)) {
            self.close_from(at);
        }
    }

    /// Closes the open elements from stack position `at` up.
    fn close_from(&mut self, at: usize) {
        while self.stack.len() > at {
            let o = self.stack.pop().expect("within the stack");
            self.close(o.index);
        }
    }

    fn close(&mut self, index: u32) {
        self.page.elements[index as usize].end_block = self.page.blocks.len() as u32;
    }

    fn text(&mut self, t: &str) {
        if self.skipping.is_some() {
            return;
        }
        if self.in_title {
            self.title.push_str(t);
            return;
        }
        let in_link = self.stack.iter().any(|o| &*o.tag == "a");
        for c in t.chars() {
            if c.is_whitespace() {
                self.pending_space = true;
                continue;
            }
            if self.pending_space && !self.text.is_empty() {
                self.text.push(' ');
                self.chars += 1;
                // A space counts as link text between two words of one link.
                if in_link && self.prev_in_link {
                    self.link_chars += 1;
                }
            }
            self.pending_space = false;
            self.text.push(c);
            self.chars += 1;
            if in_link {
                self.link_chars += 1;
            }
            self.prev_in_link = in_link;
        }
        if self.total_chars + self.chars > self.limits.max_text_chars {
            self.failed = Some(Refused::TooMuchText(self.limits.max_text_chars));
        }
    }

    /// Ends the block being gathered.
    fn flush(&mut self) {
        self.pending_space = false;
        if self.text.is_empty() {
            return;
        }
        let block_element = self
            .stack
            .iter()
            .rev()
            .find(|o| is_block(&o.tag))
            .map_or(ROOT, |o| o.index);
        let heading = self
            .stack
            .iter()
            .rev()
            .find_map(|o| match &*o.tag {
                "h1" => Some(1),
                "h2" => Some(2),
                "h3" => Some(3),
                "h4" => Some(4),
                "h5" => Some(5),
                "h6" => Some(6),
                _ => None,
            })
            .unwrap_or(0);
        let in_list = self
            .stack
            .iter()
            .any(|o| matches!(&*o.tag, "li" | "dt" | "dd"));
        self.total_chars += self.chars;
        self.page.blocks.push(Block {
            text: std::mem::take(&mut self.text),
            chars: self.chars,
            link_chars: self.link_chars.min(self.chars),
            element: block_element,
            heading,
            in_list,
        });
        self.chars = 0;
        self.link_chars = 0;
    }
}

/// A page parsed within the default limits, for the passes' tests.
#[cfg(test)]
pub(super) fn parse_for_test(html: &str) -> Page {
    let deadline = Instant::now() + std::time::Duration::from_secs(5);
    parse(html, &PageLimits::default(), deadline).expect("within the limits")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn page(html: &str) -> Page {
        parse_for_test(html)
    }

    fn texts(p: &Page) -> Vec<&str> {
        p.blocks.iter().map(|b| b.text.as_str()).collect()
    }

    #[test]
    fn blocks_follow_the_markup() {
        let p = page(
            "<html><head><title>ع</title><script>var a = '<p>x</p>';</script></head><body>\
             <div class=\"ticker\"><a href=\"/1\">خبر  أول</a></div>\
             <h1>العنوان</h1><p>فقرة <a href=\"/x\">فيها</a> رابط<p>فقرة ثانية\
             <table><tr><td>سطر<br>سطر ثان<td>خلية</table></body></html>",
        );
        assert_eq!(
            texts(&p),
            [
                "خبر أول",
                "العنوان",
                "فقرة فيها رابط",
                "فقرة ثانية",
                "سطر",
                "سطر ثان",
                "خلية"
            ]
        );
        assert_eq!(p.blocks[0].link_chars, p.blocks[0].chars);
        assert_eq!(p.blocks[1].heading, 1);
        assert_eq!(p.blocks[2].link_chars, 4);
        let ticker = p.blocks[0].element as usize;
        assert_eq!(p.elements[ticker].hint, Some(Hint::Stories));
        // The two cells are siblings in one row, not nested.
        let (a, b) = (p.blocks[4].element, p.blocks[6].element);
        assert_ne!(a, b);
        assert_eq!(p.elements[a as usize].parent, p.elements[b as usize].parent);
    }

    #[test]
    fn depth_is_bounded_without_recursion() {
        let deep = "<div>".repeat(50_000);
        let limits = PageLimits {
            max_elements: 100_000,
            ..PageLimits::default()
        };
        let r = parse(&deep, &limits, Instant::now() + Duration::from_secs(5));
        assert_eq!(r.unwrap_err(), Refused::TooDeep(limits.max_depth));
        // Text beyond its bound is refused, whatever token carries it (the tokenizer lets only
        // a tag pause it).
        let wordy = "<p>".to_owned() + &"كلمة ".repeat(50_000) + "</p><p>x</p>";
        let small = PageLimits {
            max_text_chars: 10_000,
            ..PageLimits::default()
        };
        let r = parse(&wordy, &small, Instant::now() + Duration::from_secs(5));
        assert_eq!(r.unwrap_err(), Refused::TooMuchText(10_000));
        // Unclosed paragraphs and list items do not nest.
        let flat = "<p>x".repeat(5_000) + &"<li>y".repeat(5_000);
        assert!(parse(&flat, &limits, Instant::now() + Duration::from_secs(5)).is_ok());
    }
}
