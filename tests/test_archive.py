"""The handover package (gongkai archive): a BagIt bag that validates, a catalogue that opens in
Excel, originals named by 索引号, a WARC capture, incremental handovers, determinism, atomicity."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import shutil
import zipfile
from pathlib import Path

import bagit
import pytest

from conftest import PDF_BYTES, ROOT, SITE_YML, TODAY, doc, docx_bytes, write_site
from gen import archive as gk_archive
from gen import cli
from gen.build import pipeline
from gen.archive import CATALOGUE_FIELDS, ON_REQUEST_FIELDS, ArchiveOptions
from outputs import broken_links


def make_archive(content: Path, out: Path, **options) -> pipeline.ArchiveResult:
    """Archive a content folder with the project's layouts."""
    options.setdefault("today", TODAY)
    return pipeline.archive(ArchiveOptions(content=content, out=out, layouts=ROOT / "layouts", **options))


def lenient_site_yml() -> str:
    """The test site.yml with every content-quality rule lowered to a warning.

    These tests are about the package, not the rules: a small site must archive however the rule
    set grows. Structural findings (field-missing, front-matter-invalid …) stay errors.
    """
    from gen import rules
    rules.load_all()
    lowered = ", ".join(f"{rule_id}: warning" for rule_id, r in sorted(rules.RULES.items()) if r.check is not None)
    return SITE_YML.replace("rules: {}", "rules: {" + lowered + "}")


def small_site(root: Path, files: dict | None = None) -> Path:
    return write_site(root, _small_site() if files is None else files, site_yml=lenient_site_yml())


def extract(package: Path, into: Path) -> Path:
    """Unzip a package and return the bag folder (the zip's only top-level folder)."""
    with zipfile.ZipFile(package) as archive:
        archive.extractall(into)
    (bag,) = [p for p in into.iterdir() if p.is_dir()]
    return bag


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    """The example column archived once with a WARC capture: (result, bag folder)."""
    folder = tmp_path_factory.mktemp("archive")
    result = make_archive(ROOT / "content", folder / "package.zip", warc=True)
    assert result.written, [f"{f.file}:{f.line} [{f.rule}] {f.message}" for f in result.findings if f.severity == "error"]
    return result, extract(result.path, folder / "unzipped")


# --- the bag --------------------------------------------------------------------------------------


def test_bag_validates_with_bagits_own_validator(example):
    result, bag_dir = example
    bag = bagit.Bag(str(bag_dir))
    bag.validate()  # raises BagValidationError on any problem
    assert bag.version_info == (1, 0)
    assert set(bag.algorithms) == {"sha256", "sha512"}
    assert (bag_dir / "manifest-sha512.txt").is_file() and (bag_dir / "manifest-sha256.txt").is_file()
    assert (bag_dir / "tagmanifest-sha512.txt").is_file()
    assert bag_dir.name == f"11341524MB1234567X-{TODAY.isoformat()}"
    octets, files = bag.info["Payload-Oxum"].split(".")
    assert int(files) == result.payload_files == len(bag.payload_entries())
    assert int(octets) == sum(p.stat().st_size for p in (bag_dir / "data").rglob("*") if p.is_file())


def test_bag_info_names_sender_date_range_and_counts(example):
    result, bag_dir = example
    info = bagit.Bag(str(bag_dir)).info
    site = result.site
    assert info["Source-Organization"] == "示例县人力资源和社会保障局"
    assert info["Contact-Phone"] and info["Organization-Address"]
    assert info["Bagging-Date"] == TODAY.isoformat()
    first = min(d.published for d in site.public_documents)
    assert (info["Coverage-Start-Date"], info["Coverage-End-Date"]) == (first.isoformat(), TODAY.isoformat())
    assert info["Handover-Type"] == "全量移交"
    assert int(info["Catalogue-Documents"]) == len(site.public_documents) == int(info["Handover-Documents"])
    kinds = dict(line.rsplit(" ", 1) for line in info["Handover-Documents-By-Kind"])
    assert sum(map(int, kinds.values())) == len(site.public_documents)
    assert int(kinds["行政规范性文件"]) == len(site.normatives)
    validity = dict(line.rsplit(" ", 1) for line in info["Handover-Normative-By-Validity"])
    assert int(validity["现行有效"]) == len(site.currently_valid)
    assert sum(map(int, validity.values())) == len(site.normatives)
    assert int(info["Catalogue-On-Request-Rows"]) == len(site.on_request_documents) >= 1


