//! `figures`: the tolls, read where the pack's toll words stand («مقتل 27 شخصا», «خمسة جرحى»);
//! the largest figure of each kind counts, since later reports of an incident raise it.

use crate::detect::analyze::Figures;
use crate::detect::doc::Doc;
use crate::detect::pack::Target;
use crate::detect::tolls::{self, Counted, Side, Toll};

pub(super) const NAME: &str = "figures";

pub(super) fn run(doc: &mut Doc<'_>) {
    let marks: Vec<(usize, Counted, Side)> = doc
        .hits
        .iter()
        .filter_map(|h| match doc.target(h) {
            Target::Toll(kind, side) => Some((h.first, kind, side)),
            _ => None,
        })
        .collect();
    if marks.is_empty() {
        return;
    }
    let words: Vec<&str> = doc.tokens.iter().map(|t| t.text(doc.text)).collect();
    let found = tolls::read(&words, &marks);
    doc.figures = Figures {
        killed: largest(doc, &found, Counted::Killed),
        wounded: largest(doc, &found, Counted::Wounded),
        kidnapped: largest(doc, &found, Counted::Kidnapped),
    };
}

fn largest(doc: &mut Doc<'_>, found: &[Toll], kind: Counted) -> Option<u32> {
    let t = tolls::largest(found, kind)?;
    let span = doc.span(t.first, t.last);
    doc.explain_term(
        NAME,
        format!("figure:{}", kind.as_str()),
        t.value.to_string(),
        &span,
    );
    Some(t.value)
}

#[cfg(test)]
mod tests {
    use crate::detect::passes::testing::text;

    #[test]
    fn the_largest_toll_of_each_kind() {
        let t = text("مقتل 5 جنود في غاو", "وارتفعت الحصيلة إلى 12 قتيلا و7 جرحى");
        let f = t.until(super::NAME).figures;
        assert_eq!(
            (f.killed, f.wounded, f.kidnapped),
            (Some(12), Some(7), None)
        );
    }
}
