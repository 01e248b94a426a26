"""Interpretation rules (rules.md: 政策解读; seed 000 §7, seed 001 §2(1), seed 004 (五)1)."""

from __future__ import annotations

import re
from posixpath import splitext
from urllib.parse import urlsplit

from gen.content import markdown
from gen.findings import ERROR, WARNING
from gen.model.document import Document, Interpretation
from gen.vocab import EXPIRED, PUBLIC, REPEALED
from . import Context, documents, historical, rule
from .common import calendar_missing, workday_deadline

_IMAGE_EXT = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg"}
_MEDIA_EXT = {".mp4", ".webm", ".mp3", ".m4a", ".ogg", ".ogv", ".mov", ".wav", ".flv", ".m3u8"}


def _interpretations(ctx: Context, doc: Document) -> list[Interpretation]:
    """Interpretations of a document that count: not drafts, actively disclosed."""
    return [i for i in ctx.site.interpretations_of(doc) if not i.draft and i.disclosure == PUBLIC]


def deadline_days(ctx: Context) -> int:
    """Working days allowed for an interpretation: interpretation-missing's `days` if the site set it, else -late's."""
    override = ctx.config.rules.get("interpretation-missing")
    if isinstance(override, dict) and "days" in override:
        return int(ctx.setting("interpretation-missing", "days"))
    return int(ctx.setting("interpretation-late", "days"))


def _due(ctx: Context, doc: Document):
    return workday_deadline(ctx.calendar, doc.published, deadline_days(ctx))


def needs_interpretation(ctx: Context, doc: Document) -> bool:
    """Whether a public document must have an interpretation (应解读、尽解读)."""
    if not ctx.site.is_public(doc) or doc.disclosure != PUBLIC:
        return False
    if doc.kind == "normative":
        # An interpretation of a document no longer in force would explain nothing anyone can apply.
        return ctx.site.validity(doc).status not in (REPEALED, EXPIRED)
    if doc.kind == "plan":
        return doc.plan_status == "已印发"
    if doc.kind == "policy":
        return doc.needs_interpretation
    return False


@rule("interpretation-missing", ERROR,
      "主动公开的规范性文件、已印发的规划、政策文件没有解读（未到期限时为警告并给出期限）", days=3)
def interpretation_missing(ctx: Context):
    days = deadline_days(ctx)
    for doc in documents(ctx, "policy"):
        if doc.needs_interpretation is False and not doc.no_interpretation_reason and not doc.draft:
            yield ctx.finding("interpretation-missing", doc, "needs_interpretation",
                              "写了 needs_interpretation: false（不需要解读），但没有写不解读的理由。"
                              "请补上 no_interpretation_reason（例如：仅涉及内部工作安排，不直接涉及公众切身利益）；"
                              "否则删除 needs_interpretation，按“应解读、尽解读”配发解读。")
    # An interpretation that failed to load still names its document: that document is not told it has none.
    pending = {id(target) for f in ctx.site.failed if (target := ctx.site.resolve(f.fields.get("interprets"))) is not None}
    for doc in documents(ctx, "normative", "policy", "plan"):
        if not needs_interpretation(ctx, doc) or historical(ctx, doc) or id(doc) in pending:
            continue
        interps = _interpretations(ctx, doc)
        if any(i.published and i.published <= ctx.today for i in interps):
            continue
        deadline = _due(ctx, doc)
        how = (f"请按“谁起草、谁解读”由{doc.drafter or '起草科室'}撰写解读，在 interpretation 栏目中新建文档，"
               f"写 interprets: {getattr(doc, 'doc_no', None) or doc.id}。")
        if deadline.unknown_year is not None:
            yield ctx.finding("interpretation-missing", doc, 1,
                              f"《{doc.title}》尚无解读。" + calendar_missing(deadline.unknown_year, f"发布后 {days} 个工作日的解读期限")
                              + how, severity=WARNING)
        elif ctx.today > deadline.due:
            yield ctx.finding("interpretation-missing", doc, 1,
                              f"《{doc.title}》于 {doc.published} 发布，至今没有解读。解读应在文件发布后 {days} 个工作日内"
                              f"（{deadline.due} 前）公开，已逾期。" + how)
        elif not any(i.published and i.published <= deadline.due for i in interps):
            yield ctx.finding("interpretation-missing", doc, 1,
                              f"《{doc.title}》还没有解读，请在 {deadline.due} 前（发布后 {days} 个工作日内）公开解读。" + how,
                              severity=WARNING)


