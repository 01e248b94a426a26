// Offline search of the archive copy: runs from file:// with no server and no network.
// The index (window.GONGKAI_INDEX, loaded by a plain <script>) holds each page's whole text;
// a query is matched by substring per term, and Chinese terms that do not occur as a whole are
// matched by their character bigrams, so "就业创业补贴" finds a page with 就业、创业 and 补贴.
// 文号 match whatever brackets the reader types: [2023] (2023) 【2023】 all mean 〔2023〕.
(function () {
  "use strict";
  var data = window.GONGKAI_INDEX || { docs: [] };
  var MAX_RESULTS = 200;
  var BRACKETS = { "[": "〔", "]": "〕", "(": "〔", ")": "〕", "【": "〔", "】": "〕", "﹝": "〔", "﹞": "〕",
                   "〖": "〔", "〗": "〕", "［": "〔", "］": "〕", "（": "〔", "）": "〕" };
  var FOLDED = /[\uff01-\uff5e\u3000\[\]()【】﹝﹞〖〗]/g;
  var CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
  var CJK_RUNS = /[\u3400-\u9fff\uf900-\ufaff]+|[^\u3400-\u9fff\uf900-\ufaff]+/g;

  // Fold a text to its matching form: full-width letters and digits to ASCII, every bracket style
  // to 〔〕, lower case. One character always stays one character, so that positions in the folded
  // text are positions in the original (for excerpts).
  function foldChar(ch) {
    if (BRACKETS[ch]) { return BRACKETS[ch]; }
    var code = ch.charCodeAt(0);
    if (code === 0x3000) { return " "; }
    if (code >= 0xff01 && code <= 0xff5e) { return String.fromCharCode(code - 0xfee0); }
    return ch;
  }
  function fold(text) {
    var out = (text || "").replace(FOLDED, foldChar);
    var lower = out.toLowerCase();
    if (lower.length === out.length) { return lower; }
    var chars = "";  // a rare letter whose lower case is longer: lower the others one by one
    for (var i = 0; i < out.length; i++) {
      var c = out.charAt(i).toLowerCase();
      chars += c.length === 1 ? c : out.charAt(i);
    }
    return chars;
  }
  function squeeze(text) { return fold(text).replace(/\s+/g, ""); }
  function loose(text) { return squeeze(text).replace(/[〔〕]/g, ""); }

  var prepared = null;
  function prepare() {
    if (prepared) { return prepared; }
    prepared = data.docs.map(function (d) {
      return { doc: d, title: fold(d.t), docNo: squeeze(d.n || ""), docNoLoose: loose(d.n || ""),
               extra: fold(d.s || ""), text: fold(d.x || "") };
    });
    return prepared;
  }

  function bigrams(term) {
    var grams = [];
    for (var i = 0; i + 1 < term.length; i++) { grams.push(term.substr(i, 2)); }
    return grams;
  }
  function count(haystack, needle, limit) {
    var n = 0, at = haystack.indexOf(needle);
    while (at !== -1 && n < limit) { n++; at = haystack.indexOf(needle, at + needle.length); }
    return n;
  }

  // Score one page for one term; null when the page does not match it.
  function scoreTerm(p, term) {
    var score = 0;
    if (p.title.indexOf(term) !== -1) { score += 10; }
    if (p.docNo && p.docNo.indexOf(term) !== -1) { score += 8; }
    if (p.extra.indexOf(term) !== -1) { score += 5; }
    var inText = count(p.text, term, 5);
    if (inText) { score += 3 + inText * 0.5; }
    if (score) { return { score: score, marks: [term] }; }
    return fuzzy(p, term);
  }

  function has(p, needle) {
    return p.title.indexOf(needle) !== -1 || p.extra.indexOf(needle) !== -1 || p.text.indexOf(needle) !== -1;
  }

  // A term that does not occur as a whole: its Chinese runs are matched by character bigrams
  // (60% of them must occur), its digits and letters exactly. 文号 (with 〔〕) only match as a whole.
  function fuzzy(p, term) {
    if (term.length < 3 || !CJK.test(term) || /[〔〕]/.test(term)) { return null; }
    var grams = [], exact = [];
    (term.match(CJK_RUNS) || []).forEach(function (run) {
      if (CJK.test(run)) {
        if (run.length === 1) { grams.push(run); } else { grams = grams.concat(bigrams(run)); }
      } else if (/[a-z0-9]/.test(run)) {
        exact.push(run.replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, ""));
      }
    });
    if (grams.length < 2) { return null; }
    for (var i = 0; i < exact.length; i++) {
      if (!has(p, exact[i])) { return null; }
    }
    var found = [], hits = 0;
    grams.forEach(function (g) {
      if (has(p, g)) {
        hits++;
        if (found.indexOf(g) === -1) { found.push(g); }
      }
    });
    var share = hits / grams.length;
    if (share < 0.6) { return null; }
    return { score: 2 * share, marks: found.concat(exact) };
  }

  function search(query) {
    var folded = fold(query).trim();
    if (!folded) { return []; }
    var terms = folded.split(/\s+/);
    var whole = squeeze(query), wholeLoose = loose(query);
    var results = [];
    prepare().forEach(function (p) {
      var total = 0, marks = [], exactDocNo = false;
      if (p.docNo && (p.docNo === whole || (wholeLoose.length >= 4 && p.docNoLoose === wholeLoose))) {
        exactDocNo = true;
        total += 100;
      } else if (p.docNo && whole.length >= 4 && p.docNo.indexOf(whole) !== -1) {
        total += 20;
        exactDocNo = true;
      }
      for (var i = 0; i < terms.length; i++) {
        var hit = scoreTerm(p, terms[i]);
        if (!hit) {
          if (exactDocNo) { continue; }
          return;
        }
        total += hit.score;
        marks = marks.concat(hit.marks);
      }
      results.push({ p: p, score: total, marks: marks });
    });
    results.sort(function (a, b) {
      if (b.score !== a.score) { return b.score - a.score; }
      return (b.p.doc.d || "") < (a.p.doc.d || "") ? -1 : (b.p.doc.d || "") > (a.p.doc.d || "") ? 1 : 0;
    });
    return results;
  }

  // An excerpt of the original text around the first match, with every match marked.
  function excerpt(p, marks) {
    var source = p.doc.x || p.doc.s || "";
    var folded = p.doc.x ? p.text : fold(source);
    var first = -1;
    marks.forEach(function (m) {
      var at = folded.indexOf(m);
      if (at !== -1 && (first === -1 || at < first)) { first = at; }
    });
    var start = Math.max(0, (first === -1 ? 0 : first) - 40);
    var end = Math.min(source.length, start + 140);
    var piece = source.slice(start, end).replace(/\s+/g, " ");
    var foldedPiece = fold(source.slice(start, end)).replace(/\s+/g, " ");
    var ranges = [];
    marks.forEach(function (m) {
      var at = foldedPiece.indexOf(m);
      while (at !== -1) { ranges.push([at, at + m.length]); at = foldedPiece.indexOf(m, at + m.length); }
    });
    ranges.sort(function (a, b) { return a[0] - b[0]; });
    var merged = [];
    ranges.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) { last[1] = Math.max(last[1], r[1]); } else { merged.push([r[0], r[1]]); }
    });
    var node = document.createElement("p");
    node.className = "result-excerpt";
    if (start > 0) { node.appendChild(document.createTextNode("……")); }
    var at = 0;
    merged.forEach(function (r) {
      node.appendChild(document.createTextNode(piece.slice(at, r[0])));
      var mark = document.createElement("mark");
      mark.textContent = piece.slice(r[0], r[1]);
      node.appendChild(mark);
      at = r[1];
    });
    node.appendChild(document.createTextNode(piece.slice(at)));
    if (end < source.length) { node.appendChild(document.createTextNode("……")); }
    return node;
  }

  function span(label, value, className) {
    var s = document.createElement("span");
    if (className) { s.className = className; }
    s.textContent = label ? label + "：" + value : value;
    return s;
  }

  function show(query) {
    var status = document.getElementById("search-status");
    var list = document.getElementById("search-results");
    list.textContent = "";
    if (!query.trim()) { status.textContent = "请输入要查找的标题、文号或词语。"; return; }
    var results = search(query);
    if (!results.length) {
      status.textContent = "没有找到与“" + query + "”相关的信息，请换个词或减少词语后再试。";
      return;
    }
    status.textContent = "找到 " + results.length + " 条与“" + query + "”相关的信息" +
      (results.length > MAX_RESULTS ? "，显示前 " + MAX_RESULTS + " 条。" : "。");
    results.slice(0, MAX_RESULTS).forEach(function (r) {
      var d = r.p.doc;
      var item = document.createElement("li");
      item.className = "search-result";
      var heading = document.createElement("h2");
      var link = document.createElement("a");
      link.href = "../" + d.u;
      link.textContent = d.t;
      heading.appendChild(link);
      item.appendChild(heading);
      var meta = document.createElement("p");
      meta.className = "result-meta";
      if (d.k) { meta.appendChild(span("", d.k, "kind")); }
      if (d.n) { meta.appendChild(span("文号", d.n, "doc-no")); }
      if (d.d) { meta.appendChild(span("发布日期", d.d, "date")); }
      if (d.v) { meta.appendChild(span("有效性", d.v, d.v === "现行有效" ? "" : "validity")); }
      item.appendChild(meta);
      item.appendChild(excerpt(r.p, r.marks));
      list.appendChild(item);
    });
  }

  var query = new URLSearchParams(window.location.search).get("q") || "";
  var input = document.getElementById("offline-q");
  if (input) { input.value = query; }
  if (query) { show(query); }
  window.gongkaiSearch = search;
})();
