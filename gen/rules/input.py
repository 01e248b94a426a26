"""Input and metadata rules (rules.md: 输入与元数据)."""

from __future__ import annotations

import difflib
import re
from urllib.parse import urlsplit

from gen.content.boundary import link_path
from gen.findings import ERROR, WARNING, Finding
from gen.model.document import Document, Normative
from gen.model.site import normalize_doc_no
from . import Context, documents, loader_rule, rule
from .common import looks_like_reference

loader_rule("encoding", ERROR, "文件不是 UTF-8 编码（GBK 文件会被点名并给出转换方法）")
loader_rule("front-matter-invalid", ERROR, "YAML 头部无法解析、不是映射、有未知字段（附“是否应为”提示）或值的类型不对")
loader_rule("field-missing", ERROR, "缺少该类别必填的字段")
loader_rule("content-layout", ERROR, "文件放置不符合目录约定：不在任何栏目目录下、栏目目录中直接放 index.md、一个文档目录里有第二个 .md、两个文件对应同一网址")
loader_rule("file-too-large", ERROR, "Markdown/YAML 文件超过大小上限（默认 5 MB），请拆分或改为附件", max_bytes=5 * 1024 * 1024)

_DOC_NO = re.compile(r"^(?P<agency>[^〔〕\s\d]+)〔(?P<year>[0-9]{4})〕(?P<num>[1-9][0-9]*)号$")
_DOC_NO_LOOSE = re.compile(r"^(?P<agency>[^\d\s\[\]［］【】()（）〔〕﹝﹞]+?)\s*[\[［【(（〔﹝]\s*(?P<year>\d{4})\s*[\]］】)）〕﹞]\s*第?\s*(?P<num>\d+)\s*号$")


@rule("date-invalid", ERROR, "日期不是真实日期；成文日期晚于发布日期；施行日期晚于有效期截止日期；征集开始晚于截止")
def date_invalid(ctx: Context):
    for doc in documents(ctx):
        written = getattr(doc, "written", None)
        if written and doc.published and written > doc.published:
            yield ctx.finding("date-invalid", doc, "written",
                              f"成文日期 {written} 晚于发布日期 {doc.published}。文件应先成文后发布，请核对两个日期。")
        opens, closes = getattr(doc, "opens", None), getattr(doc, "closes", None)
        if opens and closes and opens > closes:
            yield ctx.finding("date-invalid", doc, "closes",
                              f"征集截止日期 {closes} 早于开始日期 {opens}。请核对 opens 和 closes。")
        valid_from = getattr(doc, "valid_from", None)
        valid_until = getattr(doc, "valid_until", None)
        if valid_from and valid_until and valid_from > valid_until:
            yield ctx.finding("date-invalid", doc, "valid_until",
                              f"有效期截止日期 {valid_until} 早于施行日期 {valid_from}。请核对 valid_from 和 valid_until。")


_ORDER_NO = re.compile(r"^\S*令第[1-9][0-9]*号$")
"""令 numbers (国务院令第722号): 第 belongs there, and GB/T 9704's 〔〕 rule is for 文件 numbers."""
_WIDE_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def corrected_doc_no(doc_no: str) -> str | None:
    """The GB/T 9704 form of a 文号 written with the wrong brackets, 第, zero padding or full-width digits."""
    match = _DOC_NO_LOOSE.match(doc_no.strip())
    if not match:
        return None
    return f"{match['agency'].strip()}〔{int(match['year'])}〕{int(match['num'])}号"


def valid_doc_no(doc_no: str) -> bool:
    return _DOC_NO.match(doc_no) is not None or _ORDER_NO.match(doc_no) is not None


