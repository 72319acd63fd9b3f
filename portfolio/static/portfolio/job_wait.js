/* A part of a page that waits for background work ([data-job-wait]): poll the user's jobs from
   /jobs/status.json (as the jobs panel does) every two seconds while the jobs in data-jobs run,
   then show their result. data-then="swap": fetch the page again and put this part's fresh copy
   in place (with the error of a job that failed); data-then="reload": reload the page, once every
   job of the polled kinds has ended (a price fetch hands over to a rebuild). No library. */
(function () {
  "use strict";

  function failures(box, ended) {
    ended.filter(function (job) { return job.error; }).forEach(function (job) {
      var p = document.createElement("p");
      p.className = "message error job-error";
      p.textContent = job.kind_label + " failed: " + job.error;
      box.insertBefore(p, box.querySelector("form") || box.firstChild);
    });
  }

  function swap(box, ended) {
    fetch(window.location.href, {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(box.id);
        if (!fresh) { window.location.reload(); return; }
        failures(fresh, ended);
        box.replaceWith(fresh);
        if (fresh.hasAttribute("data-job-wait")) { watch(fresh); }
      })
      .catch(function () { window.location.reload(); });
  }

  function watch(box) {
    var ids = (box.dataset.jobs || "").split(" ").filter(Boolean).map(Number);
    if (!ids.length) { return; }
    function poll() {
      fetch(box.dataset.url, {credentials: "same-origin", headers: {Accept: "application/json"}})
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (data) {
          var watched = data.jobs.filter(function (job) { return ids.indexOf(job.id) >= 0; });
          var busy = watched.some(function (job) { return job.active; });
          if (box.dataset.then === "reload") { busy = busy || data.active; }
          if (busy) { setTimeout(poll, 2000); return; }
          box.dataset.ended = "1";
          if (box.dataset.then === "reload") { window.location.reload(); } else { swap(box, watched); }
        })
        .catch(function () { setTimeout(poll, 5000); });
    }
    setTimeout(poll, 2000);
  }

  document.querySelectorAll("[data-job-wait]").forEach(watch);
})();
