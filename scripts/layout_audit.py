#!/usr/bin/env python3
"""Held-out audit of layout invariance: the verdict on an article must not change with the page
layout around it.

What it measures
    The daemon fetches the page behind a feed item's link and analyses the article text it
    extracts from it (or, when the page gives no text, the feed's summary). Whatever the page
    looks like, the verdict on the item - relevant or not, which events, which countries, and
    the killed/kidnapped figures - should be the one its full text gets. This script renders
    every article of ../shared/corpus/dev.jsonl into eight page layouts, reads each page back
    with `sahel-watch extract` (with the feed's title and summary, as the daemon does) and
    compares `sahel-watch classify --json` on (title, full text) with (title, text read from the
    page, or the summary when the page is refused).

    The page furniture (tickers, link lists, cards with deks, most-read lists, comment threads,
    live-blog entries, next-article teasers) holds OTHER dev articles' titles, deks (first
    sentence) and first paragraphs, the Sahel security ones first: they are what must not leak
    into an item's text.

Held out
    The layouts below were written apart from the extractor: without reading its source
    (src/fulltext/article.rs, blocks.rs, layouts.rs) or the layouts it was tuned on. They are
    modelled on real Arabic news sites of different eras and CMSs:

      portal_maghreb   Hespress/Echorouk-style portal: breaking-news bar, share bars, tags,
                       «مقالات ذات صلة» cards with deks, native or Disqus-like comment thread
      joomla_sahel     Mauritanian/Sahel site on an old Joomla (tables, contentpaneopen,
                       td.contentheading) or Drupal 6 template, «آخر الأخبار» module with dates
      blogspot         Blogger outlet: h3.post-title.entry-title, div.post-body.entry-content,
                       «المشاركات الشائعة» widget with snippets, labels, blog pager
      mobile_m         m. page: stacked cards, headline in div.title, «اقرأ المزيد» buttons,
                       infinite-scroll next-article teasers (first paragraph) below the story
      live_blog        live coverage: the item is one time-stamped entry among updates on
                       OTHER events
      amp_print        AMP page or print view: minimal furniture
      headline_variant WordPress news theme whose on-page headline differs from the feed title
                       (a «عاجل |» prefix, a « - الوطن» suffix or a reworded tail)
      br_inline        body paragraphs separated by <br><br> in one div, with inline ads and
                       «اقرأ أيضا: <a>…</a>» lines between them

    Details (which variant, dates, names, separators, how many items) vary with --seed.

Usage
    python3 scripts/layout_audit.py                      # all layouts, all 96 articles
    python3 scripts/layout_audit.py --layout live_blog --limit 20
    python3 scripts/layout_audit.py --keep /tmp/audit    # keep pages, texts, commands
    options: --binary PATH (default target/release/sahel-watch, built if missing),
             --corpus PATH, --seed N, --jobs N

    The feed's summary of an item is its `summary` if non-empty, else the first 200 characters
    of its text cut at a word. Exit status: 0 when no verdict differs, 1 otherwise.
"""

import argparse
import collections
import concurrent.futures
import html
import json
import os
import random
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "dev.jsonl"
DEFAULT_BINARY = ROOT / "target" / "release" / "sahel-watch"

# ---------------------------------------------------------------------------------------------
# Text helpers
# ---------------------------------------------------------------------------------------------


def e(s):
    """HTML-escaped text (also quotes, for attributes)."""
    return html.escape(str(s), quote=True)


SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+")


def sentences(text):
    return [s.strip() for s in SENTENCE_END.split(" ".join(text.split())) if s.strip()]


def paragraphs(text):
    """The article's paragraphs: its own line breaks, else two sentences a paragraph."""
    parts = [" ".join(p.split()) for p in text.split("\n") if p.strip()]
    if len(parts) > 1:
        return parts
    sents = sentences(text)
    return [" ".join(sents[i:i + 2]) for i in range(0, len(sents), 2)] or [text.strip()]


def cut_at_word(text, n):
    """The first n characters of text, cut back to a word boundary."""
    text = " ".join(text.split())
    if len(text) <= n:
        return text
    head = text[:n]
    if not text[n].isspace() and " " in head:
        head = head[:head.rindex(" ")]
    return head.strip()


def feed_summary(item):
    """The summary the feed carries for the item."""
    s = (item.get("summary") or "").strip()
    return s if s else cut_at_word(item["text"], 200)


def dek(text, limit=220):
    """A card's dek: the text's first sentence, at most `limit` characters."""
    sents = sentences(text)
    first = sents[0] if sents else text
    return first if len(first) <= limit else cut_at_word(first, limit) + "…"


# ---------------------------------------------------------------------------------------------
# Other stories: the furniture's material
# ---------------------------------------------------------------------------------------------


@dataclass
class Other:
    id: str
    title: str
    dek: str
    paras: list
    relevant: bool


class Furniture:
    """Other dev articles for one page, Sahel security ones first (each group shuffled by the
    page's seed); `take` hands them out in that order, so the first blocks of furniture are
    all Sahel headlines, and cycles when the page wants more."""

    def __init__(self, others, rng):
        sahel = [o for o in others if o.relevant]
        rest = [o for o in others if not o.relevant]
        rng.shuffle(sahel)
        rng.shuffle(rest)
        self.order = sahel + rest
        self.pos = 0

    def take(self, n):
        out = []
        for _ in range(n):
            out.append(self.order[self.pos % len(self.order)])
            self.pos += 1
        return out


# ---------------------------------------------------------------------------------------------
# Page context and common pieces
# ---------------------------------------------------------------------------------------------

WEEKDAYS = ["الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت"]
MONTHS_MASHRIQ = ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس",
                  "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"]
MONTHS_MAGHREB = ["يناير", "فبراير", "مارس", "أبريل", "ماي", "يونيو", "يوليوز", "غشت",
                  "شتنبر", "أكتوبر", "نونبر", "دجنبر"]
MONTHS_LEVANT = ["كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب",
                 "أيلول", "تشرين الأول", "تشرين الثاني", "كانون الأول"]
NAMES = ["محمد الأمين", "أبو يوسف", "مواطن غيور", "سيدي ولد أحمد", "فاطمة الزهراء",
         "عبد الله من تندوف", "ابن الصحراء", "يوسف - الجزائر", "مغربي حر", "أم أيمن",
         "الحسين ولد محمدن", "زائر", "كريم", "عائشة ب.", "أحمد سالم", "نور الدين"]
COMMENTS_QUOTING = [
    "كما جاء في خبر «{t}»، الوضع يزداد سوءا والله المستعان.",
    "{t}؟ هذا ما كنا نحذر منه منذ سنوات.",
    "قرأت قبل قليل: {t}. متى تتحرك الحكومات؟",
    "اللهم احفظ بلادنا. لماذا لم تنشروا تفاصيل أكثر عن «{t}»؟",
    "لا علاقة للموضوع بما حدث، والأهم هو: {t}",
]
COMMENTS_PLAIN = ["مقال رائع، شكرا للكاتب.", "نريد المزيد من التفاصيل من فضلكم.",
                  "لا حول ولا قوة إلا بالله.", "تحليل في محله.", "أين الإعلام الرسمي من كل هذا؟"]
