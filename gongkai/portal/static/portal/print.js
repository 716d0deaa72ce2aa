// the print button without an inline handler (Content-Security-Policy: no inline script)
document.querySelectorAll("button.print").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
