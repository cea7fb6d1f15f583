// Progressive enhancement only: the secret can be selected and copied by hand without it.
// A button with data-copy-target copies that field's value and says so in its status element.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("button[data-copy-target]").forEach((button) => {
    const field = document.getElementById(button.dataset.copyTarget);
    const status = document.getElementById(button.dataset.copyStatus);
    if (!field) return;
    button.hidden = false;
    button.addEventListener("click", async () => {
      field.select();
      try {
        await navigator.clipboard.writeText(field.value);
      } catch (error) {
        document.execCommand("copy");
      }
      if (status) status.textContent = button.dataset.copiedText;
    });
  });
});
