"""What a reader sees on a page: the words in the page's language that belong to the other one,
and axe-core's accessibility violations (axe-playwright-python's pinned axe-core, run in
Debian's Chromium)."""

from __future__ import annotations

import re
from typing import Any

# Words that stay as they are on a Russian page: the brand, SMS and its encodings. Keys
# (pregnancy.w25.1), URLs and commands are recognised by their shape.
ALLOWED_LATIN = {"Text4baby", "SMS", "GSM", "UCS", "CSV", "ID"}
CODE_SHAPE = re.compile(r"^[a-z0-9]+([._/-][a-z0-9]+)+$|^https?:|^\{\{|^[A-Z]{2,}-?\d")

# Every piece of text a reader meets, with the language it is marked in: visible text nodes,
# placeholders, labels for screen readers, titles, the options of a select and button values.
# <code> is a key or a command, and the <script> data is not shown.
_READ = """
() => {
  const out = [];
  const lang = el => (el.closest('[lang]') || document.documentElement).getAttribute('lang');
  const hidden = el => el.closest('[hidden], script, style, code, template, noscript') !== null;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || hidden(el) || !n.textContent.trim()) continue;
    if (el.tagName !== 'OPTION' && el.getClientRects().length === 0) continue;
    out.push([lang(el), n.textContent]);
  }
  for (const el of document.querySelectorAll('[placeholder], [aria-label], [title]')) {
    if (hidden(el)) continue;
    for (const a of ['placeholder', 'aria-label', 'title']) {
      if (el.getAttribute(a)) out.push([lang(el), el.getAttribute(a)]);
    }
  }
  out.push([document.documentElement.lang, document.title]);
  return out;
}
"""


def foreign_words(page: Any) -> list[str]:
    """Latin words on a Russian page, or Cyrillic ones on an English page, outside the marks."""
    language = page.evaluate("document.documentElement.lang")
    found = []
    for marked, text in page.evaluate(_READ):
        if marked != language:
            continue  # a text in the other language, marked so (the English SMS, say)
        for token in re.split(r"[\s\u00a0,;:!?()«»\"'·—→×=№]+", text):
            token = token.strip(".")
            if not token:
                continue
            if language == "ru":
                word = re.search(r"[A-Za-z]{2,}", token)
                if word and token not in ALLOWED_LATIN and not CODE_SHAPE.search(token):
                    found.append(token)
            elif re.search(r"[А-Яа-яЁё]", token):
                found.append(token)
    return sorted(set(found))


def axe_violations(page: Any) -> list[str]:
    """axe-core's violations on the page as it is now: 'rule: target, ...' per rule."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: " + ", ".join(str(n["target"]) for n in v["nodes"][:4])
        for v in results.response["violations"]
    ]
