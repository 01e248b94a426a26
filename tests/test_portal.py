"""A portal over 20 departments' columns, each built on its own (as its own CI job would), built from
their published sites only: the 政策文件库 counts equal the sum of the departments' 现行有效 lists,
planted cross-department defects are reported, and a search in Chromium on the portal finds every
department's documents, linking to the department's own pages."""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import threading
import re
import shutil

import pytest

from conftest import ORG, PDF_BYTES, ROOT, TODAY, build, doc, docx_bytes, write_site
from gen import portal

STEMS = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉"
"""One character per department, in its documents' titles: a search for it finds that department alone."""

SITE = """\
name: {name}
base_url: https://d{n:02d}.example.gov.cn/xxgk/
org_code: "{org}"
footer: {{sponsor: {name}, site_code: "34152400{n:02d}", icp: 皖ICP备00000000号, police: 皖公网安备 00000000000000号, address: 测试县人民路{n}号, phone: 0564-12345{n:02d}}}
topics: [综合政务, 社会保障, 就业创业]
columns:
  - {{id: normative, title: 行政规范性文件, folder: normative, kind: normative}}
  - {{id: interpretation, title: 政策解读, folder: interpretation, kind: interpretation}}
  - {{id: news, title: 工作动态, folder: news, kind: article}}
  - {{id: annual-report, title: 政府信息公开年报, folder: annual-report, kind: annual_report}}
annual_reports_since: 2025
rules: {{}}
"""


def _normative(stem: str, n: int, number: int, year: int, doc_no: str, extra: str = "") -> dict:
    folder = f"normative/{year}/d{number}"
    return {
        f"interpretation/{year}/j{number}.md": doc(f"""
            title: {stem}字号就业补贴办法（第{number}版）解读
            index_no: "{ORG}/{year}-{n:02d}{number + 500:03d}"
            published: {year}-03-02
            interprets: {folder}
            drafter: 就业股
            forms: [文字, 简明问答]""", "补贴面向登记失业的人员，申请人带身份证到窗口办理，十个工作日内到账。\n"),
        f"{folder}/index.md": doc(f"""
            title: {stem}字号就业补贴办法（第{number}版）
            index_no: "{ORG}/{year}-{n:02d}{number:03d}"
            published: {year}-03-02
            written: {year}-03-01
            doc_no: {doc_no}
            topic: 就业创业
            valid_from: {year}-03-02
            valid_until: {year + 5}-03-01
            drafter: 就业股
            {extra}""", f"第一条 为做好{stem}字号就业补贴工作，制定本办法。\n"),
        f"{folder}/a.pdf": PDF_BYTES,
        f"{folder}/a.docx": docx_bytes(f"{stem}字号就业补贴办法"),
    }


def _department(n: int, stem: str) -> dict:
    """A small column: a repealed and a current normative document, news, and last year's annual report
    (department 4 has none: a planted defect)."""
    files = {}
    files.update(_normative(stem, n, 1, 2024, f"测{stem}发〔2024〕1号"))
    files.update(_normative(stem, n, 2, 2026, f"测{stem}发〔2026〕2号", "repeals: [normative/2024/d1]"))
    files[f"news/2026/n{n}.md"] = doc(f"""
        title: {stem}字号局召开就业工作会议
        index_no: "{ORG}/2026-{n:02d}900"
        published: 2026-05-06
        topic: 就业创业""", f"会议部署了{stem}字号就业工作。\n")
    if n != 4:
        files["annual-report/report-2025.md"] = doc(f"""
            title: {stem}字号局2025年政府信息公开工作年度报告
            index_no: "{ORG}/2026-{n:02d}800"
            published: 2026-01-20
            topic: 综合政务
            year: 2025""", "一、总体情况\n\n本年度依法公开政府信息。\n")
    return files


