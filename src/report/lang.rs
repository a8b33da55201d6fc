//! The briefing's words in English or Arabic. Headlines stay in the language they were written
//! in; only the page's own words and the place names change.

use super::chart::Bin;
use crate::detect::EventKind;

/// The language of the briefing's headings and place names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Lang {
    #[default]
    En,
    Ar,
}

/// The page's own words in one language.
pub struct Words {
    pub code: &'static str,
    pub dir: &'static str,
    pub title: &'static str,
    /// `{n}`, `{from}`, `{to}` are filled in.
    pub period: &'static str,
    pub asked: &'static str,
    pub generated: &'static str,
    pub none: &'static str,
    pub map: &'static str,
    pub off_map: &'static str,
    pub approximate: &'static str,
    /// A story with no event kind (context).
    pub other: &'static str,
    /// Between the items of a list.
    pub comma: &'static str,
    /// The time charts' and table's words, by bin: [day, week, month] (see [`Words::per`]).
    pub per: [PerBin; 3],
    pub stories: &'static str,
    pub country: &'static str,
    pub number: &'static str,
    pub first_report: &'static str,
    pub kinds: &'static str,
    pub place: &'static str,
    pub killed: &'static str,
    pub kidnapped: &'static str,
    pub outlets: &'static str,
    pub corroboration: &'static str,
    pub headline: &'static str,
    pub truncated: &'static str,
    pub single_source: &'static str,
    pub corroborated: &'static str,
    pub claimed: &'static str,
    pub disputed: &'static str,
}

/// The words that name a time bin: the charts and the table say «per day», «per week» or «per
/// month» as the period is binned, so each is a whole phrase (Arabic needs «في كل يوم» here and
/// «حسب اليوم» there, not one word dropped into a template).
pub struct PerBin {
    /// The incidents chart's caption.
    pub chart: &'static str,
    /// The toll chart's caption.
    pub toll: &'static str,
    /// The table's heading.
    pub table: &'static str,
    /// The table's first column.
    pub column: &'static str,
}

impl Words {
    /// The words for charts binned by `bin`.
    pub fn per(&self, bin: Bin) -> &PerBin {
        &self.per[match bin {
            Bin::Day => 0,
            Bin::Week => 1,
            Bin::Month => 2,
        }]
    }
}

impl Lang {
    pub fn words(self) -> &'static Words {
        match self {
            Lang::En => &EN,
            Lang::Ar => &AR,
        }
    }

    pub fn kind(self, k: EventKind) -> &'static str {
        match (self, k) {
            (Lang::En, EventKind::Attack) => "attack",
            (Lang::En, EventKind::Kidnapping) => "kidnapping",
            (Lang::En, EventKind::BorderClosure) => "border closure",
            (Lang::Ar, EventKind::Attack) => "هجوم",
            (Lang::Ar, EventKind::Kidnapping) => "اختطاف",
            (Lang::Ar, EventKind::BorderClosure) => "إغلاق حدود",
        }
    }

    /// The corroboration level's words (`level` as [`crate::dedup::Corroboration`] says it).
    pub fn level(self, level: &str) -> &'static str {
        let w = self.words();
        if level == "corroborated" {
            w.corroborated
        } else {
            w.single_source
        }
    }
}

static EN: Words = Words {
    code: "en",
    dir: "ltr",
    title: "sahel-watch briefing",
    period: "{n} incidents (stories) first reported from {from} to {to}",
    asked: "period asked",
    generated: "generated",
    none: "No story in the period.",
    map: "Where: each story at its place, sized by its toll (killed and kidnapped), coloured by kind, numbered as in the table",
    off_map: "stories have no place on this map",
    approximate: "hollow: only the country is known",
    other: "other",
    comma: ", ",
    per: [
        PerBin {
            chart: "Incidents per day, by the country where they happened",
            toll: "Toll per day",
            table: "Per day and country (each story once, where it happened)",
            column: "Day",
        },
        PerBin {
            chart: "Incidents per week, by the country where they happened",
            toll: "Toll per week",
            table: "Per week and country (each story once, where it happened)",
            column: "Week",
        },
        PerBin {
            chart: "Incidents per month, by the country where they happened",
            toll: "Toll per month",
            table: "Per month and country (each story once, where it happened)",
            column: "Month",
        },
    ],
    stories: "stories",
    country: "Country",
    number: "#",
    first_report: "First report",
    kinds: "Kinds",
    place: "Place",
    killed: "Killed",
    kidnapped: "Kidnapped",
    outlets: "Outlets",
    corroboration: "Corroboration",
    headline: "Headline",
    truncated: "only the latest stories are listed and drawn",
    single_source: "single source",
    corroborated: "corroborated",
    claimed: "claimed",
    disputed: "disputed",
};

static AR: Words = Words {
    code: "ar",
    dir: "rtl",
    title: "نشرة ساحل ووتش",
    period: "{n} حادثة (قصة) أُبلغ عنها أول مرة من {from} إلى {to}",
    asked: "الفترة المطلوبة",
    generated: "أُعدّت في",
    none: "لا قصة في هذه الفترة.",
    map: "أين: كل قصة في مكانها، بحجم حصيلتها (القتلى والمختطفون) ولون نوعها، وبرقمها في الجدول",
    off_map: "قصص ليس لها مكان على هذه الخريطة",
    approximate: "الدائرة الفارغة: البلد وحده معروف",
    other: "غير ذلك",
    comma: "، ",
    per: [
        PerBin {
            chart: "الحوادث في كل يوم، حسب البلد الذي وقعت فيه",
            toll: "الحصيلة في كل يوم",
            table: "حسب اليوم والبلد (كل قصة مرة واحدة، حيث وقعت)",
            column: "اليوم",
        },
        PerBin {
            chart: "الحوادث في كل أسبوع، حسب البلد الذي وقعت فيه",
            toll: "الحصيلة في كل أسبوع",
            table: "حسب الأسبوع والبلد (كل قصة مرة واحدة، حيث وقعت)",
            column: "الأسبوع",
        },
        PerBin {
            chart: "الحوادث في كل شهر، حسب البلد الذي وقعت فيه",
            toll: "الحصيلة في كل شهر",
            table: "حسب الشهر والبلد (كل قصة مرة واحدة، حيث وقعت)",
            column: "الشهر",
        },
    ],
    stories: "قصص",
    country: "البلد",
    number: "رقم",
    first_report: "أول خبر",
    kinds: "النوع",
    place: "المكان",
    killed: "قتلى",
    kidnapped: "مختطفون",
    outlets: "المصادر",
    corroboration: "التأكيد",
    headline: "العنوان",
    truncated: "لا تظهر إلا أحدث القصص",
    single_source: "مصدر واحد",
    corroborated: "مؤكد من عدة مصادر",
    claimed: "تبنٍّ",
    disputed: "نفي",
};
