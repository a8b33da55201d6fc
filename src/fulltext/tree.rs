//! A page as a browser builds it: html5ever's tree builder (the WHATWG tree construction:
//! implied end tags, misnested formatting, foster-parented table content, a page that starts
//! at `<head>` or in the middle of a `<td>`) into a flat arena of nodes linked by index. Real
//! pages are broken in ways no table of implied ends of our own foresees; the standard says how
//! every browser repairs them, and the story must nest as the reader saw it.
//!
//! Nothing here recurses: nodes refer to each other by index, and every walk over them keeps
//! its own stack. The bounds of [`PageLimits`] hold while the tree is built: elements, text and
//! depth are counted as the builder creates and appends nodes, and the markup is fed in chunks
//! so that a page that breaks a bound, or the time budget, stops within one chunk.

use std::borrow::Cow;
use std::cell::{Cell, Ref, RefCell};
use std::time::Instant;

use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{Attribute, QualName};

use super::guard::{PageLimits, Refused};

/// No node.
pub const NONE: u32 = u32::MAX;
/// The document node: the root of every page.
pub const DOCUMENT: u32 = 0;

/// Markup fed to the builder at once: a page that breaks a bound is stopped within this much.
const CHUNK_BYTES: usize = 32 * 1024;

/// What a node is.
#[derive(Debug)]
pub enum Data {
    Document,
    Element {
        name: QualName,
        attrs: Vec<Attribute>,
    },
    Text(StrTendril),
    /// Comments, processing instructions, a template's contents: nothing a reader sees.
    Other,
}

/// One node, with its links in the tree.
#[derive(Debug)]
pub struct Node {
    pub parent: u32,
    pub first_child: u32,
    pub last_child: u32,
    pub prev: u32,
    pub next: u32,
    pub data: Data,
}

impl Node {
    fn new(data: Data) -> Node {
        Node {
            parent: NONE,
            first_child: NONE,
            last_child: NONE,
            prev: NONE,
            next: NONE,
            data,
        }
    }
}

/// The parsed page: node 0 is the document.
#[derive(Debug)]
pub struct Tree {
    pub nodes: Vec<Node>,
}

impl Tree {
    /// The children of `n`, in order.
    pub fn children(&self, n: u32) -> impl Iterator<Item = u32> + '_ {
        std::iter::successors(
            Some(self.nodes[n as usize].first_child).filter(|&c| c != NONE),
            move |&c| Some(self.nodes[c as usize].next).filter(|&s| s != NONE),
        )
    }

    /// The text under `n`, its pieces joined as they stand.
    pub fn text_of(&self, n: u32) -> String {
        let mut out = String::new();
        let mut stack = vec![n];
        while let Some(x) = stack.pop() {
            if let Data::Text(t) = &self.nodes[x as usize].data {
                out.push_str(t);
            }
            let at = stack.len();
            stack.extend(self.children(x));
            stack[at..].reverse();
        }
        out
    }
}

/// Builds the tree of `html` within `limits`, by `deadline`.
pub fn build(html: &str, limits: &PageLimits, deadline: Instant) -> Result<Tree, Refused> {
    let sink = Arena::new(*limits);
    let mut parser = html5ever::parse_document(sink, Default::default());
    let mut rest = html;
    while !rest.is_empty() {
        let mut at = rest.len().min(CHUNK_BYTES);
        while !rest.is_char_boundary(at) {
            at += 1;
        }
        let (chunk, tail) = rest.split_at(at);
        parser.process(StrTendril::from_slice(chunk));
        rest = tail;
        let sink = &parser.tokenizer.sink.sink;
        if let Some(why) = sink.failed.take() {
            return Err(why);
        }
        if Instant::now() > deadline {
            return Err(Refused::TooSlow(limits.budget));
        }
    }
    let arena = parser.finish();
    if let Some(why) = arena.failed.take() {
        return Err(why);
    }
    Ok(Tree {
        nodes: arena.nodes.into_inner(),
    })
}

/// The tree sink: nodes in a vector, handles are their indexes.
struct Arena {
    nodes: RefCell<Vec<Node>>,
    /// Depth of each node (the document is 0), kept as nodes are appended.
    depth: RefCell<Vec<u32>>,
    limits: PageLimits,
    elements: Cell<usize>,
    text_chars: Cell<usize>,
    failed: Cell<Option<Refused>>,
}

impl Arena {
    fn new(limits: PageLimits) -> Arena {
        Arena {
            nodes: RefCell::new(vec![Node::new(Data::Document)]),
            depth: RefCell::new(vec![0]),
            limits,
            elements: Cell::new(0),
            text_chars: Cell::new(0),
            failed: Cell::new(None),
        }
    }

