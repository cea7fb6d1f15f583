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
