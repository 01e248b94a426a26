"""`gongkai portal`: one 政府信息公开平台 over the columns of many departments, built from what each
department's own build published (its site folder with `gongkai-manifest.json` and its search index),
without building any column again.

The portal has a home with the departments and their newest documents, a 政策文件库 of every
department's normative documents (现行有效 and 已废止、失效, counted as each column counts them), and
one search over all departments at once: each department's index shards are linked in as they are
and merged in the browser (Pagefind's `mergeIndex`), with a 部门 filter, results leading to the
department's own pages. Checks across departments come back as findings, like a column's.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from gen import manifest as column_manifest, mirror
from gen.findings import ERROR, WARNING, Finding, sorted_findings
from gen.output import Output

CONFIG = "portal.yml"
"""The portal's configuration file, by default in the folder the command runs in."""
SEARCH = "pagefind"
FACTS = "gongkai-search.json"
DEPARTMENT_FACET = "部门"
NEWEST = 5
"""Documents of each department shown on the portal's home."""
LIBRARY = "library"
CURRENT, REPEALED = "现行有效", ("已废止", "失效")


class PortalError(Exception):
    """portal.yml cannot be used at all."""


@dataclass
class Department:
    name: str
    slug: str
    """Its folder in the portal (`library/<slug>/`, `pagefind/<slug>/`): from its position and site."""
    site: Path
    """The folder of its published build."""
    line: int
    manifest: dict | None = None
    base_url: str = ""
    address: str | None = None
    """The web address its build is published at, when portal.yml names it so (`site` is then the local copy)."""
    problem: str | None = None
    """Why its build could not be fetched from `address`."""
    fetched: int = 0
    kept: int = 0

    @property
    def documents(self) -> list[dict]:
        return (self.manifest or {}).get("documents", [])

    def url(self, document: dict) -> str:
        return self.base_url + document["url"]


@dataclass
class Portal:
    name: str
    config: Path
    departments: list[Department] = field(default_factory=list)
    today: dt.date = field(default_factory=dt.date.today)


@dataclass
class Result:
    findings: list[Finding]
    written: bool = False
    departments: int = 0
    documents: int = 0
    pages: int = 0
    fetched: int = 0
    """Files downloaded from departments named by their addresses; `kept`: those their copies had already."""
    kept: int = 0

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == ERROR)


# --- reading ------------------------------------------------------------------------------------