TAGS = ["مالي", "النيجر", "بوركينا فاسو", "الساحل", "الإرهاب", "موريتانيا", "تشاد",
        "الجزائر", "ليبيا", "نيجيريا", "بوكو حرام", "القاعدة", "أخبار دولية", "أفريقيا",
        "اقتصاد", "رياضة", "الأمن", "الحدود"]
NAV = ["الرئيسية", "أخبار وطنية", "دولية", "سياسة", "اقتصاد", "رياضة", "ثقافة", "منوعات",
       "فيديو", "رأي"]


@dataclass
class Page:
    """One article to render, with what its page needs."""
    id: str
    title: str          # as the feed gives it
    summary: str        # as the feed gives it
    paras: list
    furniture: Furniture
    rng: random.Random
    slug: str = field(default="")

    def date(self, months=MONTHS_MASHRIQ, weekday=True, clock=True):
        r = self.rng
        d = f"{r.randint(1, 28)} {r.choice(months)} {r.choice([2013, 2015, 2017, 2018, 2024])}"
        if weekday:
            d = f"{r.choice(WEEKDAYS)} {d}"
        if clock:
            d += f" - {r.randint(0, 23):02d}:{r.randint(0, 59):02d}"
        return d

    def href(self, o=None):
        return f"/news/{(o.id if o else self.id)}-{self.rng.randint(1000, 99999)}.html"

    def link(self, o, cls=""):
        c = f' class="{cls}"' if cls else ""
        return f'<a href="{self.href(o)}"{c}>{e(o.title)}</a>'

    def comment(self, o=None):
        if o is None:
            return self.rng.choice(COMMENTS_PLAIN)
        return self.rng.choice(COMMENTS_QUOTING).format(t=o.title)


def head(title, extra=""):
    return ("<!DOCTYPE html>\n<html lang=\"ar\" dir=\"rtl\"><head><meta charset=\"utf-8\">"
            f"<title>{e(title)}</title>{extra}</head>\n")


def og(title, summary="", site=""):
    out = f'<meta property="og:title" content="{e(title)}">'
    if summary:
        out += f'<meta name="description" content="{e(summary)}">'
    if site:
        out += f'<meta property="og:site_name" content="{e(site)}">'
    return out


def nav(p, cls="main-menu"):
    items = NAV[:p.rng.randint(6, len(NAV))]
    return f'<nav class="{cls}"><ul>' + "".join(
        f'<li><a href="/c/{i}">{e(n)}</a></li>' for i, n in enumerate(items)) + "</ul></nav>"


def ticker(p, n, sep, label="عاجل", cls="breaking-news", linked=True):
    items = p.furniture.take(n)
    body = f" {sep} ".join(p.link(o) if linked else e(o.title) for o in items)
    if p.rng.random() < 0.5:
        body = f'<marquee direction="right" scrollamount="3">{body}</marquee>'
    return (f'<div class="{cls}"><span class="label">{e(label)}</span>'
            f'<div class="ticker-content">{body}</div></div>')


def link_list(p, n, heading, cls, tag="ul", dated=False, months=MONTHS_MASHRIQ):
    lis = []
    for o in p.furniture.take(n):
        d = f' <span class="date">{e(p.date(months, weekday=False, clock=False))}</span>' if dated else ""
        lis.append(f"<li>{p.link(o)}{d}</li>")
    return f'<div class="{cls}"><h3>{e(heading)}</h3><{tag}>{"".join(lis)}</{tag}></div>'


def tag_cloud(p, n, cls="tag-cloud", heading="الوسوم"):
    tags = p.rng.sample(TAGS, n)
    return (f'<div class="{cls}"><h3>{e(heading)}</h3>' + " ".join(
        f'<a href="/tag/{i}" class="tag-link" style="font-size:{p.rng.randint(9, 22)}pt">{e(t)}</a>'
        for i, t in enumerate(tags)) + "</div>")


def body_markup(paras, style):
    """The article paragraphs in one of the markups sites use."""
    if style == "p":
        return "".join(f"<p>{e(x)}</p>" for x in paras)
    if style == "p_styled":
        return "".join(f'<p dir="rtl" style="text-align: justify;"><span style="font-size: 14pt; '
                       f'font-family: arial, helvetica, sans-serif;">{e(x)}</span></p>' for x in paras)
    if style == "div":
        return "".join(f"<div>{e(x)}</div>" for x in paras)
    if style == "br":
        return "<br><br>".join(e(x) for x in paras)
    if style == "br_single":
        return "<br />\n".join(e(x) for x in paras)
    raise ValueError(style)


def share_bar(cls="share-bar"):
    return (f'<div class="{cls}"><span>شارك:</span> <a href="#" class="fb">فيسبوك</a> '
            '<a href="#" class="tw">تويتر</a> <a href="#" class="wa">واتساب</a> '
            '<a href="#" class="tg">تلغرام</a> <a href="#" class="copy">نسخ الرابط</a></div>')


def footer(site, links=True):
    extra = ('<ul class="footer-links"><li><a href="/about">من نحن</a></li><li><a href="/contact">'
             'اتصل بنا</a></li><li><a href="/privacy">سياسة الخصوصية</a></li></ul>') if links else ""
    return f'<footer class="site-footer">{extra}<p>جميع الحقوق محفوظة © {e(site)} 2024</p></footer>'


# ---------------------------------------------------------------------------------------------
# Layouts
# ---------------------------------------------------------------------------------------------


def layout_portal_maghreb(p):
    """Moroccan/Algerian portal (Hespress, Echorouk): breaking bar, article, share bar, tags,
    related cards with images and deks, comment thread (native or Disqus-like), sidebar."""
    r = p.rng
    site = r.choice(["مغرب بريس", "الشروق نيوز", "أنباء الجزائر"])
    months = MONTHS_MAGHREB if site == "مغرب بريس" else MONTHS_MASHRIQ
    sep = r.choice(["—", "|", "•"])
    bar = ticker(p, r.randint(4, 6), sep)
    cards = []
    for o in p.furniture.take(r.randint(3, 4)):
        cards.append(f'<div class="card"><a href="{p.href(o)}"><img src="/img/{o.id}.jpg" alt="{e(o.title)}"></a>'
                     f'<div class="card-body"><h4 class="card-title">{p.link(o)}</h4>'
                     f'<p class="card-dek">{e(o.dek)}</p><span class="date">{e(p.date(months, False, False))}</span></div></div>')
    related = f'<section class="related-posts"><h3>مقالات ذات صلة</h3><div class="cards">{"".join(cards)}</div></section>'
    comments = portal_comments(p, months)
    sidebar = ('<aside class="col-lg-4 sidebar">'
               + link_list(p, r.randint(5, 7), "الأكثر قراءة", "widget most-read", tag="ol")
               + portal_sidebar_cards(p) + tag_cloud(p, r.randint(6, 10), "widget tag-cloud") + "</aside>")
    article = (f'<article class="post"><h1 class="post-title">{e(p.title)}</h1>'
               f'<div class="post-meta"><span class="author">{e(site)} - متابعة</span> '
               f'<span class="date">{e(p.date(months))}</span> <span class="comments-count">{r.randint(2, 80)} تعليق</span></div>'
               f'<figure class="post-thumbnail"><img src="/img/{p.id}.jpg" alt="{e(p.title)}"><figcaption>صورة: أرشيف</figcaption></figure>'
               + share_bar() + f'<div class="article-content">{body_markup(p.paras, r.choice(["p", "p_styled"]))}</div>'
               + '<div class="post-tags"><span>الوسوم:</span> ' + " ".join(
                   f'<a href="/tag/{t}">{e(t)}</a>' for t in r.sample(TAGS, 4)) + "</div>"
               + share_bar("share-bar bottom") + "</article>")
    return (head(f"{p.title} | {site}", og(p.title, p.summary, site))
            + f'<body class="single-post"><div class="top-bar"><span>{e(p.date(months, clock=False))}</span> '
              f'<a href="/weather">حالة الطقس</a></div><header class="site-header"><a class="logo" href="/">{e(site)}</a>'
            + nav(p) + "</header>" + bar
            + '<div class="container"><div class="row"><div class="col-lg-8">'
              '<nav class="breadcrumb"><a href="/">الرئيسية</a> › <a href="/c/1">دولية</a></nav>'
            + article + related + comments + "</div>" + sidebar + "</div></div>"
            + footer(site) + "</body></html>")


