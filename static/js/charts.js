// Draws every <canvas data-labels data-values> as a bar chart (data from the server).
document.querySelectorAll("canvas[data-labels][data-values]").forEach((canvas) => {
  if (typeof Chart === "undefined") return;
  new Chart(canvas, {
    type: canvas.dataset.type || "bar",
    data: {
      labels: JSON.parse(canvas.dataset.labels),
      datasets: [{ data: JSON.parse(canvas.dataset.values), backgroundColor: "#9b1c1c" }],
    },
    options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } },
  });
});