@pytest.fixture(scope="module")
def departments(tmp_path_factory):
    """20 departments, each built separately into its own site folder; three planted defects across them."""
    root = tmp_path_factory.mktemp("departments")
    sites = []
    for n, stem in enumerate(STEMS, 1):
        files = _department(n, stem)
        if n == 2:  # the same 文号 as department 1's current document
            files.update(_normative(stem, n, 3, 2026, "测甲发〔2026〕2号"))
        if n == 3:  # cites department 1's repealed document
            files["news/2026/cite.md"] = doc(f"""
                title: {stem}字号局转发通知
                index_no: "{ORG}/2026-{n:02d}901"
                published: 2026-06-01
                topic: 就业创业""", "现转发测甲发〔2024〕1号，请遵照执行。\n")
        site_yml = SITE.format(name=f"测试县{stem}字号局", n=n, org=ORG)
        if n == 4:  # its own column does not ask for annual reports: only the portal sees last year's missing
            site_yml = site_yml.replace("annual_reports_since: 2025\n", "")
        content = write_site(root / f"d{n:02d}", files, site_yml=site_yml)
        result = build(content, root / f"d{n:02d}" / "site")
        assert result.written, [f"{f.file}:{f.line} {f.message}" for f in result.findings if f.severity == "error"]
        sites.append((f"测试县{stem}字号局", f"d{n:02d}/site"))
    config = root / "portal.yml"
    config.write_text("name: 测试市政府信息公开平台\ndepartments:\n" + "".join(
        f"  - name: {name}\n    site: {site}\n" for name, site in sites), encoding="utf-8")
    return root, config


@pytest.fixture(scope="module")
def built(departments):
    root, config = departments
    out = root / "portal"
    result = portal.build(config, out, TODAY, ROOT / "layouts")
    return root, out, result


def test_each_department_publishes_a_manifest_of_its_public_documents(departments):
    root, _ = departments
    data = json.loads((root / "d01" / "site" / "gongkai-manifest.json").read_text(encoding="utf-8"))
    assert data["format"] == "gongkai-manifest" and data["version"] == 1
    assert data["site"]["base_url"] == "https://d01.example.gov.cn/xxgk/"
    assert data["search"] == {"bundle": "pagefind/", "facts": "pagefind/gongkai-search.json", "files": "pagefind/gongkai-files.json"}
    listed = json.loads((root / "d01" / "site" / "pagefind" / "gongkai-files.json").read_text(encoding="utf-8"))["files"]
    on_disk = sorted(p.relative_to(root / "d01" / "site" / "pagefind").as_posix()
                     for p in (root / "d01" / "site" / "pagefind").rglob("*") if p.is_file())
    assert [path for path, _, _ in listed] == [p for p in on_disk if p != "gongkai-files.json"]
    assert all(hashlib.sha256((root / "d01" / "site" / "pagefind" / path).read_bytes()).hexdigest() == digest
               for path, _, digest in listed)
    by_id = {d["id"]: d for d in data["documents"]}
    assert by_id["normative/2024/d1"]["validity"]["status"] == "已废止"
    assert by_id["normative/2024/d1"]["validity"]["by"] == "normative/2026/d2"
    assert by_id["normative/2026/d2"]["repeals"] == ["normative/2024/d1"]
    assert by_id["normative/2026/d2"]["url"] == "normative/2026/d2/"


def test_the_portal_is_built_and_its_library_counts_the_departments_lists(built):
    root, out, result = built
    assert result.written and result.departments == 20
    current = sum(len(re.findall(r'<td data-label="有效性" class="nowrap">现行有效</td>',
                                 (root / f"d{n:02d}" / "site" / "catalogue" / "current" / "index.html").read_text(encoding="utf-8")))
                  for n in range(1, 21))
    library = (out / "library" / "index.html").read_text(encoding="utf-8")
    total = re.search(r'<th scope="row">合计</th><td class="num" data-label="现行有效">(\d+)</td>', library)
    assert current == 21 and int(total[1]) == current  # department 2 has one more
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "https://d07.example.gov.cn/xxgk/normative/2026/d2/" in home  # newest documents link to the department's pages


