// The kelurahan choice (registration.forms.KelurahanSelect): narrowed to the kelurahan of the kecamatan chosen.
// Without this script every kelurahan is offered, labelled with its kecamatan, and the server refuses one of
// another kecamatan; the script only hides the others.
(() => {
  "use strict";
  const setUp = (select) => {
    const kecamatan = document.getElementById(select.dataset.kecamatanField);
    if (!kecamatan) return;
    const all = Array.from(select.options).map((option) => option.cloneNode(true));
    const narrow = () => {
      const chosen = kecamatan.value;
      const current = select.value;
      select.replaceChildren(
        ...all
          .filter((option) => !option.dataset.kecamatan || !chosen || option.dataset.kecamatan === chosen)
          .map((option) => option.cloneNode(true)),
      );
      const kept = Array.from(select.options).some((option) => option.value === current);
      select.value = kept ? current : "";
    };
    kecamatan.addEventListener("change", narrow);
    narrow();
  };
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("select[data-kecamatan-field]").forEach(setUp);
  });
})();