@rule("doc-no-format", ERROR, "文号不符合 GB/T 9704“机关代字〔年份〕序号号”格式（方括号、圆括号、【】、“第”、序号前补零）")
def doc_no_format(ctx: Context):
    for doc in documents(ctx, "normative", "policy", "plan"):
        doc_no = doc.doc_no
        if not doc_no or valid_doc_no(doc_no):
            continue
        fixed = corrected_doc_no(doc_no)
        problems = []
        if doc_no.translate(_WIDE_DIGITS) != doc_no:
            problems.append("数字应使用半角阿拉伯数字")
        if re.search(r"[\[\]［］【】()（）﹝﹞]", doc_no):
            problems.append("年份应使用六角括号〔〕")
        if "第" in doc_no:
            problems.append("序号前不加“第”")
        if re.search(r"[〕\]）)】﹞]\s*第?\s*0\d", doc_no):
            problems.append("序号不编虚位（不补零）")
        if re.search(r"\s", doc_no):
            problems.append("不应含空格")
        why = "，".join(problems) or "应为“机关代字〔年份〕序号号”"
        taken = [d for d in ctx.site.by_doc_no.get(normalize_doc_no(fixed), []) if d is not doc] if fixed else []
        if taken:
            suggestion = (f"规范写法“{fixed}”已是 {taken[0].source.display} 的文号，请核对本文件的文号。")
        elif fixed and fixed != doc_no:
            suggestion = f"应改为“{fixed}”。"
        else:
            suggestion = "例如：示人社发〔2023〕3号；令的编号写作“××令第N号”。"
        yield ctx.finding("doc-no-format", doc, "doc_no", f"文号“{doc_no}”格式不规范：{why}（GB/T 9704-2012）。{suggestion}")


@rule("doc-no-year", WARNING, "文号中的年份与成文日期的年份不一致")
def doc_no_year(ctx: Context):
    for doc in documents(ctx, "normative", "policy"):
        if not doc.doc_no or not doc.written:
            continue
        match = _DOC_NO.match(doc.doc_no) or _DOC_NO_LOOSE.match(doc.doc_no)
        if match and int(match["year"]) != doc.written.year:
            yield ctx.finding("doc-no-year", doc, "doc_no",
                              f"文号年份 {match['year']} 与成文日期 {doc.written}（{doc.written.year} 年）不一致。"
                              "请核对文号或成文日期。")


@rule("index-no-format", ERROR, "索引号不是“机构代码/年份-序号（5 位以上）”，或年份不是发布年份（或按设置为成文年份）")
def index_no_format(ctx: Context):
    org = ctx.config.org_code
    pattern = re.compile(rf"^{re.escape(org)}/([0-9]{{4}})-([0-9]{{5,}})$")
    by_written = ctx.config.index_no_year == "written"
    proposed = _proposed_index_nos(ctx)
    for doc in documents(ctx):
        if not doc.index_no:
            continue
        match = pattern.match(doc.index_no)
        day = _index_day(ctx, doc)
        year = day.year if day else None
        which = "成文" if by_written and getattr(doc, "written", None) else "发布"
        if not match:
            sequence = re.search(r"([0-9]+)$", doc.index_no.translate(_WIDE_DIGITS))
            example = _free_index_no(ctx, doc, year, int(sequence[1]) if sequence else 1, proposed)
            yield ctx.finding("index-no-format", doc, "index_no",
                              f"索引号“{doc.index_no}”格式不对，应为“机构代码/{which}年份-5位以上序号”，例如 {example}。")
        elif year and int(match[1]) != year:
            yield ctx.finding("index-no-format", doc, "index_no",
                              f"索引号中的年份 {match[1]} 与{which}日期 {day} 的年份不一致，应为 "
                              f"{_free_index_no(ctx, doc, year, int(match[2]), proposed, len(match[2]))}。")


def _free_index_no(ctx: Context, doc, year: int | None, serial: int, taken: dict[str, object], width: int = 5) -> str:
    """`org/year-serial`, or the next serial of that year that no other document has and that no
    other suggestion proposes: applying every suggestion never makes two documents collide."""
    org = ctx.config.org_code
    if year is None:
        return f"{org}/YYYY-{serial:0{width}d}"
    serial = max(serial, 1)
    while True:
        candidate = f"{org}/{year}-{serial:0{width}d}"
        if not [d for d in ctx.site.by_index_no.get(candidate, []) if d is not doc] and taken.get(candidate, doc) is doc:
            return candidate
        serial += 1


