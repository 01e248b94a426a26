// 大字 / 高对比度: the column's own reading aids (no third-party toolbar). Each button switches a class
// on <html> (a11y-large, a11y-contrast) and the choice is remembered in localStorage for every page.
// Loaded in <head> so a remembered mode applies before the page is drawn; the buttons stay hidden
// without JavaScript, where they could not work.
(function () {
  "use strict";

  var root = document.documentElement;
  var MODES = { large: "a11y-large", contrast: "a11y-contrast" };

  function remembered(mode) {
    try { return window.localStorage.getItem("gongkai-" + mode) === "on"; } catch (e) { return false; }
  }

  function remember(mode, on) {
    try {
      if (on) window.localStorage.setItem("gongkai-" + mode, "on");
      else window.localStorage.removeItem("gongkai-" + mode);
    } catch (e) { /* storage disabled: the mode lasts for this page only */ }
  }

  Object.keys(MODES).forEach(function (mode) {
    if (remembered(mode)) root.classList.add(MODES[mode]);
  });

  function wire() {
    var buttons = document.querySelectorAll("button[data-a11y]");
    Array.prototype.forEach.call(buttons, function (button) {
      var mode = button.getAttribute("data-a11y");
      if (!MODES.hasOwnProperty(mode)) return;
      button.setAttribute("aria-pressed", String(root.classList.contains(MODES[mode])));
      button.addEventListener("click", function () {
        var on = !root.classList.contains(MODES[mode]);
        root.classList.toggle(MODES[mode], on);
        button.setAttribute("aria-pressed", String(on));
        remember(mode, on);
      });
    });
    var tools = document.querySelectorAll(".a11y-tools");
    Array.prototype.forEach.call(tools, function (group) { group.hidden = false; });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", wire);
  else wire();
})();