def test_cross_department_defects_are_reported(built):
    _, _, result = built
    by_rule = {}
    for finding in result.findings:
        by_rule.setdefault(finding.rule, []).append(finding.message)
    assert any("测甲发〔2026〕2号" in m and "测试县乙字号局" in m for m in by_rule["portal-duplicate-doc-no"])
    assert any("测试县丙字号局" in m and "测甲发〔2024〕1号" in m and "已废止" in m for m in by_rule["portal-cites-invalid"])
    assert [m for m in by_rule["portal-annual-report-missing"]] == [
        "部门“测试县丁字号局”没有发布 2025 年政府信息公开工作年度报告（应于 2026-01-31 前发布）。请督促该部门发布。"]
    assert len(by_rule["portal-cites-invalid"]) == 1 and len(by_rule["portal-duplicate-doc-no"]) == 1
    assert "portal-duplicate-index-no" not in by_rule and "portal-manifest-stale" not in by_rule


def test_a_portal_refuses_a_department_without_a_manifest(departments, tmp_path):
    root, _ = departments
    config = tmp_path / "portal.yml"
    config.write_text(f"name: 平台\ndepartments:\n  - name: 甲局\n    site: {root / 'd01' / 'site'}\n"
                      f"  - name: 乙局\n    site: {tmp_path / 'nowhere'}\n", encoding="utf-8")
    result = portal.build(config, tmp_path / "out", TODAY, ROOT / "layouts")
    assert not result.written and not (tmp_path / "out").exists()
    assert [f.line for f in result.findings if f.rule == "portal-manifest"] == [5]


@pytest.fixture(scope="module")
def portal_server(built):
    yield from serving(built[1])


def test_one_search_finds_every_departments_documents(browser, portal_server, built):  # noqa: F811
    root, _, _ = built
    page = browser.new_page()
    try:
        for n, stem in enumerate(STEMS, 1):
            page.goto(portal_server + f"search/index.html?q={stem}字号")
            status = page.locator("#search-status", has_text="找到")
            status.wait_for(timeout=60000)
            found = int(re.search(r"找到 (\d+) 条", status.inner_text())[1])
            # Results render a page at a time, each after its fragments load: wait for all of them.
            for _ in range(600):  # at most 30 s
                if page.locator("#search-results h3 a").count() >= found:
                    break
                if page.locator("#search-more").is_visible():
                    page.locator("#search-more").click()
                page.wait_for_timeout(50)
            links = page.eval_on_selector_all("#search-results h3 a", "links => links.map(a => a.href)")
            published = [d for d in json.loads((root / f"d{n:02d}" / "site" / "gongkai-manifest.json").read_text(
                encoding="utf-8"))["documents"]]  # every title holds the department's character
            assert len(links) == len(published) > 4, (stem, links)
            assert all(link.startswith(f"https://d{n:02d}.example.gov.cn/xxgk/") for link in links), links
        department = page.locator("#search-facets fieldset", has_text="部门")
        assert department.locator("li").count() == 20
    finally:
        page.close()


from test_browser import browser, serving  # noqa: E402,F401,F811  (fixture)


def test_the_library_opens_the_departments_normative_documents_filtered(browser, portal_server, built):  # noqa: F811
    """政策文件库 → 现行有效: the filterable list across departments counts what the departments' own
    现行有效 lists count; a department's figure opens its own; the chosen filters stay in the address."""
    page = browser.new_page()
    try:
        page.goto(portal_server + "library/index.html")
        page.get_by_role("link", name="现行有效的", exact=True).click()
        status = page.locator("#search-status", has_text="找到")
        status.wait_for(timeout=60000)
        assert re.search(r"找到 (\d+) 条", status.inner_text())[1] == "21"
        assert page.locator("#search-facets input:checked").count() == 2
        page.goto(portal_server + "library/index.html")
        page.get_by_role("link", name="测试县乙字号局现行有效的规范性文件", exact=True).click()
        page.locator("#search-status", has_text="找到").wait_for(timeout=60000)
        assert "找到 2 条" in page.locator("#search-status").inner_text()
        page.get_by_label("已废止").check()  # one more value of 有效性: its documents join the list
        page.wait_for_function("new URLSearchParams(location.search).getAll('有效性').length === 2")
    finally:
        page.close()


