// Small enhancements only; every page works without this file.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (button) {
    window.print();
  }
});

// A sign-in card's QR code carries the one-time code after "#c=" (never sent to a server):
// copy it into the code field, then drop it from the address bar.
(function () {
  var match = /[#&]c=([A-Za-z0-9-]+)/.exec(window.location.hash);
  var field = document.getElementById("code");
  if (match && field) {
    field.value = match[1];
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
  }
})();
