"""Whatever editors commit, `check` returns findings and never raises (property tests with hypothesis)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, assume, example, given, settings, strategies as st

from conftest import SITE_YML, TODAY, write_site
from gen.build import pipeline
from gen.findings import Finding
from gen.model.document import FIELDS
from gen.rules import RULES, load_all

load_all()
# GONGKAI_FUZZ_EXAMPLES=5000 for a long local run; the default keeps the suite fast.
SETTINGS = settings(max_examples=int(os.environ.get("GONGKAI_FUZZ_EXAMPLES", "120")), deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

# Characters that matter to YAML, Markdown and the rules: structure, brackets of 文号, CJK, dates.
YAMLISH = st.text(alphabet=list(":-[]{}#&*!|>'\"%@`,? \n\t") + list("titlepublshdocnkv_0123456789") +
                  list("〔〕【】（）第号年测人社发解读图视频"), max_size=200)
MARKDOWN = st.text(alphabet=list("#*_[]()!<>`-|:/.\n ") + list("abc.mdpngpdf") + list("一二三做为截止目前〔〕号"),
                   max_size=300)
SCALAR = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=True),
                   st.text(max_size=30), st.sampled_from(["2026-02-30", "2026-03-04", "测人社发〔2026〕1号", "文字",
                                                          "主动公开", "依申请公开", "内部文件", "normative/a", "已印发"]))
VALUE = st.recursive(SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                     st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                     max_leaves=8)
KEYS = st.one_of(st.sampled_from(sorted(FIELDS)), st.text(max_size=10))
FRONT = st.dictionaries(KEYS, VALUE, max_size=10)
FOLDERS = ["normative", "policy", "interpretation", "plan", "consultation", "news", "annual-report", "guide", "org", "misc"]


def run(files: dict, site_yml: str | None = SITE_YML) -> list[Finding]:
    with tempfile.TemporaryDirectory(prefix="gongkai-fuzz-") as root:
        content = write_site(Path(root), files, site_yml)
        result = pipeline.check(content, TODAY)
    for finding in result.findings:
        assert isinstance(finding, Finding) and finding.severity in ("error", "warning")
        assert finding.rule in RULES, finding.rule
        assert isinstance(finding.line, int) and finding.line >= 0
    return result.findings


def dump(data) -> str:
    try:
        return yaml.safe_dump(data, allow_unicode=True)
    except yaml.YAMLError:
        return "title: x\n"


@SETTINGS
@given(front=YAMLISH, body=MARKDOWN)
def test_random_yamlish_front_matter_and_markdown(front, body):
    run({"normative/a.md": f"---\n{front}\n---\n{body}", "interpretation/b.md": f"---\ninterprets: normative/a\n{front}\n---\n{body}"})


@SETTINGS
@given(front=FRONT, body=MARKDOWN, folder=st.sampled_from(FOLDERS))
def test_random_front_matter_values(front, body, folder):
    run({f"{folder}/a.md": "---\n" + dump(front) + "---\n" + body,
         f"{folder}/b/index.md": "---\n" + dump({**front, "interprets": "a"}) + "---\n" + body})


@SETTINGS
@given(data=st.binary(max_size=400), name=st.sampled_from(["a.md", "b/index.md", "b/a.pdf", "b/a.docx", "c.yml",
                                                           "wordlist.yml", "_index.md", "b/a.doc"]),
       folder=st.sampled_from(FOLDERS))
def test_random_bytes(data, name, folder):
    rel = name if name == "wordlist.yml" else f"{folder}/{name}"
    files = {rel: data}
    if name.startswith("b/") and not name.endswith(".md"):
        files[f"{folder}/b/index.md"] = "---\ntitle: 办法\npublished: 2026-03-04\n---\n[下载](a.pdf)\n"
    run(files)


COLUMN = st.dictionaries(st.sampled_from(["id", "title", "folder", "kind", "update_every", "children"]),
                         st.one_of(VALUE, st.sampled_from(["news", "normative", "article", "quarter", "2w"])), max_size=6)
COLUMNS = st.lists(st.one_of(COLUMN, st.fixed_dictionaries({"id": st.just("n"), "title": st.just("新闻"),
                                                            "folder": st.just("news")}, optional={
    "kind": VALUE, "update_every": VALUE, "children": st.lists(COLUMN, max_size=2)})), max_size=4)


@SETTINGS
@given(columns=COLUMNS, since=VALUE, calendar=VALUE)
def test_random_column_trees(columns, since, calendar):
    site = SITE_YML.split("columns:")[0] + dump({"columns": columns, "annual_reports_since": since, "calendar": calendar})
    run({"news/a.md": "---\ntitle: 动态\npublished: 2026-03-04\n---\n正文\n"}, site_yml=site)


@SETTINGS
@given(site=st.one_of(YAMLISH, FRONT.map(dump), st.dictionaries(
    st.sampled_from(["name", "org_code", "columns", "rules", "calendar", "annual_reports_since", "topics", "footer"]),
    VALUE, max_size=8).map(dump)))
def test_random_site_yml(site):
    run({"news/a.md": "---\ntitle: 动态\npublished: 2026-03-04\n---\n正文\n"}, site_yml=site)


@SETTINGS
@given(rules=st.dictionaries(st.one_of(st.sampled_from(sorted(RULES)), st.text(max_size=8)),
                             st.one_of(VALUE, st.dictionaries(st.sampled_from(["severity", "days", "kinds", "error_at",
                                                                               "similarity", "normative_days", "x"]),
                                                              VALUE, max_size=3)), max_size=5))
def test_random_rule_settings(rules):
    # JSON is YAML: one flow-style line that reaches `rules:` intact, whatever the strings hold.
    site = SITE_YML.replace("rules: {}", "rules: " + json.dumps(rules, ensure_ascii=False))
    try:
        assume(isinstance(yaml.safe_load(site)["rules"], dict))
    except yaml.YAMLError:
        assume(False)  # control characters: not a site.yml an editor can save
    run({"normative/a.md": "---\ntitle: 办法\ndoc_no: 测人社发〔2026〕1号\nwritten: 2026-03-02\npublished: 2026-03-04\n---\n正文\n",
         "interpretation/b.md": "---\ntitle: 解读\npublished: 2026-03-20\ninterprets: normative/a\nforms: [图解]\n---\n正文\n",
         "policy/c.md": "---\ntitle: 通知\nwritten: 2026-01-02\npublished: 2026-03-04\n---\n截止目前\n"}, site_yml=site)


TREE = st.dictionaries(
    st.builds(lambda folder, parts, name: "/".join([folder, *parts, name]),
              st.sampled_from(FOLDERS), st.lists(st.sampled_from(["2026", "b", "index.md", "c"]), max_size=2),
              st.sampled_from(["index.md", "a.md", "_index.md", "a.yml", "a.pdf", "a.docx", "t.png", "v.mp4", "x"])),
    st.one_of(st.binary(max_size=60), MARKDOWN, st.builds(lambda f, b: "---\n" + dump(f) + "---\n" + b, FRONT, MARKDOWN)),
    max_size=8)


@SETTINGS
@given(tree=TREE)
def test_random_small_file_trees(tree):
    files = {}
    for rel, data in tree.items():
        # A path cannot be both a file and a folder; keep the first one written.
        if any(other.startswith(rel + "/") or rel.startswith(other + "/") for other in files):
            continue
        files[rel] = data
    run(files)


_MARKDOWN = st.text(alphabet=st.sampled_from(list("ab:/?#&;.()[]!*_`|-~= \n\t%jJsScCrRiIpPtTvVdDxX0123456789\"'") + ["正", "文"]),
                    max_size=80)


def _kept_as_the_sanitizer_keeps(html: str) -> None:
    """HTML kept as it is by the fast path: the sanitizer keeps the same tags and addresses, and no
    address has a script, data or file scheme."""
    import html as html_lib
    import re as re_lib
    from gen.content import markdown as md
    clean = md.sanitize(html)
    urls = lambda h: [html_lib.unescape(u) for u in re_lib.findall(r'\s(?:href|src)="([^"]*)"', h)]
    tags = lambda h: re_lib.findall(r"<(/?[a-z0-9]+)", h)
    assert urls(clean) == urls(html)
    assert tags(clean) == tags(html)
    for url in urls(html):
        assert not re_lib.match(r"(javascript|vbscript|data|file)\s*:", re_lib.sub(r"[\x00-\x20]", "", url), re_lib.I), url


@settings(max_examples=400, deadline=None)
@given(_MARKDOWN)
def test_bodies_that_skip_the_sanitizer_are_exactly_what_it_would_keep(text):
    """The fast path (no raw HTML) may only reformat: same tags, same URLs, nothing the sanitizer drops."""
    import pyromark
    from gen.content import markdown as md
    source = text.replace("<", "")
    html = pyromark.html(source, options=md._OPTIONS)
    if not md._already_safe(html):
        return
    _kept_as_the_sanitizer_keeps(html)


_SCHEMES = st.sampled_from(["", "https://a.gov.cn/", "http:", "mailto:x@a.cn", "tel:12333", "javascript:", "JaVaScRiPt:",
                            "java\tscript:", "java&#9;script:", "&#106;avascript:", "vbscript:", "data:text/html,", " javascript:",
                            "\x01javascript:", "//evil.example/", "file:", "a/b.pdf", "../x.docx", "#top", "?q=1"])
_URL_TAIL = st.text(alphabet=list("abc/.:%&#;=?x()\"' \t<>") + ["正"], max_size=12)
_LINKS = st.lists(st.tuples(st.sampled_from(["[", "![", "<"]), st.text(alphabet=list("ab 正文*_`"), max_size=6), _SCHEMES, _URL_TAIL,
                            st.sampled_from(["", ' "题"', " '题'"])), min_size=1, max_size=4)


@settings(max_examples=600, deadline=None)
@given(_LINKS, st.text(alphabet=list("ab *_`#-\n正文"), max_size=20))
def test_links_and_images_that_skip_the_sanitizer_keep_only_safe_urls(links, filler):
    """Links, autolinks and images with hostile addresses (schemes in any case, hidden by entities,
    tabs or control characters) through the fast path: where it keeps the HTML as it is, the
    sanitizer keeps the same tags and addresses, and no address has a script scheme."""
    import pyromark
    from gen.content import markdown as md
    parts = []
    for opener, text, scheme, tail, title in links:
        url = scheme + tail
        parts.append(f"<{url}>" if opener == "<" else f"{opener}{text}]({url}{title})")
    source = filler + " " + " ".join(parts)
    if "<" in source:
        return  # render sends every body with a `<` through the sanitizer
    html = pyromark.html(source, options=md._OPTIONS)
    if md._already_safe(html):
        _kept_as_the_sanitizer_keeps(html)


@settings(max_examples=400, deadline=None)
@given(MARKDOWN)
def test_links_and_unsafe_content_without_parsing_are_what_the_parser_finds(text):
    """A body with no `[` and no `<` is not parsed for links or unsafe content: it must have none."""
    from gen.content import markdown as md
    for source in (text, text.replace("[", "").replace("<", "")):
        quick = md.Body(source, "a.md", 5)
        parsed = md.analyse(source, "a.md", 5)
        assert (quick.links, quick.findings) == (parsed.links, parsed.findings)
        if "[" not in source and "<" not in source:
            assert quick._analysis is None  # answered without the parser


def test_a_markup_free_body_is_parsed_only_for_its_paragraphs():
    from gen.content import markdown as md
    body = md.Body("第一条 为做好就业补贴工作，制定本办法。\n\n**第二条** 补贴标准见附件。\n", "a.md", 7)
    assert body.links == [] and body.findings == [] and body._analysis is None
    assert [b.line for b in body.blocks] == [7, 9] and body._analysis is not None
    linked = md.Body("见[附件](a.pdf)。<script>x</script>\n", "a.md", 3)
    assert [link.url for link in linked.links] == ["a.pdf"]
    assert [f.rule for f in linked.findings] == ["unsafe-content"]
    assert [f.line for f in md.Body("正文\n\n<script>alert(1)</script>\n", "a.md", 3).findings] == [5]


@settings(max_examples=400, deadline=None)
@given(MARKDOWN)
@example(
    text='- :<',
)  # text split into pieces outside any paragraph
def test_plain_text_without_an_analysis_is_the_analysed_text(text):
    from gen.content import markdown as md
    analysed = md.Body(text)
    analysed.analysis()
    assert md.Body(text).text == analysed.text


def _constructed(text: str):
    """What the loader's own constructor makes of a YAML text (None if it is not a mapping or is broken)."""
    from gen.content import frontmatter
    loader = frontmatter._Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}  # an empty front matter is an empty mapping
        return loader.construct_document(node) if isinstance(node, yaml.MappingNode) else None
    except (yaml.YAMLError, RecursionError):
        return None
    finally:
        loader.dispose()