def _targets(ctx: Context):
    """Every counted interpretation with the document it interprets."""
    for interp in documents(ctx, "interpretation"):
        if interp.draft or interp.disclosure != PUBLIC:
            continue
        target = ctx.site.resolve(interp.interprets)
        if target is not None and target is not interp and not target.draft:
            yield interp, target


@rule("interpretation-late", WARNING, "解读晚于文件发布 [3] 个工作日以上", days=3)
def interpretation_late(ctx: Context):
    days = deadline_days(ctx)
    for interp, target in _targets(ctx):
        if interp.published is None or target.published is None or interp.published <= target.published \
                or historical(ctx, target):
            continue
        deadline = _due(ctx, target)
        if deadline.unknown_year is not None:
            yield ctx.finding("interpretation-late", interp, "published",
                              calendar_missing(deadline.unknown_year, f"《{target.title}》发布后 {days} 个工作日的解读期限"))
        elif interp.published > deadline.due:
            late = ctx.calendar.workdays_between(deadline.due, interp.published)
            yield ctx.finding("interpretation-late", interp, "published",
                              f"解读发布于 {interp.published}，原文《{target.title}》发布于 {target.published}，"
                              f"应在 {days} 个工作日内（{deadline.due} 前）公开，晚了 {late} 个工作日。"
                              "解读应与文件同步审签、同步发布；如发布日期填错，请更正 published。")


@rule("interpretation-drafter", WARNING, "解读的起草科室与原文不同（谁起草、谁解读）")
def interpretation_drafter(ctx: Context):
    for interp, target in _targets(ctx):
        expected = getattr(target, "drafter", None)
        if not expected or interp.drafter == expected:
            continue
        if interp.drafter is None:
            yield ctx.finding("interpretation-drafter", interp, 1,
                              f"解读没有标注起草科室。按“谁起草、谁解读”，请写 drafter: {expected}（原文《{target.title}》的起草科室）。")
        else:
            yield ctx.finding("interpretation-drafter", interp, "drafter",
                              f"解读的起草科室“{interp.drafter}”与原文《{target.title}》的起草科室“{expected}”不同。"
                              f"按“谁起草、谁解读”，应由{expected}解读；如原文科室填错，请更正原文的 drafter。")


SHINGLE = 5
"""Characters per shingle: long enough that common phrases (根据……规定) rarely match by chance."""


# Full-width letters and digits (Ａ１) fold to ASCII; a table, not NFKC, which is slow on long texts.
_FOLD = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF5F) if chr(code - 0xFEE0).isalnum()}


_FULL_WIDTH = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")  # letters and digits only


# What a Markdown source holds besides its text: link and image destinations, HTML tags, entities.
# Its other markup (# * - > | [ ] ` and list numbers' dots) is punctuation, which `plain` drops anyway.
_MARKUP = re.compile(r"\]\([^)\n]*\)|<[^>\n]*>|&#?\w+;")


def body_letters(doc: Document) -> str:
    """`plain` of a document's body as written, without its link targets, tags and entities.

    The same letters as the rendered text's but for list numbers, and without a Markdown parse:
    similarity is counted on five-character pieces, which the markup does not split.
    """
    source = doc.body.source if doc.body else ""
    return plain(_MARKUP.sub(" ", source) if "](" in source or "<" in source or "&" in source else source)


_NOT_WORDS = re.compile(r"[\W_]+")


def plain(text: str) -> str:
    """A text without spaces and punctuation, full-width forms folded (what similarity compares)."""
    if _FULL_WIDTH.search(text):
        text = text.translate(_FOLD)
    return _NOT_WORDS.sub("", text)


def shingles(text: str) -> set[str]:
    """The set of 5-character shingles of a text, ignoring spaces, punctuation and width."""
    return _shingles(plain(text))


def _shingles(letters: str) -> set[str]:
    return {letters[i:i + SHINGLE] for i in range(len(letters) - SHINGLE + 1)}


SCREEN_SAMPLES = 64


def _may_copy(part: str, whole: str, limit: float) -> bool:
    """Cheap screen before the exact measure: look up evenly spaced shingles of `part` in `whole`.

    A text whose containment reaches `limit` has about that share of any evenly spaced sample
    in the source; below half of it, the exact measure cannot reach the limit in practice.
    """
    positions = len(part) - SHINGLE + 1
    if positions <= SCREEN_SAMPLES:
        return True
    step = positions / SCREEN_SAMPLES
    needed = SCREEN_SAMPLES * limit / 2
    hits = 0
    for k in range(SCREEN_SAMPLES):
        if hits + SCREEN_SAMPLES - k < needed:
            return False  # the samples left cannot reach the bar (a text far below it stops two thirds of the way)
        start = int(k * step)
        hits += part[start:start + SHINGLE] in whole
    return hits >= needed


