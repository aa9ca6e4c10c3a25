/* The agenda's drag and drop on the meeting page, with SortableJS (static/vendor/Sortable.min.js).
   A dropped item is sent to the server as its new number; the server decides, and the list then
   shows the order it answers with. On an error the list goes back to the server's order and the
   message says why. The keyboard and pages without JavaScript use the ↑/↓ buttons. */
(function () {
  "use strict";
  var list = document.getElementById("agenda-list");
  if (!list || list.getAttribute("data-sortable") !== "yes" || typeof window.Sortable !== "function") {
    return;
  }
  var message = document.getElementById("agenda-message");
  var token = document.querySelector('meta[name="csrf-token"]');
  // Answers that are error pages rather than JSON (the portal's own texts for them).
  var FAILED = {
    400: "送信を受け付けられませんでした。画面を開き直してから、もう一度お試しください。",
    403: "この操作は許可されていません。",
    404: "議題が見つかりません。画面を開き直してください。"
  };
  var UNSAVED = "順番を保存できませんでした。画面を開き直してから、もう一度お試しください。";
  var before = [];

  function rows() {
    return Array.prototype.filter.call(list.children, function (li) { return li.hasAttribute("data-item"); });
  }

  function orderOnPage() {
    return rows().map(function (li) { return li.getAttribute("data-item"); });
  }

  function say(text, kind) {
    message.textContent = text || "";
    message.className = text ? "flash flash-" + kind : "";
    message.hidden = !text;
  }

  /* Put the rows in the given order of item ids and renumber them, as the server would draw them. */
  function show(order) {
    var byId = {};
    rows().forEach(function (li) { byId[li.getAttribute("data-item")] = li; });
    order.forEach(function (id) {
      var li = byId[String(id)];
      if (li) { list.appendChild(li); }
    });
    var all = rows();
    all.forEach(function (li, index) {
      var number = li.querySelector(".number");
      if (number) { number.textContent = String(index + 1) + "."; }
      var up = li.querySelector('button[name="direction"][value="up"]');
      var down = li.querySelector('button[name="direction"][value="down"]');
      if (up) { up.disabled = index === 0; }
      if (down) { down.disabled = index === all.length - 1; }
    });
    return orderOnPage().join(",") === order.map(String).join(",");
  }

  function answerOf(response) {
    var type = response.headers.get("Content-Type") || "";
    var body = type.indexOf("application/json") === 0 ? response.json() : Promise.resolve(null);
    return body.then(function (data) { return { status: response.status, data: data }; });
  }

  function finish() {
    list.removeAttribute("aria-busy");
    sortable.option("disabled", false);
  }

  function send(li) {
    var position = rows().indexOf(li) + 1;
    var body = new URLSearchParams();
    body.set("position", String(position));
    list.setAttribute("aria-busy", "true");
    sortable.option("disabled", true);
    fetch(li.getAttribute("data-place-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": token ? token.content : "" },
      body: body
    })
      .then(answerOf)
      .then(function (answer) {
        var data = answer.data;
        if (data && data.ok) {
          var complete = show(data.order);
          say(complete ? data.message : data.message + "（ほかの変更があります。画面を開き直してください。）",
            "info");
        } else {
          show(data && data.order ? data.order : before);
          say(data && data.errors ? data.errors.join(" ") : FAILED[answer.status] || UNSAVED, "error");
        }
      })
      .catch(function () {
        show(before);
        say(UNSAVED, "error");
      })
      .then(finish);
  }

  var sortable = window.Sortable.create(list, {
    draggable: "li[data-item]",
    handle: ".drag-handle",
    animation: 150,
    ghostClass: "drag-ghost",
    chosenClass: "drag-chosen",
    onStart: function () {
      before = orderOnPage();
      say("");
    },
    onEnd: function (event) {
      if (orderOnPage().join(",") !== before.join(",")) { send(event.item); }
    }
  });

  list.querySelectorAll(".drag-handle").forEach(function (handle) { handle.hidden = false; });
  list.setAttribute("data-ready", "yes");
})();
