// The live preview beside each Markdown box of the strategy editor. Without this script the page's
// Preview button shows the same thing after a round trip; with it the server renders the text as the
// published document will, a moment after the person stops typing.

const PAUSE_MS = 600;

function csrfToken(form) {
  const input = form.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

function setUp(panel) {
  const box = document.getElementById(panel.getAttribute("data-for"));
  const form = box && box.form;
  if (!form) return;
  const status = panel.querySelector("[data-preview-status]");
  const body = panel.querySelector("[data-preview-body]");
  // The preview sits right after its box's form group, so each box has its own beside it.
  const group = box.closest(".govuk-form-group");
  if (group && group.nextElementSibling !== panel) group.after(panel);

  let timer = null;
  let sent = box.value;
  let inFlight = null;

  async function refresh() {
    const text = box.value;
    if (text === sent) return;
    sent = text;
    if (inFlight) inFlight.abort();
    inFlight = new AbortController();
    const data = new FormData();
    data.append("csrfmiddlewaretoken", csrfToken(form));
    data.append("field", panel.getAttribute("data-field"));
    data.append("text", text);
    status.textContent = "Updating the preview…";
    try {
      const response = await fetch(panel.getAttribute("data-url"), {
        method: "POST", body: data, credentials: "same-origin", signal: inFlight.signal,
        headers: { "X-Requested-With": "fetch" },
      });
      if (response.redirected || !response.ok) {
        status.textContent = response.status === 429
          ? "The preview will update again in a moment."
          : "The preview could not be updated. Your text is still in the box; press Preview to see it.";
        status.classList.remove("portal-preview__status--problem");
        if (response.status === 429) sent = null;
        return;
      }
      const answer = await response.json();
      // HTML the server has sanitised (nh3), as the document prints it.
      body.innerHTML = answer.html || '<p class="govuk-hint">Nothing written yet.</p>';
      status.textContent = answer.problem || "Preview updated.";
      status.classList.toggle("portal-preview__status--problem", Boolean(answer.problem));
    } catch (error) {
      if (error.name !== "AbortError") {
        status.textContent = "The preview could not be updated. Your text is still in the box; press Preview to see it.";
        sent = null;
      }
    }
  }

  box.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, PAUSE_MS);
  });
}

for (const panel of document.querySelectorAll("[data-markdown-preview]")) {
  setUp(panel);
}
