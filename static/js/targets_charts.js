// The program dashboard (targets:dashboard): the funnel of a cohort (how many reached each step) and the monthly
// trend of every measure, drawn with the vendored Chart.js (static/vendor/chartjs). The numbers come from the page
// (`json_script`, id "targets-chart-data"); each chart's canvas names the table beside it that holds the same
// numbers, which stays the accessible version, and the page works without this script.
// Also: the print button, and the area filters kept consistent (choosing a wilayah clears the kecamatan and the
// mentor; choosing a kecamatan clears the wilayah, which it implies, and the mentor).
(() => {
  "use strict";

  const filters = document.getElementById("dashboard-filters");
  if (filters) {
    const field = (name) => filters.querySelector(`[name="${name}"]`);
    const clear = (...names) => {
      for (const name of names) {
        const element = field(name);
        if (element) {
          element.value = "";
        }
      }
    };
    const wilayah = field("wilayah");
    const kecamatan = field("kecamatan");
    if (wilayah) {
      wilayah.addEventListener("change", () => clear("kecamatan", "mentor"));
    }
    if (kecamatan) {
      kecamatan.addEventListener("change", () => clear("wilayah", "mentor"));
    }
  }

  for (const button of document.querySelectorAll("[data-print-page]")) {
    button.addEventListener("click", () => window.print());
  }

  const source = document.getElementById("targets-chart-data");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  const data = JSON.parse(source.textContent);
  if (!data) {
    return;
  }
  const english = (document.documentElement.lang || "id").toLowerCase().startsWith("en");
  const number = new Intl.NumberFormat(english ? "en-US" : "id-ID", { maximumFractionDigits: 0 });
  const colours = ["#0d6efd", "#6610f2", "#198754", "#fd7e14", "#dc3545", "#20c997", "#6f42c1", "#0dcaf0", "#6c757d", "#ffc107"];
  const base = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    plugins: { legend: { position: "bottom" } },
  };

  const funnel = document.getElementById("chart-funnel");
  if (funnel && data.funnel) {
    new window.Chart(funnel, {
      type: "bar",
      data: {
        labels: data.funnel.labels,
        datasets: [{ label: data.names.reached, data: data.funnel.reached, backgroundColor: "#0d6efd" }],
      },
      options: {
        ...base,
        indexAxis: "y",
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${number.format(item.raw)}` } },
        },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  }

  const trend = document.getElementById("chart-trend");
  if (trend && data.trend) {
    new window.Chart(trend, {
      type: "line",
      data: {
        labels: data.trend.labels,
        datasets: data.trend.series.map((series, index) => ({
          label: series.label,
          data: series.data,
          hidden: series.hidden,
          borderColor: colours[index % colours.length],
          backgroundColor: colours[index % colours.length],
        })),
      },
      options: {
        ...base,
        interaction: { mode: "index", intersect: false },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  }
})();
