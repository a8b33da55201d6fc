//! Detection: a readable, editable rule pack (gazetteer, armed groups, event triggers, context
//! words) compiled into one multi-pattern automaton, and the analysis of a text against it.
//!
//! Pure: text in, [`Analysis`] out, no I/O beyond loading the pack.

mod analyze;
mod candidate;
mod dating;
mod doc;
mod eval;
mod matcher;
mod pack;
mod passes;
#[cfg(test)]
mod tests;
mod tolls;

pub use analyze::{
    analysed_text, analyze, analyze_and_index, analyze_and_index_normalized, Analysis,
};
pub use candidate::candidate;
pub use dating::{event_date, EventDate};
pub use doc::{Explanation, Figures};
pub use eval::{
    analyst_label, evaluate, Agreement, AnalystVerdict, EvalReport, Judged, LabelledItem, Scores,
};
pub use pack::{Entity, EntityKind, EventKind, FollowUp, PackError, RulePack, Scope, BUNDLED_PACK};
pub(crate) use passes::{AREA, GOVERNMENT, RECALLED};
