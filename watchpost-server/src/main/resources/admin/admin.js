// Watchpost admin: small touches on pages that work without JavaScript.
(function () {
  "use strict";
  // Times are written as on the status page and in alerts (status-page.time-zone); the browser's own zone is in the tooltip.
  document.querySelectorAll("time[datetime]").forEach(function (t) {
    var d = new Date(t.getAttribute("datetime"));
    if (!isNaN(d)) { t.title = d.toLocaleString(); }
  });
  // A new maintenance window, while no zone is configured: default the time zone field to the browser's.
  document.querySelectorAll("input[data-browser-zone]").forEach(function (i) {
    try {
      var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (zone && (i.value === "" || i.value === "UTC")) { i.value = zone; }
    } catch (e) { /* keep UTC */ }
  });
})();
