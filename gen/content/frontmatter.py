"""Split front matter from the body and parse YAML keeping the line of every key."""

from __future__ import annotations

from dataclasses import dataclass, field
import re
from typing import Any

import yaml

from gen.findings import ERROR, Finding


# libyaml's parser when PyYAML has it (in C); same nodes and marks.
_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BASE):
    """SafeLoader that keeps dates as text, so the model parses them with its own messages."""


# Drop the implicit timestamp resolver: `2023-02-30` must reach the model as text and become a
# `date-invalid` finding on its line, not an exception from inside the YAML library. Booleans
# follow YAML 1.2 (only true/false), so the key `no` of `filing: {no: …}` stays the word "no".
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                              list("tTfF"))


@dataclass
class Parsed:
    """A text file split into its YAML data (with key lines) and its body (解析结果)."""

    data: dict[str, Any] | None
    """The YAML mapping, or None when there is none or it is broken."""
    lines: dict[str, int] = field(default_factory=dict)
    """Dotted key path (`filing.no`, `rows.3.name`) → 1-based line in the file."""
    body: str = ""
    body_line: int = 1
    """1-based line of the first body line in the file."""
    findings: list[Finding] = field(default_factory=list)
    typed: dict[str, str] = field(default_factory=dict)
    """Dotted key path → the characters typed, for plain values YAML read as a number, true/false
    or null (`05647654324` is octal to YAML 1.1): text fields take these, never the number."""

    def text(self, path: str, value: Any) -> Any:
        """`value` of `path` as the editor typed it when it is a plain scalar YAML turned into
        something else; lists item by item; anything else unchanged."""
        if isinstance(value, list):
            return [self.typed.get(f"{path}.{i}", item) for i, item in enumerate(value)]
        return self.typed.get(path, value)


def split(text: str) -> tuple[str | None, int, str, int]:
    """Return (yaml_text, yaml_first_line, body, body_first_line); yaml_text None if absent."""
    if not (text.startswith("---\n") or text == "---" or text.startswith("---\r")):
        return None, 0, text, 1
    end = 4
    line = 2
    while True:
        nl = text.find("\n", end)
        candidate = text[end:] if nl < 0 else text[end:nl]
        if candidate.rstrip() in ("---", "..."):
            body_start = len(text) if nl < 0 else nl + 1
            return text[4:end], 2, text[body_start:], line + 1
        if nl < 0:
            return text[4:], 2, "", -1  # no closing line
        end = nl + 1
        line += 1


def parse_yaml(text: str, display: str, first_line: int = 1) -> Parsed:
    """Parse a YAML document into data and key lines; every failure becomes a finding."""
    parsed = Parsed(data=None)
    colon = _FULLWIDTH_KEY.search(text)
    if colon:
        # The commonest slip of a Chinese keyboard: `title：…`. YAML itself would either fail
        # lines later or silently glue the line onto the previous value.
        line = first_line + text[: colon.start()].count("\n")
        parsed.findings.append(Finding(display, line, "front-matter-invalid", ERROR,
                                       f"“{colon.group(1)}”后面用了中文冒号“：”。键和值之间必须用英文冒号加空格，"
                                       f"例如 {colon.group(1)}: ……"))
        return parsed
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            parsed.data = {}
            return parsed
        if not isinstance(node, yaml.MappingNode):
            parsed.findings.append(Finding(display, first_line + node.start_mark.line, "front-matter-invalid", ERROR,
                                           "YAML 内容应为“键: 值”的映射（例如 title: 关于……的通知），而不是列表或单个值。"))
            return parsed
        data = _walk(node, "", first_line, parsed, display, set(), loader)
        if parsed.findings:
            return parsed
        parsed.data = data
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # An unclosed bracket or quote is found only at the end of the text; its opening line
        # (the context) is where the editor has to look.
        if exc.context_mark is not None and mark is not None and mark.index >= len(text.rstrip()):
            mark = exc.context_mark
        line = first_line + (mark.line if mark else 0)
        parsed.findings.append(Finding(display, line, "front-matter-invalid", ERROR, _yaml_message(exc)))
    except yaml.YAMLError as exc:
        parsed.findings.append(Finding(display, first_line, "front-matter-invalid", ERROR, f"YAML 无法解析：{exc}"))
    except RecursionError:
        parsed.findings.append(Finding(display, first_line, "front-matter-invalid", ERROR, "YAML 嵌套层级过深，无法解析。"))
    finally:
        loader.dispose()
    return parsed


