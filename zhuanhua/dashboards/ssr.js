/* Server-side chart rendering for PDFs: reads {"charts": [chart data...], "geojson": path|null,
   "width", "height"} on stdin, writes {"<key>": "<svg ...>"} on stdout. Same options as the
   browser (static/dashboards/options.js), ECharts' SSR mode: no DOM, no browser. */
"use strict";
const path = require("path");
const fs = require("fs");
const echarts = require(path.join(process.cwd(), "node_modules", "echarts"));
const { option } = require("./static/dashboards/options.js");

let input = "";
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const doc = JSON.parse(input);
  let hasMap = false;
  if (doc.geojson && fs.existsSync(doc.geojson)) {
    echarts.registerMap("yunnan", JSON.parse(fs.readFileSync(doc.geojson, "utf8")));
    hasMap = true;
  }
  const out = {};
  for (const data of doc.charts) {
    const chart = echarts.init(null, null, {
      renderer: "svg", ssr: true, width: doc.width || 700, height: doc.height || 320,
    });
    const opt = option(data, hasMap);
    opt.animation = false;
    chart.setOption(opt);
    out[data.key] = chart.renderToSVGString();
    chart.dispose();
  }
  process.stdout.write(JSON.stringify(out));
});
