/* Dashboards (department, own organisation, public): one ECharts instance per chart, fed by the chart's data endpoint
   (data-src). No inline script (strict CSP); the map falls back to a bar chart without
   boundary data. Options come from options.js, shared with the annual report's renderer. */
(function () {
  "use strict";
  var mapReady = null;

  function loadMap() {
    if (mapReady) { return mapReady; }
    mapReady = fetch("/dashboards/yunnan.geojson", { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error("no map"); } return r.json(); })
      .then(function (geo) { echarts.registerMap("yunnan", geo); return true; })
      .catch(function () { return false; });
    return mapReady;
  }

  function isEmpty(data) {
    return !data.rows.some(function (r) {
      return r.slice(1).some(function (v) { return typeof v === "number" && v !== 0; });
    });
  }

  // The chart's text alternative (role=img): its title, then each row's label and figures,
  // e.g. "成果数（按州市）：昆明市 120，曲靖市 14…" (issue 21.6). The 表格 button shows the full table.
  function describe(el, data) {
    var title = el.dataset.title || el.getAttribute("aria-label") || "";
    el.dataset.title = title;
    var rows = data.rows.slice(0, 30).map(function (r) {
      return r[0] + " " + r.slice(1).map(function (v) { return v === null ? "—" : v; }).join(" / ");
    });
    var more = data.rows.length > 30 ? "……" : "";
    el.setAttribute("aria-label", title + "：" + (rows.length ? rows.join("，") + more : "暂无数据"));
  }

  function render(el) {
    var chart = echarts.init(el);
    chart.showLoading();
    var needsMap = el.dataset.kind === "map" ? loadMap() : Promise.resolve(false);
    Promise.all([fetch(el.dataset.src, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error(String(r.status)); }
      return r.json();
    }), needsMap])
      .then(function (out) {
        chart.hideLoading();
        if (isEmpty(out[0])) {  // an all-zero pie would draw equal slices: say so instead
          chart.setOption({ title: { text: "暂无数据", left: "center", top: "middle",
            textStyle: { color: "#6c757d", fontSize: 14, fontWeight: "normal" } } });
        } else {
          chart.setOption(ZhCharts.option(out[0], out[1]));
        }
        describe(el, out[0]);
        el.dataset.rendered = "true";
      })
      .catch(function () { chart.hideLoading(); el.textContent = "数据加载失败，请刷新重试。"; });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.querySelectorAll(".zh-chart").forEach(render);
})();
