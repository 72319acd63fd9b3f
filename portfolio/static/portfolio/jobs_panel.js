/* "Background work": the user's latest jobs (sync, rebuild, price fetch, import) from
   /jobs/status.json, polled every two seconds while one is queued or running. No library. */
(function () {
  "use strict";
  var box = document.getElementById("jobs-panel");
  if (!box) { return; }
  var list = box.querySelector("ul");

  function line(job) {
    var li = document.createElement("li");
    li.className = "job job-" + job.state;
    li.dataset.kind = job.kind;
    var text = job.kind_label + " · ";
    li.appendChild(document.createTextNode(text));
    var state = document.createElement("span");
    state.className = "job-state";
    state.textContent = job.state_label;
    li.appendChild(state);
    var p = job.progress || {};
    var detail = [];
    if (p.stage) { detail.push(p.stage); }
    if (p.total) { detail.push((p.done || 0) + " of " + p.total); }
    detail.push(job.finished ? "ended " + job.finished_display : "asked " + job.created_display);
    var muted = document.createElement("span");
    muted.className = "muted small";
    muted.textContent = " · " + detail.join(" · ");
    li.appendChild(muted);
    if (job.error) {
      var error = document.createElement("span");
      error.className = "bad small";
      error.textContent = " " + job.error;
      li.appendChild(error);
    }
    return li;
  }

  function poll() {
    fetch(box.dataset.url, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) {
        var jobs = data.jobs.slice(0, 6);
        list.replaceChildren.apply(list, jobs.map(line));
        box.hidden = jobs.length === 0;
        box.dataset.active = data.active ? "1" : "0";
        if (data.active) { setTimeout(poll, 2000); }
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  poll();
})();
