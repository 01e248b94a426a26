"""`gongkai init`: start a new column in an empty folder or repository.

Writes `content/site.yml` with the standard column tree of a 政府信息公开专栏, a folder and a
one-line introduction per column, `.gitignore`, the CI file of the chosen platform, the nginx
configuration for the bureau's own web server and a short README for the column's editors.
Nothing that exists is overwritten.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from gen import PACKAGE

import yaml

# GB 32100-2015: the 统一社会信用代码 alphabet (no I, O, S, V, Z) and the weights of its check character.
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


class InitError(Exception):
    """The column cannot be started as asked (message in Chinese)."""


def uscc_problem(code: str) -> str | None:
    """Why a 统一社会信用代码 is not valid (GB 32100-2015), or None."""
    code = code.strip().upper()
    if len(code) != 18:
        return f"应为 18 位，现在是 {len(code)} 位"
    wrong = [c for c in code if c not in _USCC_ALPHABET]
    if wrong:
        return f"含有不允许的字符“{''.join(wrong)}”（不使用 I、O、S、V、Z）"
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(code[:17], _USCC_WEIGHTS))
    expected = _USCC_ALPHABET[(31 - total % 31) % 31]
    if code[17] != expected:
        return f"校验位应为“{expected}”，现在是“{code[17]}”（请核对是否抄错）"
    return None


@dataclass
class Answers:
    """What a new column needs to know about its body."""

    name: str
    org_code: str
    site_code: str
    domain: str
    address: str
    phone: str
    ci: str = "github"
    """github · gitlab · none"""


QUESTIONS = (("name", "单位名称（如 示例县人力资源和社会保障局）"),
             ("org_code", "统一社会信用代码（18 位，用作索引号前缀）"),
             ("site_code", "网站标识码（10 位）"),
             ("domain", "专栏的域名（如 rsj.example.gov.cn）"),
             ("address", "办公地址"),
             ("phone", "联系电话（如 0564-7654321）"))


def check_answers(answers: Answers) -> list[str]:
    """Every problem with the answers, in the editors' words."""
    problems = []
    for key, question in QUESTIONS:
        if not str(getattr(answers, key) or "").strip():
            problems.append(f"缺少{question.split('（')[0]}（--{key.replace('_', '-')}）")
    if answers.org_code and (why := uscc_problem(answers.org_code)):
        problems.append(f"统一社会信用代码“{answers.org_code}”{why}")
    if answers.site_code and not re.fullmatch(r"[0-9A-Za-z]{10}", answers.site_code.strip()):
        problems.append(f"网站标识码“{answers.site_code}”应为 10 位数字或字母")
    domain = answers.domain.strip().removeprefix("https://").removeprefix("http://").strip("/") if answers.domain else ""
    if answers.domain and not re.fullmatch(r"[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::[0-9]+)?", domain):
        problems.append(f"域名“{answers.domain}”无效，应写成 rsj.example.gov.cn 这样的形式")
    if answers.ci not in ("github", "gitlab", "none"):
        problems.append(f"--ci 只能是 github、gitlab 或 none，现在是“{answers.ci}”")
    return problems


# The standard tree of a 政府信息公开专栏 (国办发〔2019〕… and the national website checklist).
COLUMNS = [
    {"id": "guide", "title": "政府信息公开指南", "folder": "guide", "kind": "guide"},
    {"id": "system", "title": "政府信息公开制度", "folder": "system", "kind": "article"},
    {"id": "org", "title": "机构信息", "folder": "org", "kind": "article"},
    {"id": "active", "title": "法定主动公开内容", "children": [
        {"id": "normative", "title": "行政规范性文件", "folder": "normative", "kind": "normative"},
        {"id": "policy", "title": "其他政策文件", "folder": "policy", "kind": "policy"},
        {"id": "interpretation", "title": "政策解读", "folder": "interpretation", "kind": "interpretation"},
        {"id": "plan", "title": "规划信息", "folder": "plan", "kind": "plan"},
        {"id": "consultation", "title": "意见征集", "folder": "consultation", "kind": "consultation"},
    ]},
    {"id": "annual-report", "title": "政府信息公开年报", "folder": "annual-report", "kind": "annual_report"},
]

INTROS = {
    "guide": "本栏目发布本机关政府信息公开指南，指南每年至少核对更新一次，并标注修订时间。",
    "system": "本栏目发布本机关政府信息公开工作制度。",
    "org": "本栏目发布本机关职能、内设机构、领导信息和联系方式。",
    "normative": "本栏目集中公开本机关制发的行政规范性文件，逐件标明文号、成文日期、发布日期、有效期和有效性，并提供 Word 和 PDF 版本下载。",
    "policy": "本栏目发布本机关制发的行政规范性文件以外的其他政策文件。",
    "interpretation": "本栏目发布政策文件的解读材料，按照“谁起草、谁解读”的原则与文件同步发布。",
    "plan": "本栏目发布本机关的发展规划及编制进展。",
    "consultation": "本栏目发布政策文件草案的意见征集公告、起草说明、政策依据和意见采纳情况反馈。",
    "annual-report": "本栏目按年度发布本机关政府信息公开工作年度报告，每年1月31日前公布上一年度报告。",
}

TOPICS = ["综合政务", "国民经济管理、国有资产监管", "财政、金融、审计", "国土资源、能源", "农业、林业、水利", "工业、交通",
          "商贸、海关、旅游", "市场监管、安全生产监管", "城乡建设、环境保护", "科技、教育", "文化、广电、新闻出版", "卫生、体育",
          "人口与计划生育、妇女儿童工作", "劳动、人事、监察", "公安、安全、司法", "民政、扶贫、救灾", "民族、宗教", "对外事务",
          "港澳台侨工作", "国防", "其他"]
