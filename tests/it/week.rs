//! The week of one attack as items really arrive: the coordinated attack on the French embassy
//! and the army headquarters in Ouagadougou (Friday 2 March 2018), told by five outlets over
//! six days, each report a headline and a short summary in its outlet's feed and its text on a
//! page among other headlines, in one of the seven page layouts. Issue 24 asks for one alert
//! for it and at most two updates; the shared stream has no article of that week about it, so
//! the reports are written here, in the wordings outlets use for such a week: the first
//! flashes, the second site, tolls rising 8 → 16 → 28, the next day's «أمس الجمعة», a
//! condemnation, a claim from a group with a Malian past, arrests, a summit recalling it, and
//! beside them the week's other news that names the city or «مالي».
//!
//! The expected answer is the issue's: one first alert, for Burkina Faso, at most two
//! updates under it, nothing else alerted.

use sahel_watch::fulltext::layouts::{self, Layout, Other};

use crate::support::http::{HttpServer, Route};
use crate::support::{mail, stderr, xml_escape, Env};

/// One report: who published it when, its headline, the summary its feed carries, and the
/// rest of its text (on its page, after the summary).
struct Report {
    outlet: &'static str,
    at: &'static str,
    title: &'static str,
    summary: &'static str,
    more: &'static [&'static str],
}

