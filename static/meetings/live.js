/* The live meeting room. The server sends each page its own view (a case the agency may not see
   arrives as its number and 非共有 only). Every change carries a number; on reconnect the page asks
   for the changes after its last number. Text from the server is set with textContent only. */
(function () {
  "use strict";
  var root = document.getElementById("meeting-room");
  if (!root || typeof window.io !== "function") { return; }
  var meetingId = Number(root.getAttribute("data-meeting"));
  var config = JSON.parse(document.getElementById("meeting-config").textContent);
  var items = {}, order = [], meeting = null, presence = [], canRun = false, canRecord = false;
  var offset = 0, lastNumber = 0;
  var notes = { itemId: null, base: 0, dirty: false, timer: null, conflict: null };
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (cls) { node.className = cls; }
    return node;
  }
  function say(text) { $("room-message").textContent = text || ""; }

  function setMeeting(m) {
    meeting = m;
    offset = m.server_now - Date.now();
    lastNumber = m.change_number;
    root.setAttribute("data-change-number", String(lastNumber));
    root.setAttribute("data-status", m.status);
    root.setAttribute("data-paused", m.paused ? "yes" : "no");
    $("meeting-status").textContent = m.status_label;
    $("ended-note").hidden = m.status !== "ended";
    var tools = $("runner-tools");
    if (tools) {
      var state = m.status === "live" ? (m.paused ? "paused" : "running") : m.status;
      Array.prototype.forEach.call(tools.querySelectorAll("[data-when]"), function (b) {
        var when = b.getAttribute("data-when");
        b.hidden = !(when === state || (when === "live" && m.status === "live"));
      });
    }
  }

  function applyState(s) {
    items = {};
    s.items.forEach(function (i) { items[i.id] = i; });
    order = s.order;
    canRun = !!s.can_run;
    canRecord = !!s.can_record;
    presence = s.presence || [];
    setMeeting(s.meeting);
    render();
  }

  function applyChange(c) {
    if (c.meeting.change_number < lastNumber) { return; }
    c.items.forEach(function (i) { items[i.id] = i; });
    order = c.order;
    setMeeting(c.meeting);
    render();
  }

  function label(item) {
    if (!item) { return "—"; }
    if (item.hidden) { return item.number + ". " + item.label; }
    var text = item.number + ". [" + item.kind_label + "] ";
    if (item.case) {
      [item.case].concat(item.linked || []).forEach(function (c) {
        text += "ケース " + c.number + " " + c.children.join("、") + " ";
      });
    }
    return text + (item.title || "");
  }

  function renderAgenda() {
    var list = $("agenda");
    list.textContent = "";
    order.forEach(function (id) {
      var item = items[id];
      if (!item) { return; }
      var li = el("li", label(item), "agenda-item" + (item.hidden ? " hidden-item" : ""));
      li.setAttribute("data-item", String(id));
      if (!item.hidden) { li.appendChild(el("span", "予定 " + item.planned_minutes + "分", "planned")); }
      if (meeting && meeting.current_item_id === id && meeting.status === "live") {
        li.appendChild(el("span", "", "running")).id = "item-running";
      }
      if (!item.hidden && item.mark) { li.appendChild(el("span", " " + item.mark_label, "tag mark-" + item.mark)); }
      if (!item.hidden && item.decided) { li.appendChild(el("span", " 決定済み", "tag")); }
      if (meeting && meeting.current_item_id === id) { li.classList.add("current"); li.setAttribute("aria-current", "step"); }
      if (canRun && meeting && meeting.status === "live") {
        var go = el("button", "この議題へ", "link");
        go.type = "button";
        go.addEventListener("click", function () { send("move", { item_id: id }); });
        li.appendChild(go);
      }
      list.appendChild(li);
    });
    var who = $("presence");
    who.textContent = "";
    presence.forEach(function (p) { who.appendChild(el("li", p.agency + " " + p.name)); });
  }

  function select(name, options, value) {
    var s = el("select");
    s.name = name;
    s.appendChild(el("option", "（変更なし）")).value = "";
    options.forEach(function (o) {
      var opt = el("option", o[1]);
      opt.value = String(o[0]);
      if (String(value) === String(o[0])) { opt.selected = true; }
      s.appendChild(opt);
    });
    return s;
  }

  function renderCurrent() {
    var item = meeting && items[meeting.current_item_id];
    $("current-title").textContent = label(item);
    $("planned").textContent = item && !item.hidden ? String(item.planned_minutes) : "--";
    var body = $("current-body");
    if (!item || item.hidden) {
      if (notes.timer && notes.dirty) { clearTimeout(notes.timer); notes.timer = null; saveNotes(); }
      body.textContent = ""; notes.itemId = null; return;
    }
    if (notes.itemId !== item.id) {
      // Moving on saves what was typed for the previous item at once, not after the pause.
      if (notes.timer && notes.dirty) { clearTimeout(notes.timer); notes.timer = null; saveNotes(); }
      body.textContent = "";
      notes.itemId = item.id; notes.base = item.notes_version; notes.dirty = false; notes.conflict = null;
      buildBody(body, item);
    }
    updateBody(item);
  }

  function buildBody(body, item) {
    if (item.case) { body.appendChild(el("div", null, "case-cards")).id = "case-cards"; }
    if (item.reasons && item.reasons.length) { body.appendChild(el("p", "協議の理由: " + item.reasons.join("、"), "reasons")); }
    if (item.draft_policy) { body.appendChild(el("p", "方針案: " + item.draft_policy.replace(/<[^>]*>/g, ""))); }
    body.appendChild(el("h3", "メモ"));
    if (canRecord) {
      var area = el("textarea", null, "notes");
      area.id = "notes";
      area.setAttribute("aria-label", "メモ");
      area.addEventListener("input", function () { notes.dirty = true; scheduleSave(); });
      body.appendChild(area);
      body.appendChild(el("div", null, "conflict-box")).id = "notes-conflict";
    } else {
      body.appendChild(el("div", null, "notes-view")).id = "notes-view";
    }
    body.appendChild(el("h3", "決定"));
    body.appendChild(el("p", null, "decision")).id = "decision-view";
    body.appendChild(el("h3", "役割分担"));
    body.appendChild(el("ul", null, "assignments")).id = "assignments";
    if (canRecord && item.case) { body.appendChild(decisionForm(item)); }
    if (canRecord) { body.appendChild(assignForm(item)); }
  }

  // A labelled control in the form's grid: the label's "for" names the control, so a screen reader
  // and a click on the label reach it; the DOM order is the keyboard order.
  var uid = 0;
  function cell(form, labelText, input, wide) {
    uid += 1;
    input.id = "f" + uid + "-" + input.name;
    var wrap = el("div", null, "form-cell" + (wide ? " wide" : ""));
    var lab = el("label", labelText);
    lab.htmlFor = input.id;
    wrap.appendChild(lab);
    wrap.appendChild(input);
    form.appendChild(wrap);
    return input;
  }
  function textarea(name, value, rows) {
    var t = el("textarea"); t.name = name; t.rows = rows || 2; t.value = value || ""; return t;
  }
  function input(name, value, type) {
    var i = el("input"); i.name = name; i.type = type || "text"; i.value = value || ""; return i;
  }
  var RISKS = [[3, "高"], [2, "中"], [1, "低"]];

  function decisionForm(item) {
    var form = el("form", null, "decision-form grid-form");
    form.setAttribute("aria-label", "決定（会議録の項目）");
    form.appendChild(el("h3", "決定（会議録の項目）", "wide"));
    var plain = function (html) { return (html || "").replace(/<[^>]*>/g, ""); };
    var f = {};
    f.situation = cell(form, "現状", textarea("situation", item.situation, 2), true);
    var risk = select("risk_level", RISKS, item.risk_level || "");
    f.risk = cell(form, "リスクの変更" + (item.case && item.case.risk ? "（現在 " + item.case.risk + "）" : ""), risk);
    f.reason = cell(form, "リスク変更の理由（変更するときは必須）", input("risk_reason", item.risk_reason));
    f.decision = cell(form, "援助方針", textarea("decision", item.decision || plain(item.draft_policy), 3), true);
    f.short = cell(form, "短期目標", textarea("short_goals", item.short_goals, 2));
    f.long = cell(form, "長期目標", textarea("long_goals", item.long_goals, 2));
    var agencies = config.agencies.map(function (a) { return [a.id, a.name]; });
    f.lead = cell(form, "主担当機関", select("lead_agency_id", agencies, item.lead_agency_id));
    f.key = cell(form, "キーパーソン", input("key_person", item.key_person));
    f.review = cell(form, "次回確認時期", input("next_review_on", item.next_review_on, "date"));
    f.closure = cell(form, "終結（理由を選ぶと終結）", select("closure_reason", config.closure_reasons, item.closure_reason));
    // Changing the risk or the lead agency and closing are the facilitator's; a 記録係 keeps them.
    if (!canRun) { [f.risk, f.reason, f.lead, f.closure].forEach(function (c) { c.disabled = true; }); }
    if (item.linked && item.linked.length) {
      form.appendChild(el("p", "この決定は、あわせて扱う各ケースの台帳にそのまま記録されます。", "muted wide"));
    }
    var actions = el("div", null, "wide");
    actions.appendChild(el("button", "決定を記録")).type = "submit";
    form.appendChild(actions);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var now = items[item.id] || item;
      send("decision", { item_id: item.id, decision: f.decision.value, next_review_on: f.review.value,
        situation: f.situation.value, short_goals: f.short.value, long_goals: f.long.value, key_person: f.key.value,
        risk_level: canRun ? f.risk.value : (now.risk_level || ""), risk_reason: canRun ? f.reason.value : (now.risk_reason || ""),
        lead_agency_id: canRun ? f.lead.value : (now.lead_agency_id || ""),
        closure_reason: canRun ? f.closure.value : (now.closure_reason || "") },
        function () { say("決定を記録しました。"); });
    });
    return form;
  }

  function assignForm(item) {
    var form = el("form", null, "assign-form grid-form roles");
    form.setAttribute("aria-label", "役割分担を追加");
    form.appendChild(el("h3", "役割分担を追加", "wide"));
    var agency = cell(form, "機関", select("agency_id", config.agencies.map(function (a) { return [a.id, a.name]; }), ""));
    agency.options[0].textContent = "（選んでください）";
    var person = cell(form, "担当者", input("person", ""));
    var task = cell(form, "役割", input("task", ""));
    var due = cell(form, "期限", input("due_on", "", "date"));
    var actions = el("div", null, "form-cell");
    actions.appendChild(el("button", "役割を追加")).type = "submit";
    form.appendChild(actions);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      send("assign", { item_id: item.id, agency_id: agency.value, person: person.value, task: task.value, due_on: due.value },
        function () { task.value = ""; person.value = ""; due.value = ""; agency.focus(); });
    });
    return form;
  }

  // The case card: what the policy gives this agency; 非共有 (not shared) and 未記録 (nothing
  // recorded) look different, so one is never read as the other.
  function renderCards(item) {
    var box = $("case-cards");
    if (!box || !item.cards) { return; }
    box.textContent = "";
    item.cards.forEach(function (card) {
      var section = el("section", null, "case-card");
      section.setAttribute("aria-label", "ケース " + card.number + " の状況");
      section.appendChild(el("h3", "ケース " + card.number + " の状況"));
      var list = el("dl", null, "props card-rows");
      card.rows.forEach(function (row) {
        list.appendChild(el("dt", row.label));
        var dd = el("dd", null, "state-" + row.state);
        dd.appendChild(el("span", row.value, row.state === "hidden" ? "tag not-shared" : (row.state === "empty" ? "muted" : null)));
        list.appendChild(dd);
      });
      section.appendChild(list);
      box.appendChild(section);
    });
  }

  function updateBody(item) {
    renderCards(item);
    var area = $("notes");
    if (area && !notes.dirty) { area.value = item.notes; notes.base = item.notes_version; }
    if (area && notes.dirty && area.value === item.notes) { notes.base = item.notes_version; notes.dirty = false; }
    var view = $("notes-view");
    if (view) { view.textContent = item.notes || "（まだ記録はありません）"; view.classList.toggle("muted", !item.notes); }
    var decision = $("decision-view");
    var lines = [];
    if (item.situation) { lines.push("現状: " + item.situation); }
    if (item.risk_level) { lines.push("リスクの変更: " + ({3: "高", 2: "中", 1: "低"})[item.risk_level] + "（理由: " + item.risk_reason + "）"); }
    if (item.decision) { lines.push("援助方針: " + item.decision.replace(/<[^>]*>/g, "")); }
    if (item.short_goals) { lines.push("短期目標: " + item.short_goals); }
    if (item.long_goals) { lines.push("長期目標: " + item.long_goals); }
    if (item.key_person) { lines.push("キーパーソン: " + item.key_person); }
    if (item.next_review_label) { lines.push("次回確認: " + item.next_review_label); }
    if (item.lead_agency) { lines.push("主担当機関: " + item.lead_agency); }
    if (item.closure_label) { lines.push("終結: " + item.closure_label); }
    decision.textContent = lines.join("\n") || "（まだ決定はありません）";
    decision.classList.toggle("muted", !lines.length);
    var list = $("assignments");
    list.textContent = "";
    if (!item.assignments.length) { list.appendChild(el("li", "（まだ役割分担はありません）", "muted")); }
    item.assignments.forEach(function (a) {
      var li = el("li", a.agency + (a.person ? "（" + a.person + "）" : "") + "：" + a.task + (a.due_label ? "　期限 " + a.due_label : ""));
      if (canRecord && meeting.status === "live") {
        var remove = el("button", "取消", "link"); remove.type = "button";
        remove.addEventListener("click", function () { send("unassign", { assignment_id: a.id }); });
        li.appendChild(remove);
      }
      list.appendChild(li);
    });
  }

  function scheduleSave() {
    clearTimeout(notes.timer);
    notes.timer = setTimeout(saveNotes, 700);
  }
  function saveNotes() {
    var area = $("notes");
    notes.timer = null;
    if (!area || notes.conflict || notes.itemId === null) { return; }
    var sent = area.value, sentBase = notes.base;
    send("notes", { item_id: notes.itemId, notes: sent, version: sentBase }, function () {
      if (area.value === sent) { notes.dirty = false; }
      notes.base = Math.max(notes.base, sentBase + 1);
    }, function (ack) {
      if (ack.conflict) { showConflict(ack.conflict); }
    });
  }
  function showConflict(c) {
    notes.conflict = c;
    var box = $("notes-conflict");
    box.textContent = "";
    box.className = "conflict";
    box.appendChild(el("p", "他の人がこのメモを更新しました。あなたの入力は上書きされていません。最新の内容:"));
    box.appendChild(el("pre", c.notes));
    var take = el("button", "最新の内容に置き換える"); take.type = "button";
    var keep = el("button", "自分の内容で保存する"); keep.type = "button";
    take.addEventListener("click", function () { $("notes").value = c.notes; resolve(c, false); });
    keep.addEventListener("click", function () { resolve(c, true); });
    box.appendChild(take); box.appendChild(keep);
  }
  function resolve(c, save) {
    notes.base = c.version; notes.conflict = null; notes.dirty = save;
    var box = $("notes-conflict"); box.textContent = ""; box.className = "conflict-box";
    if (save) { saveNotes(); }
  }

  function render() { renderAgenda(); renderCurrent(); tick(); }

  function clock(secs) {
    var mm = Math.floor(secs / 60), ss = secs % 60;
    return (mm < 10 ? "0" : "") + mm + ":" + (ss < 10 ? "0" : "") + ss;
  }
  // Running times come from the server's clock (its time when it sent the state, kept as an offset);
  // while paused they stand still at the pause.
  function tick() {
    var t = $("timer"), over = $("overrun"), whole = $("meeting-clock");
    var live = meeting && meeting.status === "live";
    var now = live && meeting.paused ? meeting.paused_at : Date.now() + offset;
    whole.textContent = live && meeting.started_at
      ? "会議の経過 " + Math.floor(Math.max(0, now - meeting.started_at) / 60000) + "分 / 予定 " + meeting.minutes_planned + "分" : "";
    if (!live || !meeting.item_started_at) { t.textContent = "--:--"; over.hidden = true; t.classList.remove("over"); return; }
    var secs = Math.max(0, Math.floor((now - meeting.item_started_at) / 1000));
    t.textContent = clock(secs) + (meeting.paused ? "（休憩中）" : "");
    var item = items[meeting.current_item_id];
    var late = item && !item.hidden ? secs - item.planned_minutes * 60 : 0;
    t.classList.toggle("over", late > 0);
    over.hidden = !(late > 0);
    over.textContent = late > 0 ? "超過 " + clock(late) : "";
    var running = $("item-running");
    if (running) { running.textContent = clock(secs); running.classList.toggle("over", late > 0); }
  }

  var socket = window.io("/meetings", { transports: ["websocket", "polling"], withCredentials: true });
  function send(event, data, ok, fail) {
    data.meeting_id = meetingId;
    socket.emit(event, data, function (ack) {
      if (ack && ack.ok) { say(""); if (ok) { ok(ack); } }
      else { say(((ack && ack.errors) || ["送信できませんでした。"]).join(" ")); if (fail && ack) { fail(ack); } }
    });
  }
  function connection(on) {
    $("connection").setAttribute("data-state", on ? "on" : "off");
    $("connection-text").textContent = on ? "接続済み（最新の状態を表示中）" : "接続が切れました。再接続しています…";
    root.setAttribute("data-connected", on ? "yes" : "no");
  }
  socket.on("connect", function () {
    connection(true);
    socket.emit("join", { meeting_id: meetingId, last_number: lastNumber });
  });
  socket.on("disconnect", function () { connection(false); });
  socket.on("state", applyState);
  socket.on("change", applyChange);
  socket.on("presence", function (p) { presence = p.presence; renderAgenda(); });

  function step(delta) {
    var at = order.indexOf(meeting.current_item_id);
    var target = order[Math.max(0, Math.min(order.length - 1, at + delta))];
    if (target !== undefined && target !== meeting.current_item_id) { send("move", { item_id: target }); }
  }
  var tools = $("runner-tools");
  if (tools) {
    tools.addEventListener("click", function (e) {
      var action = e.target.getAttribute && e.target.getAttribute("data-action");
      if (action === "prev") { step(-1); }
      else if (action === "next") { step(1); }
      else if (action === "end") { if (window.confirm("会議を終了し、決定を台帳に反映します。よろしいですか。")) { send("end", {}); } }
      else if (action) { send(action, {}); }
    });
    document.addEventListener("keydown", function (e) {
      if (e.altKey && e.key === "ArrowDown") { e.preventDefault(); step(1); }
      if (e.altKey && e.key === "ArrowUp") { e.preventDefault(); step(-1); }
    });
  }
  applyState(JSON.parse(document.getElementById("meeting-state").textContent));
  setInterval(tick, 250);
})();
