/* Measure page: drag a step to reorder it (the ↑/↓ buttons do the same without dragging).
   The new order is posted to the steps_reorder view, which answers with the re-rendered list. */
(function () {
  "use strict";
  var dragged = null;

  function list() { return document.getElementById("step-list"); }

  document.addEventListener("dragstart", function (event) {
    var item = event.target.closest && event.target.closest("#step-list > li[data-step]");
    if (!item) { return; }
    dragged = item;
    item.classList.add("opacity-50");
    event.dataTransfer.effectAllowed = "move";
  });

  document.addEventListener("dragover", function (event) {
    if (!dragged) { return; }
    var over = event.target.closest && event.target.closest("#step-list > li[data-step]");
    if (!over || over === dragged) { return; }
    event.preventDefault();
    var rect = over.getBoundingClientRect();
    var after = event.clientY > rect.top + rect.height / 2;
    over.parentNode.insertBefore(dragged, after ? over.nextSibling : over);
  });

  document.addEventListener("dragend", function () {
    if (!dragged) { return; }
    dragged.classList.remove("opacity-50");
    dragged = null;
    var ol = list();
    if (!ol || !ol.dataset.reorderUrl || !window.htmx) { return; }
    var ids = Array.prototype.map.call(ol.querySelectorAll("li[data-step]"), function (li) { return li.dataset.step; });
    window.htmx.ajax("POST", ol.dataset.reorderUrl, {
      target: "#steps-block", swap: "outerHTML", values: { step: ids }
    });
  });
})();