@pytest.mark.parametrize("tamper", ["change", "add", "remove", "rename"])
def test_tampered_package_fails_validation(example, tmp_path, tamper):
    _, original = example
    bag_dir = tmp_path / original.name
    shutil.copytree(original, bag_dir)
    target = sorted((bag_dir / "data" / "originals").glob("*.pdf"))[0]
    if tamper == "change":  # one byte, same size: only the checksums can tell
        data = bytearray(target.read_bytes())
        data[-3] ^= 0x01
        target.write_bytes(bytes(data))
    elif tamper == "add":
        (bag_dir / "data" / "originals" / "extra.pdf").write_bytes(PDF_BYTES)
    elif tamper == "remove":
        target.unlink()
    else:
        target.rename(target.with_name("renamed.pdf"))
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(bag_dir)).validate()


def test_tampered_catalogue_fails_validation(example, tmp_path):
    _, original = example
    bag_dir = tmp_path / original.name
    shutil.copytree(original, bag_dir)
    catalogue = bag_dir / "data" / "metadata" / "catalogue.csv"
    catalogue.write_bytes(catalogue.read_bytes().replace("现行有效".encode(), "已废止".encode(), 1))
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(bag_dir)).validate()


def test_zip_is_reproducible_byte_for_byte(example, tmp_path):
    result, _ = example
    again = make_archive(ROOT / "content", tmp_path / "elsewhere" / "other-name.zip", warc=True)
    assert again.path.read_bytes() == result.path.read_bytes()
    with zipfile.ZipFile(result.path) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {(TODAY.year, TODAY.month, TODAY.day, 0, 0, 0)}


