// htmx leaves the page as it was when a request fails, so a refused or rate-limited live search
// (the hall) would look like a list that simply stopped updating. Show the failure where the
// answer would have gone: the server's own message (zhuanhua/core/errors.py answers htmx requests
// with the message alone), or a general one when there is none (a proxy's page, a lost connection).
(function () {
  "use strict";
  var english = (document.documentElement.lang || "").indexOf("en") === 0;
  var GENERAL = english
    ? "The request could not be completed. Please try again later."
    : "请求未能完成，请稍后再试。";
  var OFFLINE = english
    ? "Could not reach the server. Please check your connection and try again."
    : "无法连接服务器，请检查网络后重试。";

  function alertBox(text) {
    var box = document.createElement("div");
    box.className = "alert alert-warning zh-error-message";
    box.setAttribute("role", "alert");
    box.setAttribute("data-testid", "error-message");
    box.textContent = text;
    return box;
  }

  function isFragment(xhr) {
    var type = xhr.getResponseHeader("Content-Type") || "";
    var body = typeof xhr.response === "string" ? xhr.response : "";
    return type.indexOf("text/html") === 0 && !/^\s*<!doctype/i.test(body) && body.trim() !== "";
  }

  document.addEventListener("htmx:beforeSwap", function (evt) {
    var xhr = evt.detail.xhr;
    if (!xhr || xhr.status < 400) return;
    evt.detail.shouldSwap = true;
    if (!isFragment(xhr)) {
      var holder = document.createElement("div");
      holder.appendChild(alertBox(GENERAL));
      evt.detail.serverResponse = holder.innerHTML;
    }
  });

  document.addEventListener("htmx:sendError", function (evt) {
    var target = evt.detail.target;
    if (!target) return;
    var box = alertBox(OFFLINE);
    if (/^(BUTTON|A|INPUT|SELECT|TEXTAREA|FORM)$/.test(target.tagName)) {
      target.insertAdjacentElement("afterend", box);
    } else {
      target.replaceChildren(box);
    }
  });
})();
