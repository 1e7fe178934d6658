// Runs only in browsers that support ES modules, which is what GOV.UK Frontend needs.
import { initAll } from "../govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// A page that is waiting for a background export checks again every few seconds.
const waiting = document.querySelector("[data-refresh-seconds]");
if (waiting) {
  const seconds = parseInt(waiting.getAttribute("data-refresh-seconds"), 10) || 3;
  window.setTimeout(() => window.location.reload(), seconds * 1000);
}