const WEEK: &[Report] = &[
    Report {
        outlet: "sky",
        at: "2018-03-02T10:40:00Z",
        title: "هجوم مسلح على السفارة الفرنسية في واغادوغو",
        summary: "هاجم مسلحون صباح اليوم الجمعة السفارة الفرنسية في واغادوغو عاصمة بوركينا فاسو، وسمع دوي انفجارات وإطلاق نار كثيف وسط المدينة.",
        more: &[
            "وقالت مصادر أمنية إن قوات الأمن طوقت الحي الذي يضم السفارة والمعهد الفرنسي، وإن تبادلا لإطلاق النار ما زال جاريا.",
            "ولم تعلن أي جهة مسؤوليتها عن الهجوم حتى الآن، فيما دعت السفارة الرعايا الفرنسيين إلى البقاء في منازلهم.",
        ],
    },
    Report {
        outlet: "bbc",
        at: "2018-03-02T11:15:00Z",
        title: "انفجار قرب مقر قيادة الأركان وسط عاصمة بوركينا فاسو",
        summary: "قالت السلطات في بوركينا فاسو إن سيارة مفخخة انفجرت قرب مقر قيادة أركان الجيش في واغادوغو، بالتزامن مع هجوم على السفارة الفرنسية.",
        more: &[
            "وأفاد شهود بأن دخانا كثيفا تصاعد من المبنى، وبأن مسلحين نزلوا من سيارة وفتحوا النار على المارة قبل أن يشتبكوا مع الحراس.",
        ],
    },
    Report {
        outlet: "arabiya",
        at: "2018-03-02T14:30:00Z",
        title: "مقتل 8 في هجمات واغادوغو",
        summary: "أعلنت حكومة بوركينا فاسو مقتل ثمانية من عناصر قوات الأمن في الهجومين اللذين استهدفا السفارة الفرنسية ومقر قيادة الجيش في واغادوغو صباح اليوم.",
        more: &[
            "وقال وزير الاتصال في مؤتمر صحفي إن ثمانية مهاجمين قتلوا أيضا، وإن أكثر من ثمانين شخصا أصيبوا بجروح نقلوا إلى مستشفيات العاصمة.",
        ],
    },
    Report {
        outlet: "f24",
        at: "2018-03-02T20:05:00Z",
        title: "ارتفاع حصيلة هجمات واغادوغو إلى 16 قتيلا",
        summary: "ارتفعت حصيلة الهجومين المتزامنين على السفارة الفرنسية ومقر هيئة الأركان في عاصمة بوركينا فاسو إلى 16 قتيلا بينهم ثمانية مهاجمين، حسب مصدر حكومي.",
        more: &[
            "وكانت العاصمة قد شهدت في يناير 2016 هجوما على فندق ومقهى أودى بحياة ثلاثين شخصا.",
        ],
    },
    Report {
        outlet: "sky",
        at: "2018-03-03T08:50:00Z",
        title: "حصيلة هجمات الجمعة في بوركينا فاسو ترتفع إلى 28 قتيلا",
        summary: "قال مصدر أمني في واغادوغو إن حصيلة الهجمات التي شنها مسلحون أمس الجمعة على السفارة الفرنسية ومقر قيادة الجيش ارتفعت إلى 28 قتيلا.",
        more: &[
            "وأضاف المصدر أن بين القتلى عسكريين ومدنيين، وأن عشرات الجرحى ما زالوا في المستشفيات.",
        ],
    },
    Report {
        outlet: "cnn",
        at: "2018-03-03T12:00:00Z",
        title: "ماكرون يدين الهجوم على سفارة بلاده في بوركينا فاسو",
        summary: "أدان الرئيس الفرنسي إيمانويل ماكرون الهجوم الذي استهدف أمس سفارة بلاده ومقر قيادة الجيش في واغادوغو، وأكد تضامن فرنسا مع بوركينا فاسو.",
        more: &[
            "وقال ماكرون في بيان إن فرنسا ستواصل دعم دول الساحل في مواجهة الجماعات المسلحة.",
        ],
    },
    Report {
        outlet: "arabiya",
        at: "2018-03-03T18:20:00Z",
        title: "جماعة نصرة الإسلام والمسلمين تتبنى هجمات واغادوغو",
        summary: "أعلنت جماعة نصرة الإسلام والمسلمين المرتبطة بتنظيم القاعدة مسؤوليتها عن الهجومين اللذين استهدفا السفارة الفرنسية ومقر قيادة الجيش في بوركينا فاسو يوم الجمعة.",
        more: &[
            "وقالت الجماعة التي تنشط في مالي إن الهجومين جاءا ردا على غارة فرنسية قتلت عددا من قادتها في شمال مالي الشهر الماضي.",
        ],
    },
    Report {
        outlet: "bbc",
        at: "2018-03-05T10:00:00Z",
        title: "اعتقال مشتبه بهم في هجمات واغادوغو",
        summary: "أعلن الادعاء العام في بوركينا فاسو اعتقال شخصين يشتبه في صلتهما بالهجمات التي استهدفت العاصمة واغادوغو الجمعة الماضي وأودت بحياة ثمانية عسكريين.",
        more: &["وقال المدعي العام إن التحقيق ما زال جاريا لتحديد هوية بقية المهاجمين."],
    },
    Report {
        outlet: "f24",
        at: "2018-03-06T09:30:00Z",
        title: "قادة مجموعة الساحل يبحثون تمويل القوة المشتركة",
        summary: "يجتمع قادة دول مجموعة الساحل الخمس في نيامي لبحث تمويل القوة العسكرية المشتركة، بعد أيام من هجمات واغادوغو التي أودت بحياة ثمانية عسكريين.",
        more: &["ويأمل القادة في جمع ما تبقى من ميزانية القوة قبل نهاية العام."],
    },
    // The week's other news naming the city or «مالي».
    Report {
        outlet: "sky",
        at: "2018-03-04T16:00:00Z",
        title: "منتخب بوركينا فاسو يفوز على ضيفه في واغادوغو",
        summary: "فاز منتخب بوركينا فاسو لكرة القدم على ضيفه بهدفين دون رد في مباراة ودية أقيمت على ملعب الرابع من أغسطس في واغادوغو.",
        more: &["وسجل الهدفين مهاجم الفريق في الشوط الثاني أمام آلاف المشجعين."],
    },
    Report {
        outlet: "arabiya",
        at: "2018-03-05T07:00:00Z",
        title: "دعم مالي جديد للمشاريع الصغيرة في الخليج",
        summary: "أعلن صندوق التنمية عن برنامج دعم مالي جديد للمشاريع الصغيرة والمتوسطة بقيمة مليار دولار على مدى خمس سنوات.",
        more: &["وقال مدير الصندوق إن البرنامج يستهدف الشباب والنساء بالدرجة الأولى."],
    },
];

/// Headlines of other Sahel security stories, for every page's furniture.
const ELSEWHERE: &[&str] = &[
    "مقتل 20 جنديا في هجوم مسلح على معسكر للجيش في شمال مالي",
    "مسلحون يختطفون 15 شخصا في منطقة تيلابيري غرب النيجر",
    "كمين لبوكو حرام يقتل 12 جنديا قرب مايدوغوري",
];

