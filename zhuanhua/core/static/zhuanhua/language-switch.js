// The header's language switch returns to the page it was on (its hidden `next`). htmx pages
// such as the hall change the address without reloading (hx-push-url), so keep `next` in step;
// without JS the form still works and returns to the page as first loaded.
(function () {
  function follow() {
    var here = window.location.pathname + window.location.search;
    document.querySelectorAll(".zh-lang-switch input[name=next]").forEach(function (input) {
      input.value = here;
    });
  }
  document.addEventListener("htmx:pushedIntoHistory", follow);
  document.addEventListener("htmx:replacedInHistory", follow);
  window.addEventListener("popstate", follow);
})();
