// The walk-in form and its receipt. Progressive enhancement only: without it every document is offered, each
// saying when it is needed, and the browser's own print works on the receipt.
//
// The documents each answer needs come from the server (#walk-in-document-rules, made from
// registration.eligibility.required_documents): this script holds no rule of its own, it only shows the
// documents the current answers need and hides (and empties) the others.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("assisted-form");
  const rulesScript = document.getElementById("walk-in-document-rules");
  if (form && rulesScript) {
    const rules = JSON.parse(rulesScript.textContent);
    const help = document.getElementById("walk-in-documents-help");
    const originalHelp = help ? help.textContent : "";
    const checked = (name) => {
      const input = form.querySelector(`input[name='${name}']:checked`);
      return input ? input.value : null;
    };
    const update = () => {
      const track = checked("person-track");
      const jakarta = checked("person-jakarta_ktp") || "True";
      const basisSelect = form.querySelector("[name='person-non_jakarta_basis']");
      const basis = jakarta === "True" || !basisSelect ? "" : basisSelect.value;
      const needed = track ? rules[`${track}|${jakarta}|${basis}`] : null;
      form.querySelectorAll("input[type=file][data-document-kind]").forEach((input) => {
        const wrapper = document.getElementById(`div_${input.id}`) || input.closest(".mb-3");
        const show = !needed || needed.includes(input.dataset.documentKind);
        if (wrapper) wrapper.hidden = !show;
        if (!show) input.value = "";
      });
      if (help) help.textContent = needed ? help.dataset.narrowed : originalHelp;
    };
    form.addEventListener("change", (event) => {
      if (event.target.name && event.target.name.startsWith("person-")) update();
    });
    update();
  }

  document.querySelectorAll("[data-print]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  });
});
