// evident web app: plain modern JavaScript, no build step, nothing fetched
// from elsewhere. Hash routes (#/screen, ...) over the JSON API in /api/.
'use strict';

const state = { user: null, role: null, csrf: null, config: null, current: null,
                history: [], decided: 0, lastMs: null, criteriaShown: true };

// ---- small helpers -----------------------------------------------------------
const $ = (sel, root = document) => root.querySelector(sel);
function el(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const kid of kids.flat()) if (kid !== null && kid !== undefined)
    e.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  return e;
}
function toast(msg) {
  const t = $('#toast'); t.textContent = msg; t.hidden = false;
  clearTimeout(toast.timer); toast.timer = setTimeout(() => { t.hidden = true; }, 4000);
}
class ApiError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}
async function api(method, path, body) {
  const opt = { method, headers: {}, credentials: 'same-origin' };
  if (method !== 'GET') {
    opt.headers['Content-Type'] = 'application/json';
    if (state.csrf) opt.headers['X-CSRF-Token'] = state.csrf;
    opt.body = JSON.stringify(body || {});
  }
  const res = await fetch(path, opt);
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    const e = data.error || {};
    if (res.status === 401 && path !== '/api/login' && path !== '/api/session') signedOut();
    throw new ApiError(res.status, e.code || 'error', e.message || res.statusText);
  }
  return data;
}
function view(...kids) { const v = $("#view"); v.replaceChildren(...kids.flat().filter(k => k !== null && k !== undefined)); return v; }
function fail(e) { toast(e.message || String(e)); }

// ---- session -------------------------------------------------------------------
function signedIn(s) {
  Object.assign(state, { user: s.user, role: s.role, csrf: s.csrf });
  $('#top').hidden = false;
  $('#who').textContent = `${s.user} (${s.role})`;
  for (const a of document.querySelectorAll('[data-roles]'))
    a.hidden = !a.dataset.roles.split(' ').includes(s.role);
}
function signedOut() {
  Object.assign(state, { user: null, role: null, csrf: null });
  $('#top').hidden = true;
  if (location.hash !== '#/login') location.hash = '#/login';
  else route();
}
function showLogin() {
  const msg = el('p', { class: 'error', id: 'login-error' });
  const form = el('form', { class: 'card login', id: 'login' },
    el('h1', {}, 'Sign in to evident'),
    el('label', { for: 'user' }, 'User name'),
    el('input', { id: 'user', name: 'user', autocomplete: 'username', required: true }),
    el('label', { for: 'password' }, 'Password'),
    el('input', { id: 'password', name: 'password', type: 'password',
                  autocomplete: 'current-password', required: true }),
    el('p', {}, el('button', { class: 'primary', type: 'submit' }, 'Sign in')), msg);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    msg.textContent = '';
    try {
      const s = await api('POST', '/api/login', { user: $('#user').value, password: $('#password').value });
      signedIn(s);
      location.hash = '#/dashboard';
    } catch (e) { msg.textContent = e.message; }
  });
  view(form);
  $('#user').focus();
}

