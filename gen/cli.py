"""The `gongkai` command: parse arguments, run the pipeline, format findings, pick the exit code."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from . import __version__, pipeline
from .findings import SEVERITY_ZH, Finding

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{value}”不是有效日期，应写成 YYYY-MM-DD") from None


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # usage errors exit 2, in Chinese
        self.print_usage(sys.stderr)
        print(f"{self.prog}: 参数错误：{message}", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gongkai", description="政府信息公开专栏静态网站生成器")
    parser.add_argument("--version", action="version", version=f"gongkai {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--content", type=Path, default=Path("content"), help="内容目录（默认 content/）")
        p.add_argument("--today", type=_date, default=None, help="用于有效性、禁发期和期限计算的日期 YYYY-MM-DD（默认今天）")
        p.add_argument("--format", choices=("text", "json", "github"), default="text", help="问题清单的输出格式")
        p.add_argument("--strict", action="store_true", help="有警告也以失败退出")
        p.add_argument("--quiet", "-q", action="store_true", help="只输出问题，不输出进度和汇总")

    build = commands.add_parser("build", help="检查内容并生成网站")
    common(build)
    build.add_argument("--out", type=Path, default=Path("site"), help="输出目录（默认 site/）")
    build.add_argument("--base-url", default=None, help="网站正式地址，用于 sitemap.xml 和订阅（默认取 site.yml）")
    build.add_argument("--no-search", action="store_true", help="不建立搜索索引")

    check = commands.add_parser("check", help="只检查内容，不生成网站")
    common(check)

    serve = commands.add_parser("serve", help="生成网站并在本机预览")
    common(serve)
    serve.add_argument("--out", type=Path, default=Path("site"))
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--base-url", default=None)
    serve.add_argument("--no-search", action="store_true")

    archive = commands.add_parser("archive", help="生成移交档案馆、公共图书馆的离线归档包（BagIt 格式 zip）")
    common(archive)
    archive.add_argument("--since", type=_date, default=None,
                         help="增量移交：只含该日期（含）以后发布或有效性变更的文件 YYYY-MM-DD；目录仍为全量")
    archive.add_argument("--out", type=Path, default=None, help="归档包文件（默认 <机构代码>-<日期>.zip）")
    archive.add_argument("--warc", action="store_true", help="同时生成网页归档 WARC 文件（DA/T 80-2019）")
    return parser


def format_findings(findings: list[Finding], fmt: str, documents: int) -> str:
    """Render findings as text, JSON or GitHub workflow annotations."""
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = sum(1 for f in findings if f.severity == "warning")
    if fmt == "json":
        return json.dumps({"findings": [{"rule": f.rule, "severity": f.severity, "file": f.file, "line": f.line,
                                         "message": f.message} for f in findings],
                           "summary": {"errors": errors, "warnings": warnings, "documents": documents}},
                          ensure_ascii=False, indent=2)
    lines = []
    for f in findings:
        if fmt == "github":
            level = "error" if f.severity == "error" else "warning"
            message = f.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
            location = f"file={f.file},line={f.line}," if f.line else f"file={f.file},"
            lines.append(f"::{level} {location}title={f.rule}::{message}")
        else:
            lines.append(f"{f.file}:{f.line}: {SEVERITY_ZH.get(f.severity, f.severity)}[{f.rule}] {f.message}")
    return "\n".join(lines)


def summary_line(errors: int, warnings: int, documents: int) -> str:
    if not errors and not warnings:
        return f"检查完成：{documents} 个文档，没有发现问题。"
    return f"检查完成：{documents} 个文档，{errors} 个错误，{warnings} 个警告。"


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    today = args.today or dt.date.today()
    if not args.content.is_dir():
        print(f"gongkai: 内容目录 {args.content} 不存在。请用 --content 指定，或在含有 content/ 的目录中运行。", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "check":
        result = pipeline.check(args.content, today)
    elif args.command in ("build", "serve"):
        options = pipeline.Options(content=args.content, out=args.out, today=today, base_url=args.base_url,
                                   search=not args.no_search)
        try:
            result = pipeline.build(options)
        except Exception as exc:  # output problems (disk full, Pagefind) are not content findings
            from .search import SearchError
            from .write import OutputError
            if isinstance(exc, (OutputError, SearchError, OSError)):
                print(f"gongkai: 生成失败，原有网站未改动：{exc}", file=sys.stderr)
                return EXIT_FINDINGS
            raise
    elif args.command == "archive":
        from .archive import ArchiveError, ArchiveOptions
        if args.since and args.since > today:
            print(f"gongkai: --since {args.since} 晚于 --today {today}，没有可移交的文件。", file=sys.stderr)
            return EXIT_USAGE
        try:
            result = pipeline.archive(ArchiveOptions(content=args.content, out=args.out, today=today, since=args.since,
                                            warc=args.warc))
        except ArchiveError as exc:
            print(f"gongkai: 归档包生成失败，未写入任何文件：{exc}", file=sys.stderr)
            return EXIT_FINDINGS
    else:  # pragma: no cover - argparse enforces the choices
        return EXIT_USAGE
    documents = len(result.site.documents) if result.site else result.documents
    text = format_findings(result.findings, args.format, documents)
    if text:
        print(text)
    failed = result.errors > 0 or (args.strict and result.warnings > 0)
    if args.format == "text" and not args.quiet:
        print(summary_line(result.errors, result.warnings, documents))
        if args.command in ("build", "serve"):
            if result.unchanged:
                print(f"内容和模板自上次生成以来没有变化，{args.out}/ 保持不变（{result.pages} 个页面）。")
            elif result.written:
                timing = "，".join(f"{k} {v:.2f}s" for k, v in result.timings.items())
                print(f"已生成 {result.pages} 个页面到 {args.out}/（{timing}）。")
            else:
                print("存在错误，未生成网站；原有网站保持不变。请按上面的提示修改后重试。")
        if args.command == "archive":
            if result.written:
                timing = "，".join(f"{k} {v:.2f}s" for k, v in result.timings.items())
                print(f"已生成归档包 {result.path}：移交文件 {result.documents} 件、原件 {result.originals} 个，"
                      f"目录 {result.catalogue} 条；包内 {result.payload_files} 个文件，{result.size / 1024 / 1024:.1f} MB（{timing}）。")
            else:
                print("存在错误，未生成归档包。请按上面的提示修改后重试。")
    if args.command == "serve" and result.written:
        from .serve import serve
        return serve(args.out, args.host, args.port)
    if failed:
        return EXIT_FINDINGS
    return EXIT_OK
