// Watchpost admin: small touches on pages that work without JavaScript.
(function () {
  "use strict";
  // Times are written in UTC; show them in the browser's zone too.
  document.querySelectorAll("time[datetime]").forEach(function (t) {
    var d = new Date(t.getAttribute("datetime"));
    if (!isNaN(d)) { t.title = t.textContent; t.textContent = d.toLocaleString(); }
  });
  // Maintenance forms: default the time zone field to the browser's.
  document.querySelectorAll("input[data-browser-zone]").forEach(function (i) {
    try {
      var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (zone && (i.value === "" || i.value === "UTC")) { i.value = zone; }
    } catch (e) { /* keep UTC */ }
  });
})();
