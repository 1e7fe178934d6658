// The page of a background action-plan import: asks for its progress every two seconds and shows it,
// then loads the page again when the import has ended, to show what changed or which rows failed.
// Without JavaScript the page refreshes itself (a <noscript> meta refresh) and has a Refresh link.
const progress = document.querySelector("[data-import-progress]");
const status = document.querySelector("[data-import-status]");

async function check() {
  let answer;
  try {
    const response = await fetch(progress.getAttribute("data-import-progress"), {
      headers: { Accept: "application/json" }, credentials: "same-origin",
    });
    if (!response.ok) throw new Error(String(response.status));
    answer = await response.json();
  } catch {
    window.setTimeout(check, 5000);
    return;
  }
  if (!answer.in_progress) {
    window.location.reload();
    return;
  }
  progress.textContent = answer.message;
  if (status) status.textContent = answer.status_label;
  window.setTimeout(check, 2000);
}

if (progress) window.setTimeout(check, 2000);
