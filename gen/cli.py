"""The `gongkai` command: parse arguments, run the pipeline, format findings, pick the exit code."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
from pathlib import Path

from gen import __version__
from gen.build import pipeline
from gen.findings import SEVERITY_ZH, Finding

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _base_url(value: str) -> str:
    from gen.content.config import valid_base_url
    if not valid_base_url(value if value.endswith("/") else value + "/"):
        raise argparse.ArgumentTypeError(f"“{value}”不是网站地址，应以 https:// 或 http:// 开头，例如 https://rsj.example.gov.cn/")
    return value


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{value}”不是有效日期，应写成 YYYY-MM-DD") from None


# argparse writes its own messages in English; these patterns give them in Chinese (its public
# message texts, matched as printed, since argparse offers no other way to change them).
def _choices(text: str) -> str:
    return "、".join(choice.strip().strip("'") for choice in text.split(","))


_ARGPARSE_ZH = [
    (re.compile(r"argument (\S+): invalid choice: '([^']*)' \(choose from (.*)\)"),
     lambda m: f"参数 {m[1]} 的值“{m[2]}”无效，可选：{_choices(m[3])}"),
    (re.compile(r"invalid choice: '([^']*)' \(choose from (.*)\)"), lambda m: f"“{m[1]}”无效，可选：{_choices(m[2])}"),
    (re.compile(r"the following arguments are required: (.*)"), lambda m: f"缺少必需的参数：{m[1]}"),
    (re.compile(r"unrecognized arguments: (.*)"), lambda m: f"无法识别的参数：{m[1]}"),
    (re.compile(r"argument (\S+): expected one argument"), lambda m: f"参数 {m[1]} 后面需要写一个值"),
    (re.compile(r"argument (\S+): invalid int value: '([^']*)'"), lambda m: f"参数 {m[1]} 的值“{m[2]}”不是整数"),
    (re.compile(r"argument (\S+): (.*)"), lambda m: f"参数 {m[1]}：{m[2]}"),
]


def _in_chinese(message: str) -> str:
    for pattern, text in _ARGPARSE_ZH:
        match = pattern.fullmatch(message)
        if match:
            return text(match)
    return message


_METAVARS = {"files": "文件", "folder": "目录", "org_code": "代码", "site_code": "标识码", "domain": "域名", "address": "地址",
             "phone": "电话", "ci": "平台", "content": "目录", "today": "日期", "format": "格式", "out": "目录", "base_url": "网址", "host": "地址",
             "port": "端口", "title": "标题", "column": "栏目", "interprets": "文件", "name": "文件名", "since": "日期",
             "kind": "类别", "target": "平台"}
"""Placeholders shown in usage and help (argparse would show the option's name in capitals)."""


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """Help, usage and errors in Chinese: arguments go into groups of our own titles, and the help
    option is ours (argparse's default groups and help text are in English)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self.options = self.add_argument_group("选项")
        self.options.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def add_argument(self, *args, **kwargs):
        name = args[0].lstrip("-").replace("-", "_") if args else ""
        if name in _METAVARS and kwargs.get("action") is None and "metavar" not in kwargs:
            kwargs["metavar"] = _METAVARS[name]
        if getattr(self, "options", None) is not None and args and args[0] not in ("-h", "--help"):
            group = self.options if args[0].startswith("-") else self._arguments
            return group.add_argument(*args, **kwargs)
        return super().add_argument(*args, **kwargs)

    @property
    def _arguments(self):
        if "arguments_group" not in self.__dict__:
            self.__dict__["arguments_group"] = self.add_argument_group("参数")
        return self.__dict__["arguments_group"]

    def error(self, message: str):  # usage errors exit 2, in Chinese
        self.print_usage(sys.stderr)
        print(f"{self.prog}: 参数错误：{_in_chinese(message)}", file=sys.stderr)
        sys.exit(EXIT_USAGE)


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gongkai", description="政府信息公开专栏静态网站生成器")
    parser.add_argument("--version", action="version", version=f"gongkai {__version__}", help="显示版本号并退出")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser, title="命令",
                                     metavar="命令")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--content", type=Path, default=Path("content"), help="内容目录（默认 content/）")
        p.add_argument("--today", type=_date, default=None, help="用于有效性、禁发期和期限计算的日期 YYYY-MM-DD（默认今天；site.yml 写了 as_of 时为该日）")
        p.add_argument("--format", choices=("text", "json", "github", "codeclimate"), default="text", metavar="格式",
                       help="问题清单的输出格式：text 文字；json；github 为 GitHub Actions 注释；codeclimate 为 GitLab 代码质量报告")
        p.add_argument("--strict", action="store_true", help="有警告也以失败退出")
        p.add_argument("--quiet", "-q", action="store_true", help="只输出问题，不输出进度和汇总")
        p.add_argument("--verbose", "-v", action="store_true", help="输出每个步骤及其用时（在终端上默认输出，在 CI 中默认不输出）")

    build = commands.add_parser("build", help="检查内容并生成网站")
    common(build)
    build.add_argument("--out", type=Path, default=Path("site"), help="输出目录（默认 site/）")
    build.add_argument("--base-url", default=None, type=_base_url, help="网站正式地址，用于 sitemap.xml 和订阅（默认取 site.yml）")
    build.add_argument("--no-search", action="store_true", help="不建立搜索索引")
    build.add_argument("--no-incremental", action="store_true",
                       help="不复用上次生成的页面，全部重新生成（缓存在 .gongkai-cache/，可随时删除）")

    check = commands.add_parser("check", help="只检查内容，不生成网站")
    common(check)

    serve = commands.add_parser("serve", help="生成预览并在本机打开，修改内容后自动更新、浏览器自动刷新")
    common(serve)
    serve.add_argument("--out", type=Path, default=None, help="预览目录（默认 .gongkai-cache/preview/，不会改动 site/）")
    serve.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1，只允许本机访问）")
    serve.add_argument("--port", type=int, default=8000, help="端口（默认 8000；0 表示自动选一个空闲端口）")
    serve.add_argument("--base-url", default=None, type=_base_url)
    serve.add_argument("--no-search", action="store_true", help="不建立搜索索引")
    serve.add_argument("--no-watch", action="store_true", help="只生成并预览，不监视修改")

    init = commands.add_parser("init", help="在空目录或仓库中新建一个专栏（站点配置、栏目目录、CI 和 nginx 配置、给编辑的说明）")
    init.add_argument("folder", type=Path, nargs="?", default=Path("."), help="专栏目录（默认当前目录）")
    init.add_argument("--name", default=None, help="单位名称，如 示例县人力资源和社会保障局")
    init.add_argument("--org-code", default=None, help="统一社会信用代码（18 位，按 GB 32100 校验；用作索引号前缀）")
    init.add_argument("--site-code", default=None, help="网站标识码（10 位）")
    init.add_argument("--domain", default=None, help="专栏的域名，如 rsj.example.gov.cn")
    init.add_argument("--address", default=None, help="办公地址")
    init.add_argument("--phone", default=None, help="联系电话")
    init.add_argument("--ci", default="github", choices=("github", "gitlab", "none"), help="持续集成平台：github、gitlab 或 none")

    init_ci = commands.add_parser("init-ci", help="为专栏的仓库写入持续集成配置（GitHub Actions、GitLab CI 或 pre-commit）")
    init_ci.add_argument("target", choices=("github", "gitlab", "pre-commit", "nginx", "portal-github", "portal-gitlab"),
                         help="写入哪一种配置：github、gitlab、pre-commit，nginx（deploy/nginx.conf，本单位服务器用），"
                              "或 portal-github、portal-gitlab（政府信息公开平台的仓库用：汇集各部门网站并生成平台）")
    init_ci.add_argument("--content", type=Path, default=Path("content"), help="内容目录（配置写在它的上一级目录）")

    new = commands.add_parser("new", help="按模板新建一个文档（带齐必填字段、下一个可用索引号和今天的日期）")
    new.add_argument("kind", choices=("normative", "policy", "interpretation", "guide", "annual_report", "consultation",
                                      "article", "plan"),
                     help="文档类别：normative 规范性文件、policy 政策文件、interpretation 解读、guide 指南、"
                          "annual_report 年报、consultation 意见征集、article 其他公开信息、plan 规划")
    new.add_argument("--content", type=Path, default=Path("content"), help="内容目录（默认 content/）")
    new.add_argument("--title", default=None, help="标题")
    new.add_argument("--column", default=None, help="栏目 id（默认取该类别的第一个栏目）")
    new.add_argument("--interprets", default=None, help="解读所对应文件的 id 或文号（interpretation 必填）")
    new.add_argument("--name", default=None, help="文件名（不含 .md；默认按日期生成）")
    new.add_argument("--today", type=_date, default=None, help="发布日期 YYYY-MM-DD（默认今天；site.yml 写了 as_of 时为该日）")

    imports = commands.add_parser("import", help="把 Word 公文（.docx，GB/T 9704 格式）导入为文档：读出标题、文号、成文日期、"
                                                  "发布机构、公开属性和正文，Word 作为下载版，装有 LibreOffice 时同时生成 PDF 版")
    imports.add_argument("files", type=Path, nargs="+", help="一个或几个 .docx 文件，或包含 .docx 文件的目录")
    imports.add_argument("--content", type=Path, default=Path("content"), help="内容目录（默认 content/）")
    imports.add_argument("--kind", default=None, choices=("normative", "policy", "plan", "article", "consultation",
                                                          "interpretation", "guide", "annual_report"),
                         help="文档类别（默认取 --column 栏目的类别；都没有给出时，有文号和“第一条”的为规范性文件，否则为其他政策文件）")
    imports.add_argument("--column", default=None, help="栏目 id（默认取该类别的第一个栏目）")
    imports.add_argument("--today", type=_date, default=None, help="发布日期 YYYY-MM-DD（默认今天；site.yml 写了 as_of 时为该日）")

    archive = commands.add_parser("archive", help="生成移交档案馆、公共图书馆的离线归档包（BagIt 格式 zip）")
    common(archive)
    archive.add_argument("--since", type=_date, default=None,
                         help="增量移交：只含该日期（含）以后发布或有效性变更的文件 YYYY-MM-DD；目录仍为全量")
    archive.add_argument("--out", type=Path, default=None, help="归档包文件（默认 <机构代码>-<日期>.zip）")
    archive.add_argument("--warc", action="store_true", help="同时生成网页归档 WARC 文件（DA/T 80-2019）")
    portal = commands.add_parser("portal", help="把多个部门各自生成的网站汇集为一个政府信息公开平台（首页、政策文件库、全平台搜索），并检查部门之间的问题")
    portal.add_argument("--config", type=Path, default=Path("portal.yml"), help="平台配置（默认 portal.yml：平台名称和各部门网站目录）")
    portal.add_argument("--out", type=Path, default=Path("portal"), help="输出目录（默认 portal/）")
    portal.add_argument("--today", type=_date, default=None, help="检查年报是否按时发布所用的日期 YYYY-MM-DD（默认今天）")
    portal.add_argument("--format", choices=("text", "json", "github", "codeclimate"), default="text", metavar="格式",
                        help="问题清单的输出格式：text 文字；json；github；codeclimate")
    portal.add_argument("--strict", action="store_true", help="有警告也以失败退出")
    return parser


def format_findings(findings: list[Finding], fmt: str, documents: int, overrides: list[dict] | None = None) -> str:
    """Render findings as text, JSON or GitHub workflow annotations (JSON also lists the rule
    settings documents make for themselves, with their reasons)."""
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = sum(1 for f in findings if f.severity == "warning")
    if fmt == "json":
        return json.dumps({"findings": [{"rule": f.rule, "severity": f.severity, "file": f.file, "line": f.line,
                                         "message": f.message} for f in findings],
                           "document_rules": overrides or [],
                           "summary": {"errors": errors, "warnings": warnings, "documents": documents}},
                          ensure_ascii=False, indent=2)
    if fmt == "codeclimate":
        import hashlib
        return json.dumps([{"type": "issue", "check_name": f.rule, "description": f"[{f.rule}] {f.message}",
                            "categories": ["Style"], "severity": "major" if f.severity == "error" else "minor",
                            "fingerprint": hashlib.sha1(f"{f.file}:{f.line}:{f.rule}:{f.message}".encode()).hexdigest(),
                            "location": {"path": f.file, "lines": {"begin": max(1, f.line)}}} for f in findings],
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
    """Run one command; return its exit status."""
    args = make_parser().parse_args(argv)
    if args.command == "init":
        return _init(args)
    if args.command == "portal":
        return _portal(args)
    if args.command == "init-ci" and args.target.startswith("portal-"):
        return _init_ci(args)  # a portal's repository has no content/
    if getattr(args, "today", None) is None and args.content.is_dir():
        from gen.content.config import content_date
        args.today = content_date(args.content)  # a snapshot (the example column) is computed as of its own day
    today = getattr(args, "today", None) or dt.date.today()
    if not args.content.is_dir():
        print(f"gongkai: 内容目录 {args.content} 不存在。请用 --content 指定，或在含有 content/ 的目录中运行。", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "init-ci":
        return _init_ci(args)
    if args.command == "new":
        from gen.authoring.scaffold import ScaffoldError, scaffold
        try:
            path, notes = scaffold(args.content, args.kind, today, title=args.title, column=args.column,
                                   interprets=args.interprets, name=args.name)
        except ScaffoldError as exc:
            print(f"gongkai new: {exc}", file=sys.stderr)
            return EXIT_USAGE
        print(f"已新建 {path}")
        for note in notes:
            print(f"  {note}")
        return EXIT_OK
    if args.command == "import":
        return _import(args, today)
    progress = _progress(args)
    if args.command == "serve":
        return _serve(args, today, progress)
    if args.command == "check":
        result = pipeline.check(args.content, today, progress=progress)
    elif args.command == "build":
        options = pipeline.Options(content=args.content, out=args.out, today=today, base_url=args.base_url,
                                   search=not args.no_search, incremental=not args.no_incremental, progress=progress)
        try:
            result = pipeline.build(options)
        except Exception as exc:  # output problems (disk full, Pagefind) are not content findings
            from gen.search.bundle import SearchError
            from gen.build.write import OutputError
            if isinstance(exc, (OutputError, SearchError, OSError)):
                print(f"gongkai: 生成失败，原有网站未改动：{exc}", file=sys.stderr)
                return EXIT_FINDINGS
            raise
    elif args.command == "archive":
        from gen.archive import ArchiveError, ArchiveOptions
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
    overrides = None
    if args.format == "json" and result.site is not None:
        from gen.rules import overridden
        overrides = overridden(result.site)
    text = format_findings(result.findings, args.format, documents, overrides)
    if text:
        print(text)
    failed = result.errors > 0 or (args.strict and result.warnings > 0)
    if args.format == "text" and not args.quiet:
        print(summary_line(result.errors, result.warnings, documents))
        if args.command == "build":
            if result.unchanged:
                print(f"内容和模板自上次生成以来没有变化，{args.out}/ 保持不变（{result.pages} 个页面）。")
            elif result.written:
                timing = "，".join(f"{STAGES_ZH.get(k, k)} {v:.2f} 秒" for k, v in result.timings.items())
                reused = f"，其中 {result.reused} 个未变化、沿用上次的结果" if result.reused else ""
                print(f"已生成 {result.pages} 个页面到 {args.out}/{reused}（{timing}）。")
            else:
                print("存在错误，未生成网站；原有网站保持不变。请按上面的提示修改后重试。")
        if args.command == "archive":
            if result.written:
                timing = "，".join(f"{STAGES_ZH.get(k, k)} {v:.2f} 秒" for k, v in result.timings.items())
                print(f"已生成归档包 {result.path}：移交文件 {result.documents} 件、原件 {result.originals} 个，"
                      f"目录 {result.catalogue} 条；包内 {result.payload_files} 个文件，{result.size / 1024 / 1024:.1f} MB（{timing}）。")
            else:
                print("存在错误，未生成归档包。请按上面的提示修改后重试。")
    if failed:
        return EXIT_FINDINGS
    return EXIT_OK


def run() -> None:
    """The `gongkai` command."""
    code = main()
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # `gongkai check | head`: the reader left; nothing more can be said (Python's documented recipe)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(code)


STAGES_ZH = {"cache": "核对变化", "load": "读取内容", "parse": "解析文档", "model": "建立站点模型", "check": "检查规则", "render": "生成页面",
             "index": "建立搜索索引", "write": "写入输出目录", "package": "打包", "originals": "收集原件",
             "metadata": "生成目录", "warc": "网页归档", "bag": "校验清单", "zip": "压缩"}


def _progress(args) -> "pipeline.Progress | None":
    """Stage lines with timings on a terminal (or with --verbose); nothing in CI or with --quiet."""
    if args.quiet or getattr(args, "format", "text") != "text":
        return None
    if not args.verbose and (not sys.stderr.isatty() or os.environ.get("CI")):
        return None

    def report(stage: str, seconds: float) -> None:
        print(f"  · {STAGES_ZH.get(stage, stage)}　{seconds:.2f} 秒", file=sys.stderr, flush=True)
    return report


def _serve(args, today: dt.date, progress) -> int:
    """Build the preview, serve it, and keep it current until Ctrl+C."""
    pool = None
    if not args.no_search and not args.no_watch:  # started while this process is small and has one thread
        from gen.search.bundle import workers
        pool = workers()
    try:
        return _preview(args, today, pool)
    finally:
        if pool is not None:
            pool.terminate()


def _preview(args, today: dt.date, pool) -> int:
    """`_serve` with the search index's processes (`pool`, or None)."""
    import signal
    import time
    from gen.preview.updates import Preview, default_folder
    from gen.preview.server import Live, serve

    layouts = pipeline.default_layouts(args.content)
    out = args.out or default_folder(args.content)
    preview = Preview(args.content, out, layouts, today, search=not args.no_search, base_url=args.base_url)
    say = (lambda message: None) if args.quiet else (lambda message: print(message, flush=True))
    start = time.perf_counter()
    try:
        first = preview.full()
    except Exception as exc:
        from gen.build.write import OutputError
        if isinstance(exc, (OutputError, OSError)):
            print(f"gongkai: 预览生成失败：{exc}", file=sys.stderr)
            return EXIT_FINDINGS
        raise
    if not first.ok:
        print(format_findings(preview.findings, args.format, 0))
        print("site.yml 无法使用，不能生成预览。请按上面的提示修改后重试。", file=sys.stderr)
        return EXIT_FINDINGS
    try:
        if args.no_watch:
            print(format_findings(preview.check(), args.format, len(preview.site.documents)))
            return serve(out, args.host, args.port)
        live = Live(preview, args.host, args.port, [args.content, layouts], say, pool)
    except OSError as exc:
        import errno
        if exc.errno == errno.EADDRINUSE:
            print(f"gongkai serve: 端口 {args.port} 已被占用（可能已有一个预览在运行）。请先停止它（Ctrl+C），"
                  f"或换一个端口：gongkai serve --port {args.port + 1}（make serve PORT={args.port + 1}）。", file=sys.stderr)
        else:
            print(f"gongkai serve: 无法在 {args.host}:{args.port} 上提供预览：{exc.strerror or exc}。", file=sys.stderr)
        preview.close()
        return EXIT_USAGE
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    live.start()
    documents = len(preview.site.documents)
    say(f"预览已生成：{documents} 个文档，{len(first.changed)} 个页面重新生成（{time.perf_counter() - start:.2f} 秒）。")
    print(f"预览地址：{live.address}　（修改 content/ 或 layouts/ 后自动更新，浏览器自动刷新；按 Ctrl+C 停止）", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        live.stop()
        print("已停止。", file=sys.stderr)
    return EXIT_OK


def _portal(args) -> int:
    """Build the portal over the departments' published sites."""
    from gen import portal
    if not args.config.is_file():
        print(f"gongkai portal: 找不到平台配置 {args.config}。请新建 portal.yml，写明 name（平台名称）和 departments"
              "（每个部门的 name 和 site：该部门 gongkai build 生成的网站目录或其发布网址），或用 --config 指定。", file=sys.stderr)
        return EXIT_USAGE
    try:
        result = portal.build(args.config, args.out, args.today or dt.date.today(),
                              pipeline.default_layouts(args.config.parent / "content"))
    except portal.PortalError as exc:
        print(f"gongkai portal: {exc}", file=sys.stderr)
        return EXIT_USAGE
    text = format_findings(result.findings, args.format, result.documents)
    if text:
        print(text)
    if result.written:
        fetched = f"从各部门网址下载 {result.fetched} 个文件、沿用已下载的 {result.kept} 个；" if result.fetched or result.kept else ""
        print(f"已生成平台到 {args.out}/：{fetched}{result.departments} 个部门，{result.documents} 个文档，{result.pages} 个页面。")
    else:
        print("存在错误，未生成平台。请按上面的提示修改后重试。")
    failed = result.errors or (args.strict and any(f.severity == "warning" for f in result.findings))
    return EXIT_FINDINGS if failed else EXIT_OK


def _init_ci(args) -> int:
    """Write a CI template (or the nginx configuration) into the column's repository (the folder
    holding content/); never overwrite."""
    if args.target == "nginx":
        from gen.content.config import load_config
        from gen.authoring.init import nginx_config
        from gen.content.sources import read
        found: list = []
        config, _ = load_config(read(args.content, "site.yml", args.content / "site.yml", 5 << 20, lambda _: False, found))
        domain = (config.base_url.split("://", 1)[-1].split("/", 1)[0] if config else "") or "example.gov.cn"
        path, text = args.content.resolve().parent / "deploy" / "nginx.conf", nginx_config(domain)
    else:
        from gen.authoring.init import ci_file
        target, text = ci_file(args.target)
        path = args.content.resolve().parent / target
    if path.exists():
        print(f"gongkai: {path} 已存在，未改动。如需重新生成，请先删除或改名。", file=sys.stderr)
        return EXIT_USAGE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"已写入 {path}")
    if args.target.startswith("portal-"):
        _ignore(args.content.resolve().parent / ".gitignore", ["portal/", "sites/", ".gongkai-cache/"])
    return EXIT_OK


def _ignore(gitignore: Path, patterns: list[str]) -> None:
    """Add what the portal writes and downloads to the repository's .gitignore (it is not the portal office's source)."""
    try:
        text = gitignore.read_text(encoding="utf-8") if gitignore.exists() else ""
    except (OSError, UnicodeDecodeError):
        return
    lines = text.splitlines()
    missing = [p for p in patterns if p not in lines and p.rstrip("/") not in lines]
    if missing:
        separator = ("\n" if not text.endswith("\n") else "") + "\n" if text else ""
        gitignore.write_text(text + separator + "# gongkai portal：生成的平台、下载的部门网站及其副本\n" + "\n".join(missing) + "\n",
                             encoding="utf-8")
        print(f"已在 {gitignore} 中加入 {'、'.join(missing)}")


def _import(args, today: dt.date) -> int:
    """Import Word files (and the .docx files of folders) as document bundles."""
    from gen.authoring.word import ImportError_, import_file
    files: list[Path] = []
    for given in args.files:
        if given.is_dir():
            files += sorted(p for p in given.rglob("*.docx") if not p.name.startswith(("~$", ".")))
        elif given.is_file():
            files.append(given)
        else:
            print(f"gongkai import: {given} 不存在。", file=sys.stderr)
            return EXIT_USAGE
    if not files:
        print("gongkai import: 没有找到 .docx 文件。", file=sys.stderr)
        return EXIT_USAGE
    failed = 0
    for source in files:
        try:
            path, notes = import_file(args.content, source, today, kind=args.kind, column=args.column)
        except ImportError_ as exc:
            print(f"gongkai import: {exc}", file=sys.stderr)
            failed += 1
            continue
        print(f"已导入 {source} → {path}")
        for note in notes:
            print(f"  {note}")
    print(f"共导入 {len(files) - failed} 个文件" + (f"，{failed} 个失败" if failed else "") + "。请运行 gongkai check 检查。")
    return EXIT_FINDINGS if failed else EXIT_OK


def _init(args) -> int:
    """Start a new column: ask what the options did not say (on a terminal), then write it."""
    from gen.authoring.init import QUESTIONS, Answers, InitError, check_answers, init
    values = {key: getattr(args, key) for key, _ in QUESTIONS}
    if any(v is None for v in values.values()) and sys.stdin.isatty():
        print("新建政府信息公开专栏。请回答以下问题（也可以用命令行选项直接给出，见 gongkai init --help）：")
        for key, question in QUESTIONS:
            while values[key] is None or not str(values[key]).strip():
                values[key] = input(f"  {question}：").strip()
    answers = Answers(**{k: v or "" for k, v in values.items()}, ci=args.ci)
    problems = check_answers(answers)
    if problems:
        for problem in problems:
            print(f"gongkai init: {problem}", file=sys.stderr)
        return EXIT_USAGE
    try:
        written = init(args.folder, answers, dt.date.today())
    except InitError as exc:
        print(f"gongkai init: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"已在 {args.folder.resolve()} 新建专栏，写入 {len(written)} 个文件：")
    for path in written:
        print(f"  {path.relative_to(args.folder.resolve()) if path.is_relative_to(args.folder.resolve()) else path}")
    print("下一步：gongkai new guide（先发布政府信息公开指南），gongkai check 检查，gongkai serve 预览。")
    return EXIT_OK
