//! Scoring the detector on a labelled corpus, as DESIGN.md specifies for `eval`.

use std::collections::BTreeSet;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::{analyze, EventKind, RulePack};

/// One labelled article (other keys of the line are ignored).
#[derive(Debug, Clone, Deserialize)]
pub struct LabelledItem {
    pub id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub text: String,
    /// The feed's description of the article, where the corpus has it.
    #[serde(default)]
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_make_scores() {
        let s = Scores::from_counts(8, 2, 2);
        assert!((s.precision - 0.8).abs() < 1e-9 && (s.recall - 0.8).abs() < 1e-9);
        assert_eq!(Scores::from_counts(0, 0, 0).f1, 0.0);
    }
}
