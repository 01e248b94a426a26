// Start Pagefind's search UI and run the query passed as ?q= from the search box on every page.
(function () {
  var ui = new PagefindUI({
    element: "#search",
    showSubResults: false,
    showImages: false,
    translations: {
      placeholder: "输入标题、文号或关键词",
      clear_search: "清除",
      load_more: "加载更多结果",
      search_label: "搜索本站",
      filters_label: "筛选",
      zero_results: "没有找到与“[SEARCH_TERM]”相关的信息",
      many_results: "找到 [COUNT] 条与“[SEARCH_TERM]”相关的信息",
      one_result: "找到 1 条与“[SEARCH_TERM]”相关的信息",
      alt_search: "没有找到“[SEARCH_TERM]”，以下是“[DIFFERENT_TERM]”的结果",
      search_suggestion: "没有找到“[SEARCH_TERM]”，请换个词试试",
      searching: "正在搜索“[SEARCH_TERM]”……"
    }
  });
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) { ui.triggerSearch(query); }
})();
