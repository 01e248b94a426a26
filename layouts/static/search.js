// 站内搜索: gongkai's own search page over Pagefind's JS API (pagefind/pagefind.js).
//
// The index holds every Chinese character as a word (gen/search_text.py). A query is turned into
// the same words by queryGroups() below — the twin of query_groups() there, kept equal by
// tests/test_search.py — and each group is searched as a quoted phrase (Pagefind's exact search:
// the words at consecutive positions), so 预算 is found inside 年度预算调整 and 社会保险 is not
// found where 社会 and 保险 only stand apart. Several groups (words separated by spaces) must all
// match. Filters, sorting and excerpts are done here; excerpts show the page's own text.
(function () {
  "use strict";

  var SPACE = "\ue000";
  var JOINERS = "〔〕[](){}【】〖〗<>-‐‑‒–/\\.·・";
  var WHITE = /[\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
  var CJK = /[\u3005-\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{323af}]/u;
  var ALNUM = /[\p{L}\p{N}]/u;
  var MARK = /\p{M}/u;
  var SKIP = /[\p{Cc}\p{Cf}]/u;
  var PAGE_SIZE = 10;
  var EXCERPT_BEFORE = 30;
  var EXCERPT_LENGTH = 110;
  var LEAD_LENGTH = 160;  // characters of a page's opening text shown when browsing by filters alone

  /** What one NFKC-normalized character does to the words around it (search_text.char_class). */
  function charClass(ch) {
    if (WHITE.test(ch)) return "space";
    if (CJK.test(ch)) return "cjk";
    if (ALNUM.test(ch)) return "alnum";
    if (MARK.test(ch)) return "mark";
    if (SKIP.test(ch)) return "skip";
    if (JOINERS.indexOf(ch) >= 0) return "join";
    return "break";
  }

  /** Split a query into groups of words: each group is one phrase, every group must match. */
  function queryGroups(query) {
    var groups = [], seen = {}, group = [], run = "";
    function closeRun() { if (run) { group.push(run.toLowerCase()); run = ""; } }
    function closeGroup() {
      closeRun();
      var key = group.join(" ");
      if (group.length && !seen[key]) { seen[key] = true; groups.push(group); }
      group = [];
    }
    for (var ch of query.normalize("NFKC")) {
      var kind = charClass(ch);
      if (kind === "alnum" || (kind === "mark" && run)) run += ch;
      else if (kind === "cjk") { closeRun(); group.push(ch); }
      else if (kind === "join") closeRun();
      else if (kind === "break" || kind === "space") closeGroup();
    }
    closeGroup();
    return groups;
  }

  /** The Pagefind query for one group: a quoted phrase; a lone Latin word or number is prefix-matched. */
  function pagefindQuery(group) {
    if (group.length === 1 && !CJK.test(group[0])) return group[0];
    return "\"" + group.join(" ") + "\"";
  }

  /** The part of an indexed word that a query word is compared with. */
  function wordKey(word) {
    var key = "";
    for (var ch of word.normalize("NFKC")) {
      var kind = charClass(ch);
      if (kind === "cjk" || kind === "alnum" || (kind === "mark" && key)) key += ch;
    }
    return key.toLowerCase();
  }

  /** Word ranges [start, end) of the page where a group occurs. */
  function findMatches(keys, groups) {
    var found = [];
    groups.forEach(function (group) {
      var prefix = group.length === 1 && !CJK.test(group[0]);
      for (var i = 0; i + group.length <= keys.length; i++) {
        var ok = true;
        for (var j = 0; j < group.length && ok; j++) {
          ok = prefix ? keys[i + j].indexOf(group[j]) === 0 : keys[i + j] === group[j];
        }
        if (ok) found.push([i, i + group.length]);
      }
    });
    return found.sort(function (a, b) { return a[0] - b[0]; });
  }

  function shown(word) { return word === SPACE ? " " : word; }

  /** The words of a page's text as the index holds them (gen/search/text.py), from its fragment. */
  function contentWords(content) {
    var words = content.split(/\s+/).filter(Boolean);
    var last = words.length - 1;
    if (last > 0 && /[^.]\.$/.test(words[last])) words[last] = words[last].slice(0, -1);  // Pagefind adds "." after a block
    return words;
  }

  /** The opening of a page's text from its first word after the title, as written. */
  function lead(content, from) {
    return contentWords(content).slice(from, from + LEAD_LENGTH).map(shown).join("").slice(0, LEAD_LENGTH).trim();
  }

  /** An excerpt of the page's own text around the best match, matches marked; and the matched text. */
  function excerpt(content, groups, from) {
    var words = contentWords(content);
    var matches = findMatches(words.map(wordKey), groups);
    var anchor = matches.filter(function (m) { return m[0] >= from; })[0] || matches[0] || [from, from];
    var start = Math.max(0, Math.min(anchor[0] - EXCERPT_BEFORE, words.length - EXCERPT_LENGTH));
    // Begin after a space or the end of a sentence if one is near, not in the middle of a phrase.
    for (var k = start; k < anchor[0] - 5 && k < start + 20; k++) {
      if (words[k] === SPACE || /[。；！？]$/.test(words[k])) { start = k + 1; break; }
    }
    var end = Math.min(words.length, start + EXCERPT_LENGTH);
    var marked = new Array(words.length).fill(false);
    matches.forEach(function (m) { for (var i = m[0]; i < m[1]; i++) marked[i] = true; });
    var fragment = document.createDocumentFragment();
    if (start > 0) fragment.append("…");
    var i = start;
    while (i < end) {
      var text = "";
      var isMark = marked[i];
      while (i < end && marked[i] === isMark) { text += shown(words[i]); i++; }
      if (isMark) {
        var mark = document.createElement("mark");
        mark.textContent = text;
        fragment.append(mark);
      } else {
        fragment.append(text);
      }
    }
    if (end < words.length) fragment.append("…");
    var matched = anchor[1] > anchor[0] ? words.slice(anchor[0], anchor[1]).map(shown).join("") : "";
    return { node: fragment, matched: matched.trim() };
  }

  // --- the page ---------------------------------------------------------------------------------

  var script = document.currentScript;
  var $ = function (id) { return document.getElementById(id); };
  var form = $("search-form"), input = $("search-query"), app = $("search-app"), status = $("search-status");
  var list = $("search-results"), more = $("search-more"), sortSelect = $("search-sort");
  var facetsBox = $("search-facets"), clearButton = $("search-clear"), unavailable = $("search-unavailable");

  var pagefind = null;
  var pagefindBase = null;
  var siteRoot = null;
  var FACETS = [];  // filter names, in the order shown
  var facetValues = {};  // facet → its values, in the order shown
  var facetPages = {};  // facet → value → Set of page ids
  var facetInputs = {};  // facet → value → {input, count, item}
  var dateOrder = {};  // page id → position, newest first
  var excerptFrom = {};  // page id → first word after the page's title
  var shardOf = {};  // page id → its shard's position in shardBases
  var shardBases = [];  // the index's shards (folders of Pagefind bundles)
  var shardSites = null;  // a portal's shards: the address of the department's site each one indexes
  var state = { query: "", groups: [], ids: [], results: {}, rank: {}, visible: [], shownCount: 0 };
  var searches = 0;  // numbers the searches: only the latest one may show its results
  var renders = 0;  // numbers the renderings: fragments still loading for an earlier one are dropped

  function unavailableMessage(text) {
    app.hidden = true;
    unavailable.textContent = text + " ";
    var link = document.createElement("a");
    link.href = script.dataset.sitemap;
    link.textContent = "浏览网站地图";
    unavailable.append(link);
    unavailable.hidden = false;
  }

  async function init() {
    if (location.protocol === "file:") {
      unavailableMessage("从本地磁盘打开网页时，浏览器不允许加载搜索索引，站内搜索只能在网站上使用。");
      return false;
    }
    var pagefindUrl = new URL(script.dataset.pagefind, location.href);
    siteRoot = new URL("../", pagefindUrl);
    pagefindBase = new URL("./", pagefindUrl);
    try {
      // Shards, filter values, date order and excerpt starts of every page, written by gen/search.py;
      // fetched while Pagefind's script loads.
      var facts = fetch(new URL("gongkai-search.json", pagefindUrl)).then(function (response) {
        if (!response.ok) throw new Error(response.statusText);
        return response.json();
      });
      pagefind = await import(pagefindUrl.href);
      var data = await facts;
      shardBases = data.shards.map(function (shard) { return new URL(shard, pagefindBase).href; });
      if (data.sites) shardSites = data.sites.map(function (site) { return new URL(site, siteRoot); });
      // The index is split into shards (see gen/search.py): the first is Pagefind's own, the others merged into it.
      await pagefind.options({ basePath: shardBases[0] });
      var loading = Promise.all([pagefind.init()].concat(shardBases.slice(1).map(function (base) {
        return pagefind.mergeIndex(base);
      })));
      data.facets.forEach(function (pair) {
        FACETS.push(pair[0]);
        facetValues[pair[0]] = pair[1];
        facetPages[pair[0]] = {};
        pair[1].forEach(function (value) { facetPages[pair[0]][value] = new Set(); });
      });
      data.pages.forEach(function (page, position) {
        var id = page[0];
        dateOrder[id] = position;
        excerptFrom[id] = page[1];
        shardOf[id] = page[3];
        page[2].forEach(function (indices, f) {
          var facet = FACETS[f];
          indices.forEach(function (i) { facetPages[facet][facetValues[facet][i]].add(id); });
        });
      });
      state.all = data.pages.map(function (page) { return page[0]; });
      await loading;
    } catch (error) {
      unavailableMessage("搜索索引加载失败，请稍后再试。");
      return false;
    }
    buildFacets();
    app.hidden = false;
    if (matchMedia("(max-width: 48rem)").matches) $("search-filters").open = false;
    return true;
  }

  function buildFacets() {
    FACETS.forEach(function (facet) {
      var values = facetValues[facet];
      if (!values.length) return;
      var fieldset = document.createElement("fieldset");
      var legend = document.createElement("legend");
      legend.textContent = facet;
      var ul = document.createElement("ul");
      fieldset.append(legend, ul);
      facetInputs[facet] = {};
      values.forEach(function (value) {
        var li = document.createElement("li");
        var label = document.createElement("label");
        var box = document.createElement("input");
        box.type = "checkbox";
        box.value = value;
        box.addEventListener("change", function () { update(); });
        var name = document.createElement("span");
        name.textContent = value;
        var count = document.createElement("span");
        count.className = "facet-count";
        label.append(box, name, count);
        li.append(label);
        ul.append(li);
        facetInputs[facet][value] = { input: box, count: count, item: li };
      });
      facetsBox.append(fieldset);
    });
  }

  function selected() {
    var chosen = {};
    FACETS.forEach(function (facet) {
      var values = Object.keys(facetInputs[facet] || {}).filter(function (v) { return facetInputs[facet][v].input.checked; });
      if (values.length) chosen[facet] = values;
    });
    return chosen;
  }

  /** Whether a page passes every chosen facet except `skip` (values of one facet are alternatives). */
  function passes(id, chosen, skip) {
    for (var facet in chosen) {
      if (facet === skip) continue;
      if (!chosen[facet].some(function (v) { return facetPages[facet][v].has(id); })) return false;
    }
    return true;
  }

  /** The results of a lone word that really have it. A shard where no word begins with it answers with
   *  the pages of the longest prefix of it that it has (Pagefind's fallback, Pagefind#315): "12333"
   *  finds "1234567" there. It is all or nothing within a shard, so one page of each shard tells. */
  async function genuine(results, word) {
    var byShard = {};
    results.forEach(function (r) { (byShard[shardOf[r.id]] = byShard[shardOf[r.id]] || []).push(r); });
    var kept = await Promise.all(Object.keys(byShard).map(async function (shard) {
      var data = await byShard[shard][0].data();
      var keys = (data.content || "").split(/\s+/).map(wordKey);
      return keys.some(function (k) { return k.indexOf(word) === 0; }) ? byShard[shard] : [];
    }));
    return [].concat.apply([], kept);
  }

  /** Ids of the pages where every group occurs (the search itself, without filters). */
  async function matchingIds(groups) {
    var sets = [];
    for (var group of groups) {
      var response = await pagefind.search(pagefindQuery(group));
      var results = response.results;
      if (group.length === 1 && !CJK.test(group[0])) results = await genuine(results, group[0]);
      results.forEach(function (r) { state.results[r.id] = r; });
      sets.push(new Set(results.map(function (r) { return r.id; })));
    }
    if (!sets.length) return [];
    return Array.from(sets[0]).filter(function (id) { return sets.every(function (s) { return s.has(id); }); });
  }

  async function search(query) {
    var mine = ++searches;
    state.query = query.trim();
    state.groups = queryGroups(state.query);
    if (!state.groups.length) {
      state.ids = null;  // no query: the filters alone choose (browsing)
      state.rank = {};
      update();
      return;
    }
    status.textContent = "正在搜索……";
    var ids = await matchingIds(state.groups);
    // Relevance: Pagefind's ranking of the same characters as loose words (title words weigh more).
    var loose = await pagefind.search(state.groups.map(function (g) { return g.join(" "); }).join(" "));
    if (mine !== searches) return;
    state.rank = {};
    loose.results.forEach(function (r, i) { state.rank[r.id] = i; });
    state.ids = ids;
    update();
  }

  /** Apply filters and sorting to the current results, refresh counts and show the first results. */
  function update() {
    renders++;
    var chosen = selected();
    var anyChosen = Object.keys(chosen).length > 0;
    rememberFilters(chosen);
    var base = state.ids || (anyChosen ? state.all : []);
    var counts = {};
    FACETS.forEach(function (facet) {
      counts[facet] = {};
      var others = base.filter(function (id) { return passes(id, chosen, facet); });
      Object.keys(facetInputs[facet] || {}).forEach(function (value) {
        var pages = facetPages[facet][value];
        counts[facet][value] = others.filter(function (id) { return pages.has(id); }).length;
      });
    });
    FACETS.forEach(function (facet) {
      Object.keys(facetInputs[facet] || {}).forEach(function (value) {
        var entry = facetInputs[facet][value];
        var n = counts[facet][value];
        // Before any query or filter there is nothing to count: no row of "（0）".
        entry.count.textContent = state.ids === null && !anyChosen ? "" : "（" + n + "）";
        entry.item.hidden = n === 0 && !entry.input.checked && (state.ids !== null || anyChosen);
      });
    });
    clearButton.hidden = !anyChosen;
    var visible = base.filter(function (id) { return passes(id, chosen, null); });
    // A query that finds nothing offers no filters to narrow it (they would all be empty).
    facetsBox.hidden = state.ids !== null && state.ids.length === 0 && !anyChosen;
    var order = sortSelect.value;
    var position = function (table, id) { return id in table ? table[id] : Infinity; };
    visible.sort(function (a, b) {
      if (order === "relevance" && state.ids) {
        var byRank = position(state.rank, a) - position(state.rank, b);
        if (byRank) return byRank;
      }
      var byDate = position(dateOrder, a) - position(dateOrder, b);
      return (order === "date-asc" ? -byDate : byDate) || (a < b ? -1 : a > b ? 1 : 0);
    });
    state.visible = visible;
    state.shownCount = 0;
    list.textContent = "";
    announce(visible.length, anyChosen);
    return showMore(false);
  }

  function announce(total, filtered) {
    var what = state.query ? "与“" + state.query + "”相关的信息" : "符合筛选条件的信息";
    if (!state.query && !filtered) {
      status.textContent = "";
    } else if (total === 0) {
      status.textContent = "没有找到" + what + "。请换一个词语、检查错别字，或减少筛选条件。";
    } else {
      status.textContent = "找到 " + total + " 条" + what + (filtered && state.query ? "（已筛选）" : "") + "。";
    }
  }

  async function showMore(moveFocus) {
    var mine = renders;
    var from = state.shownCount;
    var ids = state.visible.slice(from, from + PAGE_SIZE);
    state.shownCount = from + ids.length;
    more.disabled = true;
    var items = await Promise.all(ids.map(renderResult));
    if (mine !== renders) return;
    items.forEach(function (item) { list.append(item); });
    more.disabled = false;
    more.hidden = state.shownCount >= state.visible.length;
    if (moveFocus && items.length) items[0].querySelector("a").focus();
  }

  /** A page's fragment (text, metadata, address): from its search result, else fetched directly.
   *  (Browsing by filters alone has no search result; pagefind.search(null) would fetch the whole index.) */
  async function fragmentOf(id) {
    if (state.results[id]) return state.results[id].data();
    var response = await fetch(new URL("fragment/" + id + ".pf_fragment", shardBases[shardOf[id]]));
    var stream = response.body.pipeThrough(new DecompressionStream("gzip"));
    var text = await new Response(stream).text();
    var data = JSON.parse(text.replace(/^pagefind_dcd/, ""));
    data.raw_url = data.url;
    return data;
  }

  async function renderResult(id) {
    var data = await fragmentOf(id);
    var meta = data.meta || {};
    var item = document.createElement("li");
    // pagefind-ui__result: the class Pagefind's own UI gives a result, kept for existing tests and styles.
    item.className = "search-result pagefind-ui__result";
    var heading = document.createElement("h3");
    var link = document.createElement("a");
    var cut = state.groups.length ? excerpt(data.content || "", state.groups, excerptFrom[id] || 0)
      : { node: document.createTextNode(lead(data.content || "", excerptFrom[id] || 0) + "…"), matched: "" };
    var href = new URL(data.raw_url.replace(/^\//, ""), shardSites ? shardSites[shardOf[id]] : siteRoot).href;
    if (cut.matched) href += "#:~:text=" + encodeURIComponent(cut.matched).replace(/-/g, "%2D");
    link.href = href;
    link.textContent = meta.title || data.raw_url;
    heading.append(link);
    var facts = document.createElement("dl");
    facts.className = "result-meta";
    var kind = (facetValues["类别"] || []).filter(function (v) { return facetPages["类别"][v].has(id); })[0];
    [["类别", kind], ["文号", meta.doc_no], ["发布日期", meta.date], ["有效性", meta.validity]].forEach(function (pair) {
      if (!pair[1]) return;
      var row = document.createElement("div");
      var dt = document.createElement("dt");
      var dd = document.createElement("dd");
      dt.textContent = pair[0];
      dd.textContent = pair[1];
      row.append(dt, dd);
      facts.append(row);
    });
    var text = document.createElement("p");
    text.className = "result-excerpt";
    text.append(cut.node);
    item.append(heading, facts, text);
    return item;
  }

  function currentQuery() {
    return new URLSearchParams(location.search).get("q") || "";
  }

  async function main() {
    if (!(await init())) return;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var query = input.value;
      var url = new URL(location.href);
      url.searchParams.set("q", query);
      history.replaceState(null, "", url.href);
      search(query);
    });
    sortSelect.addEventListener("change", function () { update(); });
    more.addEventListener("click", function () { showMore(true); });
    clearButton.addEventListener("click", function () {
      Object.values(facetInputs).forEach(function (values) {
        Object.values(values).forEach(function (entry) { entry.input.checked = false; });
      });
      update();
      input.focus();
    });
    input.value = currentQuery();
    // Filters named in the address (?类别=行政规范性文件&有效性=现行有效) are chosen from the start: a
    // link can open a filtered list (the portal's 政策文件库), and a filtered page can be shared.
    new URLSearchParams(location.search).forEach(function (value, facet) {
      var entry = (facetInputs[facet] || {})[value];
      if (entry) entry.input.checked = true;
    });
    await search(input.value);
  }

  /** Keep the chosen filters in the address (with the query), so the page can be bookmarked or shared. */
  function rememberFilters(chosen) {
    var url = new URL(location.href);
    FACETS.forEach(function (facet) { url.searchParams.delete(facet); });
    Object.keys(chosen).forEach(function (facet) {
      chosen[facet].forEach(function (value) { url.searchParams.append(facet, value); });
    });
    if (url.href !== location.href) history.replaceState(null, "", url.href);
  }

  // For tests and measurements: the query transformation exactly as this page applies it.
  window.gongkaiSearch = {
    queryGroups: queryGroups,
    pagefindQuery: pagefindQuery,
    /** Page id → the shard that holds it. */
    shards: function () { return shardOf; },
    /** Page addresses (as indexed, e.g. /normative/2023/rs-2023-3/index.html) that a query finds. */
    find: async function (query) {
      var ids = await matchingIds(queryGroups(query));
      return Promise.all(ids.map(async function (id) { return (await state.results[id].data()).raw_url; }));
    },
    ready: main()
  };
})();
