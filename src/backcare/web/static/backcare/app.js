// Small behaviours once written inline (onclick), which the Content-Security-Policy refuses:
// a read-only link field selects itself when clicked; a Print link prints the page.
document.querySelectorAll("[data-select]").forEach((field) => {
  field.addEventListener("click", () => field.select());
});
document.querySelectorAll("[data-print]").forEach((link) => {
  link.addEventListener("click", (event) => {
    event.preventDefault();
    window.print();
  });
});