/// An outlet's RSS feed of the reports it had published by the end of `day`.
fn feed(outlet: &str, day: &str, base: &str) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>outlet</title>",
    );
    for (i, r) in WEEK.iter().enumerate() {
        if r.outlet != outlet || &r.at[..10] > day {
            continue;
        }
        let at = chrono::DateTime::parse_from_rfc3339(r.at).unwrap();
        s.push_str(&format!(
            "<item><guid isPermaLink=\"false\">{outlet}-{i}</guid><title>{}</title>\
             <link>{base}/{outlet}/{i}</link><pubDate>{}</pubDate><description>{}</description></item>",
            xml_escape(r.title),
            at.to_rfc2822(),
            xml_escape(r.summary),
        ));
    }
    s.push_str("</channel></rss>");
    s
}

/// Report `i`'s page in its layout, the week's other headlines and the elsewhere ones in its
/// furniture (an outlet's page links to its other reports of the same attack).
fn page(i: usize) -> String {
    let r = &WEEK[i];
    let mut text = String::from(r.summary);
    for p in r.more {
        text.push('\n');
        text.push_str(p);
    }
    let others: Vec<Other<'_>> = WEEK
        .iter()
        .enumerate()
        .filter(|(k, _)| *k != i)
        .map(|(k, o)| Other {
            title: o.title,
            dek: o.summary,
            href: format!("/{}/{k}", o.outlet),
        })
        .chain(ELSEWHERE.iter().enumerate().map(|(k, h)| Other {
            title: h,
            dek: "",
            href: format!("/elsewhere/{k}"),
        }))
        .collect();
    let layout = Layout::ALL[i % Layout::ALL.len()];
    layouts::render(layout, r.title, &text, &others, r.outlet, i as u64)
}

#[test]
fn the_week_of_one_attack_sends_one_alert_and_at_most_two_updates() {
    let server = HttpServer::start();
    let base = server.base.clone();
    for (i, r) in WEEK.iter().enumerate() {
        server.route(
            &format!("/{}/{i}", r.outlet),
            Route::ok("text/html; charset=utf-8", page(i)),
        );
    }
    let outlets = ["sky", "bbc", "arabiya", "f24", "cnn"];
    let env = Env::new();
    env.write_config(&format!(
        "{}[[recipients]]\nemail = \"desk@test.invalid\"\nmax_per_hour = 1000\n",
        outlets
            .iter()
            .map(|o| format!(
                "[[feeds]]\nurl = \"{base}/{o}.xml\"\nname = \"{o}\"\npublisher = \"{o}\"\n"
            ))
            .collect::<String>()
    ));
    // Day by day, as the daemon would have met them.
    let mut days: Vec<&str> = WEEK.iter().map(|r| &r.at[..10]).collect();
    days.sort_unstable();
    days.dedup();
    for day in days {
        for o in outlets {
            server.route(
                &format!("/{o}.xml"),
                Route::ok("application/rss+xml", feed(o, day, &base)),
            );
        }
        let out = env.run(&["run", "--once"]);
        assert!(out.status.success(), "{day}: {}", stderr(&out));
    }
    assert_eq!(env.items().len(), WEEK.len());

    let alerts: Vec<mail::Mail> = env
        .maildir_files()
        .iter()
        .map(|f| mail::read(f))
        .filter(|m| !m.message_id.contains(".surge."))
        .collect();
    let firsts: Vec<&mail::Mail> = alerts.iter().filter(|m| m.in_reply_to.is_empty()).collect();
    assert_eq!(
        firsts.len(),
        1,
        "one first alert for the attack: {:?}",
        firsts.iter().map(|m| &m.subject).collect::<Vec<_>>()
    );
    let first = firsts[0];
    assert!(
        first.text.contains("Ouagadougou") && first.text.contains("Burkina Faso"),
        "{}",
        first.text
    );
    let updates: Vec<&mail::Mail> = alerts
        .iter()
        .filter(|m| !m.in_reply_to.is_empty())
        .collect();
    assert!(updates.len() <= 2, "{} updates", updates.len());
    for u in &updates {
        assert_eq!(u.in_reply_to, first.message_id, "{}", u.subject);
    }

    // The story lists Burkina Faso alone: the claimant's Malian past is background.
    let out = env.run(&["stories", "--since", "36500d", "--json"]);
    let stories: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let alerted: Vec<&serde_json::Value> = stories
        .iter()
        .filter(|s| s["facts"]["countries"] == serde_json::json!(["BF"]))
        .collect();
    assert_eq!(alerted.len(), 1, "{stories:#?}");
    assert!(
        alerted[0]["items"].as_i64().unwrap() >= 5,
        "the flashes, the second site and the rising tolls are one story: {stories:#?}"
    );
}
