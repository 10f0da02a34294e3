// Copy buttons for links shown in read-only fields; without JavaScript the field is selectable.
document.querySelectorAll("[data-copy]").forEach((button) => {
  const field = document.getElementById(button.dataset.copy);
  if (!field || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    navigator.clipboard.writeText(field.value).then(() => { button.textContent = "Copied"; });
  });
});
