// Rupiah fields (core.forms.RupiahInput, marked data-rupiah): as the person types, the digits are grouped by
// three ("5000000" -> "5.000.000") and the amount is written beside the field ("5 juta" / "5 million"), so a
// missing or extra zero shows at once. Progressive enhancement only: the server reads every spelling itself
// (core.money.parse_rupiah) and refuses what it cannot read; this script never decides anything.
(() => {
  "use strict";
  const english = (document.documentElement.lang || "id").toLowerCase().startsWith("en");
  const SCALES = english
    ? [[1e12, "trillion"], [1e9, "billion"], [1e6, "million"], [1e3, "thousand"]]
    : [[1e12, "triliun"], [1e9, "miliar"], [1e6, "juta"], [1e3, "ribu"]];
  const group = (digits) => digits.replace(/^0+(?=\d)/, "").replace(/\B(?=(\d{3})+(?!\d))/g, ".");

  // The amount in words of scale, e.g. 1500000 -> "1,5 juta" (Indonesian) or "1.5 million" (English).
  const inWords = (amount) => {
    for (const [size, word] of SCALES) {
      if (amount >= size) {
        const value = Math.round((amount / size) * 100) / 100;
        const shown = english ? String(value) : String(value).replace(".", ",");
        return `Rp ${group(String(Math.floor(amount)))} (${shown} ${word})`;
      }
    }
    return `Rp ${group(String(amount))}`;
  };

  const setUp = (input) => {
    const echo = document.createElement("div");
    echo.className = "form-text rupiah-echo";
    echo.id = `${input.id}-echo`;
    echo.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", echo);
    const described = input.getAttribute("aria-describedby");
    input.setAttribute("aria-describedby", described ? `${described} ${echo.id}` : echo.id);

    // plain digits, or digits grouped by three perhaps with more digits typed at the end ("5.000.0000")
    const typedDigits = /^(\d{1,3}(\.\d{3})*\d*|\d+)$/;
    const update = (regroup) => {
      const text = input.value.trim();
      if (typedDigits.test(text)) {
        const digits = text.replace(/\./g, "");
        if (regroup && text !== group(digits) && input.selectionStart === input.value.length) {
          input.value = group(digits);
          input.setSelectionRange(input.value.length, input.value.length);
        }
        echo.textContent = digits.length <= 16 ? inWords(Number(digits)) : "";
      } else {
        echo.textContent = ""; // "5 juta", "1,5 juta", "Rp 5.000.000,-": the server reads them as typed
      }
    };
    input.addEventListener("input", () => update(true));
    update(false);
  };

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("input[data-rupiah]").forEach(setUp);
  });
})();