    fn fail(&self, why: Refused) {
        let old = self.failed.take();
        self.failed.set(old.or(Some(why)));
    }

    fn push(&self, data: Data) -> u32 {
        let mut nodes = self.nodes.borrow_mut();
        nodes.push(Node::new(data));
        self.depth.borrow_mut().push(0);
        (nodes.len() - 1) as u32
    }

    /// Unlinks `n` from its parent and siblings.
    fn detach(&self, n: u32) {
        let mut nodes = self.nodes.borrow_mut();
        let (parent, prev, next) = {
            let x = &nodes[n as usize];
            (x.parent, x.prev, x.next)
        };
        if parent == NONE {
            return;
        }
        match prev {
            NONE => nodes[parent as usize].first_child = next,
            p => nodes[p as usize].next = next,
        }
        match next {
            NONE => nodes[parent as usize].last_child = prev,
            s => nodes[s as usize].prev = prev,
        }
        let x = &mut nodes[n as usize];
        x.parent = NONE;
        x.prev = NONE;
        x.next = NONE;
    }

    /// Links the detached `n` under `parent`, before `before` (or last).
    fn link(&self, parent: u32, n: u32, before: u32) {
        {
            let mut nodes = self.nodes.borrow_mut();
            let prev = match before {
                NONE => nodes[parent as usize].last_child,
                b => nodes[b as usize].prev,
            };
            {
                let x = &mut nodes[n as usize];
                x.parent = parent;
                x.prev = prev;
                x.next = before;
            }
            match prev {
                NONE => nodes[parent as usize].first_child = n,
                p => nodes[p as usize].next = n,
            }
            match before {
                NONE => nodes[parent as usize].last_child = n,
                b => nodes[b as usize].prev = n,
            }
        }
        let d = self.depth.borrow()[parent as usize] + 1;
        self.depth.borrow_mut()[n as usize] = d;
        if d as usize > self.limits.max_depth {
            self.fail(Refused::TooDeep(self.limits.max_depth));
        }
    }

    /// Text `t` under `parent` before `before` (or last), merged into a text node beside it.
    fn insert_text(&self, parent: u32, t: &StrTendril, before: u32) {
        let chars = self.text_chars.get() + t.chars().count();
        self.text_chars.set(chars);
        if chars > self.limits.max_text_chars {
            self.fail(Refused::TooMuchText(self.limits.max_text_chars));
            return;
        }
        {
            let mut nodes = self.nodes.borrow_mut();
            let prev = match before {
                NONE => nodes[parent as usize].last_child,
                b => nodes[b as usize].prev,
            };
            if prev != NONE {
                if let Data::Text(existing) = &mut nodes[prev as usize].data {
                    existing.push_tendril(t);
                    return;
                }
            }
        }
        let n = self.push(Data::Text(t.clone()));
        self.link(parent, n, before);
    }

    fn insert(&self, parent: u32, child: NodeOrText<u32>, before: u32) {
        match child {
            NodeOrText::AppendNode(n) => {
                self.detach(n);
                self.link(parent, n, before);
            }
            NodeOrText::AppendText(t) => self.insert_text(parent, &t, before),
        }
    }
}

impl TreeSink for Arena {
    type Handle = u32;
    type Output = Arena;
    type ElemName<'a> = Ref<'a, QualName>;

    fn finish(self) -> Arena {
        self
    }

    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn get_document(&self) -> u32 {
        DOCUMENT
    }

    fn elem_name<'a>(&'a self, target: &'a u32) -> Ref<'a, QualName> {
        Ref::map(self.nodes.borrow(), |nodes| {
            match &nodes[*target as usize].data {
                Data::Element { name, .. } => name,
                _ => unreachable!("the tree builder asks the names of elements only"),
            }
        })
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, _f: ElementFlags) -> u32 {
        let n = self.elements.get() + 1;
        self.elements.set(n);
        // The builder adds implied elements (html, head, body, tbody, reopened formatting) to
        // the start tags the guard counted: twice the bound is still linear in the markup.
        if n > self.limits.max_elements * 2 {
            self.fail(Refused::TooManyElements(self.limits.max_elements));
        }
        self.push(Data::Element { name, attrs })
    }

    fn create_comment(&self, _text: StrTendril) -> u32 {
        self.push(Data::Other)
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> u32 {
        self.push(Data::Other)
    }

    fn append(&self, parent: &u32, child: NodeOrText<u32>) {
        self.insert(*parent, child, NONE);
    }

    fn append_based_on_parent_node(&self, element: &u32, prev: &u32, child: NodeOrText<u32>) {
        let has_parent = self.nodes.borrow()[*element as usize].parent != NONE;
        if has_parent {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev, child);
        }
    }

