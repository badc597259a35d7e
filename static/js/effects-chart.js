/* Before/after bars of the indicators a year's measures are tied to (Chart.js, vendored). Data
   comes from the json_script block "effects-chart-data"; nothing is fetched. */
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var node = document.getElementById("effects-chart-data");
  var canvas = document.getElementById("effects-chart");
  if (!node || !canvas) { return; }
  var data = JSON.parse(node.textContent);
  Chart.defaults.font.family = "Sarabun, system-ui, sans-serif";
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: data.beforeLabel, data: data.before, backgroundColor: "rgba(108, 117, 125, 0.6)" },
        { label: data.afterLabel, data: data.after, backgroundColor: "rgba(25, 135, 84, 0.75)" }
      ]
    },
    options: { maintainAspectRatio: false, scales: { y: { min: 0, max: 100 } }, plugins: { legend: { position: "bottom" } } }
  });
})();
