//! A page as the article stage reads it: the run of text blocks in reading order (a paragraph, a
//! list item, a cell, a line between `<br>`), each with the element it sits in, and the elements
//! as a flat table of parents; beside them what the publisher says of the page in `<meta>` and
//! JSON-LD. Read from the tree a browser would build ([`super::tree`]) by a walk with its own
//! stack: no page can overflow a stack.

use std::time::Instant;

use super::guard::{PageLimits, Refused};
use super::tree::{self, Data, Tree, DOCUMENT};

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
    /// A schema.org microdata property about the page, not its text (`itemprop="author"`,
    /// `publisher`, `datePublished`, `image`, `keywords`…).
    Meta,
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
    /// Its class and id, as written.
    pub names: Box<str>,
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
    /// `<meta>` properties and names (lower case) with their content: `og:title`,
    /// `og:description`, `description`, `article:published_time`.
    pub metas: Vec<(String, String)>,
    /// The text of each `<script type="application/ld+json">`.
    pub json_ld: Vec<String>,
    /// The first element the page marks `itemprop="articleBody"` (schema.org microdata).
    pub article_body: Option<u32>,
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

    /// Whether elements `a` and `b` are of one kind: the same tag, and a class or id word in
    /// common (or none either). Items of one list differ by modifiers («entry»,
    /// «entry entry--breaking») and numbers («post-12»), not by every word.
    pub fn alike(&self, a: u32, b: u32) -> bool {
        let (x, y) = (&self.elements[a as usize], &self.elements[b as usize]);
        if x.tag != y.tag {
            return false;
        }
        let words = |names: &str| -> Vec<String> {
            names
                .split(|c: char| !c.is_alphabetic())
                .filter(|w| w.len() > 1)
                .map(str::to_ascii_lowercase)
                .collect()
        };
        let (wx, wy) = (words(&x.names), words(&y.names));
        (wx.is_empty() && wy.is_empty()) || wx.iter().any(|w| wy.contains(w))
    }

    /// The elements from `e` up to the root.
    pub fn ancestors(&self, e: u32) -> impl Iterator<Item = u32> + '_ {
        std::iter::successors((e != ROOT).then_some(e), move |&x| {
            let p = self.elements[x as usize].parent;
            (p != ROOT).then_some(p)
        })
    }
}

/// Parses `html` into blocks within `limits`, by `deadline`: the tree a browser would build
/// ([`super::tree`]), then its text in reading order.
pub fn parse(html: &str, limits: &PageLimits, deadline: Instant) -> Result<Page, Refused> {
    let tree = tree::build(html, limits, deadline)?;
    Ok(Walk::new(&tree).run())
}

/// The walk over the tree that gathers blocks: an explicit stack, no recursion.
struct Walk<'t> {
    tree: &'t Tree,
    page: Page,
    /// The recorded elements open at this point of the walk, innermost last.
    open: Vec<u32>,
    /// Open `<a>` elements.
    links: usize,
    og_title: Option<String>,
    title: String,
    text: String,
    chars: usize,
    link_chars: usize,
    pending_space: bool,
    /// An element has just ended and no text has come since: a next element starts another
    /// item («<span>18:46</span><span>عاجل</span>» are two words), where text right after it
    /// continues the same word («<span>ق</span>ال», a drop cap).
    after_element: bool,
    /// The last character gathered was link text.
    prev_in_link: bool,
}

enum Step {
    Enter(u32),
    /// Leave a node; the element index it was recorded as, if it was.
    Leave {
        element: Option<u32>,
        block: bool,
        link: bool,
    },
}

/// What an element's tag, microdata, names and role say it holds.
fn hint_of<'a>(name: &str, attr: impl Fn(&str) -> &'a str) -> Option<Hint> {
    let landmark = matches!(name, "nav" | "header" | "footer" | "aside" | "menu")
        || attr("role") == "navigation"
        || attr("role") == "complementary";
    match name {
        "html" | "body" | "main" | "article" => None,
        "marquee" => Some(Hint::Stories),
        _ if attr("itemprop") == "articleBody" => Some(Hint::Article),
        _ if about_the_page(attr("itemprop")) => Some(Hint::Meta),
        _ => match (named_hint(attr("class")), named_hint(attr("id"))) {
            (Some(Hint::Article), _) | (_, Some(Hint::Article)) => Some(Hint::Article),
            (Some(Hint::Stories), _) | (_, Some(Hint::Stories)) => Some(Hint::Stories),
            _ if landmark => Some(Hint::Layout),
            (a, b) => a.or(b),
        },
    }
}