def _proposed_index_nos(ctx: Context) -> dict[str, object]:
    """索引号 → the document that a year correction gives it (its serial kept, the year put right)."""
    org = ctx.config.org_code
    pattern = re.compile(rf"^{re.escape(org)}/([0-9]{{4}})-([0-9]{{5,}})$")
    proposed: dict[str, object] = {}
    for doc in ctx.site.documents:
        match = pattern.match(doc.index_no or "")
        day = _index_day(ctx, doc)
        if match and day:
            proposed.setdefault(f"{org}/{day.year}-{match[2]}", doc)
    return proposed


def _index_day(ctx: Context, doc):
    """The date whose year an 索引号 carries (site.yml `index_no_year`)."""
    if ctx.config.index_no_year == "written":
        return getattr(doc, "written", None) or doc.published
    return doc.published


@rule("duplicate", ERROR, "两个文档的索引号相同，或两个规范性文件/政策文件的文号相同")
def duplicate(ctx: Context):
    for index_no, docs in ctx.site.by_index_no.items():
        for doc in docs[1:]:
            yield ctx.finding("duplicate", doc, "index_no",
                              f"索引号“{index_no}”已被 {docs[0].source.display} 使用。索引号必须唯一，请换一个未用的序号。")
    for doc_no, docs in ctx.site.by_doc_no.items():
        docs = [d for d in docs if d.kind in ("normative", "policy")]
        for doc in docs[1:]:
            yield ctx.finding("duplicate", doc, "doc_no",
                              f"文号“{doc.doc_no}”与 {docs[0].source.display} 重复。同一文号只能对应一个文件。")


@rule("topic-unknown", ERROR, "主题分类不在 site.yml 的 topics 中")
def topic_unknown(ctx: Context):
    topics = ctx.config.topics
    for doc in documents(ctx):
        if doc.topic and doc.topic not in topics:
            close = difflib.get_close_matches(doc.topic, topics, n=1, cutoff=0.3)
            hint = f"是否应为“{close[0]}”？" if close else ""
            yield ctx.finding("topic-unknown", doc, "topic",
                              f"主题分类“{doc.topic}”不在 site.yml 的 topics 中。{hint}可用的值：{'、'.join(topics)}。")


def failed_message(ref: str, failed) -> str:
    """What a finding says of a reference or link to a document that failed to load: it exists, it has
    its own error, and nothing is to be changed here."""
    return (f"引用的“{ref}”是 {failed.source.display}，该文件本身有错误、未能读取（见该文件的错误提示）。"
            "这里不用改：修正那个文件后，此处的引用会自动生效。")


def suggest_refs(ctx: Context, ref: str) -> str:
    """The closest ids and 文号 to a reference that names nothing."""
    candidates = list(ctx.site.by_id) + [d.doc_no for docs in ctx.site.by_doc_no.values() for d in docs]
    close = difflib.get_close_matches(ref, candidates, n=3, cutoff=0.4)
    return f"最接近的有：{'、'.join(close)}。" if close else "请写被引用文件的 id（content/ 下的路径，不含 .md）或文号。"


