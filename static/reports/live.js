/* Live report alerts and notices: a toast on any page that loads this script, and on the alert
   list a new row on top (unacknowledged alerts stay on top) without reloading. Text is inserted
   with textContent only. */
(function () {
  "use strict";
  if (!window.portalRealtime || window.reportsLive) { return; }
  window.reportsLive = true;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function toastRegion() {
    var region = document.getElementById("live-toasts");
    if (!region) {
      region = el("div", { id: "live-toasts", "class": "live-toasts", role: "status", "aria-live": "polite" });
      document.body.appendChild(region);
    }
    return region;
  }

  function toast(title, text, url) {
    var box = el("div", { "class": "toast" });
    box.appendChild(el("strong", {}, title));
    box.appendChild(el("span", {}, " " + text + " "));
    if (url) { box.appendChild(el("a", { href: url }, "開く")); }
    toastRegion().prepend(box);
  }

  function setOpenCount(count) {
    document.querySelectorAll("[data-open-alerts]").forEach(function (node) {
      node.textContent = String(count);
    });
  }

  function ackForm(alert) {
    var form = el("form", { method: "post", action: alert.ack_url, "class": "ack-form" });
    var token = document.querySelector('meta[name="csrf-token"]');
    form.appendChild(el("input", { type: "hidden", name: "csrf_token", value: token ? token.content : "" }));
    var template = document.getElementById("ack-action-template");
    if (template) { form.appendChild(template.content.cloneNode(true)); }
    return form;
  }

  function addRow(alert) {
    var list = document.querySelector("#alert-list tbody");
    if (!list || document.getElementById("alert-" + alert.id)) { return; }
    var row = el("tr", { id: "alert-" + alert.id, "class": "alert-open new" });
    row.appendChild(el("td", {}, alert.created_at));
    var reasons = el("td", {});
    alert.reasons.forEach(function (reason) { reasons.appendChild(el("span", { "class": "tag danger" }, reason)); });
    row.appendChild(reasons);
    row.appendChild(el("td", {}, alert.agency));
    var who = el("td", {});
    who.appendChild(el("a", { href: alert.case_url }, alert.child));
    who.appendChild(el("div", { "class": "muted" }, alert.case_number));
    row.appendChild(who);
    row.appendChild(el("td", {}, alert.summary));
    var status = el("td", {});
    status.appendChild(el("span", { "class": "tag warn" }, "未確認"));
    status.appendChild(ackForm(alert));
    row.appendChild(status);
    list.prepend(row);
    var empty = document.getElementById("alert-list-empty");
    if (empty) { empty.hidden = true; }
  }

  window.portalRealtime.on("report_alert", function (alert) {
    addRow(alert);
    setOpenCount(alert.open_count);
    toast("新しいアラート", alert.reasons.join("・") + "（" + alert.agency + "）", alert.url);
  });

  window.portalRealtime.on("report_alert_ack", function (alert) {
    setOpenCount(alert.open_count);
    var row = document.getElementById("alert-" + alert.id);
    if (row && row.classList.contains("alert-open")) {
      row.classList.remove("alert-open");
      var cell = row.lastElementChild;
      cell.textContent = "";
      cell.appendChild(el("span", { "class": "tag ok" }, "確認済み"));
      cell.appendChild(el("div", {}, alert.action + "（" + alert.acknowledged_by + "・" + alert.acknowledged_at + "）"));
    }
  });

  window.portalRealtime.on("notification", function (notice) {
    toast("お知らせ", notice.title, notice.url);
    document.querySelectorAll("[data-unread-notices]").forEach(function (node) {
      node.textContent = String(notice.unread);
    });
  });
})();
