//! `figures`: the tolls, read where the pack's toll words stand («مقتل 27 شخصا», «خمسة جرحى»);
//! the largest figure of each kind counts, since later reports of an incident raise it.

use crate::detect::doc::Doc;
use crate::detect::doc::Figures;
use crate::detect::pack::Target;
use crate::detect::tolls::{self, Counted, Side, Toll};

pub(super) const NAME: &str = "figures";

/// The rule of an explanation that spans words telling of a recalled event, not the reported
/// one.
pub(crate) const RECALLED: &str = "recalled";

pub(super) fn run(doc: &mut Doc<'_>) {
    let mut marks: Vec<(usize, Counted, Side)> = doc
        .hits
        .iter()
        .filter_map(|h| match doc.target(h) {
            Target::Toll(kind, side) => Some((h.first, kind, side)),
            _ => None,
        })
        .collect();
    let recalled = recalled_spans(doc);
    for &(first, last) in &recalled {
        // Recorded for the stories: the places and actors of a recalled event are not the
        // incident's either (`dedup::Facts`).
        let span = doc.span(first, last);
        doc.explain_term(NAME, RECALLED.into(), String::new(), &span);
    }
    marks.retain(|(i, ..)| !recalled.iter().any(|&(f, l)| f <= *i && *i <= l));
    if marks.is_empty() {
        return;
    }
    let words: Vec<&str> = doc.tokens.iter().map(|t| t.text(doc.text)).collect();
    let found = tolls::read(&words, &clause_starts(doc), &marks);
    doc.figures = Figures {
        killed: largest(doc, &found, Counted::Killed),
        wounded: largest(doc, &found, Counted::Wounded),
        kidnapped: largest(doc, &found, Counted::Kidnapped),
    };
    // Every other reading too, as `toll:KIND`: an article that tells two incidents gives each
    // its own toll (`dedup::incidents`).
    for t in &found {
        if tolls::largest(&found, t.kind).is_some_and(|l| l.first == t.first) {
            continue;
        }
        let span = doc.span(t.first, t.last);
        doc.explain_term(
            NAME,
            format!("toll:{}", t.kind.as_str()),
            t.value.to_string(),
            &span,
        );
    }
}

/// Words that open a new clause inside a sentence (normalized: «وإن» is «وان»).
const CLAUSE_OPENERS: [&str; 5] = ["وان", "فيما", "بينما", "كما", "واضاف"];

/// Words of a time adverbial set off by commas inside a clause («قتل، فجر اليوم، 3 من
/// المحتجين»), normalized, besides the days of the week: the commas around it do not end the
/// clause.
const TIME_WORDS: [&str; 9] = [
    "اليوم",
    "امس",
    "فجر",
    "صباح",
    "مساء",
    "ليل",
    "ليله",
    "ظهر",
    "يوم",
];

/// Whether a clause begins at each token: after a comma, semicolon or colon, or at a word
/// that opens one; not around a time adverbial between commas.
fn clause_starts(doc: &Doc<'_>) -> Vec<bool> {
    let tokens = doc.tokens;
    let mut starts: Vec<bool> = (0..tokens.len())
        .map(|k| {
            let gap = match k.checked_sub(1) {
                Some(p) => &doc.text[tokens[p].end..tokens[k].start],
                None => "",
            };
            gap.contains(['،', ',', '؛', ';', ':'])
                || doc.word(k).is_some_and(|w| CLAUSE_OPENERS.contains(&w))
        })
        .collect();
    let time = |w: &str| TIME_WORDS.contains(&w) || crate::arabic::is_weekday(w);
    for k in 0..tokens.len() {
        if starts[k] && doc.word(k).is_some_and(time) {
            // «، الأحد،» or «، فجر اليوم،»: the adverbial and the comma closing it.
            if let Some(close) = (k + 1..(k + 4).min(tokens.len())).find(|&m| starts[m]) {
                starts[k] = false;
                starts[close] = false;
            }
        }
    }
    starts
}

/// Sentences in the pluperfect of background («وكانت العاصمة قد شهدت في يناير 2016 هجوما
/// أودى بحياة ثلاثين شخصا»): a sentence opened by «كان/كانت» with «قد» a few words on tells
/// what had happened before, and its tolls are another incident's. A recap of this incident in
/// that form («وكان مسلحون قد قتلوا 28 شخصا الجمعة») repeats a toll the lead gives.
fn recalled_spans(doc: &Doc<'_>) -> Vec<(usize, usize)> {
    const PLUPERFECT: [&str; 4] = ["كان", "كانت", "وكان", "وكانت"];
    let n = doc.tokens.len();
    let sentence_end = |i: usize| (i..n).take_while(|&k| doc.same_sentence(i, k)).last();
    // «وكان مسلحون قد هاجموا…»: the whole sentence.
    let pluperfect = (0..n)
        .filter(|&i| doc.starts_sentence(i) && doc.word(i).is_some_and(|w| PLUPERFECT.contains(&w)))
        .filter(|&i| {
            (i + 1..(i + 5).min(n))
                .take_while(|&k| doc.same_sentence(i, k))
                .any(|k| doc.word(k) == Some("قد"))
        });
    // «ويأتي الهجوم بعد أيام من معارك أكابار… أسفرت عن مقتل نحو ثلاثين»: from the recall on.
    let recalls = doc
        .hits_where(|t| t == Target::Recall)
        .map(|h| h.first)
        .collect::<Vec<_>>();
    pluperfect
        .chain(recalls)
        .filter_map(|i| Some((i, sentence_end(i)?)))
        .collect()
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

    fn killed(title: &str, body: &str) -> Option<u32> {
        text(title, body).until(super::NAME).figures.killed
    }

    #[test]
    fn a_toll_word_and_its_number_stand_in_one_clause() {
        assert_eq!(
            killed(
                "مقتل 8 في هجمات واغادوغو",
                "وقال الوزير إن ثمانية مهاجمين قتلوا أيضا، وإن أكثر من ثمانين شخصا أصيبوا بجروح."
            ),
            Some(8)
        );
        assert_eq!(
            killed("", "أسفر الهجوم عن مقتل، حسب مصادر محلية، 15 جنديا."),
            None,
            "a number past a comma is not read for the toll word before it"
        );
        // A time adverbial between commas stays inside the clause.
        assert_eq!(
            killed("", "قتل مسلحون، الأحد، 12 جنديا في هجوم على معسكر."),
            Some(12)
        );
        assert_eq!(
            killed("", "قتل مسلحون، فجر اليوم، 9 مدنيين في قرية."),
            Some(9)
        );
    }

    #[test]
    fn tolls_of_what_had_happened_before_are_not_this_incident_s() {
        assert_eq!(
            killed(
                "ارتفاع حصيلة هجمات واغادوغو إلى 16 قتيلا",
                "ارتفعت الحصيلة إلى 16 قتيلا. وكانت العاصمة قد شهدت في يناير 2016 هجوما على \
                 فندق أودى بحياة ثلاثين شخصا."
            ),
            Some(16)
        );
        // The pluperfect opens the sentence; «قد» elsewhere is no recall.
        assert_eq!(
            killed("", "وقال مصدر إن الحصيلة قد ترتفع بعد مقتل 40 شخصا."),
            Some(40)
        );
    }

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
