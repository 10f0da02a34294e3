// Clickable body chart: a region click (or Enter/Space) ticks the matching checkbox below the
// chart, so the form works the same with or without JavaScript. Choosing a region the plan
// avoids, or ticking a technique it avoids, shows a warning and asks for confirmation.
(function () {
  function init(chart) {
    var form = chart.closest("form");
    var warning = document.getElementById("avoid-warning");
    var warningText = document.getElementById("avoid-warning-text");
    function box(region) {
      return form.querySelector('input[name="regions"][value="' + region + '"]');
    }
    function refresh() {
      var avoided = [];
      chart.querySelectorAll(".region").forEach(function (shape) {
        var input = box(shape.dataset.region);
        if (!input) return;
        shape.classList.toggle("selected", input.checked);
        shape.setAttribute("aria-pressed", input.checked ? "true" : "false");
        if (input.checked && input.dataset.avoid) avoided.push(input.dataset.label + " (" + input.dataset.avoid + ")");
      });
      form.querySelectorAll('input[name="techniques"][data-avoid]').forEach(function (input) {
        if (input.checked) avoided.push(input.dataset.label + " (" + input.dataset.avoid + ")");
      });
      if (warning) {
        warning.hidden = avoided.length === 0;
        warningText.textContent = avoided.join("; ");
      }
    }
    function toggle(shape) {
      var input = box(shape.dataset.region);
      if (!input) return;
      input.checked = !input.checked;
      refresh();
    }
    chart.querySelectorAll(".region").forEach(function (shape) {
      shape.setAttribute("role", "button");
      shape.addEventListener("click", function () { toggle(shape); });
      shape.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); toggle(shape); }
      });
    });
    form.querySelectorAll('input[name="regions"], input[name="techniques"]').forEach(function (input) {
      input.addEventListener("change", refresh);
    });
    refresh();
  }
  document.querySelectorAll("[data-bodychart]").forEach(init);
})();