@pytest.mark.parametrize("target, path", [("portal-github", ".github/workflows/portal.yml"), ("portal-gitlab", ".gitlab-ci.yml")])
def test_init_ci_writes_the_portals_collecting_job(tmp_path, monkeypatch, target, path):
    """The portal's repository (no content/) gets a job that fetches each department's published site
    and runs gongkai portal; its fetching script is valid Python."""
    import ast
    import textwrap
    import yaml
    from gen import cli
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".gitignore").write_text("notes/", encoding="utf-8")  # the office's own, kept; no newline at its end
    assert cli.main(["init-ci", target]) == 0
    ignored = (tmp_path / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ignored[0] == "notes/" and {"portal/", "sites/", ".gongkai-cache/"} <= set(ignored)
    text = (tmp_path / path).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if target == "portal-github":
        runs = [step.get("run", "") for step in data["jobs"]["build"]["steps"]]
        assert "gongkai portal --format github" in runs
        script = next(run for run in runs if "gongkai-site" in run)
    else:
        assert "gongkai portal --out public" in data["portal"]["script"]
        script = next(line for line in data["portal"]["script"] if "jobs/artifacts" in line)
    code = textwrap.dedent(script.split("<<'PY'\n", 1)[1].rsplit("PY", 1)[0])
    ast.parse(code)
    department = (ROOT / "gen" / "data" / "ci" / "github-actions.yml").read_text(encoding="utf-8")
    steps = yaml.safe_load(department)["jobs"]["build"]["steps"]
    assert {"name": "gongkai-site", "path": "site/", "retention-days": 30} in [s.get("with") for s in steps]


def test_a_manifest_whose_address_is_not_a_web_address_is_refused(departments, tmp_path):
    """Every portal link to a department's pages starts with its manifest's base_url: a `javascript:`
    or otherwise odd address never reaches a page."""
    root, _ = departments
    site = tmp_path / "site"
    shutil.copytree(root / "d01" / "site", site)
    data = json.loads((site / "gongkai-manifest.json").read_text(encoding="utf-8"))
    data["site"]["base_url"] = "javascript:alert(1)//"
    (site / "gongkai-manifest.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    config = tmp_path / "portal.yml"
    config.write_text(f"name: 平台\ndepartments:\n  - name: 甲局\n    site: {site}\n", encoding="utf-8")
    result = portal.build(config, tmp_path / "out", TODAY, ROOT / "layouts")
    assert not result.written and [f.rule for f in result.findings] == ["portal-manifest"]


def test_the_same_index_number_in_two_departments_and_a_stale_manifest_are_reported(departments, tmp_path):
    """portal-duplicate-index-no and portal-manifest-stale firing (both are silent over the 20 departments)."""
    import os
    root, _ = departments
    for name in ("a", "b"):
        shutil.copytree(root / "d01" / "site", tmp_path / name)
    page = tmp_path / "b" / "news" / "index.html"
    later = (tmp_path / "b" / "gongkai-manifest.json").stat().st_mtime + 60
    os.utime(page, (later, later))  # a page changed after the build that wrote the manifest
    config = tmp_path / "portal.yml"
    config.write_text("name: 平台\ndepartments:\n  - name: 甲局\n    site: a\n  - name: 乙局\n    site: b\n", encoding="utf-8")
    loaded, findings = portal.load(config, TODAY)
    rules = [f.rule for f in findings + portal.check(loaded)]
    assert rules.count("portal-manifest-stale") == 1 and "portal-duplicate-index-no" in rules
    assert [f.line for f in findings if f.rule == "portal-manifest-stale"] == [5]


# --- departments named by their web addresses -----------------------------------------------------

class _Recording(http.server.SimpleHTTPRequestHandler):
    """Serves a folder and notes every path asked for."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.server.requested.append(self.path)
        super().do_GET()


@pytest.fixture
def published(tmp_path):
    """A web server over `tmp_path / "www"`, where departments' sites are put as they would be published."""
    www = tmp_path / "www"
    www.mkdir()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Recording, directory=str(www)))
    httpd.requested = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield www, f"http://127.0.0.1:{httpd.server_address[1]}/", httpd.requested
    httpd.shutdown()
    httpd.server_close()