def portal_comments(p, months):
    r = p.rng
    n = r.randint(3, 6)
    quoted = p.furniture.take(n)
    texts = [p.comment(o if r.random() < 0.7 else None) for o in quoted]
    if r.random() < 0.5:  # native thread
        items = "".join(
            f'<li class="comment"><div class="comment-author"><span class="comment-number">{i + 1}</span> '
            f'<b class="fn">{e(r.choice(NAMES))}</b></div><div class="comment-metadata"><time>{e(p.date(months))}</time></div>'
            f'<div class="comment-content"><p>{e(t)}</p></div><div class="comment-votes"><a href="#">أعجبني {r.randint(0, 90)}</a> '
            f'<a href="#">لم يعجبني {r.randint(0, 30)}</a></div></li>' for i, t in enumerate(texts))
        return (f'<section id="comments" class="comments-area"><h3 class="comments-title">التعليقات ({n})</h3>'
                f'<ol class="comment-list">{items}</ol><form class="comment-form"><h3>أضف تعليقك</h3>'
                '<textarea placeholder="تعليقك"></textarea><input placeholder="الاسم"><button>إرسال</button></form></section>')
    items = "".join(
        f'<li class="post"><div class="post-content"><div class="post-byline"><span class="author">{e(r.choice(NAMES))}</span> '
        f'<a class="time-ago" href="#">منذ {r.randint(1, 23)} ساعة</a></div><div class="post-body"><div class="post-message" dir="auto">'
        f'<p>{e(t)}</p></div></div><div class="post-menu"><a>رد</a> · <a>مشاركة ›</a></div></div></li>' for t in texts)
    return (f'<div id="disqus_thread"><div class="thread-header"><span class="comment-count">{n} تعليقات</span> '
            f'<a class="login">تسجيل الدخول</a></div><ul id="post-list" class="post-list">{items}</ul>'
            '<div class="disqus-footer">مدعوم بواسطة Disqus</div></div>')


def portal_sidebar_cards(p):
    r = p.rng
    cards = "".join(f'<div class="mini-card"><img src="/img/{o.id}-s.jpg" alt=""><h5>{p.link(o)}</h5>'
                    f'<p>{e(o.dek)}</p></div>' for o in p.furniture.take(r.randint(2, 3)))
    return f'<div class="widget region-news"><h3>أخبار مغاربية</h3>{cards}</div>'


def layout_joomla_sahel(p):
    """Mauritanian/Sahel news site on an old Joomla 1.0 (nested tables, contentpaneopen,
    td.contentheading) or Drupal 6 template, with «آخر الأخبار» dated headlines."""
    r = p.rng
    site = r.choice(["صحراء الأنباء", "نواكشوط إنفو", "الساحل اليوم"])
    latest = link_list(p, r.randint(6, 9), "آخر الأخبار", "moduletable latestnews", dated=True)
    regional = "".join(f'<div class="intro-item"><a class="contentpagetitle" href="{p.href(o)}">{e(o.title)}</a>'
                       f'<div class="intro">{e(o.dek)}</div></div>' for o in p.furniture.take(r.randint(2, 4)))
    right = f'<div class="moduletable"><h3>أخبار الساحل</h3>{regional}</div>' + link_list(
        p, r.randint(4, 6), "الأكثر قراءة", "moduletable mostread", tag="ol")
    style = r.choice(["p", "p_styled", "div", "br_single"])
    if r.random() < 0.6:
        main = joomla_tables(p, style)
    else:
        main = drupal_node(p, style)
    more = "".join(f'<li><a class="blogsection" href="{p.href(o)}">{e(o.title)}</a></li>'
                   for o in p.furniture.take(r.randint(3, 5)))
    main += f'<div class="blog_more"><strong>مقالات أخرى ...</strong><ul>{more}</ul></div>'
    return (f'<html xmlns="http://www.w3.org/1999/xhtml" dir="rtl"><head>'
            f'<meta http-equiv="content-type" content="text/html; charset=utf-8"><title>{e(site)} - {e(p.title)}</title>'
            '<script type="text/javascript" src="/media/system/js/mootools.js"></script></head>\n'
            '<body id="page_bg"><div id="wrapper"><table id="header" width="100%"><tr>'
            f'<td><img src="/templates/rhuk/images/logo.png" alt="{e(site)}"></td><td class="banner">'
            f'<a href="/ads"><img src="/images/banners/b1.gif" alt="إعلان"></a></td></tr></table>'
            '<table class="pill" width="100%"><tr><td>' + nav(p, "mainlevel-nav") + "</td></tr></table>"
            '<table width="100%" id="contentarea" cellpadding="0" cellspacing="0"><tr>'
            f'<td id="left" valign="top" width="200">{latest}</td>'
            f'<td id="maincolumn" valign="top">{main}</td>'
            f'<td id="right" valign="top" width="200">{right}</td></tr></table>'
            f'<div id="footer"><p>{e(site)} © 2012 - جميع الحقوق محفوظة. تصميم وتطوير: ستوديو الصحراء</p></div>'
            "</div></body></html>")