def test_payload_checksums_do_not_depend_on_the_run(tmp_path):
    content = small_site(tmp_path / "a")
    first = extract(make_archive(content, tmp_path / "one.zip").path, tmp_path / "x")
    # A copy of the same content somewhere else, archived later, gives the same payload.
    copy = tmp_path / "b" / "content"
    shutil.copytree(content, copy)
    second = extract(make_archive(copy, tmp_path / "two.zip").path, tmp_path / "y")
    for name in ("manifest-sha512.txt", "manifest-sha256.txt", "bag-info.txt"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    # Another day is another handover: the date is in the pages, so the payload differs.
    third = extract(make_archive(content, tmp_path / "three.zip", today=TODAY + dt.timedelta(days=1)).path, tmp_path / "z")
    assert (third / "manifest-sha256.txt").read_bytes() != (first / "manifest-sha256.txt").read_bytes()


# --- data/site, data/originals, data/metadata ----------------------------------------------------


def test_site_copy_is_complete_relative_and_without_pagefind(example):
    result, bag_dir = example
    site_dir = bag_dir / "data" / "site"
    assert (site_dir / "index.html").is_file()
    assert broken_links(site_dir) == []
    assert not (site_dir / "pagefind").exists()
    search = (site_dir / "search" / "index.html").read_text(encoding="utf-8")
    assert "pagefind" not in search.lower()
    assert '<script src="gongkai-index.js"></script>' in search
    for document in result.site.public_documents:
        assert (site_dir / document.id / "index.html").is_file(), document.id
    # Every page links relatively, so nothing points at the web server.
    for page in site_dir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert 'href="/' not in text and 'src="/' not in text, page


def test_offline_index_holds_text_and_doc_numbers(example):
    result, bag_dir = example
    script = (bag_dir / "data" / "site" / "search" / "gongkai-index.js").read_text(encoding="utf-8")
    prefix = "window.GONGKAI_INDEX = "
    data = json.loads(script[script.index(prefix) + len(prefix):].rstrip().rstrip(";"))
    by_url = {d["u"]: d for d in data["docs"]}
    assert len(data["docs"]) == len(result.site.public_documents) + len(result.site.catalogues)
    rs = by_url["normative/2023/rs-2023-3/index.html"]
    assert rs["n"] == "示人社发〔2023〕3号" and rs["v"] == "现行有效" and rs["d"] == "2023-03-22"
    assert "就业困难人员" in rs["x"]
    # Reasonable size: the text of each page once, no inverted index.
    text = sum(len(d.text) for d in result.site.public_documents)
    assert len(script) < 3 * text + 200 * len(data["docs"])


def test_originals_are_named_by_index_number_with_checksums(example):
    result, bag_dir = example
    originals = bag_dir / "data" / "originals"
    site = result.site
    rs = site.by_id["normative/2023/rs-2023-3"]
    stem = rs.index_no.replace("/", "_")
    assert (originals / f"{stem}.pdf").read_bytes() == (ROOT / "content/normative/2023/rs-2023-3/rs-2023-3.pdf").read_bytes()
    assert (originals / f"{stem}.docx").is_file()
    expected = sum(len(d.downloads) for d in site.public_documents)
    assert len(list(originals.iterdir())) == expected == result.originals
    rows = json.loads((bag_dir / "data" / "metadata" / "catalogue.json").read_text(encoding="utf-8"))["documents"]
    listed = 0
    for row in rows:
        for name, digest in zip(row["files"], row["sha256"]):
            assert hashlib.sha256((bag_dir / "data" / name).read_bytes()).hexdigest() == digest
            listed += 1
    assert listed == expected


def test_catalogue_csv_opens_with_the_right_columns(example):
    result, bag_dir = example
    raw = (bag_dir / "data" / "metadata" / "catalogue.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel and WPS need the BOM to read UTF-8"
    assert b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header == list(CATALOGUE_FIELDS.values())
    for column in ("索引号", "标题", "文号", "发布机构", "成文日期", "发布日期", "有效性", "主题分类", "原件文件", "原件SHA-256"):
        assert column in header
    assert len(body) == len(result.site.public_documents)
    assert all(len(row) == len(header) for row in body)
    table = [dict(zip(header, row)) for row in body]
    assert [r["索引号"] for r in table] == sorted(r["索引号"] for r in table)
    by_no = {r["文号"]: r for r in table if r["文号"]}
    rs = by_no["示人社发〔2023〕3号"]
    assert (rs["标题"], rs["有效性"], rs["成文日期"], rs["本次移交"]) == ("示例县就业困难人员认定和就业援助办法", "现行有效",
                                                                   "2023-03-20", "是")
    # A repealed or amended document names the document that did it.
    site = result.site
    changed = [d for d in site.normatives if site.validity(d).by is not None]
    assert changed
    for d in changed:
        row = by_no[d.doc_no]
        by = site.validity(d).by
        assert row["有效性"] in ("已废止", "已修改")
        assert row["废止或修改文件标题"] == by.title and row["废止或修改文件文号"] == by.doc_no
        assert row["废止或修改文件索引号"] == by.index_no


def test_json_catalogue_agrees_with_csv(example):
    _, bag_dir = example
    data = json.loads((bag_dir / "data" / "metadata" / "catalogue.json").read_text(encoding="utf-8"))
    assert data["fields"] == CATALOGUE_FIELDS
    assert data["as_of"] == TODAY.isoformat() and data["handover"]["type"] == "full"
    rows = list(csv.DictReader(io.StringIO((bag_dir / "data" / "metadata" / "catalogue.csv").read_text(encoding="utf-8-sig"))))
    assert [r["索引号"] for r in rows] == [d["index_no"] for d in data["documents"]]
    assert [r["原件文件"] for r in rows] == ["; ".join(d["files"]) for d in data["documents"]]


def test_on_request_rows_are_a_separate_file_with_catalogue_fields_only(example):
    result, bag_dir = example
    metadata = bag_dir / "data" / "metadata"
    rows = list(csv.reader(io.StringIO((metadata / "on-request.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0] == list(ON_REQUEST_FIELDS.values())
    assert len(rows) - 1 == len(result.site.on_request_documents)
    on_request = result.site.on_request_documents[0]
    catalogue = (metadata / "catalogue.csv").read_text(encoding="utf-8-sig") + (metadata / "catalogue.json").read_text(encoding="utf-8")
    assert on_request.title not in catalogue
    assert on_request.body is not None and on_request.text[:20] not in (metadata / "on-request.csv").read_text(encoding="utf-8-sig")


def test_readme_for_the_archivist(example):
    _, bag_dir = example
    text = (bag_dir / "data" / "README.txt").read_text(encoding="utf-8-sig")
    assert "bagit.py --validate " + bag_dir.name in text and "site/index.html" in text


# --- WARC ----------------------------------------------------------------------------------------


def test_warc_capture_parses_and_holds_the_home_page(example):
    from warcio.archiveiterator import ArchiveIterator

    result, bag_dir = example
    (warc,) = list((bag_dir / "data" / "warc").glob("*.warc.gz"))
    base = result.site.config.base_url
    records = {}
    dates = set()
    with warc.open("rb") as stream:
        for record in ArchiveIterator(stream):
            dates.add(record.rec_headers.get_header("WARC-Date"))
            uri = record.rec_headers.get_header("WARC-Target-URI")
            records[(record.rec_type, uri)] = record.content_stream().read() if record.rec_type == "response" else b""
    home = records[("response", base + "index.html")]
    assert home == (bag_dir / "data" / "site" / "index.html").read_bytes()
    assert ("revisit", base) in records and ("revisit", base + "normative/") in records
    assert records[("response", base + "normative/2023/rs-2023-3/rs-2023-3.pdf")][:5] == b"%PDF-"
    assert dates == {f"{TODAY.isoformat()}T00:00:00Z"}
    assert sum(1 for kind, _ in records if kind == "warcinfo") == 1


def test_no_warc_unless_asked(tmp_path):
    content = small_site(tmp_path)
    bag_dir = extract(make_archive(content, tmp_path / "p.zip").path, tmp_path / "x")
    assert not (bag_dir / "data" / "warc").exists()


# --- incremental handover ------------------------------------------------------------------------


def _small_site() -> dict:
    """Three normative documents: one old and untouched, one old and repealed this year, the repealer."""
    def normative(n: int, published: str, extra: str = "") -> str:
        return doc(f"""
            title: 测试规范性文件{n}
            index_no: "11341524MB1234567X/{published[:4]}-{n:05d}"
            published: {published}
            written: {published}
            doc_no: 测人社发〔{published[:4]}〕{n}号
            topic: 就业创业
            valid_from: {published}
            drafter: 就业股
            {extra}
            """, f"第{n}号文件的正文，关于就业创业补贴。\n")

    return {
        "normative/2023/old/index.md": normative(1, "2023-02-01"),
        "normative/2023/old/old.pdf": PDF_BYTES,
        "normative/2024/repealed/index.md": normative(2, "2024-03-01"),
        "normative/2024/repealed/repealed.pdf": PDF_BYTES + b"2",
        "normative/2024/repealed/repealed.docx": docx_bytes("二号"),
        "normative/2026/new/index.md": normative(3, "2026-05-04", "repeals: [normative/2024/repealed]"),
        "normative/2026/new/new.pdf": PDF_BYTES + b"3",
        "news/2026/notice.md": doc("""
            title: 公开的工作动态
            index_no: "11341524MB1234567X/2026-00009"
            published: 2026-09-01
            """, "动态正文。\n"),
    }


def test_since_hands_over_what_was_published_or_changed(tmp_path):
    content = small_site(tmp_path)
    result = make_archive(content, tmp_path / "inc.zip", since=dt.date(2026, 1, 1))
    assert result.written
    bag_dir = extract(result.path, tmp_path / "x")
    bagit.Bag(str(bag_dir)).validate()
    assert bag_dir.name.endswith("-since-2026-01-01")
    originals = sorted(p.name for p in (bag_dir / "data" / "originals").iterdir())
    assert originals == ["11341524MB1234567X_2024-00002.docx", "11341524MB1234567X_2024-00002.pdf",
                         "11341524MB1234567X_2026-00003.pdf"]
    info = bagit.Bag(str(bag_dir)).info
    assert info["Handover-Since"] == "2026-01-01" and info["Handover-Type"].startswith("增量移交")
    assert info["Handover-Documents"] == "3" and info["Catalogue-Documents"] == "4"
    assert info["Coverage-Start-Date"] == "2026-01-01"
    # The catalogue is the full current one, marking what this package hands over.
    rows = {r["标题"]: r for r in csv.DictReader(io.StringIO((bag_dir / "data/metadata/catalogue.csv").read_text(encoding="utf-8-sig")))}
    assert {t: r["本次移交"] for t, r in rows.items()} == {"测试规范性文件1": "否", "测试规范性文件2": "是",
                                                         "测试规范性文件3": "是", "公开的工作动态": "是"}
    assert rows["测试规范性文件2"]["有效性"] == "已废止" and rows["测试规范性文件2"]["有效性起始日期"] == "2026-05-04"
    assert rows["测试规范性文件1"]["原件文件"] == "originals/11341524MB1234567X_2023-00001.pdf"
    # The site copy stays whole, so this package opens on its own in the reading room.
    assert (bag_dir / "data/site/normative/2023/old/index.html").is_file()
    assert broken_links(bag_dir / "data" / "site") == []


def test_since_after_everything_hands_over_nothing_but_the_catalogue(tmp_path):
    content = small_site(tmp_path)
    result = make_archive(content, tmp_path / "inc.zip", since=dt.date(2026, 11, 1))
    bag_dir = extract(result.path, tmp_path / "x")
    bagit.Bag(str(bag_dir)).validate()
    assert (result.documents, result.originals) == (0, 0)
    assert list((bag_dir / "data").glob("originals/*")) == []
    assert len(json.loads((bag_dir / "data/metadata/catalogue.json").read_text(encoding="utf-8"))["documents"]) == 4


# --- the command and its failure modes ----------------------------------------------------------


def test_cli_archive_writes_the_package(tmp_path, capsys):
    content = small_site(tmp_path)
    out = tmp_path / "out" / "handover.zip"
    code = cli.main(["archive", "--content", str(content), "--today", TODAY.isoformat(), "--out", str(out), "--warc"])
    assert code == 0, capsys.readouterr()
    assert "已生成归档包" in capsys.readouterr().out
    bagit.Bag(str(extract(out, tmp_path / "x"))).validate()


def test_cli_archive_refuses_content_with_errors(tmp_path, capsys):
    files = _small_site()
    files["news/2026/broken.md"] = doc("""
        title: 缺少索引号的文件
        published: 2026-09-02
        """)
    content = small_site(tmp_path, files)
    out = tmp_path / "handover.zip"
    code = cli.main(["archive", "--content", str(content), "--today", TODAY.isoformat(), "--out", str(out)])
    assert code == 1
    assert "未生成归档包" in capsys.readouterr().out
    assert list(tmp_path.glob("*.zip")) == [] and list(tmp_path.glob(".handover*")) == []


def test_cli_since_after_today_is_a_usage_error(tmp_path):
    content = small_site(tmp_path)
    assert cli.main(["archive", "--content", str(content), "--today", "2026-11-23", "--since", "2026-12-01",
                     "--out", str(tmp_path / "p.zip")]) == 2


def test_failure_leaves_no_partial_package_and_keeps_the_old_one(tmp_path, monkeypatch):
    content = small_site(tmp_path)
    out = tmp_path / "handover.zip"
    out.write_bytes(b"previous package")

    def broken(folder, target, today):
        target.write_bytes(b"half a zip")
        raise OSError("磁盘已满")

    monkeypatch.setattr(gk_archive, "zip_folder", broken)
    with pytest.raises(gk_archive.ArchiveError):
        make_archive(content, out)
    assert out.read_bytes() == b"previous package"
    # (the rules' memo in .gongkai-cache/ is kept by every check, like a build's cache)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != ".gongkai-cache") == ["content", "handover.zip"]


def test_normal_build_is_unchanged_by_the_archive_templates(tmp_path):
    content = small_site(tmp_path)
    out = tmp_path / "site"
    result = pipeline.build(pipeline.Options(content=content, out=out, today=TODAY, search=False, layouts=ROOT / "layouts"))
    assert result.written
    assert not (out / "archive").exists() and not (out / "search" / "gongkai-index.js").exists()
    assert "gongkai-index.js" not in (out / "search" / "index.html").read_text(encoding="utf-8")
