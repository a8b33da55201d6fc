#!/usr/bin/env python3
"""The incident-level measure (issue 24): one alert per real incident, then a few updates.

Replays each labelled month of the shared stream (tests/fixtures/incidents/YYYY-MM.json, made by
reading; their README says how) through the daemon with scripts/replay.py, as received by
default (headlines and real RSS summaries in the feeds, article pages in the page templates of
tests/fixtures/pages), then compares the alerts with the labels and prints, as JSON:

  incidents, incidents_alerted, first_alerts_per_incident (over the incidents alerted),
  updates_per_incident, merged (alerted stories that hold several incidents: one alert for
  them all), stories_about_no_incident (alerted stories none of whose articles
  belongs to an incident, with their headlines), missed incidents, and for each incident with
  more than one first alert the stories it opened and why each did not join the others
  (`sahel-watch show story ID`).

An alerted story is about an incident when one of its items is an article the labels list for
that incident (a roundup's article in each story it tells); incidents the labels call doubtful
count when alerted and are listed apart when not. Each month is replayed alone, from
an empty database: an incident only followed up in a month (`follow_up_only`) is listed apart,
and must not be alerted as new. `--check 1.1` exits 1 when the measure fails.

    python3 scripts/incidents.py                      # every labelled month, as received
    python3 scripts/incidents.py --full-text 2018-05  # one month, the full text in the feeds
    python3 scripts/incidents.py --check 1.1          # as CI runs it
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LABELS = os.path.join(ROOT, "tests", "fixtures", "incidents")


def month_end(month):
    y, m = map(int, month.split("-"))
    y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    import datetime

    return (datetime.date(y, m, 1) - datetime.timedelta(days=1)).isoformat()


def replay(month, work, binary, as_received):
    args = [sys.executable, os.path.join(ROOT, "scripts", "replay.py"), "--binary", binary,
            "--from", f"{month}-01", "--to", month_end(month), "--keep", work]
    if as_received:
        args.append("--as-received")
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"replay of {month} failed: {r.stderr[-2000:]}")
    return json.loads(r.stdout)


def cli(binary, work, *args):
    r = subprocess.run([binary, "--config", os.path.join(work, "replay.toml"), *args],
                       capture_output=True, text=True, check=True,
                       env=dict(os.environ, SAHEL_WATCH_LOG="warn"))
    return r.stdout


def measure(month, labels, work, binary):
    items = [json.loads(l) for l in cli(binary, work, "query", "--all", "--since", "36500d",
                                         "--limit", "1000000", "--format", "json").splitlines() if l.strip()]
    by_id = {x["id"]: x for x in items}
    article = {x["id"]: (x.get("url") or "").rsplit("/", 1)[-1] for x in items}
    with open(os.path.join(work, "alerts.json")) as f:
        alerts = json.load(f)
    incident_of = {}  # article id -> incident ids
    for inc in labels["incidents"]:
        for aid in inc["articles"]:
            incident_of.setdefault(aid, []).append(inc["id"])
    opened = {}  # story -> the item whose first alert opened it
    updates = {}
    for a in alerts:
        item = by_id.get(a["item"])
        # A roundup's further incident is alerted in its own story (named in the Message-ID).
        s = a.get("story") or (item or {}).get("story")
        if not item or s is None:
            continue
        if a["kind"] == "new":
            opened.setdefault(s, item)
        else:
            updates[s] = updates.get(s, 0) + 1
    # Every article a story holds, a roundup's in each of its stories.
    story_articles = {}
    for st in opened:
        shown = json.loads(cli(binary, work, "show", "story", str(st), "--json"))
        story_articles[st] = [article[x["item_id"]] for x in shown["articles"] if x["item_id"] in article]
    per_incident = {inc["id"]: [] for inc in labels["incidents"]}
    about_nothing = []
    merged = []  # stories that hold several incidents: one alert for them all
    # Stories whose articles are all of the same several incidents (an article that tells two,
    # and nothing else): as many such stories as incidents is one story each; fewer is merged.
    # Incidents the labels call doubtful count only where nothing else does: a story of one
    # sure incident and two doubtful ones (an election preview telling a massacre and, in a
    # line each, a riot without casualties and a convoy attack) is the sure incident's.
    doubtful = {d["id"] for d in labels.get("doubtful", [])}

    def incidents_of(s):
        incs = sorted({i for aid in story_articles.get(s, []) for i in incident_of.get(aid, [])})
        sure = [i for i in incs if i not in doubtful]
        return sure or incs

    shared = {}
    for s, item in opened.items():
        incs = incidents_of(s)
        if len(incs) > 1:
            shared.setdefault(tuple(incs), []).append(s)
    for incs, stories in shared.items():
        if len(stories) < len(incs):
            merged += [{"story": s, "incidents": list(incs)} for s in stories]
    for s, item in opened.items():
        incs = incidents_of(s)
        group = shared.get(tuple(incs), [])
        if len(incs) > 1 and len(group) >= len(incs):
            k = group.index(s)
            incs = [incs[k]] if k < len(incs) else incs
        for i in incs:
            per_incident[i].append(s)
        if not incs:
            about_nothing.append({"story": s, "title": item["title"], "articles": story_articles.get(s, [])})
    rows = []
    for inc in labels["incidents"]:
        stories = per_incident[inc["id"]]
        row = {"id": inc["id"], "place": inc["place"], "day": inc["event_day"], "kind": inc["kind"],
               "follow_up_only": bool(inc.get("follow_up_only")), "doubtful": inc["id"] in doubtful,
               "articles": len(inc["articles"]), "first_alerts": len(stories),
               "updates": sum(updates.get(s, 0) for s in stories), "stories": stories}
        if len(stories) > 1:
            row["why_apart"] = {s: cli(binary, work, "show", "story", str(s)) for s in stories}
        if not stories:
            row["articles_flagged"] = [
                {"article": aid, "relevant": x.get("relevant"), "events": x.get("events"),
                 "story": x.get("story"), "text_source": x.get("text_source")}
                for x in items for aid in [article[x["id"]]] if aid in inc["articles"]]
        rows.append(row)
    return rows, about_nothing, merged


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("months", nargs="*", help="YYYY-MM (default: every labelled month)")
    p.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "sahel-watch"))
    p.add_argument("--full-text", action="store_true", help="the whole text in the feeds, no pages")
    p.add_argument("--keep", help="directory to keep each month's replay in")
    p.add_argument("--check", type=float, metavar="RATIO",
                   help="exit 1 unless every incident is alerted, with at most RATIO first alerts "
                        "per incident, and nothing else (no story about no incident, no old "
                        "incident alerted as new)")
    a = p.parse_args()
    months = a.months or sorted(os.path.basename(f)[:-5] for f in glob.glob(os.path.join(LABELS, "????-??.json")))
    incidents, alerted, first, upd, nothing, missed, split = 0, 0, 0, 0, [], [], []
    old, old_alerted, merged, missed_doubtful = [], 0, [], []
    per_month = {}
    for month in months:
        with open(os.path.join(LABELS, f"{month}.json")) as f:
            labels = json.load(f)
        work = os.path.join(a.keep, month) if a.keep else tempfile.mkdtemp(prefix=f"incidents-{month}-")
        r = replay(month, work, a.binary, not a.full_text)
        rows, about_nothing, merged_here = measure(month, labels, work, a.binary)
        merged += [dict(x, month=month) for x in merged_here]
        per_month[month] = {"articles": r["articles"], "flagged": r["items_flagged"],
                            "first_alerts": r["alerts"], "updates": r["updates"], "incidents": rows,
                            "stories_about_no_incident": about_nothing}
        for row in rows:
            # An incident only followed up in the month happened before it: the month's replay,
            # from an empty database, holds no story of it, and a first alert would announce an
            # old event as new.
            if row["follow_up_only"]:
                old.append(f'{row["id"]} {row["place"]} {row["day"]}: {row["first_alerts"]} first alerts')
                old_alerted += bool(row["first_alerts"])
                continue
            incidents += not row["doubtful"] or bool(row["first_alerts"])
            if row["first_alerts"]:
                alerted += 1
                first += row["first_alerts"]
                upd += row["updates"]
            elif row["doubtful"]:
                missed_doubtful.append(f'{row["id"]} {row["place"]} {row["day"]}')
            else:
                missed.append(f'{row["id"]} {row["place"]} {row["day"]}')
            if row["first_alerts"] > 1:
                split.append(row["id"])
        nothing += [dict(x, month=month) for x in about_nothing]
    report = {
        "mode": "full text" if a.full_text else "as received",
        "months": months,
        "incidents": incidents,
        "incidents_alerted": alerted,
        "first_alerts_per_incident": round(first / alerted, 3) if alerted else None,
        "updates_per_incident": round(upd / alerted, 3) if alerted else None,
        "stories_about_no_incident": len(nothing),
        "missed": missed,
        "missed_doubtful": missed_doubtful,
        "split": split,
        "merged": merged,
        "followed_up_only": old,
        "old_incidents_alerted_as_new": old_alerted,
        "alerted_stories_about_no_incident": nothing,
        "per_month": per_month,
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    if a.check is not None:
        ratio = report["first_alerts_per_incident"] or 0.0
        failed = [why for why, bad in [
            (f"{ratio} first alerts per incident > {a.check}", ratio > a.check),
            (f"missed {missed}", bool(missed)),
            (f"incidents merged in one story {merged}", bool(merged)),
            (f"{len(nothing)} alerted stories about no incident", bool(nothing)),
            (f"{old_alerted} old incidents alerted as new", old_alerted > 0),
        ] if bad]
        for why in failed:
            print(f"incidents: {why}", file=sys.stderr)
        sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
