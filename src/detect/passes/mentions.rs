//! `mentions`: the gazetteer's matches, the longest first where they overlap («بحيرة تشاد»
//! over «تشاد»), each once.

use crate::detect::doc::{Doc, Mention};
use crate::detect::pack::Target;

pub(super) const NAME: &str = "mentions";

pub(super) fn run(doc: &mut Doc<'_>) {
    let mut found: Vec<Mention> = doc
        .hits
        .iter()
        .filter_map(|h| match doc.target(h) {
            Target::Entity(entity) => Some(Mention { hit: *h, entity }),
            _ => None,
        })
        .collect();
    found.sort_by_key(|m| (m.hit.start, std::cmp::Reverse(m.hit.end)));
    let mut kept: Vec<Mention> = Vec::with_capacity(found.len());
    // The kept match reaching furthest: every kept one starts at or before the next candidate
    // (sorted by start), so it covers the candidate if any kept match does.
    let mut reach: Option<(usize, usize)> = None;
    for m in found {
        let h = m.hit;
        let covered =
            reach.is_some_and(|(start, end)| h.end <= end && (end - start) > (h.end - h.start));
        let duplicate = kept
            .iter()
            .rev()
            .take_while(|k| k.hit.start == h.start)
            .any(|k| k.hit.end == h.end && k.entity == m.entity);
        if !covered && !duplicate {
            if reach.is_none_or(|(_, end)| h.end > end) {
                reach = Some((h.start, h.end));
            }
            kept.push(m);
        }
    }
    doc.mentions = kept;
}

#[cfg(test)]
mod tests {
    use crate::detect::passes::testing::{ids, text};

    #[test]
    fn the_longest_name_wins() {
        let t = text("هجوم قرب بحيرة تشاد", "");
        let doc = t.until(super::NAME);
        assert_eq!(ids(&doc, &doc.mentions), ["td-lake"]);
    }

    #[test]
    fn each_name_once_in_order() {
        let t = text("", "من باماكو إلى غاو ثم إلى باماكو");
        let doc = t.until(super::NAME);
        assert_eq!(
            ids(&doc, &doc.mentions),
            ["ml-bamako", "ml-gao", "ml-bamako"]
        );
    }
}
