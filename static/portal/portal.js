// Runs only in browsers that support ES modules, which is what GOV.UK Frontend needs.
import { initAll } from "../govuk/govuk-frontend.min.js";
import "./preview.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");

// A form without an action posts to the page's full address, fragment included: after the skip
// link that is "#main-content", and the browser's jump to it on the answer page would take focus
// away from the error summary. Post to the address without its fragment instead.
for (const form of document.querySelectorAll("form:not([action])")) {
  form.setAttribute("action", window.location.pathname + window.location.search);
}

initAll();

// A page that is waiting for a background export checks again every few seconds.
const waiting = document.querySelector("[data-refresh-seconds]");
if (waiting) {
  const seconds = parseInt(waiting.getAttribute("data-refresh-seconds"), 10) || 3;
  // data-refresh-url: the address that watches this one document (a PDF that downloads once it is ready).
  const url = waiting.getAttribute("data-refresh-url");
  window.setTimeout(() => (url ? window.location.replace(url) : window.location.reload()), seconds * 1000);
}