def parse_document(text: str, display: str) -> Parsed:
    """Parse a Markdown document: front matter between `---` lines, then the body."""
    yaml_text, yaml_line, body, body_line = split(text)
    if yaml_text is None:
        parsed = Parsed(data=None, body=body, body_line=1)
        parsed.findings.append(Finding(display, 1, "front-matter-invalid", ERROR,
                                       "文件开头缺少 YAML 头部。第一行应为 ---，随后写 title、index_no、published 等字段，再以 --- 结束。"))
        return parsed
    if body_line < 0:
        parsed = Parsed(data=None)
        parsed.findings.append(Finding(display, 1, "front-matter-invalid", ERROR,
                                       "YAML 头部没有结束行。请在字段之后单独写一行 ---，再写正文。"))
        return parsed
    parsed = parse_yaml(yaml_text, display, yaml_line)
    parsed.body = body
    parsed.body_line = body_line
    return parsed


_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"


def _walk(node: yaml.Node, prefix: str, first_line: int, parsed: Parsed, display: str, seen: set[int],
          loader: yaml.BaseLoader) -> Any:
    """Record the line of every key and return the node's value; refuse anchors/aliases and duplicate keys.

    Text, lists and mappings with text keys (nearly all of front matter) are built in this same
    pass; every other node (numbers, null, true/false, explicit tags, merge keys) by the loader's
    constructor, which gives what `construct_document` would.
    """
    if id(node) in seen:
        # A node reached twice is an alias: editors never need them, and they enable
        # exponential "billion laughs" expansion.
        parsed.findings.append(Finding(display, first_line + node.start_mark.line, "front-matter-invalid", ERROR,
                                       "不支持 YAML 锚点和别名（& 与 *）。请把内容直接写出。"))
        return None
    seen.add(id(node))
    kind = node.__class__
    if kind is yaml.ScalarNode:
        if node.tag == _STR:
            return node.value
        if not node.style and prefix:  # plain (libyaml says "", PyYAML None), and resolved to something other than text
            parsed.typed[prefix[:-1]] = node.value
        return loader.construct_object(node)
    if kind is yaml.MappingNode:
        keys: set[str] = set()
        data: dict | None = {} if node.tag == _MAP else None
        for key_node, value_node in node.value:
            key = str(key_node.value)
            path = f"{prefix}{key}"
            line = first_line + key_node.start_mark.line
            if key in keys:
                parsed.findings.append(Finding(display, line, "front-matter-invalid", ERROR,
                                               f"字段“{key}”重复出现。请删除多余的一项，只保留一个。"))
            keys.add(key)
            parsed.lines.setdefault(path, line)
            if value_node.__class__ is yaml.ScalarNode and value_node.tag == _STR and id(value_node) not in seen:
                seen.add(id(value_node))  # text, the commonest value: what the call below would do, without the call
                value = value_node.value
            else:
                value = _walk(value_node, path + ".", first_line, parsed, display, seen, loader)
            if data is not None and key_node.tag == _STR and key_node.__class__ is yaml.ScalarNode:
                data[key_node.value] = value
            else:
                data = None
        return data if data is not None else loader.construct_object(node, deep=True)
    items = []
    for i, item in enumerate(node.value):
        parsed.lines.setdefault(f"{prefix}{i}", first_line + item.start_mark.line)
        items.append(_walk(item, f"{prefix}{i}.", first_line, parsed, display, seen, loader))
    return items if node.tag == _SEQ else loader.construct_object(node, deep=True)


_FULLWIDTH_KEY = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*：", re.M)

_PROBLEMS = {
    "tab character": "YAML 不能用 Tab 缩进，请改用空格。",
    "mapping values are not allowed": "此处不能出现冒号“:”。如果值里含有英文冒号，请把整个值用引号括起来。",
    "that cannot start any token": "这一行有 YAML 不允许的字符（常见原因：用 Tab 缩进，或值以 @、` 开头）。请用空格缩进，特殊开头的值加引号。",
    "could not find expected ':'": "缺少冒号“:”。每行应写成“键: 值”，冒号为英文半角并后跟一个空格。",
    "found undefined alias": "不支持 YAML 别名（*）。",
    "',' or ']'": "方括号 [ ] 没有成对闭合。列表请写成 [甲, 乙]；如果值本身以 [ 开头，请整体加引号。",
    "',' or '}'": "花括号 { } 没有成对闭合。",
    "found unexpected end of stream": "引号没有成对闭合。",
    "while scanning a quoted scalar": "引号没有成对闭合。",
}


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    problem = str(exc.problem or exc.context or "")
    both = f"{exc.context or ''} {exc.problem or ''}"
    for key, text in _PROBLEMS.items():
        if key in both:
            return f"YAML 格式错误：{text}"
    return f"YAML 格式错误（{problem}）。请检查缩进（用空格）、冒号后的空格、引号是否成对。"