def joomla_tables(p, style):
    r = p.rng
    return ('<table class="contentpaneopen"><tr>'
            f'<td class="contentheading" width="100%">{e(p.title)}</td>'
            '<td align="right" width="100%" class="buttonheading"><a href="#"><img src="/images/M_images/pdf_button.png" alt="PDF"></a></td>'
            '<td align="right" width="100%" class="buttonheading"><a href="#"><img src="/images/M_images/printButton.png" alt="طباعة"></a></td>'
            '</tr></table><table class="contentpaneopen">'
            f'<tr><td width="70%" valign="top" colspan="2"><span class="small">كتب بواسطة: التحرير</span></td></tr>'
            f'<tr><td valign="top" colspan="2" class="createdate">{e(p.date(MONTHS_MASHRIQ))}</td></tr>'
            f'<tr><td valign="top" colspan="2">{body_markup(p.paras, style)}</td></tr>'
            f'<tr><td colspan="2" align="left" class="modifydate">آخر تحديث: {e(p.date(MONTHS_MASHRIQ, weekday=True))}</td></tr>'
            f'</table><span class="article_separator">&nbsp;</span><div class="hits">الزوار: {r.randint(40, 9000)}</div>')


def drupal_node(p, style):
    r = p.rng
    return (f'<div id="node-{r.randint(100, 9999)}" class="node node-type-story"><h1 class="title">{e(p.title)}</h1>'
            f'<div class="meta"><span class="submitted">أرسلت بواسطة التحرير في {e(p.date(MONTHS_MASHRIQ))}</span></div>'
            '<div class="content"><div class="field field-name-body"><div class="field-items"><div class="field-item even">'
            f'{body_markup(p.paras, style)}</div></div></div></div>'
            '<div class="links"><ul class="links inline"><li class="print_html"><a href="#">نسخة للطباعة</a></li>'
            '<li class="statistics_counter"><span>' + str(r.randint(40, 9000)) + ' قراءة</span></li></ul></div></div>')


def layout_blogspot(p):
    """Blogger/Blogspot outlet: post-title entry-title h3, post-body entry-content, labels,
    comments block, blog pager and sidebar widgets («المشاركات الشائعة» with snippets)."""
    r = p.rng
    blog = r.choice(["أخبار الصحراء الكبرى", "مدونة الساحل الإخبارية", "صوت أزواد"])
    style = r.choice(["br", "br_single", "div", "p"])
    body = body_markup(p.paras, style)
    if style in ("br", "br_single"):
        body = f'<div dir="rtl" style="text-align: right;">{body}</div>'
    pid = r.randint(10 ** 17, 10 ** 18)
    labels = ", ".join(f'<a href="/search/label/{e(t)}" rel="tag">{e(t)}</a>' for t in r.sample(TAGS, 3))
    post = (f'<div class="date-outer"><h2 class="date-header"><span>{e(p.date(clock=False))}</span></h2>'
            '<div class="date-posts"><div class="post-outer"><div class="post hentry" itemprop="blogPost">'
            f'<a name="{pid}"></a><h3 class="post-title entry-title" itemprop="name">{e(p.title)}</h3>'
            '<div class="post-header"><div class="post-header-line-1"></div></div>'
            f'<div class="post-body entry-content" id="post-body-{pid}" itemprop="description articleBody">{body}'
            '<div style="clear: both;"></div></div>'
            '<div class="post-footer"><div class="post-footer-line post-footer-line-1">'
            '<span class="post-author vcard">نشر بواسطة <span class="fn">admin</span></span> '
            f'<span class="post-timestamp">في <a class="timestamp-link" href="#"><abbr class="published">{r.randint(1, 12)}:{r.randint(10, 59)} ص</abbr></a></span></div>'
            f'<div class="post-footer-line post-footer-line-2"><span class="post-labels">التسميات: {labels}</span></div>'
            '<div class="post-share-buttons"><a class="share-button sb-email" href="#">إرسال بالبريد الإلكتروني</a>'
            '<a href="#">كتابة مدونة حول هذه المشاركة</a><a href="#">المشاركة في X</a><a href="#">المشاركة في Facebook</a></div></div></div>'
            + blogspot_comments(p) + "</div></div></div>")
    pager = ('<div class="blog-pager" id="blog-pager"><span id="blog-pager-newer-link"><a class="blog-pager-newer-link" '
             'href="#" title="رسالة أحدث">رسالة أحدث</a></span> <span id="blog-pager-older-link"><a class="blog-pager-older-link" '
             'href="#" title="رسالة أقدم">رسالة أقدم</a></span> <a class="home-link" href="/">الصفحة الرئيسية</a></div>'
             '<div class="post-feeds">الاشتراك في: <a href="#">تعليقات الرسالة (Atom)</a></div>')
    popular = "".join(
        f'<li><div class="item-content"><div class="item-thumbnail"><a href="{p.href(o)}"><img src="/s72-c/{o.id}.jpg" alt=""></a></div>'
        f'<div class="item-title">{p.link(o)}</div><div class="item-snippet">{e(cut_at_word(" ".join(o.paras), 150))} ...</div>'
        '</div><div style="clear: both;"></div></li>' for o in p.furniture.take(r.randint(4, 6)))
    sidebar = ('<div class="sidebar section" id="sidebar-right-1">'
               f'<div class="widget PopularPosts" id="PopularPosts1"><h2>المشاركات الشائعة</h2><div class="widget-content popular-posts"><ul>{popular}</ul></div></div>'
               + link_list(p, r.randint(3, 5), "أحدث المشاركات", "widget RecentPosts")
               + '<div class="widget BlogArchive"><h2>أرشيف المدونة</h2><ul class="hierarchy">'
               + "".join(f'<li><a class="toggle">►</a> <a href="#">{y}</a> ({r.randint(20, 400)})</li>' for y in (2018, 2017, 2016))
               + "</ul></div>" + tag_cloud(p, r.randint(6, 9), "widget Label cloud-label-widget-content", "التسميات")
               + '<div class="widget Text"><h2>من نحن</h2><div class="widget-content">مدونة إخبارية مستقلة تهتم بأخبار الساحل والصحراء.</div></div>'
               "</div>")
    return (head(f"{blog}: {p.title}", og(p.title, "", blog))
            + '<body class="variant-simplicity"><div class="navbar section" id="navbar"></div><div class="content-outer">'
            f'<header><div class="header-inner"><h1 class="title"><a href="/">{e(blog)}</a></h1>'
            '<p class="description"><span>كل أخبار الساحل والصحراء لحظة بلحظة</span></p></div></header>'
            + '<div class="tabs section"><div class="widget PageList"><ul>' + "".join(
                f'<li><a href="#">{e(n)}</a></li>' for n in NAV[:6]) + "</ul></div></div>"
            + '<div class="columns"><div class="main-inner"><div class="column-center-inner"><div class="main section" id="main">'
              '<div class="widget Blog" id="Blog1"><div class="blog-posts hfeed">' + post + "</div>" + pager
            + '</div></div></div></div><div class="column-right-inner"><aside>' + sidebar + "</aside></div></div>"
            '<footer><div class="widget Attribution">يتم التشغيل بواسطة <a href="https://www.blogger.com">Blogger</a>.</div></footer>'
            "</div></body></html>")


