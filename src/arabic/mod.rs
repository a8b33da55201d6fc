//! Arabic text handling: one normalization shared by rules, items and queries, tokens with offsets
//! back into the original text, numbers written in digits or words, and dates resolved against
//! the day of publication.
//!
//! Everything here is pure and allocation-light because it runs on every item the daemon sees.

mod dates;
mod normalize;
mod numbers;
mod search;
mod stem;
mod tokenize;

pub use dates::{dates_in, is_month_name, is_weekday, DateMention};
pub use normalize::{normalize, normalize_char, Normalized};
pub use numbers::{counted, number_at, CountedNoun, NumberWord, KIDNAPPED, KILLED};
pub use search::{parse_search, phrases_hold, snippet, Search, Term};
pub use stem::{index_terms, query_terms, stem, terms_of_tokens};
pub use tokenize::{is_word_char, tokens, Token};