    fn append_doctype_to_document(&self, _: StrTendril, _: StrTendril, _: StrTendril) {}

    fn get_template_contents(&self, target: &u32) -> u32 {
        // What a template holds is inert until a script clones it: no text of the page. Its
        // contents go under the template itself, which the reader skips.
        *target
    }

    fn same_node(&self, x: &u32, y: &u32) -> bool {
        x == y
    }

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn append_before_sibling(&self, sibling: &u32, new_node: NodeOrText<u32>) {
        let parent = self.nodes.borrow()[*sibling as usize].parent;
        if parent != NONE {
            self.insert(parent, new_node, *sibling);
        }
    }

    fn add_attrs_if_missing(&self, target: &u32, attrs: Vec<Attribute>) {
        let mut nodes = self.nodes.borrow_mut();
        if let Data::Element { attrs: have, .. } = &mut nodes[*target as usize].data {
            for a in attrs {
                if !have.iter().any(|h| h.name == a.name) {
                    have.push(a);
                }
            }
        }
    }

    fn remove_from_parent(&self, target: &u32) {
        self.detach(*target);
    }

    fn reparent_children(&self, node: &u32, new_parent: &u32) {
        let children: Vec<u32> = {
            let nodes = self.nodes.borrow();
            std::iter::successors(
                Some(nodes[*node as usize].first_child).filter(|&c| c != NONE),
                |&c| Some(nodes[c as usize].next).filter(|&s| s != NONE),
            )
            .collect()
        };
        for c in children {
            self.detach(c);
            self.link(*new_parent, c, NONE);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn tree(html: &str) -> Tree {
        build(
            html,
            &PageLimits::default(),
            Instant::now() + Duration::from_secs(5),
        )
        .expect("within the limits")
    }

    /// The tree as tags and texts, depth first, for comparing with what a browser builds.
    fn outline(t: &Tree) -> String {
        let mut out = String::new();
        let mut stack = vec![DOCUMENT];
        while let Some(n) = stack.pop() {
            match &t.nodes[n as usize].data {
                Data::Element { name, .. } => out.push_str(&format!("{} ", name.local)),
                Data::Text(s) => out.push_str(&format!("\"{}\" ", s.trim())),
                _ => {}
            }
            let at = stack.len();
            stack.extend(t.children(n));
            stack[at..].reverse();
        }
        out.trim_end().to_owned()
    }

    #[test]
    fn the_tree_is_the_one_browsers_build() {
        // A page that starts at <head>: html and body are implied.
        assert_eq!(
            outline(&tree("<head><title>ع</title></head><p>نص")),
            "html head title \"ع\" body p \"نص\""
        );
        // Misnested formatting: the adoption agency splits the <b>.
        assert_eq!(
            outline(&tree("<p><b>أ<i>ب</b>ج</i></p>")),
            "html head body p b \"أ\" i \"ب\" i \"ج\""
        );
        // Text in a table outside a cell is foster-parented before the table.
        assert_eq!(
            outline(&tree("<table>قبل<tr><td>خلية</td></tr></table>")),
            "html head body \"قبل\" table tbody tr td \"خلية\""
        );
        // A <p> ends at a block; an unclosed <li> at the next one.
        assert_eq!(
            outline(&tree("<p>أ<div>ب</div><ul><li>ج<li>د</ul>")),
            "html head body p \"أ\" div \"ب\" ul li \"ج\" li \"د\""
        );
    }

    #[test]
    fn bounds_hold_while_building() {
        let limits = PageLimits {
            max_elements: 100_000,
            ..PageLimits::default()
        };
        let deep = "<div>".repeat(50_000);
        let r = build(&deep, &limits, Instant::now() + Duration::from_secs(5));
        assert_eq!(r.unwrap_err(), Refused::TooDeep(limits.max_depth));
        let wordy = "<p>".to_owned() + &"كلمة ".repeat(50_000);
        let small = PageLimits {
            max_text_chars: 10_000,
            ..PageLimits::default()
        };
        let r = build(&wordy, &small, Instant::now() + Duration::from_secs(5));
        assert_eq!(r.unwrap_err(), Refused::TooMuchText(10_000));
        // Unclosed paragraphs and list items do not nest.
        let flat = "<p>x".repeat(5_000) + &"<li>y".repeat(5_000);
        assert!(build(&flat, &limits, Instant::now() + Duration::from_secs(5)).is_ok());
    }
}
