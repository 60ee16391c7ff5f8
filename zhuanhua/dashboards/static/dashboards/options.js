/* ECharts options for a dashboard chart's {kind, columns, rows}: shared by the browser
   (dashboard.js) and the server-side renderer of the annual report (zhuanhua/dashboards/ssr.js). */
(function (root) {
  "use strict";
  var PALETTE = ["#0b5cab", "#1a8f6e", "#f0a020", "#d9534f", "#6f42c1", "#20c997", "#fd7e14", "#6c757d"];

  function barOption(data, horizontal) {
    var names = data.rows.map(function (r) { return r[0]; });
    var series = data.columns.slice(1).map(function (col, i) {
      return { name: col, type: "bar", data: data.rows.map(function (r) { return r[i + 1]; }) };
    });
    var cat = { type: "category", data: names, axisLabel: { interval: 0, rotate: horizontal ? 0 : 30 } };
    var val = { type: "value" };
    return {
      color: PALETTE, tooltip: { trigger: "axis" }, legend: { top: 0 },
      grid: { left: horizontal ? 130 : 50, right: 20, bottom: horizontal ? 20 : 80, top: 30 },
      xAxis: horizontal ? val : cat, yAxis: horizontal ? cat : val, series: series
    };
  }

  function option(data, hasMap) {
    var pairs = data.rows.map(function (r) { return { name: r[0], value: r[1] }; });
    if (data.kind === "pie") {
      return { color: PALETTE, tooltip: { trigger: "item" }, legend: { type: "scroll", bottom: 0 },
        series: [{ type: "pie", radius: ["35%", "65%"], data: pairs }] };
    }
    if (data.kind === "funnel") {
      return { color: PALETTE, tooltip: { trigger: "item" },
        series: [{ type: "funnel", sort: "none", left: "10%", width: "80%", label: { position: "inside" }, data: pairs }] };
    }
    if (data.kind === "line") {
      var opt = barOption(data, false);
      opt.series.forEach(function (s) { s.type = "line"; s.smooth = true; });
      return opt;
    }
    if (data.kind === "map" && hasMap) {
      var max = Math.max.apply(null, [1].concat(data.rows.map(function (r) { return r[1]; })));
      var label = data.columns[1] || "";
      return { tooltip: { trigger: "item", formatter: function (p) {
          // the prefecture and its figure (a prefecture with no record has no value: 0)
          var v = typeof p.value === "number" && !isNaN(p.value) ? p.value : 0;
          return p.name + "<br>" + label + "：" + v.toLocaleString("zh-CN");
        } },
        visualMap: { min: 0, max: max, left: "left", bottom: 10, text: ["多", "少"], calculable: true,
          inRange: { color: ["#e3f0fb", "#0b5cab"] } },
        series: [{ name: label, type: "map", map: "yunnan", roam: false, data: pairs, label: { show: false } }] };
    }
    return barOption(data, data.kind === "map");
  }

  var api = { option: option };
  if (typeof module === "object" && module.exports) { module.exports = api; } else { root.ZhCharts = api; }
})(typeof self !== "undefined" ? self : this);
