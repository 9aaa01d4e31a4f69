// Small enhancements; every page works without this file.
document.documentElement.classList.add("js");

document.addEventListener("DOMContentLoaded", () => {
  // Re-sort as soon as another order is chosen (the Sort button is hidden when this runs).
  const sort = document.getElementById("sort");
  if (sort && sort.form) {
    sort.addEventListener("change", () => sort.form.requestSubmit());
  }
});
