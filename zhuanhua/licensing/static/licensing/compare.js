// "Compare before you commit": a bar chart of the yearly cost of each fee model (data from the
// page's JSON block; the table above is the accessible version).
(function () {
  "use strict";
  var el = document.getElementById("compare-chart");
  var dataEl = document.getElementById("compare-data");
  if (!el || !dataEl || typeof window.echarts === "undefined") { return; }
  var data = JSON.parse(dataEl.textContent);
  if (!data.series.length) { el.hidden = true; return; }
  el.classList.add("zh-chart-ready");
  var chart = window.echarts.init(el, null, { renderer: "svg", height: 280 });
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 70, right: 10, top: 40, bottom: 30 },
    xAxis: { type: "category", data: data.years },
    yAxis: { type: "value", name: "元" },
    series: data.series.map(function (s) {
      return { name: s.name, type: "bar", data: s.data.map(Number) };
    })
  });
  window.addEventListener("resize", function () { chart.resize(); });
}());