def _files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_departments_named_by_address_are_fetched_and_only_what_changed_is_fetched_again(departments, built, published, tmp_path):
    """Two of the 20 departments named by the address their build is published at: the portal is the one
    built from their folders, byte for byte; the next run asks for their manifests and file lists only;
    after a department publishes an edit, only the files its new build changed are downloaded."""
    root, _ = departments
    www, address, requested = published
    for n in (1, 2):
        shutil.copytree(root / f"d{n:02d}" / "site", www / f"d{n:02d}")
    config = tmp_path / "portal.yml"
    lines = [(f"测试县{stem}字号局", f"{address}d{n:02d}/" if n <= 2 else str(root / f"d{n:02d}" / "site"))
             for n, stem in enumerate(STEMS, 1)]
    config.write_text("name: 测试市政府信息公开平台\ndepartments:\n" + "".join(
        f"  - name: {name}\n    site: {site}\n" for name, site in lines), encoding="utf-8")
    result = portal.build(config, tmp_path / "out", TODAY, ROOT / "layouts")
    assert result.written and sorted(f.rule for f in result.findings) == sorted(f.rule for f in built[2].findings)
    assert _files(tmp_path / "out") == _files(built[1])
    listed = len(json.loads((www / "d01" / "pagefind" / "gongkai-files.json").read_text(encoding="utf-8"))["files"])
    assert len([p for p in requested if p.startswith("/d01/")]) == listed + 2  # every file, the manifest and the list

    requested.clear()
    copies = {p.name: p.stat().st_ino for p in portal.cache_for(config).iterdir()}
    assert portal.build(config, tmp_path / "out", TODAY, ROOT / "layouts").written
    assert sorted(requested) == ["/d01/gongkai-manifest.json", "/d01/pagefind/gongkai-files.json",
                                 "/d02/gongkai-manifest.json", "/d02/pagefind/gongkai-files.json"]
    assert {p.name: p.stat().st_ino for p in portal.cache_for(config).iterdir()} == copies  # not even made again

    # Department 1 publishes an edit of one document's body.
    content = tmp_path / "d01-content"
    shutil.copytree(root / "d01" / "content", content)
    news = content / "news" / "2026" / "n1.md"
    news.write_text(news.read_text(encoding="utf-8").replace("会议部署了", "会议研究部署了"), encoding="utf-8")
    before = {tuple(f) for f in json.loads((www / "d01" / "pagefind" / "gongkai-files.json").read_text(encoding="utf-8"))["files"]}
    assert build(content, tmp_path / "d01-site").written
    shutil.rmtree(www / "d01")
    shutil.copytree(tmp_path / "d01-site", www / "d01")
    after = {tuple(f) for f in json.loads((www / "d01" / "pagefind" / "gongkai-files.json").read_text(encoding="utf-8"))["files"]}
    requested.clear()
    assert portal.build(config, tmp_path / "out", TODAY, ROOT / "layouts").written
    changed = sorted("/d01/pagefind/" + path for path, _, _ in after - before)
    assert changed and len(changed) < len(after) / 2
    assert sorted(requested) == sorted(changed + ["/d01/gongkai-manifest.json", "/d01/pagefind/gongkai-files.json",
                                                  "/d02/gongkai-manifest.json", "/d02/pagefind/gongkai-files.json"])
    copy = portal.cache_for(config)
    assert _files(next(p for p in copy.iterdir() if (p / "pagefind" / "gongkai-files.json").read_bytes()
                       == (www / "d01" / "pagefind" / "gongkai-files.json").read_bytes()) / "pagefind") == \
        {k: v for k, v in _files(www / "d01" / "pagefind").items()}