@settings(max_examples=300, deadline=None, database=None)
@given(st.one_of(YAMLISH, FRONT.map(dump), st.sampled_from([
    "a: 1\nb: [1, 2.5, null, true, no]\nc: {1: x, '2': y}\n", "<<: {a: 1}\nb: 2\n", "a: !!set {x, y}\nb: !!binary aGk=\n",
    "a: !!omap [x: 1, y: 2]\nb: 0x1F\nc: 1_000\nd: .inf\n", "? [1, 2]\n: x\n", "a: !!str 12\nb: !!int '7'\n"])))
def test_front_matter_built_in_one_pass_is_what_the_constructor_builds(text):
    """The walk that records key lines also builds the data: it must equal PyYAML's construction."""
    from gen.content import frontmatter
    parsed = frontmatter.parse_yaml(text, "a.md")
    expected = _constructed(text)
    if parsed.data is not None:
        assert parsed.data == expected or (parsed.data != parsed.data and repr(parsed.data) == repr(expected))  # NaN
        assert type(parsed.data) is type(expected)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=list("#*_=-[]<>!`|:. \n") + list("一二三标题正文"), max_size=200))
@example(text="标题\n===\n\n正文")
@example(text="标题\n  ---\n")
def test_headings_are_only_skipped_where_the_parser_finds_none(text):
    """interpretation-headings-only skips bodies without #, *, _ or a setext underline: they must have no section."""
    from gen.content import markdown as md
    from gen.rules.interpretation import may_have_headings
    if not may_have_headings(text):
        blocks = md.analyse(text, "a.md", 1).blocks
        assert not [b for b in blocks if b.kind == "heading" or b.bold_only], blocks


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(list("#*_=-[]()<>!`|:.\\ \n\t一二三标题正文")
                                + ["![图](a.png)", "<b>", "</b>", "**", "1. ", "> ", "    ", "\n\n"]), max_size=80).map("".join))
@example(text="**粗体** 文字\n\n**只有粗体**\n\n| a | b |\n|---|---|\n| c | ![图](x.png) |\n\n- 项\n\n标题\n---\n")
@example(text="**<b>x</b>**\n\n# ![图](a.png)\n\n****\n")
def test_the_outline_is_what_the_analysis_records(text):
    """interpretation-headings-only counts on `markdown.outline` (the parser's events without byte ranges)
    and asks `analyse` only for the line of a finding: both must see the same blocks."""
    from gen.content import markdown as md
    derived = [(b.level if b.kind == "heading" else (md.BOLD_ONLY if b.bold_only else 0), None if b.has_image else b.text)
               for b in md.analyse(text, "a.md", 1).blocks]
    assert md.outline(text) == derived
