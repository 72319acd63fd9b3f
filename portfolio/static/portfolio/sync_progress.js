/* Sync history: while a sync is queued or running, poll the JSON status every two seconds and
   redraw the runs from it. Plain DOM building (textContent only), no library. */
(function () {
  "use strict";
  var box = document.getElementById("sync-history");
  if (!box) { return; }
  var list = box.querySelector(".sync-runs");
  var note = box.querySelector(".sync-poll-note");

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function progressTable(items) {
    var wrap = el("div", {"class": "table-wrap"});
    var table = el("table", {"class": "table"});
    var head = el("thead");
    var row = el("tr");
    row.appendChild(el("th", {scope: "col"}, "Data"));
    row.appendChild(el("th", {scope: "col", "class": "num"}, "Fetched"));
    row.appendChild(el("th", {scope: "col"}, "Progress"));
    head.appendChild(row);
    table.appendChild(head);
    var body = el("tbody");
    items.forEach(function (item) {
      var tr = el("tr", {"data-dataset": item.dataset});
      tr.appendChild(el("td", {}, item.label));
      var fetched = String(item.fetched) + (item.total === null ? "" : " of " + item.total);
      tr.appendChild(el("td", {"class": "num"}, fetched));
      var cell = el("td");
      if (item.percent !== null) {
        var bar = el("progress", {max: "100", value: String(item.percent), "aria-label": item.label},
          item.percent + "%");
        cell.appendChild(bar);
        cell.appendChild(document.createTextNode(" "));
      }
      cell.appendChild(el("span", {"class": "muted small"}, item.state));
      tr.appendChild(cell);
      body.appendChild(tr);
    });
    table.appendChild(body);
    wrap.appendChild(table);
    return wrap;
  }

  function runArticle(run) {
    var article = el("article", {"class": "sync-run sync-" + run.state, "data-number": String(run.number)});
    var h = el("h2", {"class": "small"});
    h.appendChild(document.createTextNode("Sync #" + run.number + " · "));
    h.appendChild(el("a", {href: box.dataset.connectionUrl.replace("0", String(run.connection))},
      run.connection_label));
    h.appendChild(document.createTextNode(" · "));
    h.appendChild(el("span", {"class": "sync-state"}, run.state_label));
    h.appendChild(document.createTextNode(" · " + run.trigger + (run.full ? " (full history)" : "") + " · "));
    h.appendChild(el("span", {"class": "muted"},
      run.created_display + (run.finished_display ? " – " + run.finished_display : "")));
    article.appendChild(h);
    if (run.error) { article.appendChild(el("p", {"class": "message error sync-error"}, run.error)); }
    if (run.progress.length) { article.appendChild(progressTable(run.progress)); }
    return article;
  }

  function draw(data) {
    if (!data.runs.length) { return; }
    list.replaceChildren.apply(list, data.runs.map(runArticle));
  }

  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) {
        draw(data);
        box.dataset.active = data.active ? "1" : "";
        if (note) { note.hidden = !data.active; }
        if (data.active) { setTimeout(poll, 2000); }
      })
      .catch(function () { setTimeout(poll, 5000); });
  }

  if (box.dataset.active) {
    if (note) { note.hidden = false; }
    setTimeout(poll, 2000);
  }
})();
