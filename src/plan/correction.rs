//! What an analyst's correction does to a story's facts, decided purely. When an article
//! leaves a story (it tells no incident, is out of scope, or tells another incident), the
//! story is told again by the articles it keeps, as the pipeline read them; an article split
//! out becomes a story of its own with the facts it brought; a story put in other countries
//! keeps its reports but their votes for countries are the analyst's.

use crate::dedup::{Facts, StoryPolicy};
use crate::detect::{Analysis, RulePack};

use super::{story_input, StoryInput};

/// One article of a story as the store holds it, for telling the story again.
#[derive(Debug, Clone)]
pub struct Report {
    pub analysis: Analysis,
    pub title: String,
    pub text: String,
    pub published: i64,
    /// Its publisher (`dedup::publisher`), as the pipeline counted it.
    pub publisher: String,
    /// The countries an analyst said it tells of, while that correction stands.
    pub placed: Option<Vec<String>>,
}

/// The facts one article brings to a story in `countries`: of the incidents its text tells,
/// the one there (a roundup's later paragraph tells another country's), else its main one.
/// `None` when, read with today's rules, it brings none.
pub fn report_facts(
    rules: &RulePack,
    policy: &StoryPolicy,
    countries: &[String],
    r: &Report,
) -> Option<Facts> {
    let (_, input) = story_input(rules, policy, &r.analysis, &r.title, &r.text, r.published);
    let (main, further) = match input {
        StoryInput::Facts(main, further) => (*main, further),
        StoryInput::FollowUp { facts, .. } => (*facts, Vec::new()),
        StoryInput::None | StoryInput::Old(_) => return None,
    };
    let mut chosen = further
        .into_iter()
        .find(|f| !main_is_here(&main, countries) && is_here(f, countries))
        .unwrap_or(main);
    chosen.publishers = vec![r.publisher.clone()];
    if let Some(placed) = &r.placed {
        chosen.countries = placed.clone();
        without_places_elsewhere(rules, &mut chosen, placed);
    }
    Some(chosen)
}

fn is_here(f: &Facts, countries: &[String]) -> bool {
    f.countries.iter().any(|c| countries.contains(c))
}

fn main_is_here(main: &Facts, countries: &[String]) -> bool {
    countries.is_empty() || is_here(main, countries)
}

/// A story's facts told again by the reports it keeps (oldest first), in the countries an
/// analyst put it in when one did (`placed`). `None` when no report is left to tell it.
pub fn refolded_facts(
    rules: &RulePack,
    policy: &StoryPolicy,
    story: &Facts,
    reports: &[Report],
    placed: Option<&[String]>,
) -> Option<Facts> {
    let mut told = reports
        .iter()
        .filter_map(|r| report_facts(rules, policy, &story.countries, r));
    let mut facts = told.next()?;
    for f in told {
        facts.merge(&f);
    }
    Some(match placed {
        Some(countries) => placed_facts(&facts, countries),
        None => facts,
    })
}

/// A story put in the countries an analyst gave: every report counts as naming them, so
/// later reports that name others do not vote it back; towns and regions of other countries
/// go (their gazetteer entries say where they are).
pub fn placed_facts(facts: &Facts, countries: &[String]) -> Facts {
    let reports = facts.reports.max(1);
    let mut placed = facts.clone();
    placed.countries = countries.to_vec();
    placed.country_reports = countries.iter().map(|c| (c.clone(), reports)).collect();
    placed.reports = reports;
    placed
}

/// Drops from `facts` the places the rule pack puts outside `countries` (a place it does not
/// know stays: nothing says it is elsewhere).
pub fn without_places_elsewhere(rules: &RulePack, facts: &mut Facts, countries: &[String]) {
    let here = |id: &String| {
        rules
            .entity(id)
            .and_then(|e| e.country.as_deref())
            .is_none_or(|c| countries.iter().any(|k| k == c))
    };
    facts.cities.retain(|p| here(&p.id));
    facts.regions.retain(|p| here(&p.id));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::analyze;

    fn rules() -> RulePack {
        RulePack::bundled()
    }

    fn report(rules: &RulePack, title: &str, text: &str, publisher: &str, day: i64) -> Report {
        Report {
            analysis: analyze(rules, title, text),
            title: title.into(),
            text: text.into(),
            published: 1_700_000_000 + day * 86_400,
            publisher: publisher.into(),
            placed: None,
        }
    }

    #[test]
    fn a_story_told_again_keeps_only_what_its_remaining_reports_say() {
        let rules = rules();
        let policy = StoryPolicy::for_tests();
        let kept = report(
            &rules,
            "مقتل 5 جنود في هجوم على ثكنة في منطقة ميناكا شمال مالي",
            "قتل خمسة جنود ماليين في هجوم مسلح على ثكنة للجيش في منطقة ميناكا شمال مالي.",
            "a.example",
            0,
        );
        let story = Facts {
            countries: vec!["ML".into()],
            killed: Some(40),
            publishers: vec!["a.example".into(), "b.example".into()],
            ..Facts::default()
        };
        let facts = refolded_facts(&rules, &policy, &story, &[kept], None).unwrap();
        assert_eq!(
            facts.killed,
            Some(5),
            "the 40 of the article taken out is gone"
        );
        assert_eq!(facts.publishers, ["a.example"]);
        assert_eq!(facts.countries, ["ML"]);
        assert!(refolded_facts(&rules, &policy, &story, &[], None).is_none());
    }

    #[test]
    fn an_article_an_analyst_placed_elsewhere_votes_for_that_country() {
        let rules = rules();
        let policy = StoryPolicy::for_tests();
        let text = "قتل خمسة جنود في هجوم مسلح على ثكنة للجيش في منطقة ميناكا شمال مالي.";
        let title = "مقتل 5 جنود في هجوم على ثكنة في منطقة ميناكا شمال مالي";
        let mut r = report(&rules, title, text, "a.example", 0);
        let read = report_facts(&rules, &policy, &[], &r).unwrap();
        assert_eq!(read.countries, ["ML"]);
        assert!(
            !read.regions.is_empty(),
            "the region of Ménaka is Malian: {read:?}"
        );
        r.placed = Some(vec!["NE".into()]);
        let placed = report_facts(&rules, &policy, &[], &r).unwrap();
        assert_eq!(placed.countries, ["NE"]);
        assert!(
            placed.cities.is_empty() && placed.regions.is_empty(),
            "Ménaka is not in Niger: its mark goes"
        );
        assert_eq!(placed.killed, Some(5), "the rest stands");
    }

    #[test]
    fn a_placed_story_keeps_the_analysts_countries_against_later_votes() {
        let facts = Facts {
            countries: vec!["NG".into()],
            reports: 3,
            country_reports: vec![("NG".into(), 3)],
            ..Facts::default()
        };
        let mut placed = placed_facts(&facts, &["NE".into()]);
        assert_eq!(placed.countries, ["NE"]);
        placed.merge(&Facts {
            countries: vec!["NG".into()],
            ..Facts::default()
        });
        assert_eq!(
            placed.countries,
            ["NE"],
            "one report for NG against three for NE"
        );
    }
}