def load(config: Path, today: dt.date) -> tuple[Portal, list[Finding]]:
    """portal.yml and every department's manifest; what cannot be read becomes a finding."""
    display = config.name
    try:
        text = config.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise PortalError(f"{display} 无法读取：{error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("departments"), list) or not data.get("name"):
        raise PortalError(f"{display} 应写明 name（平台名称）和 departments（各部门：name 和 site，site 为该部门生成的网站目录或其发布网址）。")
    lines = _item_lines(text)
    portal = Portal(name=str(data["name"]), config=config, today=today)
    findings: list[Finding] = []
    seen: set[str] = set()
    for position, item in enumerate(data["departments"], 1):
        if not isinstance(item, dict) or not item.get("name") or not item.get("site"):
            findings.append(Finding(display, lines.get(position, 1), "portal-department", ERROR,
                                    f"departments 第 {position} 项应写明 name（部门名称）和 site（该部门生成的网站目录，或其发布网址 https://…/）。"))
            continue
        name = str(item["name"])
        line = lines.get(position, 1)
        if name in seen:
            findings.append(Finding(display, line, "portal-department", ERROR, f"部门“{name}”列了两次。请删除重复的一项。"))
            continue
        seen.add(name)
        address = str(item["site"]) if mirror.is_address(str(item["site"])) else None
        if address and not address.endswith("/"):
            address += "/"
        site = mirror.folder_for(cache_for(config), address) if address else (config.parent / str(item["site"])).resolve()
        other = next((d for d in portal.departments if d.site == site), None)
        if other is not None:  # one site cannot be two departments (and two fetches would share one copy)
            findings.append(Finding(display, line, "portal-department", ERROR,
                                    f"部门“{name}”的 site 与部门“{other.name}”相同（{address or item['site']}）。请核对各部门的网站目录或网址。"))
            continue
        slug = f"d{position:03d}"
        portal.departments.append(Department(name=name, slug=slug, site=site, line=line, address=address))
    findings += _fetch([d for d in portal.departments if d.address], display)
    for department in portal.departments:
        department.manifest, problem = (None, department.problem) if department.problem else \
            _read_manifest(department.site, department.address)
        if problem:
            findings.append(Finding(display, department.line, "portal-manifest", ERROR, f"部门“{department.name}”：{problem}"))
        else:
            department.base_url = department.manifest["site"]["base_url"]
            if not department.address:  # a fetched copy holds no pages to compare with
                findings += _manifest_age(department, display)
    return portal, findings


def _item_lines(text: str) -> dict[int, int]:
    """The line each entry of `departments` starts at, by its position from 1 (what findings point at)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    for key, value in getattr(root, "value", []) if isinstance(root, yaml.MappingNode) else []:
        if key.value == "departments" and isinstance(value, yaml.SequenceNode):
            return {position: item.start_mark.line + 1 for position, item in enumerate(value.value, 1)}
    return {}


def cache_for(config: Path) -> Path:
    """Where the copies of departments' builds fetched from their addresses are kept: beside portal.yml
    (git-ignored, like a column's .gongkai-cache/; deleting it only makes the next run fetch everything)."""
    return config.parent.resolve() / ".gongkai-cache" / "portal"


def _fetch(departments: list[Department], display: str) -> list[Finding]:
    """Bring the copy of every department named by its address up to date (a few at a time). One that
    cannot be fetched keeps its last complete copy, with a warning; without one it is an error (by
    `_read_manifest`: no manifest)."""
    from concurrent.futures import ThreadPoolExecutor

    def one(department: Department) -> Finding | None:
        try:
            department.fetched, department.kept = mirror.fetch(department.address, department.site)
        except mirror.MirrorError as error:
            if (department.site / column_manifest.NAME).is_file():
                return Finding(display, department.line, "portal-fetch", WARNING,
                               f"部门“{department.name}”：{error}平台暂用上次下载的版本。")
            department.problem = str(error)
        return None
    with ThreadPoolExecutor(4) as pool:
        return [finding for finding in pool.map(one, departments) if finding is not None]


def _read_manifest(site: Path, address: str | None = None) -> tuple[dict | None, str | None]:
    path = site / column_manifest.NAME
    shown = address + column_manifest.NAME if address else path
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        if address:
            return None, f"无法从 {address} 下载该部门的网站。"
        return None, (f"{path} 不存在。请确认 site 指向该部门 gongkai build 生成的网站目录（含 {column_manifest.NAME}），"
                      "并用当前版本的 gongkai 重新生成。")
    except (OSError, ValueError) as error:
        return None, f"{shown} 无法读取（{error}）。请让该部门重新生成网站。"
    if not isinstance(data, dict) or data.get("format") != column_manifest.FORMAT or data.get("version") != column_manifest.VERSION:
        return None, (f"{shown} 的格式版本（{data.get('version') if isinstance(data, dict) else '?'}）与本平台（{column_manifest.VERSION}）不同。"
                      "请用同一版本的 gongkai 生成各部门网站和平台。")
    base_url = (data.get("site") or {}).get("base_url") or ""
    if not re.match(r"https?://[^\s\"'<>]+/$", base_url):
        # Every link of the portal to the department's pages starts with it.
        return None, f"{shown} 中的网站地址（base_url）“{base_url}”不是 http:// 或 https:// 开头、以 / 结尾的地址。请检查该部门的 site.yml。"
    return data, None


def _manifest_age(department: Department, display: str) -> list[Finding]:
    """A manifest older than the pages beside it: the site was changed after its build (by hand, or a
    partial upload), so what the portal shows of it may be out of date."""
    try:
        written = (department.site / column_manifest.NAME).stat().st_mtime
        newest = max((p.stat().st_mtime for p in department.site.glob("*/index.html")), default=written)
    except OSError:
        return []
    if newest > written + 1:
        return [Finding(display, department.line, "portal-manifest-stale", WARNING,
                        f"部门“{department.name}”网站中的页面比其 {column_manifest.NAME} 更新，平台显示的信息可能已过时。"
                        "请让该部门用 gongkai build 重新生成并整体发布网站。")]
    return []


# --- checks across departments ------------------------------------------------------------------

def check(portal: Portal) -> list[Finding]:
    """Findings that no single column can see, one function per rule id (`CHECKS`). They are warnings:
    the portal office reports them to the departments, whose columns are theirs to correct, and the
    portal is still built (`--strict` makes them fail a CI job)."""
    return [finding for rule in CHECKS for finding in rule(portal)]


def _by(portal: Portal, key: str) -> dict[str, list[tuple[Department, dict]]]:
    """Every department's documents by one of their fields (文号, 索引号), where they have it."""
    table: dict[str, list[tuple[Department, dict]]] = {}
    for department in portal.departments:
        for document in department.documents:
            if document.get(key):
                table.setdefault(document[key], []).append((department, document))
    return table


def _duplicates(portal: Portal, key: str, label: str, rule: str) -> list[Finding]:
    findings = []
    for value, holders in sorted(_by(portal, key).items()):
        owners = sorted({d.name for d, _ in holders})
        if len(owners) > 1:
            findings.append(Finding(portal.config.name, holders[0][0].line, rule, WARNING,
                                    f"{label}“{value}”同时出现在{'、'.join(owners)}："
                                    + "；".join(f"{d.name}《{doc['title']}》" for d, doc in holders)
                                    + f"。{label}应唯一，请核对后更正其中一方。"))
    return findings


def duplicate_doc_no(portal: Portal) -> list[Finding]:
    """portal-duplicate-doc-no: the same 文号 in two departments."""
    return _duplicates(portal, "doc_no", "文号", "portal-duplicate-doc-no")


def duplicate_index_no(portal: Portal) -> list[Finding]:
    """portal-duplicate-index-no: the same 索引号 in two departments."""
    return _duplicates(portal, "index_no", "索引号", "portal-duplicate-index-no")


def cites_invalid(portal: Portal) -> list[Finding]:
    """portal-cites-invalid: a document citing another department's repealed or expired document."""
    by_doc_no = _by(portal, "doc_no")
    findings = []
    for department in portal.departments:
        for document in department.documents:
            for cited in document.get("cites", []):
                # A cite is read with the words before it ("现转发测甲发〔2024〕1号"): the 文号 is its longest known ending.
                cited = next((cited[k:] for k in range(len(cited)) if cited[k:] in by_doc_no), cited)
                for other, target in by_doc_no.get(cited, []):
                    status = (target.get("validity") or {}).get("status")
                    if other is not department and status in REPEALED:
                        findings.append(Finding(portal.config.name, department.line, "portal-cites-invalid", WARNING,
                                                f"{department.name}《{document['title']}》引用了{other.name}的{cited}"
                                                f"《{target['title']}》，该文件{'已失效' if status == '失效' else status}"
                                                f"（{(target.get('validity') or {}).get('since') or ''}起）。"
                                                "请核对引用是否仍然成立，必要时改为引用现行有效的文件。"))
    return findings


def annual_report_missing(portal: Portal) -> list[Finding]:
    """portal-annual-report-missing: a department without last year's annual report after 31 January."""
    last_year, due = portal.today.year - 1, dt.date(portal.today.year, 1, 31)
    findings = []
    for department in portal.departments:
        if department.manifest is None or portal.today <= due:
            continue
        years = {d.get("year") for d in department.documents if d.get("kind") == "annual_report"}
        if last_year not in years:
            findings.append(Finding(portal.config.name, department.line, "portal-annual-report-missing", WARNING,
                                    f"部门“{department.name}”没有发布 {last_year} 年政府信息公开工作年度报告"
                                    f"（应于 {due.isoformat()} 前发布）。请督促该部门发布。"))
    return findings


CHECKS = (duplicate_doc_no, duplicate_index_no, cites_invalid, annual_report_missing)


# --- building -----------------------------------------------------------------------------------

def build(config: Path, out: Path, today: dt.date, layouts: Path) -> Result:
    """Check the departments and, when there is no error, write the portal atomically into `out`."""
    from gen.build import write
    portal, findings = load(config, today)
    findings += check(portal)
    result = Result(findings=sorted_findings(findings), departments=len(portal.departments),
                    documents=sum(len(d.documents) for d in portal.departments),
                    fetched=sum(d.fetched for d in portal.departments), kept=sum(d.kept for d in portal.departments))
    if result.errors:
        return result
    write.recover(out)
    staging = write.begin(out)
    try:
        writer = write.Writer(staging)
        outputs = _pages(portal, layouts) + _static(layouts)
        for output in outputs:
            writer.write(output)
        _search(portal, staging)
        result.pages = sum(1 for o in outputs if o.path.endswith(".html"))
        write.swap(staging, out)
    except BaseException:
        write.discard(staging)
        raise
    result.written = True
    return result


def _environment(layouts: Path):
    import jinja2
    env = jinja2.Environment(loader=jinja2.FileSystemLoader([str(layouts / "portal"), str(layouts)]),
                             autoescape=jinja2.select_autoescape(["html", "xml"]), undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    return env


def _url_for(depth: int):
    prefix = "../" * depth
    return lambda target: prefix + target


def _pages(portal: Portal, layouts: Path) -> list[Output]:
    env = _environment(layouts)
    outputs = []

    def page(path: str, template: str, title: str, **context) -> None:
        depth = path.count("/")
        html = env.get_template(template).render(portal=portal, title=title, url=_url_for(depth), **context)
        outputs.append(Output(path, data=html.encode("utf-8")))
    newest = []
    for department in portal.departments:
        documents = sorted(department.documents, key=lambda d: (d.get("published") or "", d["id"]), reverse=True)
        newest.append((department, documents[:NEWEST]))
    library = []
    for department in portal.departments:
        normative = [d for d in department.documents if d.get("kind") == "normative"]
        current = [d for d in normative if (d.get("validity") or {}).get("status") == CURRENT]
        ended = [d for d in normative if (d.get("validity") or {}).get("status") in REPEALED]
        library.append((department, current, ended))
        page(f"{LIBRARY}/{department.slug}/index.html", "portal_department.html", f"{department.name}规范性文件",
             department=department, current=current, ended=ended)
    page("index.html", "portal_home.html", portal.name, newest=newest, library=library)
    page(f"{LIBRARY}/index.html", "portal_library.html", "政策文件库", library=library)
    page("search/index.html", "portal_search.html", "全平台搜索")
    return outputs


def _static(layouts: Path) -> list[Output]:
    static = layouts / "static"
    return [Output("static/" + p.relative_to(static).as_posix(), source=p) for p in sorted(static.rglob("*")) if p.is_file()]


_SHARD_DATA = re.compile(r"(pagefind-entry\.json|pagefind\.[\w.-]+\.pf_meta|wasm\.[\w-]+\.pagefind"
                         r"|(fragment|index|filter)/[\w.-]+\.pf_(fragment|index|filter))", re.ASCII)
"""The files of a department's index shard that the portal takes: Pagefind's data, which the browser
only reads. Its scripts (`pagefind.js`, `pagefind-worker.js`) run on the portal's own address, so they
are the portal's own Pagefind's (`_pagefind_scripts`), never a department's; anything else is left out."""


def _pagefind_scripts(folder: Path) -> dict[str, Path]:
    """Pagefind's scripts from the Pagefind this gongkai installs, by indexing a one-line page."""
    import subprocess
    from gen.search.bundle import pagefind_executable
    (folder / "site").mkdir(parents=True)
    (folder / "site" / "index.html").write_text("<html><body><main data-pagefind-body><p>gongkai</p></main></body></html>",
                                               encoding="utf-8")
    done = subprocess.run([str(pagefind_executable()), "--site", str(folder / "site"), "--output-path", str(folder / "out"),
                           "--silent"], capture_output=True, text=True)
    if done.returncode != 0:
        raise PortalError(f"Pagefind 无法运行：{(done.stderr or done.stdout).strip()[:500]}")
    return {name: folder / "out" / name for name in ("pagefind.js", "pagefind-worker.js")}


def _copy_shard(source: Path, target: Path, scripts: dict[str, Path]) -> None:
    """A department's shard into the portal: its data files linked, the portal's own scripts in place of its."""
    from gen import folders
    for folder, _, files in os.walk(source):
        for name in files:
            rel = Path(folder, name).relative_to(source).as_posix()
            if rel in scripts or _SHARD_DATA.fullmatch(rel):
                (target / rel).parent.mkdir(parents=True, exist_ok=True)
                folders.link_or_copy(scripts.get(rel, Path(folder, name)), target / rel)


def _search(portal: Portal, staging: Path) -> None:
    """Every department's index shards linked into `pagefind/<department>/`, and one list of them
    with every page's filters (a 部门 filter first) for layouts/static/search.js."""
    import tempfile
    with tempfile.TemporaryDirectory(prefix=".gongkai-pagefind-", dir=staging.parent) as scratch:  # beside the output: links
        _merge_search(portal, staging, _pagefind_scripts(Path(scratch)))


def _merge_search(portal: Portal, staging: Path, scripts: dict[str, Path]) -> None:
    from gen import folders
    target = staging / SEARCH
    shards: list[str] = []
    sites: list[str] = []
    facets: dict[str, list[str]] = {DEPARTMENT_FACET: [d.name for d in portal.departments]}
    pages: list[tuple] = []
    for number, department in enumerate(portal.departments):
        search = (department.manifest or {}).get("search")
        if not search:
            continue
        source = department.site / search["bundle"]
        try:
            facts = json.loads((department.site / search["facts"]).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        names = [f for f, _ in facts["facets"]]
        for name, values in facts["facets"]:
            known = facets.setdefault(name, [])
            known += [v for v in values if v not in known]
        offset = len(shards)
        for shard in facts["shards"]:
            _copy_shard(source / shard, target / department.slug / shard, scripts)
            shards.append(f"{department.slug}/{shard}")  # a department's shard names end with "/"
            sites.append(department.base_url)
        for page_id, excerpt, filters, shard, *date in facts["pages"]:
            values = {DEPARTMENT_FACET: [department.name]}
            for f, indices in enumerate(filters):
                values[names[f]] = [facts["facets"][f][1][i] for i in indices]
            pages.append((date[0] if date else "", page_id, excerpt, values, offset + shard, number))
    if not shards:
        return
    folders.link_or_copy(scripts["pagefind.js"], target / "pagefind.js")
    pages.sort(key=lambda page: (not page[0], tuple(-ord(c) for c in page[0]), page[5], page[1]))  # newest first, as a column's
    order = list(facets)
    index_of = {name: {v: i for i, v in enumerate(values)} for name, values in facets.items()}
    data = {"shards": shards, "sites": sites, "facets": [[name, facets[name]] for name in order],
            "pages": [[page_id, excerpt, [sorted(index_of[name][v] for v in values.get(name, [])) for name in order], shard, date]
                      for date, page_id, excerpt, values, shard, _ in pages]}
    (target / FACTS).write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
