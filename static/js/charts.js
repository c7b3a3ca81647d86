// Draws every chart on the page from data the server embedded with json_script.
// No inline scripts, so a strict Content-Security-Policy can forbid them.
//
// Markup: <div data-chart="bar" data-source="ID" data-title="Title"></div>, where ID is the
// id of a {{ value|json_script:"ID" }} element holding {"x": [...], "y": [...]}.
// Each chart has a table view next to it; when plotly.js is unavailable, that table is
// opened instead and the empty chart area is hidden.
(function () {
  "use strict";

  function fallback(element) {
    element.hidden = true;
    var section = element.closest("section") || element.parentNode;
    var details = section && section.querySelector("details");
    if (details) { details.open = true; }
  }

  function draw(element) {
    var source = document.getElementById(element.dataset.source);
    if (!source) { return; }
    if (typeof window.Plotly === "undefined") { fallback(element); return; }
    var data;
    try {
      data = JSON.parse(source.textContent);
    } catch (err) {
      fallback(element);
      return;
    }
    var trace = {
      type: element.dataset.chart || "bar",
      x: data.x || [],
      y: data.y || [],
      marker: { color: "#1f5fbf" },
      hovertemplate: "%{x}: %{y}<extra></extra>"
    };
    if (trace.type === "heatmap") {
      // {"x": columns, "y": rows, "z": rows of values (null for suppressed cells)}
      trace = {
        type: "heatmap", x: data.x || [], y: data.y || [], z: data.z || [],
        colorscale: "Blues", zmin: 0, zmax: 100, hoverongaps: false,
        hovertemplate: "%{y} / %{x}: %{z}<extra></extra>"
      };
    }
    var layout = {
      title: { text: element.dataset.title || "" },
      margin: { t: 56, r: 16, b: 96, l: 56 },
      font: { family: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", color: "#1d2330" },
      yaxis: { rangemode: "tozero", fixedrange: true, automargin: true },
      xaxis: { automargin: true, fixedrange: true },
      paper_bgcolor: "#ffffff",
      plot_bgcolor: "#ffffff"
    };
    window.Plotly.newPlot(element, [trace], layout, { responsive: true, displaylogo: false });
  }

  function drawAll() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-chart][data-source]"), draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
  // Content swapped in by htmx (the result page's polling brings the trajectory chart
  // once the scores are in) is drawn too: htmx:load fires for every new element.
  document.addEventListener("htmx:load", function (event) {
    var root = event.detail && event.detail.elt;
    if (!root || !root.querySelectorAll) { return; }
    if (root.matches && root.matches("[data-chart][data-source]")) { draw(root); }
    Array.prototype.forEach.call(root.querySelectorAll("[data-chart][data-source]"), draw);
  });
})();
