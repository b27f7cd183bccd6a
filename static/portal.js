// Small progressive enhancements for the portal forms; without JavaScript they still work.
(function () {
  "use strict";

  // Show the chosen help topic's description.
  var topic = document.getElementById("topic");
  var description = document.getElementById("topic-description");
  if (topic && description) {
    topic.addEventListener("change", function () {
      var option = topic.options[topic.selectedIndex];
      var text = option ? option.getAttribute("data-description") : "";
      description.textContent = text || "";
      description.hidden = !text;
    });
  }

  // Send the new-ticket form once: later clicks while it is on its way do nothing (the
  // server also knows a repeated form by its one-time key). Coming back to the page with
  // the browser's Back button makes the button usable again.
  document.querySelectorAll("form.ticket-form").forEach(function (form) {
    var button = form.querySelector("button[type=submit]");
    function sending(yes) {
      form.toggleAttribute("data-sending", yes);
      if (!button) { return; }
      button.classList.toggle("disabled", yes);
      button.setAttribute("aria-disabled", yes ? "true" : "false");
    }
    form.addEventListener("submit", function (event) {
      if (form.hasAttribute("data-sending")) { event.preventDefault(); return; }
      sending(true);
    });
    window.addEventListener("pageshow", function () { sending(false); });
  });

  // List the chosen files, each with a Remove button, before the form is sent.
  if (typeof DataTransfer === "undefined") { return; }
  // "45 B", "1,2 KB", "2,5 MB" as on the helpdesk's pages (helpdesk/display.py): steps of
  // 1024, one decimal at most, a decimal comma except in English.
  function fileSize(bytes) {
    var units = ["B", "KB", "MB", "GB"];
    var value = bytes;
    var unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit += 1;
    }
    if (unit === 0) { return bytes + " B"; }
    var text = String(Math.round(value * 10) / 10);
    if (document.documentElement.lang !== "en") { text = text.replace(".", ","); }
    return text + " " + units[unit];
  }

  document.querySelectorAll(".chosen-files").forEach(function (list) {
    var input = document.getElementById(list.getAttribute("data-for"));
    if (!input) { return; }
    var maxFiles = parseInt(input.getAttribute("data-max-files"), 10);
    var maxBytes = parseInt(input.getAttribute("data-max-bytes"), 10);
    var accepted = (input.getAttribute("accept") || "").toLowerCase().split(",");
    var chosen = [];

    function key(file) { return file.name + "|" + file.size + "|" + file.lastModified; }
    function sync() {
      var transfer = new DataTransfer();
      chosen.forEach(function (file) { transfer.items.add(file); });
      input.files = transfer.files;
      render();
    }
    function render() {
      list.innerHTML = "";
      chosen.forEach(function (file, index) {
        var item = document.createElement("li");
        item.className = "list-group-item d-flex justify-content-between align-items-center";
        var name = document.createElement("span");
        name.textContent = file.name + " (" + fileSize(file.size) + ")";
        var dot = file.name.lastIndexOf(".");
        var extension = dot > 0 ? file.name.slice(dot).toLowerCase() : "";
        var problem = accepted.indexOf(extension) === -1 ? "data-label-bad-type"
          : file.size > maxBytes ? "data-label-too-large" : null;
        if (problem) {
          name.textContent += " — " + list.getAttribute(problem);
          item.classList.add("list-group-item-danger");
        }
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "btn btn-sm btn-outline-danger remove-file";
        remove.textContent = list.getAttribute("data-label-remove");
        remove.setAttribute("aria-label", list.getAttribute("data-label-remove") + " " + file.name);
        remove.addEventListener("click", function () {
          chosen.splice(index, 1);
          sync();
          input.focus();
        });
        item.appendChild(name);
        item.appendChild(remove);
        list.appendChild(item);
      });
      if (chosen.length > maxFiles) {
        var warning = document.createElement("li");
        warning.className = "list-group-item list-group-item-warning";
        warning.textContent = list.getAttribute("data-label-too-many");
        list.appendChild(warning);
      }
      list.hidden = chosen.length === 0;
    }
    input.addEventListener("change", function () {
      var known = chosen.map(key);
      Array.prototype.forEach.call(input.files, function (file) {
        if (known.indexOf(key(file)) === -1) { chosen.push(file); }
      });
      sync();
    });
  });
})();
