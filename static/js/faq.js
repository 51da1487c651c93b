// Opens the question named in the address (/faq/#slug), also when the hash changes
// after the page has loaded. Without JavaScript every answer is still one click away.
(function () {
  function questionFromHash() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    return target && target.tagName === "DETAILS" ? target : null;
  }
  function openFromHash() {
    var target = questionFromHash();
    if (!target) return;
    target.open = true;
    target.querySelector("summary").focus();
  }
  window.addEventListener("hashchange", openFromHash);
  // Open the question at once; move focus to it only once the page has loaded, because the
  // browser's own jump to the #fragment on load takes focus away from anything focused earlier.
  var initial = questionFromHash();
  if (initial) initial.open = true;
  if (document.readyState === "complete") openFromHash();
  else window.addEventListener("load", function () { setTimeout(openFromHash, 0); });
})();