@rule("ref-unknown", ERROR, "引用（interprets、amends、repeals、feedback）找不到对应文件（附最接近的 id/文号）")
def ref_unknown(ctx: Context):
    site = ctx.site
    for doc in documents(ctx):
        refs: list[tuple[str, str]] = []
        if doc.kind == "interpretation" and doc.interprets:
            refs.append(("interprets", doc.interprets))
        if isinstance(doc, Normative):
            refs += [(f"amends.{i}" if f"amends.{i}" in doc.lines else "amends", r) for i, r in enumerate(doc.amends)]
            refs += [(f"repeals.{i}" if f"repeals.{i}" in doc.lines else "repeals", r) for i, r in enumerate(doc.repeals)]
        if doc.kind == "consultation" and doc.feedback and looks_like_reference(doc.feedback):
            refs.append(("feedback", doc.feedback))  # feedback may also be plain text
        for key, ref in refs:
            target = site.resolve(ref)
            failed = site.failed_reference(ref) if target is None else None
            if failed is not None:
                yield ctx.finding("ref-unknown", doc, key, failed_message(ref, failed), severity=WARNING)
            elif target is None:
                yield ctx.finding("ref-unknown", doc, key, f"引用的文件“{ref}”不存在。{suggest_refs(ctx, ref)}")
            elif target is doc and key == "feedback":  # interprets, amends and repeals: relation-impossible
                yield ctx.finding("ref-unknown", doc, key, "意见反馈不能引用本文件自己。请填写反馈文件的 id 或文号，或直接写反馈情况。")
            elif key.startswith(("amends", "repeals")) and target.kind != "normative":
                yield ctx.finding("ref-unknown", doc, key,
                                  f"“{ref}”是{target.kind_zh}，只有行政规范性文件可以被修改或废止。")


_DOWNLOAD = re.compile(r"\.(?:docx?|wps|pdf|ofd|xlsx?|et|zip|rar)$", re.I)


def _with_bodies(ctx: Context):
    """Every document and column introduction (_index.md) that has a body."""
    for doc in documents(ctx):
        if doc.body is not None:
            yield doc, doc.body
    for intro in ctx.site.intros.values():
        yield intro, intro.body


@rule("link-broken", ERROR, "正文链接、图片或下载指向不存在的页面或文件")
def link_broken(ctx: Context):
    site = ctx.site
    refused = {item.source.rel for item in site.publication.refused}  # reported by unsafe-content
    for doc, body in _with_bodies(ctx):
        for link in body.links:
            target = site.resolve_link(doc.source, link.url)
            what = "图片" if link.image else "链接"
            if link.image and target.kind == "external":
                yield ctx.finding("link-broken", doc, link.line,
                                  f"图片“{link.url}”在其他网站上：本站的页面不从其他网站加载任何内容，它不会显示，"
                                  "归档包中也会缺失。请把图片下载后放进本文档的目录，再用文件名引用。")
                continue
            if target.kind == "broken":
                failed = site.failed_reference(link_path(doc.source.rel, link.url) or "")
                if failed is not None:
                    yield ctx.finding("link-broken", doc, link.line, failed_message(link.url, failed), severity=WARNING)
                    continue
                path = urlsplit(link.url).path
                if _DOWNLOAD.search(path):
                    yield ctx.finding("link-broken", doc, link.line,
                                      f"下载文件“{link.url}”不存在。请把该文件放进本文档的目录"
                                      f"（{doc.source.rel.rsplit('/', 1)[0] if '/' in doc.source.rel else 'content'}/），"
                                      "文件名与链接一致（区分大小写）；链接写相对于本文件的路径。")
                    continue
                yield ctx.finding("link-broken", doc, link.line,
                                  f"{what}“{link.url}”指向的文件不存在。链接写相对于本文件的路径，例如 ../2023/rs-2023-3.md；"
                                  "附件应放在文档目录中。")
                continue
            # A column introduction is always shown, so it is held to the same standard as a public page.
            shown = site.is_public(doc) if isinstance(doc, Document) else True
            if target.kind == "page" and target.document is not None and shown and not site.is_public(target.document):
                yield ctx.finding("link-broken", doc, link.line,
                                  f"{what}指向的文件“{target.document.title}”未公开（依申请公开、不予公开、草稿或尚未到发布日期），"
                                  "公开页面不能链接它。请删除该链接。")
            elif target.kind == "file" and target.owner is not None and shown and not site.is_public(target.owner):
                yield ctx.finding("link-broken", doc, link.line,
                                  f"{what}指向未公开文件“{target.owner.title}”的附件，公开页面不能链接它。请删除该链接。")
            elif target.kind == "file" and shown and target.file.rel not in site.publication.published \
                    and target.file.rel not in refused:
                yield ctx.finding("link-broken", doc, link.line,
                                  f"{what}指向的文件“{link.url}”不会发布（见该文件的 file-unpublished 提示），"
                                  "网页上的链接会失效。请改为链接可以发布的文件，或删除该链接。")


