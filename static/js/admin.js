// The admin's autocomplete fields (select2) label their combobox with its current value only, which
// is empty when nothing is chosen: name each one after its field as well. Pages work without this.
(function () {
  function fieldName(select) {
    const label = select.id && document.querySelector(`label[for="${select.id}"]`);
    return (label && label.textContent.replace(/:\s*$/, "").trim()) || select.getAttribute("aria-label") || select.name;
  }

  function nameComboboxes() {
    document.querySelectorAll("select.admin-autocomplete").forEach((select) => {
      const container = select.nextElementSibling;
      const combobox = container && container.querySelector('[role="combobox"]');
      if (!combobox || combobox.dataset.named) return;
      const name = document.createElement("span");
      name.id = `${select.id}-field-name`;
      name.hidden = true;
      name.textContent = fieldName(select);
      container.appendChild(name);
      const current = combobox.getAttribute("aria-labelledby") || "";
      combobox.setAttribute("aria-labelledby", `${name.id} ${current}`.trim());
      combobox.dataset.named = "yes";
      // the combobox shows its value in a read-only textbox, named after the field too
      const shown = container.querySelector('[role="textbox"]');
      if (shown) shown.setAttribute("aria-label", name.textContent);
    });
  }

  // The admin sets up select2 in a jQuery ready handler, which can run after "load", and again for
  // each formset row added: name each box as it appears.
  new MutationObserver(nameComboboxes).observe(document.documentElement, { childList: true, subtree: true });
  window.addEventListener("load", nameComboboxes);
})();
