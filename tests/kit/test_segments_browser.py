"""The editor's JavaScript counter (admin/static/segments.js) in headless Chromium gives the
same parts as kit/segments.py, above all where a character falls on a part boundary."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.admin.browser import chromium, need_browser
from tests.kit.test_segments import BOUNDARY_CASES
from text4baby_ru.kit.segments import count

pytestmark = [pytest.mark.slow, pytest.mark.browser]
SCRIPT = Path(__file__).parents[2] / "text4baby_ru" / "admin" / "static" / "segments.js"
MORE = ["", "a" * 160, "a" * 161, "a" * 306, "a" * 307, "я" * 134, "я" * 135, "👶" * 36]


def test_the_editor_counter_never_splits_a_character_across_parts() -> None:
    sync_api: Any = need_browser()
    samples = [case[0] for case in BOUNDARY_CASES] + MORE
    with chromium(sync_api) as browser:
        page = browser.new_page()
        page.set_content("<!doctype html><title>counter</title>")
        page.add_script_tag(path=str(SCRIPT))
        counted = page.evaluate("samples => samples.map(t => SmsSegments.count(t))", samples)
        page.close()
    for (text, encoding, units, segments), js in zip(BOUNDARY_CASES, counted, strict=False):
        assert (js["encoding"], js["units"], js["segments"]) == (encoding, units, segments), text
    for text, js in zip(samples, counted, strict=True):
        python = count(text)
        assert (js["encoding"], js["units"], js["segments"]) == (
            python.encoding,
            python.units,
            python.segments,
        ), text
