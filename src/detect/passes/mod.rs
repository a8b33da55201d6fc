//! The analysis as named passes over one [`Doc`], run in order; each adds one layer and can be
//! run and tested alone (`classify --explain` names the pass behind each line).
//!
//! mentions → disambiguation → places → events → signals → figures → countries → verdict

mod countries;
pub(crate) mod disambiguation;
mod events;
mod figures;
pub(crate) use figures::RECALLED;
pub(crate) use places::{AREA, GOVERNMENT};
mod mentions;
mod places;
mod signals;
mod verdict;

use super::doc::Doc;

/// A pass: a name for explanations and the function that adds its layer.
pub(crate) struct Pass {
    pub name: &'static str,
    pub run: fn(&mut Doc<'_>),
}

/// The pipeline, in the order the layers depend on each other.
pub(crate) const PIPELINE: [Pass; 8] = [
    Pass {
        name: mentions::NAME,
        run: mentions::run,
    },
    Pass {
        name: disambiguation::NAME,
        run: disambiguation::run,
    },
    Pass {
        name: places::NAME,
        run: places::run,
    },
    Pass {
        name: events::NAME,
        run: events::run,
    },
    Pass {
        name: signals::NAME,
        run: signals::run,
    },
    Pass {
        name: figures::NAME,
        run: figures::run,
    },
    Pass {
        name: countries::NAME,
        run: countries::run,
    },
    Pass {
        name: verdict::NAME,
        run: verdict::run,
    },
];

/// Runs the passes up to and including `last` (all of them with `None`).
pub(crate) fn run_until(doc: &mut Doc<'_>, last: Option<&str>) {
    for pass in &PIPELINE {
        (pass.run)(doc);
        if last == Some(pass.name) {
            break;
        }
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Runs the pipeline up to a pass on a headline and body, for the passes' unit tests.
    use crate::arabic::{normalize, tokens, Normalized, Token};
    use crate::detect::analyze::analysed_text;
    use crate::detect::doc::Doc;
    use crate::detect::{matcher, RulePack};
    use std::sync::OnceLock;

    pub fn pack() -> &'static RulePack {
        static PACK: OnceLock<RulePack> = OnceLock::new();
        PACK.get_or_init(RulePack::bundled)
    }

    /// The text of a document, owned, so that a test can build a [`Doc`] over it.
    pub struct Text {
        title: String,
        original: String,
        norm: Normalized,
        tokens: Vec<Token>,
    }

    pub fn text(title: &str, body: &str) -> Text {
        let original = analysed_text(title, body);
        let norm = normalize(&original);
        let tokens = tokens(&norm.text);
        Text {
            title: title.into(),
            original,
            norm,
            tokens,
        }
    }

    impl Text {
        /// The document after the passes up to `last`.
        pub fn until(&self, last: &str) -> Doc<'_> {
            let hits = matcher::find(pack(), &self.norm.text, &self.tokens);
            let mut doc = Doc::new(
                pack(),
                &self.title,
                &self.original,
                &self.norm,
                &self.tokens,
                hits,
            );
            assert!(super::PIPELINE.iter().any(|p| p.name == last), "{last}");
            super::run_until(&mut doc, Some(last));
            doc
        }
    }

    /// The ids of the entities of `mentions`.
    pub fn ids(doc: &Doc<'_>, mentions: &[crate::detect::doc::Mention]) -> Vec<String> {
        mentions
            .iter()
            .map(|m| doc.pack.entities[m.entity].id.clone())
            .collect()
    }
}