def blogspot_comments(p):
    r = p.rng
    if r.random() < 0.4:
        return ('<div class="comments" id="comments"><h4>ليست هناك تعليقات:</h4>'
                '<p class="comment-footer"><a href="#">إرسال تعليق</a></p></div>')
    n = r.randint(2, 4)
    block = "".join(
        f'<dt class="comment-author" id="c{r.randint(10 ** 9, 10 ** 10)}"><a name="c"></a>{e(r.choice(NAMES))} يقول...</dt>'
        f'<dd class="comment-body"><p>{e(p.comment(o if r.random() < 0.7 else None))}</p></dd>'
        f'<dd class="comment-footer"><span class="comment-timestamp"><a href="#">{e(p.date(clock=True, weekday=False))}</a></span></dd>'
        for o in p.furniture.take(n))
    return (f'<div class="comments" id="comments"><h4>{n} تعليقات:</h4><div id="comments-block"><dl>{block}</dl></div>'
            '<p class="comment-footer"><a href="#">إرسال تعليق</a></p></div>')


def layout_mobile_m(p):
    """m. page: stacked cards, headline as div.title, «اقرأ المزيد» buttons, infinite-scroll
    next-article teasers (first paragraph of the next article) below the story."""
    r = p.rng
    site = r.choice(["الخبر موبايل", "عاجل نت", "الوسط"])
    body_tag = r.choice(["p", "div"])
    body = "".join(f'<{body_tag} class="para">{e(x)}</{body_tag}>' for x in p.paras)
    breaking = ""
    if r.random() < 0.6:
        o = p.furniture.take(1)[0]
        breaking = f'<div class="card breaking"><span class="badge">عاجل</span> {p.link(o)}</div>'
    story = (f'<div class="card article-card" data-id="{p.id}"><div class="cat">أفريقيا</div>'
             f'<div class="title">{e(p.title)}</div><div class="meta"><span>منذ {r.randint(2, 50)} دقيقة</span></div>'
             f'<div class="img-wrap"><img src="/m/img/{p.id}.jpg" alt=""></div><div class="body">{body}</div>'
             '<div class="share-row"><a href="#">واتساب</a> <a href="#">تلغرام</a> <a href="#">مشاركة</a></div></div>')
    minis = "".join(f'<a class="mini-card" href="{p.href(o)}"><img src="/m/img/{o.id}-t.jpg" alt="">'
                    f'<div class="mini-title">{e(o.title)}</div></a>' for o in p.furniture.take(r.randint(3, 4)))
    read_also = f'<div class="card"><div class="card-head">اقرأ أيضا</div>{minis}</div>'
    teasers = "".join(
        f'<div class="next-article" data-next-url="{p.href(o)}"><div class="next-label">المقال التالي</div>'
        f'<div class="card article-card"><div class="cat">أخبار</div><div class="title">{e(o.title)}</div>'
        f'<div class="meta"><span>منذ {r.randint(1, 9)} ساعات</span></div><div class="body"><{body_tag} class="para">{e(o.paras[0])}</{body_tag}></div>'
        f'<a class="btn read-more" href="{p.href(o)}">اقرأ المزيد</a></div></div>' for o in p.furniture.take(r.randint(2, 3)))
    chips = "".join(f'<a class="chip" href="#">{e(n)}</a>' for n in NAV[:6])
    return (head(p.title, '<meta name="viewport" content="width=device-width, initial-scale=1">'
                 f'<link rel="canonical" href="https://www.example.com{p.href()}">' + og(p.title, p.summary, site))
            + f'<body class="mobile"><div class="app-bar"><a class="menu-btn" href="#">☰</a><a class="logo" href="/">{e(site)}</a>'
              '<a class="search-btn" href="#">بحث</a></div><div class="scroller">'
            + f'<div class="chip-row">{chips}</div>' + breaking + story + read_also + teasers
            + '<div class="loader">جار التحميل...</div></div><nav class="bottom-nav"><a href="/">الرئيسية</a>'
              '<a href="#">عاجل</a><a href="#">فيديو</a><a href="#">الأكثر قراءة</a></nav></body></html>')


def layout_live_blog(p):
    """Live coverage: time-stamped entries on other events, the item's own entry among them
    (the item's link points at it: its entry is the article)."""
    r = p.rng
    site = r.choice(["الجزيرة المباشر", "العربية الآن", "فرانس نيوز عربي"])
    others = p.furniture.take(r.randint(4, 7))
    own_at = r.randint(0, min(3, len(others)))
    hour, minute = r.randint(14, 22), r.randint(0, 59)
    entries = []
    slots = len(others) + 1
    for i in range(slots):
        t = f"{hour:02d}:{minute:02d}"
        minute -= r.randint(4, 25)
        if minute < 0:
            minute += 60
            hour -= 1
        if i == own_at:
            entries.append(live_entry(p, t, p.title, p.paras, own=True))
        else:
            o = others[i - (1 if i > own_at else 0)]
            entries.append(live_entry(p, t, o.title, o.paras[:r.randint(1, 2)]))
    points = "".join(f"<li>{e(o.title)}</li>" for o in others[:3])
    title = f"تغطية مباشرة | أبرز التطورات الأمنية في أفريقيا والعالم - {p.date(clock=False)}"
    return (head(title, og(title, "", site))
            + f'<body class="live"><header class="site-header"><a class="logo" href="/">{e(site)}</a>' + nav(p) + "</header>"
            + f'<main><div class="live-header"><span class="live-badge">مباشر</span><h1 class="live-title">{e(title)}</h1>'
              f'<div class="live-updated">آخر تحديث: {hour:02d}:{minute:02d} بتوقيت غرينتش</div></div>'
            + f'<div class="live-summary"><h2>أبرز النقاط</h2><ul>{points}</ul></div>'
            + f'<div class="timeline">{"".join(entries)}</div>'
              '<button class="load-more">تحميل المزيد من التحديثات</button></main>'
            + link_list(p, r.randint(4, 6), "الأكثر قراءة", "most-read", tag="ol") + footer(site) + "</body></html>")


def live_entry(p, t, title, paras, own=False):
    anchor = f' id="entry-{p.id}"' if own else f' id="entry-{p.rng.randint(10 ** 5, 10 ** 6)}"'
    body = "".join(f"<p>{e(x)}</p>" for x in paras)
    return (f'<div class="live-entry"{anchor}><time class="entry-time">{t}</time>'
            f'<h2 class="entry-title">{e(title)}</h2><div class="entry-body">{body}</div>'
            '<div class="entry-share"><a href="#">مشاركة</a> <a href="#">نسخ الرابط</a></div></div>')


def layout_amp_print(p):
    """AMP page or print view: the story with minimal furniture."""
    r = p.rng
    site = r.choice(["الوطن", "اليوم", "الرياض"])
    if r.random() < 0.5:
        return amp_page(p, site)
    return print_page(p, site)


