// gongkai serve: reload this tab when its page changes; show check findings as an overlay.
(function () {
  "use strict";
  var here = decodeURIComponent(location.pathname.replace(/^\//, ""));
  if (here === "" || here.slice(-1) === "/") here += "index.html";
  var box = null;
  var dismissed = "";

  function el(tag, text, css) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    if (css) for (var k in css) node.style[k] = css[k];
    return node;
  }

  function show(data) {
    var key = JSON.stringify(data.findings);
    if (box) { box.remove(); box = null; }
    document.documentElement.removeAttribute("data-gongkai-errors");
    if (!data.errors && !data.warnings) return;
    if (data.errors) document.documentElement.setAttribute("data-gongkai-errors", String(data.errors));
    if (key === dismissed) return;
    box = el("section", "", {position: "fixed", left: "0", right: "0", bottom: "0", maxHeight: data.errors ? "60vh" : "3em",
      overflow: "auto", zIndex: "2147483647", background: data.errors ? "#fff5f5" : "#fffbea",
      borderTop: "4px solid " + (data.errors ? "#b00020" : "#8a6d00"), color: "#1a1a1a",
      font: "16px/1.6 system-ui, sans-serif", padding: "0.75em 1em", boxShadow: "0 -2px 12px rgba(0,0,0,.25)"});
    box.id = "gongkai-overlay";
    box.setAttribute("role", data.errors ? "alert" : "status");
    box.setAttribute("aria-label", "gongkai 检查结果");
    var head = el("h2", data.errors
      ? "检查发现 " + data.errors + " 个错误" + (data.warnings ? "、" + data.warnings + " 个警告" : "") + "（修正并保存后本提示自动消失）"
      : "检查发现 " + data.warnings + " 个警告（点此展开）", {fontSize: "1.05em", margin: "0 0 .5em", color: data.errors ? "#b00020" : "#6b5400"});
    var close = el("button", "关闭", {float: "right", font: "inherit", padding: "0 .75em"});
    close.type = "button";
    close.addEventListener("click", function () { dismissed = key; box.remove(); box = null; });
    box.appendChild(close);
    box.appendChild(head);
    if (!data.errors) head.addEventListener("click", function () { box.style.maxHeight = "60vh"; });
    var list = el("ul", "", {margin: "0", paddingLeft: "1.2em"});
    data.findings.forEach(function (f) {
      var item = el("li", "", {margin: ".25em 0"});
      var where = el("code", f.file + ":" + f.line, {fontWeight: "bold"});
      item.appendChild(el("span", f.severity === "error" ? "错误 " : "警告 ", {color: f.severity === "error" ? "#b00020" : "#6b5400"}));
      item.appendChild(where);
      item.appendChild(document.createTextNode(" [" + f.rule + "] " + f.message));
      list.appendChild(item);
    });
    box.appendChild(list);
    (document.body || document.documentElement).appendChild(box);
  }

  var source = new EventSource("/_gongkai/events");
  source.addEventListener("reload", function (event) {
    var data = JSON.parse(event.data);
    if (data.all || data.paths.indexOf(here) >= 0) location.reload();
  });
  source.addEventListener("findings", function (event) {
    var data = JSON.parse(event.data);
    if (document.body) show(data); else document.addEventListener("DOMContentLoaded", function () { show(data); });
  });
})();