@rule("unsafe-content", ERROR, "正文含脚本、内嵌框架、事件属性、javascript: 链接，或路径离开 content/ 目录")
def unsafe_content(ctx: Context):
    # Scripts, frames, handlers and unsafe URLs are found by the body analysis (column introductions
    # report theirs when loaded); this adds paths that leave content/.
    for doc in documents(ctx):
        if doc.body is not None:
            yield from doc.body.findings
    for item in ctx.site.publication.refused:
        yield Finding(item.source.display, 1, "unsafe-content", ERROR, item.reason)
    for doc, body in _with_bodies(ctx):
        for link in body.links:
            if ctx.site.resolve_link(doc.source, link.url).kind == "outside":
                yield ctx.finding("unsafe-content", doc, link.line,
                                  f"路径“{link.url}”指向 content/ 目录之外，不会发布。请把文件放入本文档目录后再链接。")


_PHONE = re.compile(r"^(?:0\d{2,3}-?\d{7,8}(?:-\d{1,6})?|1[3-9]\d{9}|(?:400|800)-?\d{3}-?\d{4}|12\d{3}|110|119|120|122)$")


@rule("contact-format", WARNING, "咨询电话不是中国的固定电话、手机或服务热线格式")
def contact_format(ctx: Context):
    for doc in documents(ctx, "normative", "policy"):
        if not doc.contact:
            continue
        for number in re.split(r"[，,、;；/\s]+", doc.contact):
            if number and not _PHONE.match(number.replace("（", "").replace("）", "")):
                yield ctx.finding("contact-format", doc, "contact",
                                  f"咨询电话“{number}”不像有效的电话号码。固定电话写成“区号-号码”（如 0564-7654321），"
                                  "手机 11 位，热线如 12333。")


@rule("image-alt", ERROR, "正文图片没有替代文字（图解必须配文字说明，GB/T 37668-2019 无障碍要求）")
def image_alt(ctx: Context):
    for doc in documents(ctx):
        if doc.body is None or not ctx.site.is_public(doc):
            continue
        for image in doc.body.images:
            if not image.text.strip():
                what = "图解图片" if "图解" in getattr(doc, "forms", ()) else "图片"
                yield ctx.finding("image-alt", doc, image.line,
                                  f"{what}“{image.url}”没有替代文字，读屏软件的用户无法知道图中内容。请在方括号中写明图片要点，"
                                  f"例如 ![一图读懂：补贴对象、标准和申领流程]({image.url})。")


@rule("placeholder", ERROR, "文档中仍有 gongkai new 留下的占位文字（（正文）、（起草科室）等）")
def placeholder(ctx: Context):
    for doc in documents(ctx):
        yield from ctx.per_document("placeholder", doc, lambda: _placeholders(ctx, doc))


def _placeholders(ctx: Context, doc):
    from gen.authoring.scaffold import PLACEHOLDERS
    for key, value in vars(doc).items():
        if isinstance(value, str) and "（" in value and key not in ("id",):
            hit = next((p for p in PLACEHOLDERS if p in value), None)
            if hit:
                yield ctx.finding("placeholder", doc, key,
                                  f"{key} 仍是新建文档时的占位文字“{hit}”。请填写实际内容。")
    source = doc.body.source if doc.body is not None else ""
    if "（" not in source:
        return
    for hit in PLACEHOLDERS:
        at = source.find(hit)
        if at >= 0:
            line = doc.body.first_line + source.count("\n", 0, at)
            yield ctx.finding("placeholder", doc, line,
                              f"正文中仍有新建文档时的占位文字“{hit}”。请换成实际内容后再发布。")
