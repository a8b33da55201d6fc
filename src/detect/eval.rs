//! Scoring the detector on a labelled corpus, as DESIGN.md specifies for `eval`.

use std::collections::BTreeSet;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::{analyze, Analysis, EventKind, RulePack};

/// One labelled article (other keys of the line are ignored).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct LabelledItem {
    pub id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub text: String,
    /// The feed's description of the article, where the corpus has it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub summary: String,
    pub relevant: bool,
    #[serde(default)]
    pub events: Vec<String>,
    #[serde(default)]
    pub countries: Vec<String>,
}

/// Precision, recall and F1 from counts; a ratio with nothing to divide is 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Scores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub tp: usize,
    pub fp: usize,
    #[serde(rename = "fn")]
    pub fn_: usize,
}

impl Scores {
    fn from_counts(tp: usize, fp: usize, fn_: usize) -> Scores {
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let precision = ratio(tp, tp + fp);
        let recall = ratio(tp, tp + fn_);
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        Scores {
            precision,
            recall,
            f1,
            tp,
            fp,
            fn_,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct EventScores {
    pub attack: Scores,
    pub kidnapping: Scores,
    pub border_closure: Scores,
}

#[derive(Debug, Clone, Serialize)]
pub struct CountryScores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvalReport {
    pub items: usize,
    pub relevance: Scores,
    pub events: EventScores,
    pub countries: CountryScores,
    pub articles_per_second: f64,
    pub errors: Vec<String>,
}

#[derive(Default, Clone, Copy)]
struct Counts(usize, usize, usize);

impl Counts {
    fn add(&mut self, predicted: bool, labelled: bool) {
        match (predicted, labelled) {
            (true, true) => self.0 += 1,
            (true, false) => self.1 += 1,
            (false, true) => self.2 += 1,
            (false, false) => {}
        }
    }
    fn scores(self) -> Scores {
        Scores::from_counts(self.0, self.1, self.2)
    }
}

/// Scores `pack` on `items`. Only the analysis is timed.
pub fn evaluate(pack: &RulePack, items: &[LabelledItem]) -> EvalReport {
    let start = Instant::now();
    let analyses: Vec<_> = items
        .iter()
        .map(|it| analyze(pack, &it.title, &it.text))
        .collect();
    let elapsed = start.elapsed().as_secs_f64();

    let mut relevance = Counts::default();
    let mut events = [Counts::default(); 3];
    let mut countries = Counts::default();
    let mut errors = Vec::new();
    for (it, a) in items.iter().zip(&analyses) {
        relevance.add(a.relevant, it.relevant);
        if a.relevant != it.relevant {
            errors.push(it.id.clone());
        }
        for (slot, kind) in events.iter_mut().zip(EventKind::ALL) {
            slot.add(
                a.events.contains(&kind),
                it.events.iter().any(|e| e == kind.as_str()),
            );
        }
        let predicted: BTreeSet<&str> = a.countries.iter().map(String::as_str).collect();
        let labelled: BTreeSet<&str> = it.countries.iter().map(String::as_str).collect();
        for c in predicted.union(&labelled) {
            countries.add(predicted.contains(c), labelled.contains(c));
        }
    }
    let c = countries.scores();
    EvalReport {
        items: items.len(),
        relevance: relevance.scores(),
        events: EventScores {
            attack: events[0].scores(),
            kidnapping: events[1].scores(),
            border_closure: events[2].scores(),
        },
        countries: CountryScores {
            precision: c.precision,
            recall: c.recall,
            f1: c.f1,
        },
        articles_per_second: if elapsed > 0.0 {
            items.len() as f64 / elapsed
        } else {
            0.0
        },
        errors,
    }
}

/// One correction an analyst made of an article, or of a story that holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalystVerdict {
    /// `not_incident`, `not_in_scope`, `wrong_place`, `merge` or `split`.
    pub action: String,
    /// `wrong_place`: the countries given (ISO codes).
    pub countries: Vec<String>,
    /// Made of the article itself, not of its whole story.
    pub of_article: bool,
    pub user: String,
    pub at: i64,
}

/// Which of an article's labels analysts gave; the others are the stored analysis's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Judged {
    pub relevant: bool,
    pub events: bool,
    pub countries: bool,
}

/// An article's labels as analysts' corrections give them, over its stored analysis:
/// - *not in scope*: not relevant, no event, no country;
/// - *not an incident*: relevant (a Sahel security matter, or it would be out of scope) but
///   no event (the corpus's `context` tier);
/// - *wrong country or place*: the countries given;
/// - *same incident as* (merge) and *a different incident* (split): an incident, so relevant
///   with the events the analysis found.
///
/// Corrections of the whole story apply first, then those of the article (more specific), each
/// in the order made.
pub fn analyst_label(
    id: String,
    (title, text): (&str, &str),
    analysis: &Analysis,
    verdicts: &[AnalystVerdict],
) -> (LabelledItem, Judged) {
    let mut l = LabelledItem {
        id,
        title: title.to_owned(),
        text: text.to_owned(),
        summary: String::new(),
        relevant: analysis.relevant,
        events: analysis
            .events
            .iter()
            .map(|e| e.as_str().to_owned())
            .collect(),
        countries: analysis.countries.clone(),
    };
    let mut judged = Judged::default();
    let ordered = verdicts
        .iter()
        .filter(|v| !v.of_article)
        .chain(verdicts.iter().filter(|v| v.of_article));
    for v in ordered {
        match v.action.as_str() {
            "not_in_scope" => {
                (l.relevant, l.events, l.countries) = (false, Vec::new(), Vec::new());
                judged = Judged {
                    relevant: true,
                    events: true,
                    countries: true,
                };
            }
            "not_incident" => {
                (l.relevant, l.events) = (true, Vec::new());
                (judged.relevant, judged.events) = (true, true);
            }
            "wrong_place" => {
                l.countries = v.countries.clone();
                judged.countries = true;
            }
            "merge" | "split" => {
                l.relevant = true;
                judged.relevant = true;
            }
            _ => {}
        }
    }
    (l, judged)
}

/// How an analysis stands against an analyst's labels, on the labels analysts gave only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Agreement {
    pub relevant: Option<bool>,
    pub events: Option<bool>,
    pub countries: Option<bool>,
}

