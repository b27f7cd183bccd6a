// The desk's confirmations and bulk actions without inline handlers, which its
// Content-Security-Policy does not run (ops/headers.py): elements carry data-confirm
// (a question asked before a button's form or a form is sent) or data-action (one of
// Flask-Admin's bulk actions, run by its modelActions). Flask-Admin 2.2.1's links to
// "javascript:void(0)" (menu and dropdown toggles, the active tab, the current and
// disabled pages of the pagination, tooltips) do nothing by design; following one would
// be refused by the policy, so their default action is cancelled before it happens
// (capture phase: Bootstrap's own handlers still open the menus).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href]");
    if (link && /^\s*javascript:/i.test(link.getAttribute("href"))) {
      event.preventDefault();
    }
  }, true);
  document.addEventListener("click", function (event) {
    var action = event.target.closest("[data-action]");
    if (action && window.modelActions) {
      event.preventDefault();
      window.modelActions.execute(action.getAttribute("data-action"));
      return;
    }
    var button = event.target.closest("button[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();
