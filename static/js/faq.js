// Opens the question named in the address (/faq/#slug), also when the hash changes
// after the page has loaded. Without JavaScript every answer is still one click away.
(function () {
  function openFromHash() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    if (!id) return;
    var target = document.getElementById(id);
    if (target && target.tagName === "DETAILS") {
      target.open = true;
      target.querySelector("summary").focus();
    }
  }
  window.addEventListener("hashchange", openFromHash);
  openFromHash();
})();