def containment(part: set[str], whole: set[str]) -> float:
    """Share of `part`'s shingles that also occur in `whole`."""
    return len(part & whole) / len(part) if part else 0.0


@rule("interpretation-copies-source", ERROR, "解读正文大部分照搬原文（字符片段相似度 ≥ [0.6]）：不得与原文雷同",
      similarity=0.6, min_chars=100)
def interpretation_copies_source(ctx: Context):
    limit = float(ctx.setting("interpretation-copies-source", "similarity"))
    min_chars = int(ctx.setting("interpretation-copies-source", "min_chars"))
    letters_of: dict[str, str] = {}

    def letters(doc: Document) -> str:
        # One plain text per document, however many interpretations compare with it.
        if doc.id not in letters_of:
            letters_of[doc.id] = body_letters(doc)
        return letters_of[doc.id]

    def compare(interp: Document, target: Document):
        mine = letters(interp)
        if len(mine) < min_chars or not _may_copy(mine, letters(target), limit):
            return  # too short to judge (an 图解 caption, a video page), or clearly its own text
        share = containment(_shingles(mine), _shingles(letters(target)))
        if share >= limit:
            yield ctx.finding("interpretation-copies-source", interp, interp.body_line,
                              f"解读正文有 {share:.0%} 的内容与原文《{target.title}》相同（上限 {limit:.0%}），属于与原文雷同。"
                              "解读应讲清政策背景、出台目的、重要举措和关注点，用通俗的话重新写，不要照抄条文。")

    for interp, target in _targets(ctx):
        # Checked again only when the interpretation or what it interprets changed.
        yield from ctx.per_document("interpretation-copies-source", interp, lambda: compare(interp, target),
                                    target.source.rel, getattr(target.source, "digest", None))


@rule("interpretation-headings-only", WARNING, "解读主要是罗列小标题，缺少说明文字",
      min_headings=3, prose_per_heading=30)
def interpretation_headings_only(ctx: Context):
    minimum = int(ctx.setting("interpretation-headings-only", "min_headings"))
    per_heading = int(ctx.setting("interpretation-headings-only", "prose_per_heading"))
    def thin_sections(interp: Document):
        # Counted on the outline; the lines of the body's analysis are only needed for a finding.
        sections = _sections([(level, 0, text) for level, text in markdown.outline(interp.body.source)])
        if len(sections) < minimum:
            return
        thin = [s for s in sections if s[1] < per_heading and not s[2]]
        if len(thin) * 2 > len(sections):
            sections = _sections([(_level(block), block.line, None if block.has_image else block.text)
                                  for block in interp.body.blocks])
            thin = [s for s in sections if s[1] < per_heading and not s[2]]
            yield ctx.finding("interpretation-headings-only", interp, thin[0][0],
                              f"解读有 {len(sections)} 个小标题，其中 {len(thin)} 个下面的说明不足 {per_heading} 字，"
                              "像是罗列小标题。请在每个小标题下用几句话讲清政策背景、具体措施和办理方式。")

    for interp in documents(ctx, "interpretation"):
        if interp.body is None or interp.draft or not may_have_headings(interp.body.source) or questions_and_answers(interp):
            continue
        yield from ctx.per_document("interpretation-headings-only", interp, lambda: thin_sections(interp))


_QUESTION = re.compile(r"^[ \t>#*]*(?:问[:：]|Q[:：．.]|[^\n]{2,80}[？?][ \t*]*$)", re.M)
_ANSWER = re.compile(r"^[ \t>*]*(?:答[:：]|A[:：．.])", re.M)


def questions_and_answers(interp) -> bool:
    """A 简明问答 interpretation (问/答 pairs): its headings are questions and short answers are its form,
    not "罗列小标题"."""
    if "简明问答" in (getattr(interp, "forms", None) or []):
        return True
    source = interp.body.source
    return len(_QUESTION.findall(source)) >= 2 and (len(_ANSWER.findall(source)) >= 2 or "？" in source)


_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$", re.M)


def may_have_headings(source: str) -> bool:
    """Whether a Markdown source can hold a heading or a bold-only paragraph, checked without parsing it.

    A heading needs `#` or a setext underline (a line of `=` or `-`); bold needs `*` or `_`.
    A source with none of them has no section for `interpretation-headings-only` to count.
    """
    return "#" in source or "*" in source or "_" in source or _SETEXT_UNDERLINE.search(source) is not None


