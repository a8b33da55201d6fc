//! The hard cases of Arabic the detector must get right, on short real-style sentences.

use super::{analyze, EventKind, RulePack};

fn pack() -> RulePack {
    RulePack::bundled()
}

fn countries(title: &str, text: &str) -> Vec<String> {
    analyze(&pack(), title, text).countries
}

#[test]
fn clitics_and_run_together_names() {
    assert_eq!(countries("هجوم مسلح وبباماكو", ""), ["ML"]);
    assert_eq!(countries("مقتل جنود ببوركينا فاسو", ""), ["BF"]);
    assert_eq!(countries("#بوركينا_فاسو: هجوم جديد", ""), ["BF"]);
    assert_eq!(countries("كمين في بوركينافاسو", ""), ["BF"]);
    let a = analyze(&pack(), "هجوم لبوكوحرام قرب مايدوغوري", "");
    assert!(
        a.entities.iter().any(|e| e == "g-bokoharam"),
        "{:?}",
        a.entities
    );
    assert_eq!(a.countries, ["NG"]);
}

#[test]
fn financial_mali_is_not_mali() {
    for t in [
        "ارتفاع العجز المالي في الربع الثالث",
        "وزارة المالية تعلن عن ميزانية جديدة",
        "مسؤول مالي يستولي على المليارات ويفر",
        "دعم مالي للمؤسسات الصغيرة",
        "الأوراق المالية تتراجع",
    ] {
        assert!(countries(t, "").is_empty(), "{t}");
    }
    assert_eq!(countries("مالي: مقتل جنود في هجوم", ""), ["ML"]);
    assert_eq!(countries("هجوم على معسكر للجيش المالي", ""), ["ML"]);
    assert_eq!(countries("مقتل عشرة جنود في شمال مالى", ""), ["ML"]);
    assert_eq!(countries("اشتباكات في بمالي الشمالية", ""), ["ML"]);
}

#[test]
fn words_containing_names_are_not_names() {
    assert!(countries("الرئيس الصومالي يزور كوريا الشمالية", "").is_empty());
    assert!(countries("بنيامين نتنياهو", "").is_empty());
    assert!(countries("نتائج الدوري المحلي", "").is_empty());
    assert!(countries("شمالي البلاد", "").is_empty());
}

#[test]
fn niger_is_never_nigeria() {
    assert_eq!(countries("هجوم مسلح في النيجر", ""), ["NE"]);
    // Nigeria as a whole counts only with a Sahel-facing place.
    assert!(countries("انتخابات في نيجيريا", "").is_empty());
    assert_eq!(countries("هجوم في شمال شرق نيجيريا", ""), ["NG"]);
}

#[test]
fn figurative_kidnapping_and_borders_are_not_events() {
    let a = analyze(
        &pack(),
        "فنانة من مالي تخطف الأنظار",
        "المغنية المالية تخطف الأنظار في باماكو.",
    );
    assert!(!a.events.contains(&EventKind::Kidnapping), "{:?}", a.events);
    let a = analyze(&pack(), "الجزائر تنفي إغلاق حدودها مع مالي", "");
    assert!(!a.events.contains(&EventKind::BorderClosure));
    let a = analyze(&pack(), "الجزائر تغلق حدودها مع مالي والنيجر", "");
    assert!(a.events.contains(&EventKind::BorderClosure));
}

#[test]
fn yemen_coast_is_not_the_sahel() {
    assert!(countries("معارك في الساحل الغربي لليمن", "").is_empty());
    assert!(!analyze(&pack(), "معارك في منطقة الساحل الغربي", "هجوم جديد").relevant);
}

#[test]
fn figures_in_words_and_digits() {
    let a = analyze(
        &pack(),
        "مقتل 27 شخصا في هجوم بمالي",
        "وأصيب ثلاثة جنود وخطف خمسة عمال.",
    );
    assert_eq!(a.figures.killed, Some(27));
    assert_eq!(a.figures.wounded, Some(3));
    assert_eq!(a.figures.kidnapped, Some(5));
}

#[test]
fn explanation_spans_point_into_the_original() {
    let title = "هجومٌ على فندقٍ في باماكو";
    let a = analyze(&pack(), title, "");
    let original = format!("{title}\n");
    for e in &a.explanation {
        assert_eq!(&original[e.start..e.end], e.matched);
    }
    assert!(a.explanation.iter().any(|e| e.matched == "باماكو"));
}
