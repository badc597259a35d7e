/* Score charts (Chart.js, vendored): the ranked bar chart with the pass-mark line, and the
   year-over-year chart. Data comes from <script type="application/json"> blocks written by
   Django's json_script; nothing is fetched. */
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  Chart.defaults.font.family = "Sarabun, system-ui, sans-serif";

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  var bars = readJson("scores-chart-data");
  var barCanvas = document.getElementById("scores-chart");
  if (bars && barCanvas) {
    new Chart(barCanvas, {
      data: {
        labels: bars.labels,
        datasets: [
          {
            type: "bar",
            label: bars.scoreLabel,
            data: bars.scores,
            backgroundColor: bars.scores.map(function (s) { return s >= bars.passMark ? "rgba(25, 135, 84, 0.7)" : "rgba(220, 53, 69, 0.75)"; })
          },
          {
            type: "line",
            label: bars.passLabel + " " + bars.passMark,
            data: bars.labels.map(function () { return bars.passMark; }),
            borderColor: "rgba(13, 110, 253, 0.9)",
            borderDash: [6, 4],
            pointRadius: 0,
            fill: false
          }
        ]
      },
      options: {
        maintainAspectRatio: false,
        scales: { y: { min: 0, max: 100 } },
        plugins: { legend: { position: "bottom" } }
      }
    });
  }

  var trend = readJson("trend-chart-data");
  var trendCanvas = document.getElementById("trend-chart");
  if (trend && trendCanvas) {
    // Grouped bars: one group per indicator, one bar per year, so each indicator's change reads at a glance.
    var palette = ["rgba(108, 117, 125, 0.55)", "rgba(13, 110, 253, 0.55)", "rgba(25, 135, 84, 0.7)", "rgba(255, 193, 7, 0.8)", "rgba(111, 66, 193, 0.7)"];
    new Chart(trendCanvas, {
      type: "bar",
      data: {
        labels: trend.series.map(function (s) { return s.label; }),
        datasets: trend.years.map(function (year, i) {
          return {
            label: String(year),
            data: trend.series.map(function (s) { return s.scores[i]; }),
            backgroundColor: palette[(palette.length - trend.years.length + i + palette.length) % palette.length]
          };
        })
      },
      options: {
        maintainAspectRatio: false,
        scales: { y: { suggestedMin: 50, max: 100 } },
        plugins: { legend: { position: "bottom" } }
      }
    });
  }
})();