def amp_page(p, site):
    r = p.rng
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": p.title,
                     "description": p.summary, "datePublished": "2018-03-01T10:00:00Z"}, ensure_ascii=False)
    ld = ld.replace("</", "<\\/")
    related = "".join(f"<li>{p.link(o)}</li>" for o in p.furniture.take(r.randint(2, 4)))
    return ('<!doctype html>\n<html ⚡ lang="ar" dir="rtl"><head><meta charset="utf-8">'
            '<script async src="https://cdn.ampproject.org/v0.js"></script>'
            f'<title>{e(p.title)} - {e(site)}</title><link rel="canonical" href="https://www.example.com{p.href()}">'
            '<style amp-boilerplate>body{-webkit-animation:-amp-start 8s steps(1,end) 0s 1 normal both}</style>'
            '<style amp-custom>.amp-title{font-size:1.6em}</style>'
            f'<script type="application/ld+json">{ld}</script></head>\n'
            f'<body><header class="amp-header"><a href="/">{e(site)}</a></header>'
            '<amp-sidebar id="menu" layout="nodisplay"><ul>' + "".join(f"<li><a href=\"#\">{e(n)}</a></li>" for n in NAV[:5])
            + "</ul></amp-sidebar>"
            f'<article class="amp-article"><header><h1 class="amp-title">{e(p.title)}</h1>'
            f'<div class="amp-meta"><span class="byline">{e(site)}</span> <time>{e(p.date())}</time></div></header>'
            f'<amp-img src="/img/{p.id}.jpg" width="600" height="338" layout="responsive" alt="{e(p.title)}"></amp-img>'
            f'<div class="amp-content">{body_markup(p.paras, "p")}</div>'
            '<amp-social-share type="facebook"></amp-social-share><amp-social-share type="twitter"></amp-social-share>'
            '<amp-social-share type="whatsapp"></amp-social-share></article>'
            '<amp-ad width="300" height="250" type="doubleclick" data-slot="/123/amp"></amp-ad>'
            f'<section class="amp-related"><h2>اقرأ أيضا</h2><ul>{related}</ul></section>'
            f'<footer class="amp-footer"><p>© {e(site)}</p><a href="#">النسخة الكاملة</a> <a href="#top">العودة إلى الأعلى</a></footer>'
            "</body></html>")


def print_page(p, site):
    r = p.rng
    style = r.choice(["p", "br", "div"])
    return (f'<html dir="rtl"><head><meta charset="utf-8"><title>{e(p.title)}</title>'
            '<style media="print">.noprint{display:none}</style></head>\n'
            '<body onload="window.print()"><div class="print-header noprint">'
            f'<img src="/images/logo-print.gif" alt="{e(site)}"> <a href="javascript:window.print()">اطبع هذه الصفحة</a> | '
            '<a href="javascript:window.close()">إغلاق النافذة</a></div>'
            f'<h2 class="print-title">{e(p.title)}</h2><div class="print-date">نشر في: {e(p.date())}</div>'
            f'<div class="print-body">{body_markup(p.paras, style)}</div>'
            f'<div class="print-url">رابط المقال: https://www.example.com{p.href()}</div>'
            f'<div class="print-footer">جميع الحقوق محفوظة © {e(site)} {r.choice([2015, 2017, 2018])}</div></body></html>')


def headline_variant(p):
    """The on-page headline: the feed title with a prefix, a suffix or a reworded tail."""
    r = p.rng
    kind = r.choice(["prefix", "suffix", "tail"])
    if kind == "prefix":
        return r.choice(["عاجل | ", "بالفيديو.. ", "خاص: "]) + p.title
    if kind == "suffix":
        return p.title + r.choice([" - الوطن", " | صحيفة اليوم", " (صور)"])
    words = p.title.split()
    keep = max(2, len(words) - r.randint(1, 2))
    return " ".join(words[:keep]) + " " + r.choice(["(تفاصيل)", "وفق مصادر محلية", "حسب مصادر"])


def layout_headline_variant(p):
    """WordPress news theme (tagDiv-style) whose on-page headline differs slightly from the
    feed title; ticker joined by «•», related posts with deks, most-read, tag cloud."""
    r = p.rng
    site = r.choice(["الوطن", "صحيفة اليوم", "الخبر"])
    shown = headline_variant(p)
    related = "".join(
        f'<div class="td-block-span4"><div class="td_module_related_posts"><div class="td-module-image">'
        f'<img src="/wp-content/uploads/{o.id}.jpg" alt=""></div><h3 class="entry-title td-module-title">{p.link(o)}</h3>'
        f'<div class="td-excerpt">{e(o.dek)}</div></div></div>' for o in p.furniture.take(r.randint(3, 4)))
    article = (f'<article class="post type-post"><div class="td-post-header"><ul class="td-category"><li><a class="td-post-category" href="#">أفريقيا</a></li></ul>'
               f'<header class="td-post-title"><h1 class="entry-title">{e(shown)}</h1><div class="td-module-meta-info">'
               f'<div class="td-post-author-name">بواسطة <a href="#">{e(site)}</a></div><span class="td-post-date"><time class="entry-date">{e(p.date())}</time></span>'
               f'<div class="td-post-views"><span>{r.randint(30, 9000)}</span></div></div></header></div>'
               + share_bar("td-post-sharing-top")
               + f'<div class="td-post-content"><div class="td-post-featured-image"><img src="/wp-content/uploads/{p.id}.jpg" alt=""></div>'
               + body_markup(p.paras, r.choice(["p", "p_styled"])) + "</div>"
               + '<footer><div class="td-post-source-tags"><ul class="td-tags"><li><span>الوسوم</span></li>'
               + "".join(f'<li><a href="/tag/{e(t)}">{e(t)}</a></li>' for t in r.sample(TAGS, 4)) + "</ul></div></footer></article>")
    sidebar = ('<div class="td-pb-span4 td-main-sidebar">' + link_list(p, r.randint(5, 7), "الأكثر قراءة", "td_block_wrap td_block_popular", tag="ol")
               + tag_cloud(p, r.randint(7, 11), "td_block_wrap widget_tag_cloud")
               + '<div class="td_block_wrap newsletter"><h4>النشرة البريدية</h4><p>اشترك ليصلك كل جديد</p><input placeholder="بريدك الإلكتروني"></div></div>')
    return (head(f"{shown} - {site}", og(shown, p.summary, site))
            + f'<body class="post-template-default single"><div class="td-header-wrap"><div class="td-header-top-menu">{e(p.date(clock=False))}</div>'
              f'<div class="td-header-logo"><a href="/">{e(site)}</a></div>' + nav(p, "td-header-menu") + "</div>"
            + ticker(p, r.randint(4, 6), "•", "أخبار عاجلة", "td-trending-now-wrapper")
            + '<div class="td-main-content-wrap"><div class="td-crumb-container"><span><a href="/">الرئيسية</a></span> <i>›</i> '
              '<span><a href="#">أفريقيا</a></span></div><div class="td-pb-row"><div class="td-pb-span8 td-main-content">'
            + article + f'<div class="td_block_related_posts"><h4 class="td-related-title">مواضيع ذات صلة</h4>{related}</div>'
            + "</div>" + sidebar + "</div></div>" + footer(site) + "</body></html>")


