/* Draw the pages' charts with the vendored Chart.js (vendor/chartjs/VERSION.md).
 * Each <canvas data-chart="KIND" data-source="ID" data-currency="GBP"> reads its series from the
 * <script type="application/json" id="ID"> Django's json_script wrote. Floats only draw: every
 * figure printed on a page comes from the server's Decimals. */
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  Chart.defaults.animation = false; /* drawn at once: screenshots and slow phones see the data */
  var accent = "#5741d9", second = "#1b7f4b";
  var money = function (currency) {
    var fmt = new Intl.NumberFormat("en-GB", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    return function (v) { return fmt.format(v) + (currency ? " " + currency : ""); };
  };
  /* The pages' one date format ("7 Dec 2026"), in the user's zone as the server renders it. */
  var zone = document.documentElement.dataset.timeZone || undefined;
  var formatter = function (timeZone) {
    var f = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: timeZone });
    return function (ms) { return f.format(new Date(ms)); };
  };
  var dayOfMoment = formatter(zone), dayOfDate = formatter("UTC"); /* "2026-12-07" parses as UTC */
  var read = function (canvas) {
    var node = document.getElementById(canvas.dataset.source);
    return node ? JSON.parse(node.textContent) : null;
  };
  var timeAxis = function (points, day) {
    var xs = points.map(function (p) { return p.x; });
    return { type: "linear", min: Math.min.apply(null, xs), max: Math.max.apply(null, xs),
      ticks: { maxTicksLimit: 5, maxRotation: 0, callback: function (v) { return day(v); } } };
  };
  var tooltip = function (fmt, day) {
    return {
      callbacks: {
        title: function (items) { return items.length ? day(items[0].parsed.x) : ""; },
        label: function (item) { return (item.dataset.label ? item.dataset.label + ": " : "") + fmt(item.parsed.y); }
      }
    };
  };
  var valueChart = function (canvas, data) {
    var fmt = money(canvas.dataset.currency);
    var points = function (range) {
      var s = data[range] || { labels: [], values: [] };
      return s.labels.map(function (l, i) { return { x: Date.parse(l), y: s.values[i] }; });
    };
    var all = points("all");
    var chart = new Chart(canvas, {
      type: "line",
      data: { datasets: [{ label: "Value", data: all, borderColor: accent,
        backgroundColor: "rgba(87,65,217,0.1)", fill: true, pointRadius: 0, tension: 0.1 }] },
      options: { maintainAspectRatio: false, interaction: { mode: "index", intersect: false },
        scales: { x: timeAxis(all, dayOfDate), y: { ticks: { callback: function (v) { return fmt(v); } } } },
        plugins: { legend: { display: false }, tooltip: tooltip(fmt, dayOfDate) } }
    });
    var group = document.querySelector("[data-range-for='" + canvas.id + "']");
    if (!group) { return; }
    group.querySelectorAll("button[data-range]").forEach(function (button) {
      button.addEventListener("click", function () {
        var chosen = points(button.dataset.range);
        chart.data.datasets[0].data = chosen;
        chart.options.scales.x = timeAxis(chosen, dayOfDate);
        chart.update();
        group.querySelectorAll("button").forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
      });
    });
  };
  var barChart = function (canvas, data, percent) {
    var fmt = percent ? function (v) { return v.toFixed(1) + " %"; } : money(canvas.dataset.currency);
    new Chart(canvas, {
      type: "bar",
      data: { labels: data.labels, datasets: [{ data: data.values, backgroundColor: accent }] },
      options: { maintainAspectRatio: false, indexAxis: percent ? "y" : "x",
        scales: percent ? { x: { ticks: { callback: function (v) { return v + " %"; } } } }
          : { y: { ticks: { callback: function (v) { return fmt(v); } } } },
        plugins: { legend: { display: false }, tooltip: { callbacks: {
          label: function (item) { return fmt(percent ? item.parsed.x : item.parsed.y); } } } } }
    });
  };
  var assetChart = function (canvas, data) {
    var fmt = money(canvas.dataset.currency);
    var pts = function (rows) { return rows.map(function (r) { return { x: Date.parse(r[0]), y: r[1] }; }); };
    var price = pts(data.price), cost = pts(data.avg_cost);
    new Chart(canvas, {
      type: "line",
      data: { datasets: [
        { label: "Price", data: price, borderColor: accent, pointRadius: 0 },
        { label: "Average cost", data: cost, borderColor: second, pointRadius: 2, stepped: true }
      ] },
      options: { maintainAspectRatio: false, interaction: { mode: "nearest", intersect: false },
        scales: { x: timeAxis(price.concat(cost), dayOfMoment), y: { ticks: { callback: function (v) { return fmt(v); } } } },
        plugins: { tooltip: tooltip(fmt, dayOfMoment) } }
    });
  };
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var data = read(canvas);
    if (!data) { return; }
    var kind = canvas.dataset.chart;
    if (kind === "value") { valueChart(canvas, data); }
    else if (kind === "allocation") { barChart(canvas, data, true); }
    else if (kind === "bars") { barChart(canvas, data, false); }
    else if (kind === "asset") { assetChart(canvas, data); }
    canvas.dataset.drawn = "1";
  });
})();
