// The header menu: progressive enhancement of a menu that works without script.
// Without script, on a phone the whole menu is shown stacked under the brand and each group is a
// <details> that opens on its own. With script, a "Menu" button (aria-expanded) shows and hides it,
// Escape closes what is open, and opening one group closes the others. On a desktop the header is
// one line; where a role's menu (or a long name, or a narrow window) would not fit on it, the header
// becomes compact: the same menu button as on a phone.
(function () {
  "use strict";
  var header = document.querySelector("header.site");
  if (!header) { return; }
  var toggle = header.querySelector(".menu-toggle");
  var menu = document.getElementById("site-menu");
  var groups = Array.prototype.slice.call(header.querySelectorAll(".menu-group details"));
  header.classList.add("js");
  function setOpen(open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("open", open);
    if (open) {
      groups.forEach(function (group) { group.open = true; });
    }
  }
  if (toggle && menu) {
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      setOpen(toggle.getAttribute("aria-expanded") !== "true");
    });
  }
  var nav = header.querySelector("nav.menu");
  var top = header.querySelector("nav.menu .menu-top");
  function fit() {
    header.classList.remove("compact");
    var tooLong = (nav && top && top.scrollWidth > nav.clientWidth + 1) || header.scrollWidth > header.clientWidth + 1;
    header.classList.toggle("compact", !!tooLong);
  }
  fit();
  var pending = false;
  window.addEventListener("resize", function () {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; fit(); });
  });
  function phone() { return toggle && window.getComputedStyle(toggle).display !== "none"; }
  groups.forEach(function (group) {
    group.addEventListener("toggle", function () {
      if (group.open && !phone()) {
        groups.forEach(function (other) { if (other !== group) { other.open = false; } });
      }
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var open = groups.filter(function (group) { return group.open; });
    if (!phone() && open.length) {
      open.forEach(function (group) { group.open = false; });
      open[0].querySelector("summary").focus();
    } else if (toggle && toggle.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      toggle.focus();
    }
  });
  // A desktop group left by the keyboard closes, so its open list never covers what has the focus.
  groups.forEach(function (group) {
    group.addEventListener("focusout", function (event) {
      // (Focus going nowhere is a click, which the click handler below judges: a link clicked in the
      // group must not be hidden before its click lands, as where a click does not focus links.)
      if (!phone() && group.open && event.relatedTarget && !group.contains(event.relatedTarget)) { group.open = false; }
    });
  });
  document.addEventListener("click", function (event) {
    if (phone()) { return; }
    groups.forEach(function (group) { if (!group.contains(event.target)) { group.open = false; } });
  });
}());
