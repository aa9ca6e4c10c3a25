/* The minutes editor: each rich field becomes an editable box with 太字・斜体・箇条書き buttons.
   The box starts from the stored, server-cleaned HTML (a <template>, never shown as text) and posts
   its HTML under the field's own name; the server keeps only what portal/sanitize.py allows.
   Without this script the page posts the plain lines of the textarea instead. */
(function () {
  "use strict";
  var COMMANDS = [["bold", "太字"], ["italic", "斜体"], ["insertUnorderedList", "箇条書き"]];
  Array.prototype.forEach.call(document.querySelectorAll(".rich-field[data-rich]"), function (wrap) {
    var name = wrap.getAttribute("data-rich");
    var area = wrap.querySelector("textarea");
    var source = wrap.querySelector("template.rich-html");
    var label = wrap.querySelector("label");
    var box = document.createElement("div");
    box.className = "rich-editor";
    box.contentEditable = "true";
    box.setAttribute("role", "textbox");
    box.setAttribute("aria-multiline", "true");
    box.id = name + "-editor";
    box.setAttribute("aria-label", label.textContent);
    box.appendChild(source.content.cloneNode(true));
    var hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = name;
    var bar = document.createElement("div");
    bar.className = "rich-toolbar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", label.textContent + "の書式");
    COMMANDS.forEach(function (c) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = c[1];
      b.addEventListener("mousedown", function (e) { e.preventDefault(); });
      b.addEventListener("click", function () { box.focus(); document.execCommand(c[0], false, null); sync(); });
      bar.appendChild(b);
    });
    function sync() { hidden.value = box.innerHTML; }
    box.addEventListener("input", sync);
    label.htmlFor = box.id;
    label.addEventListener("click", function () { box.focus(); });
    area.hidden = true;
    area.removeAttribute("name");
    wrap.appendChild(bar);
    wrap.appendChild(box);
    wrap.appendChild(hidden);
    sync();
  });
})();
