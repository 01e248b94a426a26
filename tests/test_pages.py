"""What the pages tell a citizen, checked in the built example column: the home figures lead to the
lists they count and agree with the columns, 信息订阅 is a page that explains the feed, a picture
opens at its full size, and joint issuers are each a value of the search's 发布机构 filter."""

from __future__ import annotations

import json
import re

from conftest import ROOT
from gen.content import markdown


def test_every_home_figure_is_a_link_and_agrees_with_the_columns(example_site):
    home = (example_site / "index.html").read_text(encoding="utf-8")
    stats = re.search(r'<section class="stats".*?</section>', home, re.S)[0]
    figures = re.findall(r'<li>(.*?)</li>', stats, re.S)
    assert len(figures) == 6 and all(f.strip().startswith("<a href=") for f in figures)
    counts = {re.search(r'stat-label">([^<]+)', f)[1]: int(re.search(r'stat-number">(\d+)', f)[1]) for f in figures}
    # 主动公开信息 is what the columns list: the counts of the top-level columns (those of the site's navigation), summed.
    navigation = re.search(r'<nav class="site-nav".*?</nav>', home, re.S)[0]
    top = [href for href in re.findall(r'href="([^"]+)"', navigation) if href != "index.html"]
    shown = [int(re.search(rf'<a href="{re.escape(href)}">[^<]+</a> <span class="count">（(\d+)）', home)[1]) for href in top]
    assert len(shown) == 5 and counts["主动公开信息"] == sum(shown) == 52
    for figure in figures:
        target = re.search(r'href="([^"]+)"', figure)[1]
        assert (example_site / target).is_file(), target


def test_subscription_is_a_page_that_explains_the_feed(example_site):
    footer_links = re.findall(r'<a href="([^"]+)">信息订阅</a>', (example_site / "index.html").read_text(encoding="utf-8"))
    assert footer_links == ["subscribe/index.html"]
    page = (example_site / "subscribe" / "index.html").read_text(encoding="utf-8")
    assert "https://rsj.example.gov.cn/xxgk/feed.xml" in page and "订阅地址" in page
    feed = (example_site / "feed.xml").read_text(encoding="utf-8")
    titles = re.findall(r"<entry>\s*<title>([^<]+)</title>", feed)
    listed = re.findall(r'<ul class="item-list">.*?</ul>', page, re.S)[0]
    assert titles and all(title in listed for title in titles)  # what the feed holds, listed
    assert "信息订阅" in (example_site / "sitemap" / "index.html").read_text(encoding="utf-8")


def test_a_picture_opens_at_its_full_size():
    body = markdown.parse("![一图读懂](tujie.png)\n\n[![封面](cover.png)](doc.pdf)\n", "a.md", 1)
    html = markdown.render(body, lambda url: url)
    assert '<a class="image-link" href="tujie.png"><img src="tujie.png"' in html
    assert html.count("<a ") == 2  # the picture inside a link keeps that link only


def test_the_example_pictures_link_to_themselves(example_site):
    page = (example_site / "interpretation" / "2023" / "jd-rs-2023-3" / "index.html").read_text(encoding="utf-8")
    link = re.search(r'<a class="image-link" href="([^"]+)"><img src="([^"]+)"', page)
    assert link and link[1] == link[2] and (example_site / "interpretation" / "2023" / "jd-rs-2023-3" / link[1]).is_file()


def test_joint_issuers_are_each_a_value_of_the_issuer_filter(example_site):
    data = json.loads((example_site / "pagefind" / "gongkai-search.json").read_text(encoding="utf-8"))
    issuers = dict(data["facets"])["发布机构"]
    assert "示例县财政局" in issuers and "示例县人力资源和社会保障局" in issuers
    assert not any("、" in issuer for issuer in issuers)
    source = (ROOT / "content" / "normative" / "2026" / "rs-2026-2" / "index.md").read_text(encoding="utf-8")
    assert "issuer: 示例县人力资源和社会保障局、示例县财政局" in source  # the joint document the filter splits