def layout_br_inline(p):
    """Body paragraphs separated by <br><br> inside one div, inline ads and «اقرأ أيضا:» lines
    between paragraphs; ticker joined by «|», most-read and tag cloud."""
    r = p.rng
    site = r.choice(["بوابة الخبر", "المشهد العربي", "أخبار الساعة"])
    chunks = [e(x) for x in p.paras]
    out = []
    gaps = max(1, len(chunks) - 1)
    for i, c in enumerate(chunks):
        out.append(c)
        if i < len(chunks) - 1 or len(chunks) == 1:
            if r.random() < 0.5 or gaps == 1:
                o = p.furniture.take(1)[0]
                out.append(f'<strong>اقرأ أيضا: </strong><a href="{p.href(o)}">{e(o.title)}</a>')
            if r.random() < 0.4:
                out.append(br_ad(p))
    body = "<br><br>".join(out)
    return (head(f"{p.title} - {site}", og(p.title, p.summary, site))
            + f'<body><div id="header"><div class="logo"><a href="/">{e(site)}</a></div>' + nav(p, "menu") + "</div>"
            + ticker(p, r.randint(4, 6), "|", "عاجل", "newsTicker")
            + '<div id="content"><div class="right-col">'
              f'<div class="article-head"><h1 class="newsTitle">{e(p.title)}</h1><div class="newsDate">{e(p.date())}</div></div>'
              f'<div class="newsImg"><img src="/Upload/{p.id}.jpg" alt=""><span class="caption">(أ ف ب)</span></div>'
              f'<div id="articleBody" class="articleCont">{body}</div>'
            + '<div class="printEmail"><a href="#">طباعة</a> | <a href="#">إرسال لصديق</a> | <a href="#">تكبير الخط</a> | <a href="#">تصغير الخط</a></div>'
            + "</div><div class=\"left-col\">" + link_list(p, r.randint(5, 8), "الأكثر قراءة", "mostRead", tag="ol")
            + tag_cloud(p, r.randint(6, 9), "tags") + "</div></div>" + footer(site) + "</body></html>")


def br_ad(p):
    r = p.rng
    if r.random() < 0.5:
        return ('<div class="inline-ad"><span class="ad-label">إعلان</span><ins class="adsbygoogle" '
                'data-ad-client="ca-pub-000" data-ad-slot="123"></ins><script>(adsbygoogle = window.adsbygoogle || []).push({});</script></div>')
    return (f'<div id="div-gpt-ad-{r.randint(10 ** 6, 10 ** 7)}-0" class="ad-slot"><script>googletag.cmd.push(function() '
            '{ googletag.display("div-gpt-ad"); });</script><span>مساحة إعلانية</span></div>')


LAYOUTS = {
    "portal_maghreb": layout_portal_maghreb,
    "joomla_sahel": layout_joomla_sahel,
    "blogspot": layout_blogspot,
    "mobile_m": layout_mobile_m,
    "live_blog": layout_live_blog,
    "amp_print": layout_amp_print,
    "headline_variant": layout_headline_variant,
    "br_inline": layout_br_inline,
}


def render(layout, item, others, seed):
    rng = random.Random(f"{seed}:{layout}:{item['id']}")
    page = Page(id=item["id"], title=item["title"], summary=feed_summary(item),
                paras=paragraphs(item["text"]), furniture=Furniture(others, rng), rng=rng)
    return LAYOUTS[layout](page)


# ---------------------------------------------------------------------------------------------
# Running the binary
# ---------------------------------------------------------------------------------------------


def ensure_binary(binary, default):
    if binary.exists():
        return
    if not default:
        sys.exit(f"{binary}: no such binary")
    print("building the release binary (cargo waits for another build's lock)...", file=sys.stderr)
    for attempt in range(4):
        if subprocess.run(["cargo", "build", "--release"], cwd=ROOT).returncode == 0 and binary.exists():
            return
        print("cargo build --release failed; retrying in 3 minutes", file=sys.stderr)
        time.sleep(180)
    sys.exit("cargo build --release keeps failing")


def classify(binary, title, text):
    """The verdict of `classify --json` on title + text, as the daemon analyses them."""
    inp = title.replace("\n", " ").replace("\r", " ") + "\n" + text
    res = subprocess.run([str(binary), "classify", "--json", "-"], input=inp.encode("utf-8"),
                         capture_output=True)
    if res.returncode != 0:
        raise RuntimeError(f"classify failed ({res.returncode}): {res.stderr.decode(errors='replace')[:300]}")
    a = json.loads(res.stdout)
    figures = a.get("figures") or {}
    return {"relevant": bool(a.get("relevant")), "events": sorted(a.get("events") or []),
            "countries": sorted(a.get("countries") or []),
            "figures": {k: figures[k] for k in ("killed", "kidnapped") if k in figures}}


def extract(binary, page_path, title, summary):
    """(ok, text or reason, command) for one page."""
    cmd = [str(binary), "extract", str(page_path), "--title", title, "--summary", summary]
    res = subprocess.run(cmd, capture_output=True)
    out, err = res.stdout.decode("utf-8", "replace"), res.stderr.decode("utf-8", "replace").strip()
    if res.returncode == 0:
        return "ok", out.rstrip("\n"), cmd
    if res.returncode == 1:
        reason = err.split("\n")[-1]
        prefix = f"{page_path}: "
        if reason.startswith(prefix):
            reason = reason[len(prefix):]
        return "refused", reason, cmd
    return "error", f"exit {res.returncode}: {err[:300]}", cmd


def reason_key(reason):
    """A refusal's reason with its numbers blanked, to count kinds."""
    return re.sub(r"\d+", "N", reason)


def differences(full, page):
    """Which parts of the verdict differ: [(what, full value, page value)]."""
    out = []
    if full["relevant"] != page["relevant"]:
        out.append(("relevant", full["relevant"], page["relevant"]))
    if full["relevant"] or page["relevant"]:
        for k in ("events", "countries"):
            if full[k] != page[k]:
                out.append((k, full[k], page[k]))
    return out


def figure_differences(full, page):
    if not (full["relevant"] or page["relevant"]) or full["figures"] == page["figures"]:
        return []
    return [("figures", full["figures"], page["figures"])]


# ---------------------------------------------------------------------------------------------
# The audit
# ---------------------------------------------------------------------------------------------


@dataclass
class Result:
    layout: str
    id: str
    status: str         # ok / refused / error
    text: str           # extracted text, or the reason
    analysed: str       # what the daemon would analyse: extracted text or the summary
    cmd: list


