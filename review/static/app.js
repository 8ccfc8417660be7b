// claims review: clicking a value highlights its box on the page image and scrolls to it; clicking a
// box highlights its value. No framework, no build step.
(function () {
  "use strict";

  function clear() {
    document.querySelectorAll(".active").forEach(function (el) {
      el.classList.remove("active");
    });
  }

  function show(boxId) {
    var box = document.getElementById(boxId);
    if (!box) { return false; }
    clear();
    box.classList.add("active");
    document.querySelectorAll('[data-box="' + CSS.escape(boxId) + '"]').forEach(function (el) {
      if (el.classList.contains("value")) { el.classList.add("active"); }
    });
    reveal(box);
    return true;
  }

  // Page images load lazily, and a page has no height until its image is there: the box's own
  // page, or one above it that the scroll brings near, grows after the scroll and pushes the box out
  // of sight. So the box's own image is loaded now, and the box is aimed at again as each image up
  // to it arrives.
  function reveal(box) {
    var where = { behavior: "smooth", block: "center", inline: "center" };
    var own = box.parentElement ? box.parentElement.querySelector("img") : null;
    if (own) { own.loading = "eager"; }
    document.querySelectorAll(".sheet img").forEach(function (img) {
      var before = img === own || (img.compareDocumentPosition(box) & Node.DOCUMENT_POSITION_FOLLOWING);
      if (!before || (img.complete && img.naturalWidth)) { return; }
      img.addEventListener("load", function () {
        if (box.classList.contains("active")) { box.scrollIntoView(where); }
      }, { once: true });
    });
    box.scrollIntoView(where);
  }

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target || target.closest("form, a:not(.show), button, input, select, textarea, summary")) { return; }
    var trigger = target.closest("[data-box]");
    if (trigger) {
      if (show(trigger.getAttribute("data-box"))) { event.preventDefault(); }
      return;
    }
    var box = target.closest(".box");
    if (box) {
      clear();
      box.classList.add("active");
      var first = null;
      document.querySelectorAll('[data-box="' + CSS.escape(box.id) + '"]').forEach(function (el) {
        if (el.classList.contains("value")) {
          el.classList.add("active");
          first = first || el;
        }
      });
      if (first) { first.scrollIntoView({ behavior: "smooth", block: "nearest" }); }
    }
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (target && (event.key === "Enter" || event.key === " ") && target.matches("td.value[data-box]")) {
      event.preventDefault();
      show(target.getAttribute("data-box"));
    }
  });

})();
