// Trend charts of the KPI dashboard. Each tile has a table with its numbers (always in the
// page, for screen readers and without JavaScript); this script reads that table and draws
// the same numbers with Chart.js above it. Tiles that htmx loads later are drawn when they
// arrive. No inline script or style: everything the chart needs is in data- attributes.
(function () {
  "use strict";

  var SERIES = {
    group: { colour: "#0b5cad", dash: [], width: 3, points: 3 },
    target: { colour: "#1b1f23", dash: [6, 4], width: 2, points: 2 },
    average: { colour: "#4a5560", dash: [2, 3], width: 2, points: 2 }
  };

  function number(cell) {
    var raw = cell ? cell.getAttribute("data-value") : "";
    if (raw === null || raw === "") {
      return null;
    }
    var value = parseFloat(raw);
    return isNaN(value) ? null : value;
  }

  function readTable(table) {
    var heads = table.querySelectorAll("thead th[data-series]");
    var rows = table.querySelectorAll("tbody tr");
    var labels = [];
    var datasets = [];
    heads.forEach(function (head, index) {
      var key = head.getAttribute("data-series");
      var look = SERIES[key] || SERIES.group;
      var data = [];
      rows.forEach(function (row) {
        data.push(number(row.querySelectorAll("td")[index]));
      });
      if (data.some(function (v) { return v !== null; })) {
        datasets.push({
          label: head.textContent.trim(),
          data: data,
          borderColor: look.colour,
          backgroundColor: look.colour,
          borderDash: look.dash,
          borderWidth: look.width,
          pointRadius: look.points,
          spanGaps: false,
          stepped: key === "target" ? "middle" : false
        });
      }
    });
    rows.forEach(function (row) {
      var head = row.querySelector("th");
      labels.push(head ? head.getAttribute("data-short") || head.textContent.trim() : "");
    });
    return { labels: labels, datasets: datasets };
  }

  function draw(holder) {
    if (holder.getAttribute("data-drawn") || typeof window.Chart === "undefined") {
      return;
    }
    var table = document.getElementById(holder.getAttribute("data-chart-for"));
    if (!table) {
      return;
    }
    var data = readTable(table);
    if (!data.datasets.length) {
      return;
    }
    holder.setAttribute("data-drawn", "1");
    var suffix = table.getAttribute("data-suffix") || "";
    var locale = document.documentElement.lang || "nl";
    var format = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
    var canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    var caption = table.querySelector("caption");
    canvas.setAttribute(
      "aria-label",
      (caption ? caption.textContent.trim() : "") + " (" + (holder.getAttribute("data-label") || "") + ")"
    );
    holder.appendChild(canvas);
    new window.Chart(canvas, {
      type: "line",
      data: data,
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        locale: locale,
        interaction: { mode: "index", intersect: false },
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 24, boxHeight: 2 } },
          tooltip: {
            callbacks: {
              label: function (item) {
                return item.dataset.label + ": " + format.format(item.parsed.y) + suffix;
              }
            }
          }
        },
        scales: {
          x: { ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 6 } },
          y: {
            beginAtZero: true,
            ticks: {
              callback: function (value) {
                return format.format(value) + suffix;
              }
            }
          }
        }
      }
    });
  }

  function drawIn(root) {
    if (!root || !root.querySelectorAll) {
      return;
    }
    if (root.matches && root.matches("[data-chart-for]")) {
      draw(root);
    }
    root.querySelectorAll("[data-chart-for]").forEach(draw);
  }

  // htmx:load fires for the page and for every piece htmx swaps in (a tile, a skeleton).
  document.addEventListener("htmx:load", function (event) {
    drawIn(event.detail && event.detail.elt);
  });
  document.addEventListener("DOMContentLoaded", function () {
    drawIn(document.body);
  });
})();
