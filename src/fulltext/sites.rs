//! What the pages of one site share. Tickers, most-read lists and footers come back on every
//! page of a site; the article does not. A small memory per site of its recent pages' blocks
//! tells them apart, by two keys: a block's words (the same footer, the same ticker line) and
//! its shape ([`shape_of`]: where it stands in the page and under which section title), which
//! repeats where the words change every page (a most-read box with today's headlines). A key
//! already seen on two other pages of the site is furniture's. Bounded in sites, in keys per
//! site and in pages counted per key.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Mutex;

use super::blocks::Page;

/// Sites remembered at most; beyond, the memory starts again (it refills in a few pages).
const MAX_SITES: usize = 2_048;
/// Block fingerprints remembered per site.
const MAX_BLOCKS_PER_SITE: usize = 4_096;
/// Other pages a block must have been seen on to be the site's furniture.
pub const REPEATS: u32 = 2;

#[derive(Default)]
struct Site {
    /// fingerprint → (pages it was seen on, the last page it was seen on)
    blocks: HashMap<u64, (u32, u64)>,
}

/// Block fingerprints per site, shared by the daemon's page readers.
#[derive(Default)]
pub struct SiteMemory {
    sites: Mutex<HashMap<String, Site>>,
}

impl SiteMemory {
    pub fn new() -> SiteMemory {
        SiteMemory::default()
    }

    /// For each of a page's block fingerprints, whether other pages of `site` held it at least
    /// [`REPEATS`] times; then remembers this page's blocks. `page` identifies the page (its
    /// URL's hash), so that reading one page again counts it once.
    pub fn repeated(&self, site: &str, page: u64, fingerprints: &[u64]) -> Vec<bool> {
        let mut sites = self.sites.lock().unwrap_or_else(|p| p.into_inner());
        if !sites.contains_key(site) && sites.len() >= MAX_SITES {
            sites.clear();
        }
        let s = sites.entry(site.to_owned()).or_default();
        let verdicts = fingerprints
            .iter()
            .map(|f| {
                s.blocks
                    .get(f)
                    .is_some_and(|&(n, last)| n - u32::from(last == page) >= REPEATS)
            })
            .collect();
        if s.blocks.len() + fingerprints.len() > MAX_BLOCKS_PER_SITE {
            // Forget the blocks seen once: what repeats is what is worth keeping.
            s.blocks.retain(|_, (n, _)| *n >= 2);
            if s.blocks.len() + fingerprints.len() > MAX_BLOCKS_PER_SITE {
                s.blocks.clear();
            }
        }
        for f in fingerprints.iter().take(MAX_BLOCKS_PER_SITE) {
            let e = s.blocks.entry(*f).or_insert((0, u64::MAX));
            if e.1 != page {
                *e = (e.0.saturating_add(1), page);
            }
        }
        verdicts
    }
}

/// A block's shape: the tags of the elements it stands in, each with its class and id words
/// (without the words that carry digits: ids and generated class names change every page),
/// and the title of its section (the first heading of the innermost element that has one
/// before the block, or the block itself when it is a heading). An article's paragraphs stand under its headline, which changes every
/// page; a box's items stand under its own title, which does not.
pub fn shape_of(page: &Page, block: usize) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    "shape".hash(&mut h);
    let b = &page.blocks[block];
    let mut title: Option<&str> = None;
    for a in page.ancestors(b.element) {
        let e = &page.elements[a as usize];
        e.tag.hash(&mut h);
        for word in e
            .names
            .split(|c: char| c.is_whitespace() || c == '_' || c == '-')
        {
            if !word.is_empty() && !word.chars().any(|c| c.is_ascii_digit()) {
                word.hash(&mut h);
            }
        }
        if title.is_none() {
            title = page.blocks[e.first_block as usize..=block]
                .iter()
                .find(|x| x.heading > 0)
                .map(|x| x.text.as_str());
        }
    }
    title.unwrap_or("").hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_on_two_other_pages_is_furniture() {
        let m = SiteMemory::new();
        assert_eq!(m.repeated("a.example", 1, &[10, 20]), [false, false]);
        // The same page read again counts once.
        assert_eq!(m.repeated("a.example", 1, &[10, 20]), [false, false]);
        assert_eq!(m.repeated("a.example", 2, &[10, 30]), [false, false]);
        assert_eq!(m.repeated("a.example", 3, &[10, 30]), [true, false]);
        // Another site has its own memory.
        assert_eq!(m.repeated("b.example", 4, &[10]), [false]);
    }

    #[test]
    fn a_box_repeats_by_its_shape_and_a_story_does_not() {
        use crate::fulltext::blocks::parse_for_test;
        let page = |n: usize| {
            parse_for_test(&format!(
                "<div class=\"main c{n}\"><h1>عنوان الخبر رقم {n} عن موضوع مختلف</h1><p>فقرة الخبر {n} تقول ما جرى اليوم.</p></div>\
                 <aside id=\"w-{n}\"><h3>الأكثر قراءة</h3><ul><li><a href=/{n}>هجوم في غاو رقم {n}</a></li></ul></aside>"
            ))
        };
        let m = SiteMemory::new();
        let mut last = Vec::new();
        for n in 0..3 {
            let p = page(n);
            let shapes: Vec<u64> = (0..p.blocks.len()).map(|i| shape_of(&p, i)).collect();
            last = m.repeated("a.example", n as u64, &shapes);
        }
        // Blocks: the headline, the paragraph, the box's title, its item.
        assert_eq!(last, [false, false, true, true]);
    }

    #[test]
    fn the_memory_is_bounded() {
        let m = SiteMemory::new();
        for page in 0..100u64 {
            let fps: Vec<u64> = (0..100).map(|k| page * 1000 + k).collect();
            m.repeated("a.example", page, &fps);
        }
        let sites = m.sites.lock().unwrap();
        assert!(sites["a.example"].blocks.len() <= MAX_BLOCKS_PER_SITE);
    }
}
