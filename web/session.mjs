// What the demo page knows right now, shared by its modules: the client
// (null when signed out), the signed-in user id, and the topic shown (null
// when none). One object, so every module sees the same values.

export const session = {
  client: null,
  me: '',
  room: null,
};

// History page size; `?pageSize=N` (1-100) overrides it, handy for trying
// the "load older" button with few messages.
export const PAGE_SIZE = (() => {
  const n = Number(new URLSearchParams(location.search).get('pageSize'));
  return Number.isInteger(n) && n >= 1 && n <= 100 ? n : 20;
})();
export const MAX_ENTRIES = 500;   // chat entries kept in the page

export const $ = (id) => document.getElementById(id);

/** An error as the page shows it: `code: message` when it has a code. */
export function describe(e) {
  return e?.code ? `${e.code}: ${e.message}` : String(e?.message ?? e);
}
