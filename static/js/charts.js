// Draws every chart on the page from data the server embedded with json_script.
// No inline scripts, so a strict Content-Security-Policy can forbid them.
(function () {
  "use strict";
  function draw(element) {
    var source = document.getElementById(element.dataset.source);
    if (!source || typeof Plotly === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var trace = { type: element.dataset.chart || "bar", x: data.x, y: data.y, marker: { color: "#1f5fbf" } };
    var layout = { title: { text: element.dataset.title || "" }, margin: { t: 48, r: 16, b: 80, l: 48 } };
    Plotly.newPlot(element, [trace], layout, { responsive: true, displaylogo: false });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart]").forEach(draw);
  });
})();
