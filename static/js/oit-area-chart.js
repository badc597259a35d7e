/* The OIT area chart: one stacked bar per agency (published, ready, the rest). Chart.js is
   vendored; the data comes from json_script "oit-area-chart-data". */
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var node = document.getElementById("oit-area-chart-data");
  var canvas = document.getElementById("oit-area-chart");
  if (!node || !canvas) { return; }
  var d = JSON.parse(node.textContent);
  Chart.defaults.font.family = "Sarabun, system-ui, sans-serif";
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: d.labels,
      datasets: [
        { label: d.labelsText[0], data: d.published, backgroundColor: "rgba(25, 135, 84, 0.8)" },
        { label: d.labelsText[1], data: d.ready, backgroundColor: "rgba(13, 202, 240, 0.8)" },
        { label: d.labelsText[2], data: d.rest, backgroundColor: "rgba(108, 117, 125, 0.35)" }
      ]
    },
    options: {
      maintainAspectRatio: false,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } },
      plugins: { legend: { position: "bottom" } }
    }
  });
})();