def test_a_department_whose_files_do_not_match_its_list_is_not_used(departments, published, tmp_path):
    """A file that differs from the department's list (a half-finished upload, or tampering) is refused:
    the last complete copy stays in use, with a warning; without one the department is an error."""
    root, _ = departments
    www, address, _ = published
    shutil.copytree(root / "d01" / "site", www / "d01")
    config = tmp_path / "portal.yml"
    config.write_text(f"name: 平台\ndepartments:\n  - name: 甲局\n    site: {address}d01/\n", encoding="utf-8")
    assert portal.build(config, tmp_path / "out", TODAY, ROOT / "layouts").written
    kept = _files(portal.cache_for(config))
    listed = json.loads((www / "d01" / "pagefind" / "gongkai-files.json").read_text(encoding="utf-8"))
    listed["files"][0][2] = "0" * 64  # the list now says another digest than the file has
    (www / "d01" / "pagefind" / "gongkai-files.json").write_text(json.dumps(listed), encoding="utf-8")
    result = portal.build(config, tmp_path / "out", TODAY, ROOT / "layouts")
    assert result.written and [f.rule for f in result.findings] == ["portal-fetch"]
    assert "校验值不符" in result.findings[0].message and result.findings[0].line == 3
    assert _files(portal.cache_for(config)) == kept

    fresh = tmp_path / "fresh"
    fresh.mkdir()
    (fresh / "portal.yml").write_text(config.read_text(encoding="utf-8"), encoding="utf-8")
    result = portal.build(fresh / "portal.yml", fresh / "out", TODAY, ROOT / "layouts")
    assert not result.written and [f.rule for f in result.findings] == ["portal-manifest"]
    assert "校验值不符" in result.findings[0].message
    shutil.rmtree(www / "d01")  # and a server that no longer answers for it
    result = portal.build(config, tmp_path / "out", TODAY, ROOT / "layouts")
    assert result.written and [f.rule for f in result.findings] == ["portal-fetch"] and "404" in result.findings[0].message


def test_every_portal_rule_is_documented():
    """Each rule id the portal reports has its row in docs/rules.md, and no row names one it does not have."""
    import inspect
    documented = set(re.findall(r"^\| `(portal-[a-z-]+)` \|", (ROOT / "docs" / "rules.md").read_text(encoding="utf-8"), re.M))
    used = set(re.findall(r'"(portal-[a-z-]+)"', inspect.getsource(portal)))
    assert documented == used and len(used) == 8


def test_a_department_without_a_site_or_listed_twice_is_an_error(departments, tmp_path):
    """portal-department firing: an entry without site, a department listed twice, and two departments with
    one site (each at its line)."""
    root, _ = departments
    config = tmp_path / "portal.yml"
    config.write_text(f"name: 平台\ndepartments:\n  - name: 甲局\n    site: {root / 'd01' / 'site'}\n"
                      f"  - name: 乙局\n  - name: 甲局\n    site: {root / 'd01' / 'site'}\n"
                      f"  - name: 丙局\n    site: {root / 'd01' / 'site'}/\n", encoding="utf-8")
    result = portal.build(config, tmp_path / "out", TODAY, ROOT / "layouts")
    assert not result.written
    assert [(f.rule, f.line) for f in result.findings] == [("portal-department", 5), ("portal-department", 6),
                                                           ("portal-department", 8)]
    assert "与部门“甲局”相同" in result.findings[2].message


def test_the_portal_takes_only_pagefind_data_from_a_department_and_runs_its_own_scripts(departments, tmp_path):
    """A department's index files run on the portal's own address: its scripts (pagefind.js, the worker
    Pagefind starts from the first shard) are replaced by the portal's own Pagefind's, and files that
    are not Pagefind data (a page, a script) are left out."""
    root, _ = departments
    site = tmp_path / "site"
    shutil.copytree(root / "d01" / "site", site)
    (site / "pagefind" / "0" / "evil.html").write_text("<script>alert(1)</script>", encoding="utf-8")
    (site / "pagefind" / "0" / "pagefind-worker.js").write_text("fetch('/steal')", encoding="utf-8")
    config = tmp_path / "portal.yml"
    config.write_text(f"name: 平台\ndepartments:\n  - name: 甲局\n    site: {site}\n", encoding="utf-8")
    assert portal.build(config, tmp_path / "out", TODAY, ROOT / "layouts").written
    search = tmp_path / "out" / "pagefind"
    files = {p.relative_to(search).as_posix() for p in search.rglob("*") if p.is_file()}
    assert not [f for f in files if f.endswith((".html", ".css"))]
    assert not [f for f in files if f.endswith(".js") and f.rsplit("/", 1)[-1] not in ("pagefind.js", "pagefind-worker.js")]
    workers = {(search / f).read_bytes() for f in files if f.endswith("pagefind-worker.js")}
    assert len(workers) == 1 and b"/steal" not in workers.pop()
    assert b"/steal" not in (search / "pagefind.js").read_bytes()
    assert not list((tmp_path).glob(".gongkai-pagefind-*"))  # the scratch of the portal's own scripts is gone