def load_corpus(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def others_of(items, item):
    return [Other(id=o["id"], title=o["title"], dek=dek(o["text"]), paras=paragraphs(o["text"]),
                  relevant=bool(o["relevant"])) for o in items if o["id"] != item["id"]]


def run_page(binary, workdir, layout, item, others, seed):
    page_dir = workdir / layout
    page_dir.mkdir(parents=True, exist_ok=True)
    path = page_dir / f"{item['id']}.html"
    path.write_text(render(layout, item, others, seed), encoding="utf-8")
    summary = feed_summary(item)
    status, text, cmd = extract(binary, path, item["title"], summary)
    analysed = text if status == "ok" else summary
    return Result(layout, item["id"], status, text, analysed, cmd)


def keep_files(workdir, r, binary):
    base = workdir / r.layout / r.id
    base.with_suffix(".txt").write_text(r.analysed + "\n", encoding="utf-8")
    if r.status != "ok":
        base.with_suffix(".err").write_text(r.text + "\n", encoding="utf-8")
    base.with_suffix(".sh").write_text(" ".join(shlex.quote(c) for c in [str(binary)] + r.cmd[1:]) + "\n", encoding="utf-8")


def one_line(s, n=200):
    return " ".join(s.split())[:n]


def extra_and_missing(item, analysed):
    """Lines of the analysed text that are not the article's (title or text), and the
    article's paragraphs missing from it: where a difference comes from."""
    article = " ".join(f"{item['title']}\n{item['text']}".split())
    got = " ".join(analysed.split())
    extra = [one_line(x) for x in analysed.split("\n") if x.strip() and one_line(x, 10 ** 6) not in article]
    missing = [one_line(x) for x in paragraphs(item["text"]) if one_line(x, 10 ** 6) not in got]
    return " ⏎ ".join(extra)[:200], " ⏎ ".join(missing)[:200]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", type=Path, default=None, help="sahel-watch binary (default: target/release, built if missing)")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--layout", action="append", choices=sorted(LAYOUTS), help="only this layout (repeatable)")
    ap.add_argument("--keep", type=Path, help="write the pages, texts read and extract commands here")
    ap.add_argument("--limit", type=int, help="only the first N articles")
    ap.add_argument("--seed", type=int, default=1, help="varies the layouts' details")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()

    started = time.monotonic()
    binary = (args.binary or DEFAULT_BINARY).resolve()
    ensure_binary(binary, args.binary is None)
    items = load_corpus(args.corpus)
    everyone = items
    if args.limit:
        items = items[:args.limit]
    layouts = args.layout or list(LAYOUTS)
    others = {it["id"]: others_of(everyone, it) for it in items}

    tmp = tempfile.TemporaryDirectory(prefix="layout_audit.")
    if args.keep:
        workdir = args.keep
        workdir.mkdir(parents=True, exist_ok=True)
    else:
        workdir = Path(tmp.name)
    # A copy of the binary: a build by someone else must not swap it in the middle of the run.
    built = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(binary.stat().st_mtime))
    original, shown_binary = binary, f"{binary} (built {built})"
    binary = Path(shutil.copy2(binary, Path(tmp.name) / "sahel-watch"))

    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        full_jobs = {it["id"]: pool.submit(classify, binary, it["title"], it["text"]) for it in items}
        page_jobs = [pool.submit(run_page, binary, workdir, lay, it, others[it["id"]], args.seed)
                     for lay in layouts for it in items]
        full = {k: f.result() for k, f in full_jobs.items()}
        results = [f.result() for f in page_jobs]
        titles = {it["id"]: it["title"] for it in items}
        verdict_jobs = {}
        for r in results:
            key = (r.id, r.analysed)
            if key not in verdict_jobs:
                verdict_jobs[key] = pool.submit(classify, binary, titles[r.id], r.analysed)
        verdicts = {k: f.result() for k, f in verdict_jobs.items()}

    if args.keep:
        for r in results:
            keep_files(workdir, r, original)

    report(layouts, items, results, full, verdicts, shown_binary, args, started)
    tmp.cleanup()
    return 1 if any(differences(full[r.id], verdicts[(r.id, r.analysed)]) for r in results) else 0


@dataclass
class Finding:
    """One page whose verdict differs from its full text's."""
    layout: str
    id: str
    diffs: list         # [(what, full value, page value)], figures last
    source: str         # page, or summary (refused)
    analysed: str
    item: dict


def tally(layout, mine, full, verdicts, items_by_id):
    """A layout's row of the table and its findings."""
    counts = collections.Counter(r.status for r in mine)
    row = collections.Counter()
    findings = []
    for r in mine:
        f, pg = full[r.id], verdicts[(r.id, r.analysed)]
        d, fd = differences(f, pg), figure_differences(f, pg)
        row["differ"] += bool(d)
        row["lost"] += any(w == "relevant" and a for w, a, _ in d)
        row["gained"] += any(w == "relevant" and not a for w, a, _ in d)
        row["events"] += any(w == "events" for w, _, _ in d)
        row["countries"] += any(w == "countries" for w, _, _ in d)
        row["figures"] += bool(fd)
        if d or fd:
            src = "page" if r.status == "ok" else f"summary ({r.status})"
            findings.append(Finding(layout, r.id, d + fd, src, r.analysed, items_by_id[r.id]))
    return (layout, len(mine), counts["ok"], counts["refused"], counts["error"], row["differ"], row["lost"],
            row["gained"], row["events"], row["countries"], row["figures"]), findings


def print_table(rows):
    head_ = ("layout", "pages", "extracted", "refused", "errors", "differ", "rel lost", "rel gained",
             "events", "countries", "figures*")
    rows = rows + [("TOTAL",) + tuple(sum(r[i] for r in rows) for i in range(1, len(head_)))]
    widths = [max(len(str(x)) for x in col) for col in zip(head_, *rows)]
    for row in [head_] + rows:
        print("  ".join(str(x).ljust(w) if i == 0 else str(x).rjust(w)
                        for i, (x, w) in enumerate(zip(row, widths))))
    print("  differ = pages whose verdict (relevant; events or countries when relevant in either) differs"
          " from the full text's;\n  *figures (killed/kidnapped) differ: reported, not counted in differ")


def print_reasons(layouts, results):
    print("refusal reasons (exit 1: the daemon analyses the summary; errors: other exits):")
    counts = collections.Counter((r.layout, reason_key(r.text)) for r in results if r.status != "ok")
    for lay in layouts:
        for (l, reason), n in counts.most_common():
            if l == lay:
                print(f"  {lay:<17} {n:>3}  {reason}")
    if not counts:
        print("  none")


def print_findings(findings):
    print(f"differences ({len(findings)} pages):")
    v = lambda x: json.dumps(x, ensure_ascii=False)
    for f in findings:
        what = "; ".join(f"{w} {v(a)} → {v(b)}" for w, a, b in f.diffs)
        print(f"  {f.layout:<17} {f.id}  [{f.source}]  {what}  (full → page)")
        print(f"      text:    {one_line(f.analysed)}")
        extra, missing = extra_and_missing(f.item, f.analysed)
        if extra:
            print(f"      extra:   {extra}")
        if missing:
            print(f"      missing: {missing}")
    if not findings:
        print("  none")


def report(layouts, items, results, full, verdicts, binary, args, started):
    items_by_id = {it["id"]: it for it in items}
    rows, findings = [], []
    for lay in layouts:
        row, found = tally(lay, [r for r in results if r.layout == lay], full, verdicts, items_by_id)
        rows.append(row)
        findings += found
    n_rel = sum(full[it["id"]]["relevant"] for it in items)
    print(f"layout audit (held-out layouts) — {len(items)} articles ({n_rel} relevant on their full text), "
          f"seed {args.seed}\nbinary {binary}")
    print()
    print_table(rows)
    print()
    print_reasons(layouts, results)
    print()
    print_findings(findings)
    print()
    where = f"; pages, texts and commands in {args.keep}" if args.keep else ""
    print(f"took {time.monotonic() - started:.1f}s{where}")


if __name__ == "__main__":
    sys.exit(main())
