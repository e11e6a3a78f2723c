// Boxes that scroll sideways (.scroll-x: tables and charts wider than a phone) say so while their
// content is wider than they are: a line above the box, in the page's language (main[data-scroll-cue]),
// so that columns cut off at the screen's edge are not taken for the whole table. Without script the
// boxes scroll all the same.
(function () {
  "use strict";
  var main = document.querySelector("main[data-scroll-cue]");
  if (!main) { return; }
  var text = main.getAttribute("data-scroll-cue");
  function mark() {
    main.querySelectorAll(".scroll-x").forEach(function (box) {
      var cue = box.previousElementSibling;
      var shown = !!cue && cue.classList.contains("scroll-cue");
      var wide = box.scrollWidth > box.clientWidth + 1;
      if (wide && !shown) {
        cue = document.createElement("p");
        cue.className = "scroll-cue";
        cue.setAttribute("aria-hidden", "true");  // a screen reader moves through the table cell by cell
        cue.textContent = text;
        box.parentNode.insertBefore(cue, box);
      } else if (!wide && shown) {
        cue.remove();
      }
    });
  }
  mark();
  window.addEventListener("resize", mark);
}());
