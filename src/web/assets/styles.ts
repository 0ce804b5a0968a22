/**
 * The one stylesheet, served as `/assets/app.css`. Mobile first: one column, large tap targets
 * (44 px or more), text contrast of at least 7:1 for body copy and 4.5:1 everywhere else; the
 * console becomes two columns on a desktop. No web fonts, no images: the page is fast on a phone.
 */
export const APP_CSS = `
:root {
  --bg: #f4f6f8; --surface: #fff; --text: #16191d; --muted: #4a5360; --line: #d3d8df;
  --primary: #1f5fbf; --primary-dark: #174a94; --danger: #a3231f; --danger-dark: #7f1b18;
  --ok-bg: #e6f4ea; --ok-line: #1e6b3a; --wait-bg: #eef3fb; --wait-line: #1f5fbf;
  --warn-bg: #fdf3e4; --warn-line: #8a4b00; --stop-bg: #fbeaea; --stop-line: #a3231f;
  --radius: 12px; --focus: 3px solid #1f5fbf;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--text);
  font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
h1, h2, h3 { line-height: 1.25; margin: 0 0 .5rem; }
h1 { font-size: 1.6rem; }
h2 { font-size: 1.25rem; }
h3 { font-size: 1rem; margin-top: 1.25rem; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
p { margin: 0 0 .75rem; }
a { color: var(--primary); text-underline-offset: 2px; }
a:hover { color: var(--primary-dark); }
code { font-size: .9em; background: #eceff3; padding: .05rem .3rem; border-radius: 4px; word-break: break-word; }
:focus-visible { outline: var(--focus); outline-offset: 2px; }
[hidden] { display: none !important; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.skip { position: absolute; left: .5rem; top: -3rem; background: var(--surface); padding: .5rem 1rem;
  border-radius: 8px; z-index: 10; }
.skip:focus { top: .5rem; }
.wrap { max-width: 36rem; margin: 0 auto; padding: 1rem; }
.wrap.wide { max-width: 76rem; }
main.wrap { padding-bottom: 3rem; }
main:focus { outline: none; }
.top { background: var(--surface); border-bottom: 1px solid var(--line); }
.bar { display: flex; align-items: center; justify-content: space-between; gap: 1rem;
  padding-top: .75rem; padding-bottom: .75rem; }
.brand { font-weight: 600; }
.muted { color: var(--muted); }
.small { font-size: .875rem; }
.error { color: var(--danger); font-weight: 600; }
.error:empty, .status-line:empty { display: none; }
.back { margin-bottom: .5rem; }
.when { font-size: 1.125rem; font-weight: 600; margin-bottom: .25rem; }
.card { background: var(--surface); border: 1px solid var(--line); border-radius: var(--radius);
  padding: 1.25rem; margin: 1rem 0; }
.notice { border-left: 6px solid var(--warn-line); }
.state { border-left: 6px solid var(--line); }
.state[data-tone="wait"] { background: var(--wait-bg); border-left-color: var(--wait-line); }
.state[data-tone="ok"] { background: var(--ok-bg); border-left-color: var(--ok-line); }
.state[data-tone="warn"] { background: var(--warn-bg); border-left-color: var(--warn-line); }
.state h2 { font-size: 1.35rem; }
.state h2:focus { outline: none; }
#state-detail { margin-bottom: 0; }
.countdown { font-size: 1.5rem; font-weight: 700; font-variant-numeric: tabular-nums; margin: .75rem 0 0; }
.actions { display: flex; flex-direction: column; gap: .75rem; margin-top: 1rem; }
.actions.inline { flex-direction: row; flex-wrap: wrap; }
.actions:not(:has(> :not([hidden]))) { display: none; }
.button { display: inline-flex; align-items: center; justify-content: center; min-height: 48px;
  padding: .6rem 1.25rem; border-radius: 10px; border: 2px solid transparent; font: inherit;
  font-weight: 600; text-decoration: none; cursor: pointer; }
.button.primary { background: var(--primary); color: #fff; }
.button.primary:hover { background: var(--primary-dark); color: #fff; }
.button.secondary { background: var(--surface); color: var(--primary); border-color: var(--primary); }
.button.danger { background: var(--surface); color: var(--danger); border-color: var(--danger); }
.button.danger.confirm { background: var(--danger); color: #fff; }
td .button.danger:not(.confirm), .people .button.danger:not(.confirm) { border-color: var(--line); }
.button.danger:hover { border-color: var(--danger-dark); }
.button.link { background: none; color: var(--primary); min-height: 44px; padding: .25rem .5rem;
  text-decoration: underline; }
.button.small { min-height: 44px; padding: .35rem .8rem; font-size: .9rem; }
.button.button:disabled { background: #e3e6ea; color: #4f5762; border-color: #e3e6ea; cursor: not-allowed; }
.session-list { list-style: none; margin: 0; padding: 0; display: grid; gap: .75rem; }
.session-link { display: block; background: var(--surface); border: 1px solid var(--line);
  border-radius: var(--radius); padding: 1rem 1.25rem; color: var(--text); text-decoration: none; }
.session-link:hover { border-color: var(--primary); color: var(--text); }
.session-link .day { display: block; font-weight: 600; }
.session-link .meta { display: block; color: var(--muted); }
.session-link[aria-current="true"] { border: 2px solid var(--primary); background: var(--wait-bg); }
.session-link.cancelled .day { text-decoration: line-through; }
.compact .session-link { padding: .75rem 1rem; width: 100%; text-align: left; font: inherit; cursor: pointer; }
.tag { display: inline-block; font-size: .8rem; font-weight: 600; padding: .05rem .5rem; border-radius: 999px;
  background: #eceff3; color: var(--text); margin-left: .35rem; vertical-align: middle; }
.tag.soon { background: var(--wait-bg); color: var(--primary-dark); }
.tag.warn { background: var(--warn-bg); color: var(--warn-line); }
.badge { font-size: .85rem; font-weight: 700; padding: .2rem .7rem; border-radius: 999px; background: #eceff3; }
.badge[data-state="open"] { background: var(--ok-bg); color: var(--ok-line); }
.badge[data-state="closed"], .badge[data-state="cancelled"] { background: var(--stop-bg); color: var(--stop-line); }
.room-head { display: flex; align-items: center; justify-content: space-between; gap: .75rem; flex-wrap: wrap; }
.room-head h2:focus { outline: none; }
.people { list-style: none; margin: 0; padding: 0; }
.people li { display: flex; align-items: center; justify-content: space-between; gap: .5rem; flex-wrap: wrap;
  padding: .6rem 0; border-bottom: 1px solid var(--line); }
.people .who { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9rem; }
.people .row-actions { display: flex; gap: .5rem; }
.table-scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
th, td { text-align: left; padding: .5rem .5rem; border-bottom: 1px solid var(--line); vertical-align: middle; }
th { font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
td.id { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .85rem; word-break: break-all; }
td.num { font-variant-numeric: tabular-nums; }
/* On a phone a table becomes a list: one block per row, each cell labelled, actions on the right. */
@media (max-width: 39.99rem) {
  table.stack thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.stack tr { display: grid; grid-template-columns: minmax(0, 1fr) auto; column-gap: .75rem;
    padding: .6rem 0; border-bottom: 1px solid var(--line); }
  table.stack td { display: block; grid-column: 1; border: 0; padding: .05rem 0; }
  table.stack td[data-label]::before { content: attr(data-label) ": "; color: var(--muted); }
  table.stack td.id { font-weight: 600; }
  table.stack td.action { grid-column: 2; grid-row: 1 / span 4; align-self: center; }
  table.stack td.action:empty { display: none; }
}
textarea { width: 100%; font: .9rem/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; padding: .6rem;
  border: 2px solid var(--line); border-radius: 8px; margin: .35rem 0 .5rem; resize: vertical; }
textarea:focus { border-color: var(--primary); }
label { font-weight: 600; }
.signin { max-width: 36rem; margin: 1rem auto; }
.live-indicator { margin: 0 0 .75rem; }
@media (min-width: 60rem) {
  h1 { font-size: 1.9rem; }
  .wrap { padding: 1.5rem; }
  .actions { flex-direction: row; flex-wrap: wrap; }
  .console { display: grid; grid-template-columns: 22rem minmax(0, 1fr); gap: 0 1.5rem; align-items: start; }
  .console .sessions { grid-column: 1; grid-row: 1 / span 2; }
  .console .room, .console .room-empty { grid-column: 2; grid-row: 1; }
  .console .risk { grid-column: 2; grid-row: 2; }
}
@media (prefers-reduced-motion: no-preference) {
  .state { transition: background-color .3s ease, border-color .3s ease; }
}
`;
