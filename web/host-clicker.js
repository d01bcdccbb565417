// A presenter clicker on the projector page. Clickers send PageDown or → for «next» and PageUp
// or ← for «back» (many also Esc); a teacher runs a lesson with one in hand, away from the
// laptop. «Next» presses the screen's main button, the same one a mouse clicks; «back» takes
// back a press that asked for a confirmation. A screen takes no «next» for a moment after it
// appears: a clicker's bounce or an impatient double press must not skip a reveal unseen (the
// room refuses a press meant for a screen it has left; this covers the one after).

const NEXT = new Set(['PageDown', 'ArrowRight']);
const BACK = new Set(['PageUp', 'ArrowLeft', 'Escape']);
// Longer than a double press (100–300 ms), shorter than a teacher's glance at a new screen.
export const SETTLE_MS = 700;

/**
 * Listens for clicker keys on the page; `main` holds the screen, whose main button is marked
 * `data-primary`; `primary()` may name another button to press instead (an open question). Returns `{ screenChanged }`, to call when a new screen is shown.
 */
export function clicker(main, { onCancel, primary = () => null }) {
  let shownAt = 0;
  addEventListener('keydown', (ev) => {
    if (ev.altKey || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
    if (NEXT.has(ev.key)) {
      ev.preventDefault(); // PageDown would scroll the screen away
      if (ev.repeat || performance.now() - shownAt < SETTLE_MS) return;
      // An open question of the page (host.js `ask`) comes first: its «Có».
      (primary() ?? main.querySelector('[data-primary]:not(:disabled)'))?.click();
    } else if (BACK.has(ev.key)) {
      ev.preventDefault();
      onCancel();
    }
  });
  return { screenChanged: () => { shownAt = performance.now(); } };
}
