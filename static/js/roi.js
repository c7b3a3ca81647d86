// ROI pages: the cumulative benefit/cost chart, and the priorities page, where moving a
// weight re-ranks the table and re-plots the matrix at once (nothing is saved until the
// admin submits the form). No inline scripts: data comes from json_script elements.
// The rules repeat roi/prioritisation.py: inverse criteria count as 6 - score; priority is
// the weighted mean over scored criteria; each axis is the weighted mean of its criteria
// (equal weights when all of them weigh 0); quadrants split at 3.
(function () {
  "use strict";
  var COLOURS = { proposed: "#8a94a6", assessed: "#1f5fbf", approved: "#0b7a75", pilot: "#d98200", production: "#2e7d32", retired: "#5d4037", rejected: "#b00020" };

  function readJSON(id) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    try { return JSON.parse(el.textContent); } catch (err) { return null; }
  }

  function eff(c, s) { return c.inverse ? 6 - s : s; }

  function weighted(criteria, scores, equalIfZero) {
    var pairs = criteria.filter(function (c) { return scores[c.key] !== undefined; });
    var w = pairs.filter(function (c) { return c.weight > 0; }).map(function (c) { return [c.weight, eff(c, scores[c.key])]; });
    if (!w.length && equalIfZero) { w = pairs.map(function (c) { return [1, eff(c, scores[c.key])]; }); }
    var total = w.reduce(function (a, p) { return a + p[0]; }, 0);
    if (!total) { return null; }
    return w.reduce(function (a, p) { return a + p[0] * p[1]; }, 0) / total;
  }

  function quadrant(i, f) {
    if (i === null || f === null) { return "not scored"; }
    if (i >= 3) { return f >= 3 ? "quick wins" : "strategic bets"; }
    return f >= 3 ? "fill-ins" : "deprioritise";
  }

  function rank(criteria, items) {
    var ranked = items.map(function (it) {
      var impact = weighted(criteria.filter(function (c) { return c.axis === "impact"; }), it.scores, true);
      var feas = weighted(criteria.filter(function (c) { return c.axis === "feasibility"; }), it.scores, true);
      return Object.assign({}, it, { priority: weighted(criteria, it.scores, false), impact: impact, feasibility: feas, quadrant: quadrant(impact, feas) });
    });
    ranked.sort(function (a, b) {
      if ((a.priority === null) !== (b.priority === null)) { return a.priority === null ? 1 : -1; }
      if ((b.priority || 0) !== (a.priority || 0)) { return (b.priority || 0) - (a.priority || 0); }
      return a.title < b.title ? -1 : a.title > b.title ? 1 : 0;
    });
    return ranked;
  }

  function fmt(v, d) { return v === null || v === undefined ? "-" : v.toFixed(d); }

  function cell(tag, text, href) {
    var el = document.createElement(tag);
    if (href) { var a = document.createElement("a"); a.href = href; a.textContent = text; el.appendChild(a); } else { el.textContent = text; }
    return el;
  }

  function renderTable(criteria, ranked) {
    var body = document.querySelector("#ranking tbody");
    if (!body) { return; }
    body.textContent = "";
    ranked.forEach(function (r, i) {
      var tr = document.createElement("tr");
      tr.dataset.id = r.id;
      var breakdown = criteria.filter(function (c) { return r.scores[c.key] !== undefined; }).map(function (c) { return c.name + " " + r.scores[c.key] + "×" + c.weight + "%"; }).join("; ");
      [cell("td", String(i + 1)), cell("th", r.title, r.url), cell("td", r.stage_label), cell("td", r.priority === null ? "not scored" : fmt(r.priority, 2)), cell("td", fmt(r.impact, 1)), cell("td", fmt(r.feasibility, 1)), cell("td", r.quadrant), cell("td", breakdown)].forEach(function (c) { tr.appendChild(c); });
      tr.children[1].scope = "row";
      body.appendChild(tr);
    });
  }

  function plotMatrix(element, ranked) {
    if (!element || typeof window.Plotly === "undefined") { return; }
    var shown = ranked.filter(function (r) { return r.impact !== null && r.feasibility !== null; });
    var maxValue = Math.max.apply(null, shown.map(function (r) { return r.value; }).concat([1]));
    var stages = {};
    shown.forEach(function (r) { (stages[r.stage] = stages[r.stage] || []).push(r); });
    var traces = Object.keys(stages).map(function (stage) {
      var rows = stages[stage];
      return {
        type: "scatter", mode: "markers", name: rows[0].stage_label,
        x: rows.map(function (r) { return r.feasibility; }), y: rows.map(function (r) { return r.impact; }),
        text: rows.map(function (r) { return r.title; }), customdata: rows.map(function (r) { return r.url; }),
        marker: { size: rows.map(function (r) { return 12 + 48 * Math.sqrt(r.value / maxValue); }), color: COLOURS[stage] || "#555", opacity: 0.75, line: { width: 1, color: "#fff" } },
        hovertemplate: "%{text}<br>feasibility %{x:.1f}, impact %{y:.1f}<extra></extra>"
      };
    });
    var label = function (x, y, text) { return { x: x, y: y, text: text, showarrow: false, font: { color: "#555" } }; };
    var layout = {
      xaxis: { title: { text: "Feasibility" }, range: [0.8, 5.2], fixedrange: true },
      yaxis: { title: { text: "Impact" }, range: [0.8, 5.2], fixedrange: true },
      shapes: [{ type: "line", x0: 3, x1: 3, y0: 0.8, y1: 5.2, line: { dash: "dot", color: "#999" } }, { type: "line", y0: 3, y1: 3, x0: 0.8, x1: 5.2, line: { dash: "dot", color: "#999" } }],
      annotations: [label(4.1, 5.05, "Quick wins"), label(1.9, 5.05, "Strategic bets"), label(4.1, 0.95, "Fill-ins"), label(1.9, 0.95, "Deprioritise")],
      margin: { t: 24, r: 16, b: 56, l: 56 }, legend: { orientation: "h" }
    };
    window.Plotly.react(element, traces, layout, { responsive: true, displaylogo: false });
    if (!element.dataset.bound) {
      element.dataset.bound = "1";
      element.on("plotly_click", function (ev) { if (ev.points && ev.points[0]) { window.location.href = ev.points[0].customdata; } });
    }
  }

  function priorities() {
    var form = document.querySelector("[data-roi-weights]");
    if (!form) { return; }
    var data = readJSON(form.dataset.roiWeights);
    if (!data) { return; }
    var items = data.ranked;
    var total = document.getElementById("weights-total");
    function update() {
      var criteria = data.criteria.map(function (c) {
        var input = form.querySelector('input[data-key="' + c.key + '"]');
        var w = input ? parseInt(input.value, 10) : c.weight;
        return Object.assign({}, c, { weight: isNaN(w) ? 0 : w });
      });
      var sum = criteria.reduce(function (a, c) { return a + c.weight; }, 0);
      if (total) { total.textContent = sum + (sum === 100 ? "" : " (must be 100)"); }
      var ranked = rank(criteria, items);
      renderTable(criteria, ranked);
      plotMatrix(document.getElementById("roi-matrix"), ranked);
    }
    form.addEventListener("input", update);
    update();
  }

  function cumulative() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-roi-chart=cumulative]"), function (el) {
      var d = readJSON(el.dataset.source);
      if (!d || typeof window.Plotly === "undefined") { return; }
      window.Plotly.newPlot(el, [
        { type: "scatter", mode: "lines", name: "Cumulative benefit", x: d.x, y: d.benefit, line: { color: "#2e7d32" } },
        { type: "scatter", mode: "lines", name: "Cumulative cost", x: d.x, y: d.cost, line: { color: "#b00020" } }
      ], { title: { text: el.dataset.title || "" }, margin: { t: 48, r: 16, b: 56, l: 72 }, legend: { orientation: "h" } }, { responsive: true, displaylogo: false });
    });
  }

  function start() { priorities(); cumulative(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