impl<'t> Walk<'t> {
    fn new(tree: &'t Tree) -> Walk<'t> {
        Walk {
            tree,
            page: Page::default(),
            open: Vec::with_capacity(64),
            links: 0,
            og_title: None,
            title: String::new(),
            text: String::new(),
            chars: 0,
            link_chars: 0,
            pending_space: false,
            after_element: false,
            prev_in_link: false,
        }
    }

    fn run(mut self) -> Page {
        let mut steps = vec![Step::Enter(DOCUMENT)];
        while let Some(step) = steps.pop() {
            match step {
                Step::Enter(n) => self.enter(n, &mut steps),
                Step::Leave {
                    element,
                    block,
                    link,
                } => {
                    if block {
                        self.flush();
                    }
                    if link {
                        self.links -= 1;
                    }
                    if let Some(e) = element {
                        self.page.elements[e as usize].end_block = self.page.blocks.len() as u32;
                        self.open.pop();
                    }
                    self.after_element = true;
                }
            }
        }
        self.flush();
        let own = self.og_title.take().unwrap_or_else(|| self.title.clone());
        self.page.own_title = own.split_whitespace().collect::<Vec<_>>().join(" ");
        self.page
    }

    fn enter(&mut self, n: u32, steps: &mut Vec<Step>) {
        let tree = self.tree;
        let node = &tree.nodes[n as usize];
        let (name, attrs) = match &node.data {
            Data::Text(t) => {
                self.text(t);
                return;
            }
            Data::Document => {
                enter_children(tree, n, steps);
                return;
            }
            Data::Other => return,
            Data::Element { name, attrs } => (&*name.local, attrs),
        };
        if std::mem::take(&mut self.after_element) {
            self.pending_space = true;
        }
        let attr = |k: &str| {
            attrs
                .iter()
                .find(|a| &*a.name.local == k)
                .map_or("", |a| &*a.value)
        };
        match name {
            "title" => {
                if self.title.is_empty() {
                    self.title = tree.text_of(n);
                }
                return;
            }
            "meta" => {
                let key = match attr("property") {
                    "" => attr("name"),
                    p => p,
                };
                let content = attr("content");
                if key == "og:title" && self.og_title.is_none() {
                    self.og_title = Some(content.to_owned());
                }
                if !key.is_empty() && !content.is_empty() {
                    self.page
                        .metas
                        .push((key.to_ascii_lowercase(), content.to_owned()));
                }
                return;
            }
            "script" => {
                if attr("type")
                    .trim()
                    .eq_ignore_ascii_case("application/ld+json")
                {
                    self.page.json_ld.push(tree.text_of(n));
                }
                return;
            }
            _ => {}
        }
        if is_skipped(name) || (!is_void(name) && hidden(attrs)) {
            // What the page hides is no text of it (data for scripts, closed dialogs); it still
            // ends the block before it.
            self.flush();
            return;
        }
        let block = is_block(name);
        if block {
            self.flush();
        }
        if is_void(name) {
            return;
        }
        let link = name == "a";
        if link {
            self.links += 1;
        }
        let class = attr("class");
        let id = attr("id");
        let hint = hint_of(name, attr);
        let index = self.page.elements.len() as u32;
        let first = self.page.blocks.len() as u32;
        if self.page.article_body.is_none()
            && attr("itemprop")
                .split_whitespace()
                .any(|p| p == "articleBody")
        {
            self.page.article_body = Some(index);
        }
        self.page.elements.push(Element {
            parent: self.open.last().copied().unwrap_or(ROOT),
            signature: signature(name, class),
            marked: !class.is_empty()
                || !id.is_empty()
                || matches!(name, "li" | "tr" | "article" | "dd"),
            tag: name.into(),
            names: format!("{class} {id}").trim().into(),
            hint,
            first_block: first,
            end_block: first,
        });
        self.open.push(index);
        steps.push(Step::Leave {
            element: Some(index),
            block,
            link,
        });
        enter_children(tree, n, steps);
    }

    fn text(&mut self, t: &str) {
        self.after_element = false;
        let in_link = self.links > 0;
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
    }

    /// Ends the block being gathered.
    fn flush(&mut self) {
        self.pending_space = false;
        if self.text.is_empty() {
            return;
        }
        let elements = &self.page.elements;
        let block_element = self
            .open
            .iter()
            .rev()
            .find(|&&e| is_block(&elements[e as usize].tag))
            .copied()
            .unwrap_or(ROOT);
        let heading = self
            .open
            .iter()
            .rev()
            .find_map(|&e| match &*elements[e as usize].tag {
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
            .open
            .iter()
            .any(|&e| matches!(&*elements[e as usize].tag, "li" | "dt" | "dd"));
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

/// Pushes the steps that enter `n`'s children, so that the first is taken first.
fn enter_children(tree: &Tree, n: u32, steps: &mut Vec<Step>) {
    let start = steps.len();
    steps.extend(tree.children(n).map(Step::Enter));
    steps[start..].reverse();
}

/// Whether a microdata property (`itemprop`, a space-separated list) is one of schema.org's
/// about an article rather than its text.
fn about_the_page(itemprop: &str) -> bool {
    itemprop.split_whitespace().any(|p| {
        matches!(
            p,
            "author"
                | "creator"
                | "publisher"
                | "datePublished"
                | "dateModified"
                | "dateCreated"
                | "image"
                | "logo"
                | "thumbnailUrl"
                | "keywords"
                | "interactionStatistic"
                | "commentCount"
                | "copyrightHolder"
                | "sourceOrganization"
        )
    })
}

/// Whether an element's attributes hide it: `hidden`, or a style that does.
fn hidden(attrs: &[html5ever::Attribute]) -> bool {
    attrs.iter().any(|a| match &*a.name.local {
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
    })
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
