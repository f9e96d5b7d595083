// Draws every <canvas data-labels-id data-values-id> as a bar chart; the data comes from
// json_script elements rendered by the server.
document.querySelectorAll("canvas[data-labels-id][data-values-id]").forEach((canvas) => {
  if (typeof Chart === "undefined") return;
  const read = (id) => JSON.parse(document.getElementById(id).textContent);
  new Chart(canvas, {
    type: canvas.dataset.type || "bar",
    data: {
      labels: read(canvas.dataset.labelsId),
      datasets: [{ data: read(canvas.dataset.valuesId), backgroundColor: "#9b1c1c" }],
    },
    options: {
      plugins: { legend: { display: false } },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
});
