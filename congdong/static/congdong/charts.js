// congdong — charts on the staff dashboards. Each <canvas data-chart="ID"> is drawn from the
// JSON in <script type="application/json" id="ID"> (Django's json_script): no inline script,
// so the pages work under a Content-Security-Policy without 'unsafe-inline'. Without this file
// or without Chart.js, the tables under the charts carry the same figures.
(function () {
  "use strict";
  function draw() {
    if (typeof window.Chart === "undefined") return;
    var lang = document.documentElement.lang || "vi";
    var numbers = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var source = document.getElementById(canvas.getAttribute("data-chart"));
      if (!source) return;
      var spec;
      try { spec = JSON.parse(source.textContent); } catch (e) { return; }
      var percent = !!spec.percent;
      var format = function (value) { return numbers.format(value) + (percent ? " %" : ""); };
      new window.Chart(canvas, {
        type: spec.type || "line",
        data: {
          labels: spec.labels,
          datasets: spec.datasets.map(function (set) {
            return {
              label: set.label,
              data: set.data,
              borderColor: set.color,
              backgroundColor: set.color,
              pointRadius: spec.labels.length > 60 ? 0 : 2,
              borderWidth: 2,
              borderDash: set.dashed ? [6, 4] : [],
              tension: 0,  // straight lines: a curve would show values no day had
              spanGaps: true
            };
          })
        },
        options: {
          animation: still ? false : undefined,
          maintainAspectRatio: false,
          interaction: { mode: "index", intersect: false },
          scales: {
            y: {
              beginAtZero: true,
              max: percent ? 100 : undefined,
              ticks: { callback: format }
            },
            x: { ticks: { maxRotation: 0, autoSkip: true } }
          },
          plugins: {
            legend: { position: "bottom" },
            tooltip: {
              callbacks: {
                label: function (item) { return item.dataset.label + ": " + format(item.parsed.y); }
              }
            }
          }
        }
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
