// The terms editor: show only the parts of the chosen fee model, royalty mode and installment
// kind; add and remove installment and tier rows. The preview refreshes through htmx on the
// form's change events (the markup's hx-trigger); a row added or removed fires one.
(function () {
  "use strict";
  function sync(root) {
    var model = root.querySelector("[data-fee-model]");
    var value = model ? model.value : "";
    root.querySelectorAll("[data-models]").forEach(function (el) {
      el.hidden = el.getAttribute("data-models").split(" ").indexOf(value) < 0;
    });
    var mode = root.querySelector("[data-royalty-mode]");
    root.querySelectorAll("[data-mode]").forEach(function (el) {
      el.hidden = !mode || el.getAttribute("data-mode") !== mode.value;
    });
    root.querySelectorAll("[data-row]").forEach(function (row) {
      var kind = row.querySelector("[data-kind]");
      if (!kind) { return; }
      row.querySelectorAll("[data-when]").forEach(function (el) {
        el.hidden = el.getAttribute("data-when") !== kind.value;
      });
    });
  }
  function changed(form) {
    if (form) { form.dispatchEvent(new Event("change", { bubbles: true })); }
  }
  document.querySelectorAll("[data-terms-editor]").forEach(function (root) {
    var form = root.closest("form");
    root.addEventListener("change", function () { sync(root); });
    root.addEventListener("click", function (event) {
      var add = event.target.closest("[data-add-row]");
      if (add) {
        var name = add.getAttribute("data-add-row");
        var template = root.querySelector('template[data-row-template="' + name + '"]');
        var body = root.querySelector('[data-rows="' + name + '"]');
        body.appendChild(template.content.cloneNode(true));
        var inputs = body.querySelectorAll("[data-row]:last-child input");
        if (inputs.length) { inputs[0].focus(); }
        sync(root);
        changed(form);
        return;
      }
      var remove = event.target.closest("[data-remove-row]");
      if (remove) {
        remove.closest("[data-row]").remove();
        sync(root);
        changed(form);
      }
    });
    sync(root);
  });
}());