"""主题分类 of the national government information catalogue (政府信息公开目录系统实施指引)."""

GITIGNORE = """# gongkai 生成和缓存的内容，不提交
site/
.gongkai-cache/
.venv/
# 编辑器、Word/WPS 的临时文件
~$*
.~lock.*
*.swp
*~
"""

EDITORS_README = """# {name} 政府信息公开专栏

本仓库是{name}政府信息公开专栏的内容，用 gongkai 生成网站（安装：`python3 -m venv .venv && .venv/bin/pip install <gongkai 的安装来源>`）。

## 日常工作

1. 新建文档：`gongkai new normative --title "……"`（类别：normative 规范性文件、policy 其他政策文件、
   interpretation 解读、guide 指南、annual_report 年报、consultation 意见征集、article 其他公开信息、plan 规划）。
   Word 文件可以直接导入：`gongkai import 文件.docx`。
2. 检查：`gongkai check`。每个问题都写明文件、行号和怎样改；有“错误”时不能发布。
3. 预览：`gongkai serve`，浏览器打开 http://127.0.0.1:8000/，修改后自动刷新。
4. 提交：`git add -A && git commit -m "发布……" && git push`。持续集成会再检查一遍，生成网站并发布。

## 文件放在哪里

- `content/site.yml`：单位信息、栏目树、检查规则设置。
- `content/<栏目>/`：各栏目的文档。带附件的文档用一个目录：`名称/index.md` 加上 Word、PDF 文件。
- 只有公开的文档和属于它们的文件会发布；草稿（`draft: true`）、不予公开、依申请公开的文件和备份、临时文件都不会出现在网站上。

## 发布到本单位的服务器

`gongkai build` 生成 `site/`，把它同步到服务器（例如 `rsync -a --delete site/ 服务器:/var/www/{domain}/site/`），
nginx 配置见 `deploy/nginx.conf`。
"""


CI_TEMPLATES = {"github": ("github-actions.yml", ".github/workflows/gongkai.yml"),
                "gitlab": ("gitlab-ci.yml", ".gitlab-ci.yml"),
                "pre-commit": ("pre-commit-config.yaml", ".pre-commit-config.yaml"),
                "portal-github": ("portal-github-actions.yml", ".github/workflows/portal.yml"),
                "portal-gitlab": ("portal-gitlab-ci.yml", ".gitlab-ci.yml")}
"""The CI set-ups a column's (or a portal's) repository can be given: name → (its template in
gen/data/ci/, where it goes in the repository)."""


def ci_file(name: str) -> tuple[str, str]:
    """Where CI set-up `name` goes in a repository, and its text."""
    template, target = CI_TEMPLATES[name]
    return target, (PACKAGE / "data" / "ci" / template).read_text(encoding="utf-8")


def nginx_config(domain: str, root: str | None = None, listen: str = "80") -> str:
    """The nginx server block for a built column: the pages' own security policy as a header, the
    search files' types, caching that never serves a stale index, the 404 page, and attachments
    served so that a browser downloads or shows them but runs nothing."""
    template = (PACKAGE / "data" / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    from gen.render import CONTENT_SECURITY_POLICY
    return (template.replace("{domain}", domain).replace("{root}", root or f"/var/www/{domain}/site")
            .replace("{listen}", listen).replace("{csp}", CONTENT_SECURITY_POLICY))


def init(folder: Path, answers: Answers, today: dt.date) -> list[Path]:
    """Write a new column into `folder`; return what was written."""
    problems = check_answers(answers)
    if problems:
        raise InitError("；".join(problems) + "。")
    content = folder / "content"
    if (content / "site.yml").exists():
        raise InitError(f"{content / 'site.yml'} 已存在：这里已经有一个专栏，未改动任何文件。")
    domain = answers.domain.strip().removeprefix("https://").removeprefix("http://").strip("/")
    site = {
        "name": answers.name.strip(),
        "base_url": f"https://{domain}/",
        "org_code": answers.org_code.strip().upper(),
        "footer": {"sponsor": answers.name.strip(), "site_code": answers.site_code.strip(), "icp": "",
                   "police": "", "address": answers.address.strip(), "phone": answers.phone.strip()},
        "topics": TOPICS,
        "columns": COLUMNS,
        "annual_reports_since": today.year,
        "rules": {"column-empty": "warning"},
        "calendar": {"holidays": [], "workdays": []},
    }
    written: list[Path] = []

    def write(path: Path, text: str) -> None:
        if path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)

    header = (f"# {answers.name.strip()} 政府信息公开专栏 —— 站点配置（由 gongkai init 生成）\n"
              "# footer 中的 icp（ICP 备案号）、police（公安备案号）请按本单位实际填写。\n")
    text = yaml.safe_dump(site, allow_unicode=True, sort_keys=False, width=200)
    text = text.replace("rules:\n  column-empty: warning\n",
                        "rules:\n  # 建设期间，空白栏目只作提示；正式上线前删除下面这一行（5 个以上空白栏目在网站检查中属于单项否决）\n"
                        "  column-empty: warning\n")
    write(content / "site.yml", header + text)
    for column_id, text in INTROS.items():
        write(content / column_id / "_index.md", text + "\n")
    write(folder / ".gitignore", GITIGNORE)
    write(folder / "README.md", EDITORS_README.format(name=answers.name.strip(), domain=domain))
    write(folder / "deploy" / "nginx.conf", nginx_config(domain))
    if answers.ci != "none":
        target, text = ci_file(answers.ci)
        write(folder / target, text)
    return written
