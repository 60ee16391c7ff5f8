/* A table wider than its box scrolls inside it (.table-responsive, e.g. a licence's payment plan
   on a 390 px phone). Such a box must be reachable by keyboard and named for screen readers
   (WCAG 2.1.1, axe's scrollable-region-focusable; issue 21.6): while it scrolls it is a focusable
   region named by its table's caption or its section's heading. Re-checked on resize and after
   htmx swaps. */
(function () {
  "use strict";
  function nameOf(box) {
    var caption = box.querySelector("caption");
    if (caption) { return caption.textContent.trim(); }
    var section = box.closest("[aria-labelledby]");
    var heading = section && document.getElementById(section.getAttribute("aria-labelledby"));
    if (heading) { return heading.textContent.trim(); }
    return document.documentElement.lang === "en" ? "Table" : "表格";
  }

  function mark() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        if (!box.hasAttribute("aria-label")) {
          box.setAttribute("aria-label", nameOf(box));
          box.dataset.zhNamed = "true";
        }
        box.dataset.zhScrolls = "true";
      } else if (!scrolls && box.dataset.zhScrolls) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        if (box.dataset.zhNamed) { box.removeAttribute("aria-label"); delete box.dataset.zhNamed; }
        delete box.dataset.zhScrolls;
      }
    });
  }

  var pending = null;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(mark, 150);
  });
  document.addEventListener("htmx:afterSettle", mark);
  mark();
})();
