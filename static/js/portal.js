// Progressive enhancement only: every page works without it.
// Registration forms: the questions for people without a Jakarta KTP show only when they answer "No".
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input[type=radio][name$='jakarta_ktp']").forEach((radio) => {
    const prefix = radio.name.slice(0, -"jakarta_ktp".length);
    const dependent = ["non_jakarta_basis", "domicile_since", "partner_activity"]
      .map((name) => document.getElementById(`div_id_${prefix}${name}`))
      .filter(Boolean);
    const update = () => {
      const checked = document.querySelector(`input[name='${radio.name}']:checked`);
      const show = !checked || checked.value === "False";
      dependent.forEach((el) => { el.hidden = !show; });
    };
    radio.addEventListener("change", update);
    update();
  });
});

// A form sent twice has one result (core/submissions.py): each POST form carries an id of its own, and while it is
// on its way a second press sends nothing more (for a few seconds, in case the answer was a download).
document.addEventListener("DOMContentLoaded", () => {
  const newId = () => (window.crypto && crypto.randomUUID ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`);
  document.querySelectorAll("form[method=post], form[method=POST]").forEach((form) => {
    if (!form.querySelector("input[name=submission]")) {
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = "submission";
      input.value = newId();
      form.appendChild(input);
    }
    form.addEventListener("submit", (event) => {
      if (form.dataset.sending) {
        event.preventDefault();
        return;
      }
      form.dataset.sending = "1";
      form.setAttribute("aria-busy", "true");
      window.setTimeout(() => { delete form.dataset.sending; form.removeAttribute("aria-busy"); }, 5000);
    });
  });
});
// A page shown again from the back-forward cache starts fresh: its forms may be sent again (with their same id,
// so what was already done is not done twice).
window.addEventListener("pageshow", (event) => {
  if (event.persisted) {
    document.querySelectorAll("form[data-sending]").forEach((form) => {
      delete form.dataset.sending;
      form.removeAttribute("aria-busy");
    });
  }
});
