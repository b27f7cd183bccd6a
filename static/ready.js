// Marks the page as ready to use, <html data-ready>, once every script on it has attached its
// listeners: after the load event (every script of the page has run by then) and, on pages
// with jQuery (the staff desk), after the jQuery "ready" handlers registered so far.
// Automated browsers wait for the mark before they act (tests/browser/steps.py).
(function () {
  "use strict";
  function mark() { document.documentElement.setAttribute("data-ready", ""); }
  window.addEventListener("load", function () {
    if (window.jQuery) { window.jQuery(mark); } else { mark(); }
  });
})();
