"""An outlet's article page as the daemon meets it behind an item's link: the article's text
inside page furniture — a navigation bar, a breaking-news ticker, «الأكثر قراءة» and «اقرأ أيضا»
lists and a footer, all made of *other* stories' headlines. The furniture is where Sahel
headlines sit on pages about something else, so the replay's pages put such headlines there
(scripts/replay.py --as-received). The markup follows the common shape of Arabic news sites
(header/nav, article with paragraphs, aside lists, footer)."""

from html import escape

NAV = ["الرئيسية", "أخبار", "سياسة", "اقتصاد", "رياضة", "ثقافة", "منوعات", "فيديو", "اتصل بنا"]


def paragraphs(text):
    """The text in paragraphs: its own line breaks, else sentences grouped by two."""
    parts = [p.strip() for p in text.split("\n") if p.strip()]
    if len(parts) > 1:
        return parts
    sentences = [s.strip() for s in text.replace("؟", "؟.").split(".") if s.strip()]
    return [". ".join(sentences[i:i + 2]).replace("؟.", "؟") + "." for i in range(0, len(sentences), 2)] or [text]


def page(title, text, others, site="news.example"):
    """The HTML of an article page; `others` are (title, link) of other stories."""
    li = lambda items: "".join(f'<li><a href="{escape(u)}">{escape(t)}</a></li>' for t, u in items)
    ticker, most_read, related, footer = others[:4], others[4:10], others[10:14], others[14:18]
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs(text))
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{escape(title)} | {site}</title></head>
<body>
<header><nav><ul>{"".join(f'<li><a href="/{i}">{n}</a></li>' for i, n in enumerate(NAV))}</ul></nav>
<div class="ticker"><span>عاجل</span><ul>{li(ticker)}</ul></div></header>
<main><article><h1>{escape(title)}</h1><div class="meta">{site}</div>
<div class="article-body">{body}</div>
<section class="related"><h2>اقرأ أيضا</h2><ul>{li(related)}</ul></section>
</article>
<aside class="most-read"><h2>الأكثر قراءة</h2><ol>{li(most_read)}</ol></aside></main>
<footer><h3>آخر الأخبار</h3><ul>{li(footer)}</ul><p>جميع الحقوق محفوظة</p></footer>
</body></html>""".encode("utf-8")