// ---- dashboard -------------------------------------------------------------------
const fmt = (x, d = 2) => (x === null || x === undefined) ? '–' : Number(x).toFixed(d);
async function showDashboard() {
  const d = await api('GET', '/api/dashboard');
  const stages = el('table', { class: 'grid', id: 'stages' },
    el('tr', {}, ['Stage', 'Records', 'Included', 'Excluded', 'By automation', 'Conflicts', 'Waiting']
      .map((h, i) => el('th', { class: i ? 'num' : null }, h))),
    d.stages.map(s => el('tr', {}, el('td', {}, s.stage === 'ta' ? 'title/abstract' : s.stage === 'ft' ? 'full text' : s.stage),
      [s.records, s.included, s.excluded, s.automation, s.conflicts, s.pending].map(n => el('td', { class: 'num' }, n)))));
  const agree = d.agreement.length ? el('table', { class: 'grid', id: 'agreement' },
    el('tr', {}, ['Stage', 'Reviewers', 'Both decided', 'Cohen\'s κ (95% CI)', 'PABAK']
      .map((h, i) => el('th', { class: i > 1 ? 'num' : null }, h))),
    d.agreement.map(a => el('tr', {}, el('td', {}, a.stage), el('td', {}, `${a.reviewer_a} · ${a.reviewer_b}`),
      el('td', { class: 'num' }, a.n), el('td', { class: 'num' }, `${fmt(a.kappa)} (${fmt(a.ci_low)} to ${fmt(a.ci_high)})`),
      el('td', { class: 'num' }, fmt(a.pabak)))))
    : el('p', { class: 'muted' }, 'No record has two decisions yet.');
  const stageName = s => s === 'ta' ? 'title/abstract' : s === 'ft' ? 'full text' : s;
  // Counts per reviewer only (the server shows a reviewer just their own row).
  const perReviewer = (d.reviewers || []).length ? el('table', { class: 'grid', id: 'reviewers' },
    el('tr', {}, ['Stage', 'Reviewer', 'Decided', 'Included', 'Excluded', 'Maybe', 'To do']
      .map((h, i) => el('th', { class: i > 1 ? 'num' : null }, h))),
    d.reviewers.map(r => el('tr', {}, el('td', {}, stageName(r.stage)), el('td', {}, r.reviewer),
      [r.decided, r.included, r.excluded, r.maybe, r.todo].map(n => el('td', { class: 'num' }, n)))))
    : el('p', { class: 'muted' }, 'No reviewers yet.');
  const conflicts = d.stages.reduce((n, s) => n + s.conflicts, 0);
  view(el('h1', {}, 'Dashboard'),
    el('div', { class: 'card' }, el('h2', {}, 'Progress'),
      el('p', {}, `${d.records} records from ${d.imports} imports. `,
        conflicts && (state.role !== 'reviewer') ? el('a', { href: '#/conflicts' }, `${conflicts} conflicts to settle`) : `${conflicts} conflicts`),
      stages),
    el('div', { class: 'card' }, el('h2', {}, 'Progress per reviewer'), perReviewer),
    el('div', { class: 'card' }, el('h2', {}, 'Agreement'), agree),
    el('div', { class: 'card prisma' }, el('h2', {}, 'PRISMA 2020 flow'),
      el('img', { src: `/api/prisma.svg?t=${Date.now()}`, alt: 'PRISMA flow diagram' })));
}