def _level(block) -> int:
    """A block's level as `markdown.outline` gives it."""
    return block.level if block.kind == "heading" else (markdown.BOLD_ONLY if block.bold_only else 0)


def _sections(blocks: list[tuple[int, int, str | None]]) -> list[list]:
    """[line, prose characters, has image] for each heading-like block that is not a parent heading,
    from (level, line, text) of every block (see `markdown.outline`: text None for a block with an image)."""
    sections: list[list] = []
    for index, (level, line, text) in enumerate(blocks):
        if level:
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            if following and following[0] > level:
                continue  # a parent heading: its children carry the text
            sections.append([line, 0, False])
        elif sections:
            if text is None:
                sections[-1][2] = True
            else:
                sections[-1][1] += len(plain(text))
    return sections


@rule("interpretation-forms", WARNING, "按年统计：非文字解读占比低于 [50%]，或多元化解读形式少于 [2] 种",
      non_text_share=0.5, min_forms=2)
def interpretation_forms(ctx: Context):
    share_needed = float(ctx.setting("interpretation-forms", "non_text_share"))
    forms_needed = int(ctx.setting("interpretation-forms", "min_forms"))
    by_year: dict[int, list[Interpretation]] = {}
    for interp in documents(ctx, "interpretation"):
        if ctx.site.is_public(interp):
            by_year.setdefault(interp.published.year, []).append(interp)
    for year, interps in sorted(by_year.items()):
        interps.sort(key=lambda d: (d.published, d.id))
        non_text = [i for i in interps if any(f != "文字" for f in i.forms)]
        kinds = sorted({f for i in interps for f in i.forms if f != "文字"})
        share = len(non_text) / len(interps)
        problems = []
        if share < share_needed:
            problems.append(f"非文字解读（图解、视频、简明问答等）只有 {len(non_text)}/{len(interps)} 篇（{share:.0%}），"
                            f"应不低于 {share_needed:.0%}")
        if len(kinds) < forms_needed:
            problems.append(f"多元化解读形式只有 {len(kinds)} 种（{'、'.join(kinds) or '无'}），应不少于 {forms_needed} 种")
        if problems:
            first = interps[0]
            so_far = "（截至今天）" if year == ctx.today.year else ""
            yield ctx.finding("interpretation-forms", first, "forms",
                              f"{year} 年{so_far}的政策解读：{'；'.join(problems)}。请在文字解读的基础上，选用图解、简明问答、"
                              "视频、新闻发布会、动漫等形式，并在 forms 中如实标注。")


def _link_ext(url: str) -> str:
    return splitext(urlsplit(url).path.lower())[1]


@rule("interpretation-form-unbacked", ERROR, "标注的解读形式不存在：图解没有图片，视频/音频没有媒体文件或链接")
def interpretation_form_unbacked(ctx: Context):
    for interp in documents(ctx, "interpretation"):
        if interp.draft or not interp.forms:
            continue
        links = interp.body.links if interp.body else []
        has_image = any(a.format == "图片" for a in interp.attachments) or \
            any(link.image or _link_ext(link.url) in _IMAGE_EXT for link in links)
        has_media = any(a.format in ("视频", "音频") for a in interp.attachments) or \
            any(not link.image and (_link_ext(link.url) in _MEDIA_EXT or urlsplit(link.url).scheme in ("http", "https"))
                for link in links)
        for i, form in enumerate(interp.forms):
            key = f"forms.{i}" if f"forms.{i}" in interp.lines else "forms"
            if form == "图解" and not has_image:
                yield ctx.finding("interpretation-form-unbacked", interp, key,
                                  "标注了“图解”，但正文和文档目录里都没有图片。请把图解图片放进文档目录，并在正文中用 "
                                  "![图片说明](图片文件名.png) 插入；没有图解就从 forms 中删去“图解”。")
            elif form in ("视频", "音频") and not has_media:
                yield ctx.finding("interpretation-form-unbacked", interp, key,
                                  f"标注了“{form}”，但文档目录里没有{form}文件，正文也没有{form}链接。请把{form}文件"
                                  f"（如 .mp4、.mp3）放进文档目录，或在正文中链接到发布{form}的网址；否则从 forms 中删去“{form}”。")
            elif form == "动漫" and not (has_image or has_media):
                yield ctx.finding("interpretation-form-unbacked", interp, key,
                                  "标注了“动漫”，但没有图片或视频。请把动漫图片或视频放进文档目录并在正文中插入或链接；"
                                  "否则从 forms 中删去“动漫”。")
