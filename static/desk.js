// Staff desk: choosing a canned response fills the reply box (it can then be edited).
(function () {
  "use strict";
  document.querySelectorAll("select[data-fills]").forEach(function (select) {
    var target = document.getElementById(select.getAttribute("data-fills"));
    if (!target) { return; }
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      var body = option ? option.getAttribute("data-body") : null;
      if (body && (!target.value.trim() || window.confirm(select.getAttribute("data-confirm") || "?"))) {
        target.value = body;
        target.focus();
      }
    });
  });
})();
