// Dashboard: the two dates of the period are shown, and sent, only when "Dates below" is
// chosen. Without this script they stay visible and the server reads them only then.
(function () {
  "use strict";
  var period = document.getElementById("period");
  var dates = document.getElementById("report-custom-dates");
  if (!period || !dates) { return; }
  function sync() {
    var custom = period.value === "custom";
    dates.hidden = !custom;
    dates.querySelectorAll("input").forEach(function (input) { input.disabled = !custom; });
  }
  period.addEventListener("change", sync);
  sync();
})();