// ---- screening -----------------------------------------------------------------------
function terms(s) {
  return (s || '').split(/[,;\n]/).map(t => t.trim()).filter(Boolean);
}
// Text with the include/exclude terms wrapped in <mark> (built as nodes: no HTML).
function highlight(text) {
  const inc = terms(state.config && state.config.include_terms);
  const exc = terms(state.config && state.config.exclude_terms);
  const all = [...inc.map(t => [t, 'inc']), ...exc.map(t => [t, 'exc'])];
  if (!all.length || !text) return [text || ''];
  const esc = s => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`(${all.map(([t]) => esc(t)).join('|')})`, 'gi');
  const kind = new Map(all.map(([t, k]) => [t.toLowerCase(), k]));
  return text.split(re).map((part, i) => i % 2 ? el('mark', { class: kind.get(part.toLowerCase()) || 'inc' }, part) : part);
}
function renderRecord(r) {
  if (!r) return el('div', { class: 'card', id: 'record', 'data-id': '0' },
    el('h2', {}, 'Nothing left to screen'), el('p', { class: 'muted' }, 'Every record here has its decisions. Well done.'));
  const abs = r.abstract.length ? r.abstract.map(s => el('div', { class: 'section' },
    s.label ? el('b', {}, s.label) : null, el('span', {}, highlight(s.text))))
    : [el('p', { class: 'muted' }, 'No abstract.')];
  const mine = (r.decisions || []).filter(d => d.reviewer === state.user);
  return el('div', { class: 'card record', id: 'record', 'data-id': String(r.id) },
    el('h2', { id: 'title' }, highlight(r.title || '(no title)')),
    el('div', { class: 'meta' }, [r.authors.slice(0, 6).join(', ') + (r.authors.length > 6 ? ' et al.' : ''),
      r.journal, r.year || null, r.pmid ? `PMID ${r.pmid}` : null].filter(Boolean).join(' · ')),
    abs,
    r.keywords.length ? el('p', { class: 'muted' }, 'Keywords: ', highlight(r.keywords.join('; '))) : null,
    mine.length ? el('p', { class: 'muted', id: 'mine' }, `Your earlier decision: ${mine[mine.length - 1].decision}`) : null);
}
function showCurrent() {
  $('#record-slot').replaceChildren(renderRecord(state.current));
  $('#note').value = ''; $('#reason').value = '';
  $('#count').textContent = `${state.decided} decided in this session` +
    (state.lastMs !== null ? ` · last round trip ${state.lastMs.toFixed(0)} ms` : '');
  $('#count').dataset.ms = state.lastMs === null ? '' : String(state.lastMs);
}
async function decide(decision) {
  const r = state.current;
  if (!r || state.busy) return;
  state.busy = true;
  const t0 = performance.now();
  try {
    const res = await api('POST', '/api/screen/decisions', { record: r.id, decision,
      note: $('#note').value || undefined, reason: $('#reason').value || undefined });
    state.lastMs = performance.now() - t0;
    state.history.push(r.id);
    state.decided++;
    state.current = res.record;   // the next record came with the answer
    if (res.next_error) {         // decided, but the next record could not be found
      toast(res.next_error);
      state.current = (await api('GET', '/api/screen/next')).record;
    }
    showCurrent();
  } catch (e) { fail(e); } finally { state.busy = false; }
}
async function undo() {
  const id = state.history.pop();
  if (!id) { toast('nothing to undo'); return; }
  try {
    state.current = await api('GET', `/api/records/${id}`);
    state.decided = Math.max(0, state.decided - 1);
    showCurrent();
    toast('back to the previous record: decide again to replace your decision');
  } catch (e) { fail(e); }
}
async function showScreen() {
  if (!state.config) state.config = await api('GET', '/api/screen/config');
  const next = await api('GET', '/api/screen/next');
  state.current = next.record;
  const criteria = el('div', { class: 'card side', id: 'criteria' }, el('h2', {}, 'Criteria'),
    el('pre', {}, state.config.criteria || 'No criteria written yet (evident screen setup --criteria).'));
  criteria.hidden = !state.criteriaShown;
  view(el('h1', {}, 'Screening'),
    el('div', { class: 'screen' },
      el('div', {}, el('div', { id: 'record-slot' }),
        el('div', { class: 'card' },
          el('div', { class: 'actions' },
            el('button', { class: 'inc', id: 'btn-include', onclick: () => decide('include') }, 'Include (i)'),
            el('button', { class: 'exc', id: 'btn-exclude', onclick: () => decide('exclude') }, 'Exclude (e)'),
            el('button', { class: 'may', id: 'btn-maybe', onclick: () => decide('maybe') }, 'Maybe (m)'),
            el('button', { id: 'btn-undo', onclick: undo }, 'Undo (u)'),
            el('button', { id: 'btn-help', onclick: toggleHelp }, 'Shortcuts (?)')),
          el('label', { for: 'reason' }, 'Reason (required to exclude at full text)'),
          el('input', { id: 'reason', list: 'reasons' }),
          el('label', { for: 'note' }, 'Note'),
          el('textarea', { id: 'note', rows: 2 }),
          el('p', { class: 'progress', id: 'count' }))),
      criteria));
  showCurrent();
}
function toggleHelp(force) {
  const h = $('#help');
  h.hidden = typeof force === 'boolean' ? !force : !h.hidden;
}
document.addEventListener('keydown', (ev) => {
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const typing = ['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement.tagName);
  if (ev.key === 'Escape') { toggleHelp(false); if (typing) document.activeElement.blur(); return; }
  if (typing) return;
  if (ev.key === '?') { toggleHelp(); ev.preventDefault(); return; }
  if (!location.hash.startsWith('#/screen') || !$('#record-slot')) return;
  const keys = { i: () => decide('include'), e: () => decide('exclude'), m: () => decide('maybe'), u: undo,
    n: () => $('#note').focus(), r: () => $('#reason').focus(),
    c: () => { state.criteriaShown = !state.criteriaShown; $('#criteria').hidden = !state.criteriaShown; } };
  const f = keys[ev.key];
  if (f) { ev.preventDefault(); f(); }
});

// ---- conflicts ---------------------------------------------------------------------------
function decisionCell(d) {
  return el('div', { class: 'card' }, el('h2', {}, d.reviewer || '?'),
    el('p', { class: `dec-${d.decision}` }, d.decision),
    d.reason ? el('p', {}, 'Reason: ', d.reason) : null,
    d.note ? el('p', { class: 'muted' }, 'Note: ', d.note) : null,
    el('p', { class: 'muted' }, d.decided_at || ''));
}
async function showConflict(c) {
  const r = await api('GET', `/api/records/${c.record}`);
  const decs = r.decisions.filter(d => d.stage === c.stage);
  const reason = el('input', { id: 'settle-reason', placeholder: 'why (kept in the audit log)' });
  const settle = async (decision) => {
    try {
      await api('POST', `/api/conflicts/${c.record}/settle`, { decision, stage: c.stage, reason: reason.value || undefined });
      toast(`record ${c.record} settled: ${decision}`);
      showConflicts();
    } catch (e) { fail(e); }
  };
  view(el('h1', {}, `Conflict on record ${c.record} (${c.stage})`),
    renderRecord(Object.assign({}, r, { decisions: [] })),
    el('div', { class: 'pair', id: 'decisions' }, decs.map(decisionCell)),
    el('div', { class: 'card' }, el('label', { for: 'settle-reason' }, 'Reason'), reason,
      el('div', { class: 'actions' },
        el('button', { class: 'inc', id: 'settle-include', onclick: () => settle('include') }, 'Settle: include'),
        el('button', { class: 'exc', id: 'settle-exclude', onclick: () => settle('exclude') }, 'Settle: exclude'),
        el('button', { onclick: showConflicts }, 'Back'))));
}
async function showConflicts() {
  const { conflicts } = await api('GET', '/api/conflicts');
  view(el('h1', {}, 'Conflicts to settle'),
    el('div', { class: 'card' }, conflicts.length ?
      el('table', { class: 'grid', id: 'conflicts' }, el('tr', {}, el('th', {}, 'Record'), el('th', {}, 'Stage'), el('th', {}, 'Title'), el('th', {}, 'Decisions')),
        conflicts.map(c => el('tr', {}, el('td', {}, el('a', { href: '#', 'data-record': String(c.record),
          onclick: (ev) => { ev.preventDefault(); showConflict(c).catch(fail); } }, String(c.record))),
          el('td', {}, c.stage), el('td', {}, c.title || ''), el('td', {}, c.reviewers || ''))))
      : el('p', { class: 'muted', id: 'no-conflicts' }, 'No conflicts: every disagreement is settled.')));
}

// ---- extraction ----------------------------------------------------------------------------
const PARTS = { mean_sd: ['mean', 'sd', 'n'], median_iqr: ['median', 'q1', 'q3', 'n'],
                events: ['events', 'total'], instrument_score: ['instrument', 'mean', 'sd', 'n'] };
// One input (or a set of parts) for a field; `path` is what the API names it.
function fieldInput(f, path) {
  const msg = el('div', { class: 'msg error' });
  let input;
  if (f.type === 'choice') {
    input = el('select', { 'data-path': path }, el('option', { value: '' }, '—'), (f.choices || []).map(c => el('option', { value: c }, c)));
  } else if (f.type === 'multi_choice') {
    input = el('input', { 'data-path': path, placeholder: (f.choices || []).join('; ') });
  } else if (PARTS[f.type]) {
    input = el('span', { class: 'parts', 'data-path': path, 'data-parts': PARTS[f.type].join(',') },
      PARTS[f.type].map(p => el('input', { 'data-part': p, placeholder: p, 'aria-label': `${f.label || f.name}: ${p}` })));
  } else {
    const attrs = { 'data-path': path, id: `f-${path}` };
    if (f.type === 'integer' || f.type === 'number') Object.assign(attrs, { inputmode: 'decimal' });
    if (f.type === 'date') attrs.placeholder = 'YYYY-MM-DD';
    input = el('input', attrs);
  }
  const check = () => validateField(input, msg).catch(fail);
  input.addEventListener('change', check);
  const range = (f.min !== undefined || f.max !== undefined) ? ` [${f.min ?? ''}–${f.max ?? ''}${f.unit ? ' ' + f.unit : ''}]` : (f.unit ? ` (${f.unit})` : '');
  return el('div', { class: 'field' }, el('label', { for: `f-${path}` }, (f.label || f.name) + range + (f.required ? ' *' : '')), input, msg);
}
// The value of an input as the API wants it (string, or an object of parts).
function fieldValue(input) {
  if (input.dataset.parts) {
    const o = {}; let any = false;
    for (const p of input.querySelectorAll('input')) {
      const v = p.value.trim();
      if (v !== '') any = true;
      o[p.dataset.part] = v === '' ? null : (p.dataset.part === 'instrument' ? v : Number(v));
    }
    return any ? o : null;
  }
  const v = input.value.trim();
  return v === '' ? null : v;
}
async function validateField(input, msg) {
  const value = fieldValue(input);
  const mark = (bad) => { for (const i of input.dataset.parts ? input.querySelectorAll('input') : [input]) i.classList.toggle('bad', bad); };
  if (value === null) { msg.textContent = ''; mark(false); return true; }
  try {
    await api('POST', '/api/chart/validate', { path: input.dataset.path, value });
    msg.textContent = ''; mark(false); return true;
  } catch (e) { msg.textContent = e.message; mark(true); return false; }
}
async function showExtract() {
  let form;
  try { form = await api('GET', '/api/chart/form'); } catch (e) {
    view(el('h1', {}, 'Extraction'), el('p', { class: 'card' }, e.status === 404 ? 'The review has no extraction form yet (evident chart … form).' : e.message));
    return;
  }
  const fields = [];
  for (const f of form.form.fields || []) {
    if (f.type === 'group') {
      fields.push(el('h2', {}, f.label || f.name));
      for (const sub of f.fields || []) fields.push(fieldInput(sub, `${f.name}.1.${sub.name}`));
    } else fields.push(fieldInput(f, f.name));
  }
  const study = el('input', { id: 'study', placeholder: 'e.g. kim2014a' });
  const status = el('p', { id: 'extract-status', class: 'muted' });
  const save = async () => {
    if (!study.value.trim()) { status.textContent = 'give the study an id first'; return; }
    let saved = 0, bad = 0;
    for (const input of document.querySelectorAll('#form [data-path]')) {
      const msg = input.parentElement.querySelector('.msg');
      const value = fieldValue(input);
      if (value === null) continue;
      try {
        await api('POST', '/api/chart/values', { study: study.value.trim(), path: input.dataset.path, value, form_version: form.version });
        saved++;
      } catch (e) { bad++; msg.textContent = e.message; input.classList.add('bad'); }
    }
    status.textContent = `${saved} values saved` + (bad ? `, ${bad} refused (see the fields in red)` : '');
    status.className = bad ? 'error' : 'muted';
  };
  // Verify mode: the first charter's value beside each field, then the differences.
  const showFirst = (f) => {
    const byPath = new Map(f.values.map(x => [x.path, x.value]));
    for (const input of document.querySelectorAll('#form [data-path]')) {
      const box = input.parentElement;
      box.querySelector('.first')?.remove();
      const raw = byPath.get(input.dataset.path);
      if (raw === undefined) continue;
      const v = JSON.parse(raw);
      const text = v !== null && typeof v === 'object' && !Array.isArray(v)
        ? Object.entries(v).map(([k, x]) => `${k} ${x ?? '—'}`).join(', ')
        : Array.isArray(v) ? v.join('; ') : String(v);
      box.append(el('span', { class: 'first muted', 'data-first': input.dataset.path }, `${f.charter}: ${text}`));
    }
  };
  const verify = async () => {
    try {
      const id = encodeURIComponent(study.value.trim());
      showFirst(await api('GET', `/api/chart/studies/${id}/first`));
      const d = await api('GET', `/api/chart/studies/${id}/diff`);
      $('#verify').replaceChildren(d.differences.length ?
        el('table', { class: 'grid' }, el('tr', {}, el('th', {}, 'Field'), el('th', {}, 'First charter'), el('th', {}, 'Second')),
          d.differences.map(x => el('tr', {}, el('td', {}, x.path), el('td', {}, `${x.reviewer_a}: ${x.value_a ?? '—'}`), el('td', {}, `${x.reviewer_b}: ${x.value_b ?? '—'}`))))
        : el('p', {}, 'No differences between the charters.'),
        el('button', { onclick: async () => { try { await api('POST', `/api/chart/studies/${encodeURIComponent(study.value.trim())}/verify`); toast('verified'); } catch (e) { fail(e); } } }, 'Mark verified'));
    } catch (e) { fail(e); }
  };
  view(el('h1', {}, `Extraction: ${form.form.name || 'form'} (version ${form.version})`),
    el('div', { class: 'card' }, el('label', { for: 'study' }, 'Study'), study),
    el('div', { class: 'card', id: 'form' }, fields),
    el('div', { class: 'card' }, el('div', { class: 'actions' },
      el('button', { class: 'primary', id: 'save', onclick: save }, 'Save'),
      el('button', { id: 'verify-btn', onclick: verify }, 'Verify mode: compare with the first charter')), status,
      el('div', { id: 'verify' })));
}

// ---- synthesis -----------------------------------------------------------------------------
function poolForm() {
  const f = (id, label, value = '', ph = '') => [el('label', { for: id }, label), el('input', { id, value, placeholder: ph })];
  const out = el('div', { id: 'pool-out' });
  const run = async () => {
    const q = new URLSearchParams();
    for (const k of ['instruments', 'timepoint', 'treatment', 'control', 'measure']) q.set(k, $(`#p-${k}`).value.trim());
    out.replaceChildren(el('p', { class: 'muted' }, 'pooling…'));
    try {
      const r = await api('GET', `/api/synthesis/pool?${q}`);
      out.replaceChildren(
        el('p', { id: 'pool-summary' }, `${r.outcome}: ${r.measure} ${fmt(r.estimate)} (95% CI ${fmt(r.ci_lb)} to ${fmt(r.ci_ub)}), k = ${r.k}, `,
          `τ² = ${fmt(r.tau2, 3)}, I² = ${fmt(r.I2, 1)}%, ${r.method}`),
        el('img', { id: 'forest', src: `/api/synthesis/forest.svg?${q}`, alt: 'forest plot' }));
    } catch (e) { out.replaceChildren(el('p', { class: 'error' }, e.message)); }
  };
  return el('div', { class: 'card' }, el('h2', {}, 'Pool an outcome (random effects)'),
    el('div', { class: 'pair' },
      el('div', {}, f('p-instruments', 'Instrument(s)', '', 'AOFAS or AOFAS,FAAM,VAS'), f('p-timepoint', 'Time point', 'final follow-up')),
      el('div', {}, f('p-treatment', 'Treatment arm contains', '', 'MSC'), f('p-control', 'Control arm contains', '', 'BMS'),
        el('label', { for: 'p-measure' }, 'Measure'),
        el('select', { id: 'p-measure' }, el('option', { value: '' }, 'MD for one instrument, else SMD'), el('option', { value: 'MD' }, 'MD'), el('option', { value: 'SMD' }, 'SMD')))),
    el('div', { class: 'actions' }, el('button', { class: 'primary', id: 'pool', onclick: run }, 'Pool')), out);
}
async function showSynthesis() {
  const report = el('div', { class: 'card' }, el('h2', {}, 'Report'),
    el('p', {}, el('a', { href: '/api/report.html', download: 'report.html', id: 'report' }, 'Download the report'),
      ' (one self-contained HTML file: flow diagram, tables, analyses).'));
  let tables = [];
  try { tables = (await api('GET', '/api/chart/tables')).tables; } catch (e) {
    tables = []; report.append(el('p', { class: 'muted' }, `Tables: ${e.message}`));
  }
  view(el('h1', {}, 'Synthesis'), poolForm(),
    tables.map(tab => el('div', { class: 'card' }, el('h2', {}, tab.title || ''),
      el('table', { class: 'grid' }, el('tr', {}, (tab.columns || []).map(c => el('th', {}, c))),
        (tab.rows || []).map(r => el('tr', {}, r.map(c => el('td', {}, c ?? ''))))),
      tab.note ? el('p', { class: 'muted' }, tab.note) : null)),
    report);
}

// ---- routing ---------------------------------------------------------------------------------
const routes = { dashboard: showDashboard, screen: showScreen, conflicts: showConflicts,
                 extract: showExtract, synthesis: showSynthesis };
async function route() {
  const name = (location.hash.replace(/^#\//, '') || 'dashboard').split('/')[0];
  if (!state.user) {
    try { signedIn(await api('GET', '/api/session')); } catch (e) { showLogin(); return; }
    if (name === 'login') { location.hash = '#/dashboard'; return; }
  }
  if (name === 'login') { showLogin(); return; }
  for (const a of document.querySelectorAll('[data-nav]')) a.classList.toggle('active', a.dataset.nav === name);
  try { await (routes[name] || showDashboard)(); } catch (e) { view(el('p', { class: 'card error' }, e.message)); }
}
$('#logout').addEventListener('click', async () => {
  try { await api('POST', '/api/logout'); } catch (e) { /* signed out anyway */ }
  state.config = null; state.history = [];
  signedOut();
});
window.addEventListener('hashchange', route);
route();
