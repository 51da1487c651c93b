// The consultation form works fully without this file. With it: the error summary takes focus
// (it is already announced as an alert), its links focus the field, and the note shows how many
// characters are left.
(function () {
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) return;
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      field.scrollIntoView({ block: "center" });
      field.focus();
    });
  }

  var counters = document.querySelectorAll("[data-counter-for]");
  Array.prototype.forEach.call(counters, function (counter) {
    var field = document.getElementById(counter.getAttribute("data-counter-for"));
    var limit = field && parseInt(field.getAttribute("maxlength"), 10);
    if (!limit) return;
    var timer = null;
    function update() {
      var left = limit - field.value.length;
      // The words come from the page, in its language: data-one-left, data-many-left, data-too-many.
      var words = left === 1
        ? counter.getAttribute("data-one-left")
        : counter.getAttribute(left >= 0 ? "data-many-left" : "data-too-many");
      counter.textContent = words.replace("{n}", Math.abs(left));
    }
    field.addEventListener("input", function () {
      // Wait for a pause in typing, so screen readers are not interrupted on every key.
      window.clearTimeout(timer);
      timer = window.setTimeout(update, 400);
    });
    update();
    counter.hidden = false;
  });
})();
