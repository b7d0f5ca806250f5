"""Every page of the real app in Chromium switched to 简体中文 and back: the words change, nothing
breaks. (In Streamlit 1.67 a select box sent back its old-language label as its value after a
switch; one page breaking that way is caught here whichever page it is.)"""
import re

from playwright.sync_api import expect

from tests.browser.conftest import wait_idle
from tests.browser.test_pricing import _use_demo

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _switch(page, language: str) -> None:
    page.get_by_test_id("stSidebar").get_by_label("Language / 语言").click()
    page.get_by_role("option", name=language).click()
    wait_idle(page, timeout=180_000)


def _problems(page) -> list[str]:
    shown = [e.inner_text()[:500] for e in page.get_by_test_id("stException").all()]
    return shown + [e.inner_text()[:500] for e in page.get_by_test_id("stAlertContentError").all()]


def test_every_page_switches_to_chinese_and_back_without_breaking(page):
    _use_demo(page)
    links = page.get_by_test_id("stSidebarNav").get_by_role("link")
    count = links.count()
    assert count >= 7
    english_title = None
    for i in range(count):
        links.nth(i).click()
        if english_title is not None:  # the new page's script may start after wait_idle's first look (under load)
            expect(page.locator("h1").first).not_to_have_text(english_title, timeout=300_000)
        wait_idle(page, timeout=300_000)
        english_title = page.locator("h1").first.inner_text()
        assert not CHINESE.search(english_title) and not _problems(page), (english_title, _problems(page))
        _switch(page, "中文")
        expect(page.locator("h1").first).to_have_text(CHINESE, timeout=120_000)
        wait_idle(page, timeout=180_000)
        assert not _problems(page), (english_title, _problems(page))
        _switch(page, "English")
        expect(page.locator("h1").first).to_have_text(english_title, timeout=120_000)
        wait_idle(page, timeout=180_000)
        assert not _problems(page), (english_title, _problems(page))
