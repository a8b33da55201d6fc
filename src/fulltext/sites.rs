//! What the pages of one site share. Tickers, most-read lists and footers come back on every
//! page of a site, whatever their markup; the article does not. A small memory per site of the
//! blocks its recent pages held tells them apart: a block already seen on two other pages of the
//! site is furniture. Bounded in sites, in blocks per site and in pages counted per block.

use std::collections::HashMap;
use std::sync::Mutex;

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
