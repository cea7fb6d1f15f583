// The quick entry of the cash book (finance.forms.EntryForm): the category select offers only the categories of
// the way the money went, money in or money out (each option carries data-direction). Without this script both
// groups are offered and the server refuses a category of the other direction; the script only hides options.
(() => {
  "use strict";
  const setUp = (select) => {
    const radios = Array.from(document.querySelectorAll(`input[type="radio"][name="${select.dataset.directionField}"]`));
    if (!radios.length) return;
    const placeholder = Array.from(select.options).find((option) => !option.value);
    const all = Array.from(select.querySelectorAll("option[data-direction]")).map((option) => option.cloneNode(true));
    const narrow = () => {
      const chosen = radios.find((radio) => radio.checked);
      if (!chosen) return;
      const current = select.value;
      const kept = all.filter((option) => option.dataset.direction === chosen.value).map((option) => option.cloneNode(true));
      select.replaceChildren(...(placeholder ? [placeholder.cloneNode(true)] : []), ...kept);
      select.value = kept.some((option) => option.value === current) ? current : "";
    };
    radios.forEach((radio) => radio.addEventListener("change", narrow));
    narrow();
  };
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("select[data-direction-field]").forEach(setUp);
  });
})();