impl Agreement {
    pub fn of(a: &Analysis, label: &LabelledItem, judged: Judged) -> Agreement {
        let events: BTreeSet<&str> = a.events.iter().map(|e| e.as_str()).collect();
        let labelled: BTreeSet<&str> = label.events.iter().map(String::as_str).collect();
        let countries: BTreeSet<&String> = a.countries.iter().collect();
        let placed: BTreeSet<&String> = label.countries.iter().collect();
        Agreement {
            relevant: judged.relevant.then_some(a.relevant == label.relevant),
            events: judged.events.then_some(events == labelled),
            countries: judged.countries.then_some(countries == placed),
        }
    }

    /// Agrees on every label given.
    pub fn right(&self) -> bool {
        [self.relevant, self.events, self.countries]
            .iter()
            .all(|x| x.unwrap_or(true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_make_scores() {
        let s = Scores::from_counts(8, 2, 2);
        assert!((s.precision - 0.8).abs() < 1e-9 && (s.recall - 0.8).abs() < 1e-9);
        assert_eq!(Scores::from_counts(0, 0, 0).f1, 0.0);
    }

    fn said(action: &str, value: Option<&str>, of_article: bool) -> AnalystVerdict {
        AnalystVerdict {
            action: action.into(),
            countries: value
                .map(|v| v.split(", ").map(str::to_owned).collect())
                .unwrap_or_default(),
            of_article,
            user: "amina".into(),
            at: 0,
        }
    }

    fn attack_in_mali() -> Analysis {
        Analysis {
            relevant: true,
            events: vec![EventKind::Attack],
            countries: vec!["ML".into()],
            ..Analysis::default()
        }
    }

    #[test]
    fn analysts_verdicts_become_labels_the_article_s_own_last() {
        let a = attack_in_mali();
        let label = |v: &[AnalystVerdict]| {
            let (l, j) = analyst_label("x".into(), ("t", "b"), &a, v);
            (l.relevant, l.events, l.countries, j)
        };
        let all = Judged {
            relevant: true,
            events: true,
            countries: true,
        };
        assert_eq!(
            label(&[said("not_in_scope", None, false)]),
            (false, vec![], vec![], all)
        );
        let (relevant, events, countries, judged) = label(&[said("not_incident", None, true)]);
        assert_eq!(
            (relevant, events, countries),
            (true, vec![], vec!["ML".to_owned()])
        );
        assert!(judged.events && !judged.countries);
        // The story placed in Niger, then this article said out of scope: the article wins.
        assert_eq!(
            label(&[
                said("not_in_scope", None, true),
                said("wrong_place", Some("NE"), false)
            ]),
            (false, vec![], vec![], all)
        );
        let (_, events, countries, judged) = label(&[said("wrong_place", Some("NE, BF"), false)]);
        assert_eq!(events, ["attack"]);
        assert_eq!(countries, ["NE", "BF"]);
        assert_eq!(
            judged,
            Judged {
                countries: true,
                ..Judged::default()
            }
        );
    }

    #[test]
    fn agreement_counts_only_what_analysts_labelled() {
        let a = attack_in_mali();
        let (label, judged) = analyst_label(
            "x".into(),
            ("t", "b"),
            &a,
            &[said("wrong_place", Some("NE"), false)],
        );
        let was = Agreement::of(&a, &label, judged);
        assert_eq!(
            (was.relevant, was.events, was.countries),
            (None, None, Some(false))
        );
        assert!(!was.right());
        let fixed = Analysis {
            countries: vec!["NE".into()],
            events: Vec::new(),
            ..a.clone()
        };
        assert!(
            Agreement::of(&fixed, &label, judged).right(),
            "events were not labelled"
        );
    }
}
