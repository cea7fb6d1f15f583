// The charts of the monthly reports page (finance:reports): turnover and profit by month, and the cash at each
// month's end. The numbers come from the page (`json_script`, id "finance-chart-data"); each chart's canvas names
// the table beside it that holds the same numbers, which stays the accessible version, and the page works
// without this script. Drawn with the vendored Chart.js (static/vendor/chartjs).
(() => {
  "use strict";
  const source = document.getElementById("finance-chart-data");
  if (!source || typeof window.Chart === "undefined") {
    return;
  }
  const data = JSON.parse(source.textContent);
  const english = (document.documentElement.lang || "id").toLowerCase().startsWith("en");
  const money = new Intl.NumberFormat(english ? "en-US" : "id-ID", { maximumFractionDigits: 0 });
  const rupiah = (value) => (value === null || value === undefined ? "—" : `Rp ${money.format(value)}`);
  const options = {
    responsive: true,
    animation: false,
    interaction: { mode: "index", intersect: false },
    plugins: {
      legend: { position: "bottom" },
      tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${rupiah(item.raw)}` } },
    },
    scales: { y: { ticks: { callback: (value) => rupiah(value) } } },
  };

  const turnover = document.getElementById("chart-turnover");
  if (turnover) {
    new window.Chart(turnover, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          { type: "bar", label: data.names.turnover, data: data.turnover, backgroundColor: "#0d6efd" },
          {
            type: "line",
            label: data.names.profit,
            data: data.profit,
            borderColor: "#198754",
            backgroundColor: "#198754",
            spanGaps: false,
          },
        ],
      },
      options,
    });
  }

  const cash = document.getElementById("chart-cash");
  if (cash) {
    new window.Chart(cash, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [{ label: data.names.cash, data: data.cash, borderColor: "#6f42c1", backgroundColor: "#6f42c1" }],
      },
      options,
    });
  }
})();
