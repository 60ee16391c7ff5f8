/* Department dashboard: one ECharts instance per chart, fed by /api/dashboards/charts/<key>.
   No inline script (strict CSP); the map falls back to a bar chart without boundary data. */
(function () {
  "use strict";
  var PALETTE = ["#0b5cab", "#1a8f6e", "#f0a020", "#d9534f", "#6f42c1", "#20c997", "#fd7e14", "#6c757d"];
  var mapReady = null;

  function loadMap() {
    if (mapReady) { return mapReady; }
    mapReady = fetch("/dashboards/yunnan.geojson", { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error("no map"); } return r.json(); })
      .then(function (geo) { echarts.registerMap("yunnan", geo); return true; })
      .catch(function () { return false; });
    return mapReady;
  }

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
      return { tooltip: { trigger: "item" },
        visualMap: { min: 0, max: max, left: "left", bottom: 10, text: ["多", "少"], calculable: true,
          inRange: { color: ["#e3f0fb", "#0b5cab"] } },
        series: [{ type: "map", map: "yunnan", roam: false, data: pairs, label: { show: false } }] };
    }
    return barOption(data, data.kind === "map");
  }

  function render(el) {
    var chart = echarts.init(el);
    chart.showLoading();
    var needsMap = el.dataset.kind === "map" ? loadMap() : Promise.resolve(false);
    Promise.all([fetch(el.dataset.src, { credentials: "same-origin" }).then(function (r) { return r.json(); }), needsMap])
      .then(function (out) {
        chart.hideLoading();
        chart.setOption(option(out[0], out[1]));
        el.dataset.rendered = "true";
      })
      .catch(function () { chart.hideLoading(); el.textContent = "数据加载失败，请刷新重试。"; });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.querySelectorAll(".zh-chart").forEach(render);
})();
