// The print button of the draft notice (no inline handlers: the CSP refuses them).
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("print-notice");
  if (button) button.addEventListener("click", () => window.print());
});
