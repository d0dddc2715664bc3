// commentd moderator dashboard: sign-in, the four queues with the engine's
// reasons and offending spans, bulk actions, the audit log and a per-day chart.
// Served under a Content-Security-Policy without 'unsafe-inline': no inline
// script or style anywhere; looks come from classes in dashboard.css and SVG
// attributes. User data is only ever inserted as text nodes. The DOM helper
// h(), the span highlighting and the rule names (kMessages, the catalogue of
// web/messages/) come from web/shared.js, which the build places before this
// code (src/http/CMakeLists.txt).
(() => {
  'use strict';
  const kQueues = ['held', 'deleted', 'reported', 'published'];
  const kActionsFor = {
    held: ['approve', 'delete', 'ban'],
    deleted: ['restore', 'ban'],
    reported: ['approve', 'delete', 'ban'],
    published: ['delete', 'ban'],
  };
  const kRuleNames = kMessages.en.rules;
  const kPage = 50;

  const $ = (id) => document.getElementById(id);
  let csrf = '';
  let view = '';
  let queueCursor = null;
  let auditCursor = null;

  const kSvg = 'http://www.w3.org/2000/svg';
  function s(tag, attrs, ...children) {
    const el = document.createElementNS(kSvg, tag);
    for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
    for (const c of children) el.append(typeof c === 'string' ? document.createTextNode(neutral(c)) : c);
    return el;
  }

  async function api(method, path, body) {
    const init = {method, credentials: 'same-origin', headers: {Accept: 'application/json'}};
    if (method !== 'GET') init.headers['X-CSRF-Token'] = csrf;
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(path, init);
    } catch (e) {
      return {status: 0, data: null};
    }
    let data = null;
    if (res.status !== 204) {
      try { data = await res.json(); } catch (e) { data = null; }
    }
    if (res.status === 401 && !path.startsWith('/api/v1/auth/')) showLogin('Your session ended. Please sign in again.');
    return {status: res.status, data};
  }
  function errorText(r) {
    if (r.status === 0) return 'The server cannot be reached.';
    return (r.data && r.data.error && r.data.error.message) || `Request failed (HTTP ${r.status}).`;
  }

  const dateTime = new Intl.DateTimeFormat(undefined, {dateStyle: 'medium', timeStyle: 'short'});
  function when(iso) {
    const d = new Date(iso);
    return isNaN(d) ? String(iso || '') : dateTime.format(d);
  }

  // ---- session
  function showLogin(message) {
    csrf = '';
    $('app').hidden = true;
    $('who').hidden = true;
    $('login').hidden = false;
    $('login-error').textContent = message || '';
    $('login-form').elements.name.focus();
  }
  function showApp(me) {
    csrf = me.csrf_token || '';
    $('who-name').textContent = me.moderator;
    if (me.site_name) {
      $('site-name').textContent = me.site_name;
      document.title = `${me.site_name} · moderation`;
    }
    $('who').hidden = false;
    $('login').hidden = true;
    $('app').hidden = false;
    refreshCounts();
    const wanted = location.hash.slice(1);
    select(kQueues.includes(wanted) || wanted === 'audit' || wanted === 'stats' ? wanted : 'held');
  }
  $('login-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = e.currentTarget;
    const button = f.querySelector('button');
    button.disabled = true;
    const r = await api('POST', '/api/v1/auth/login', {name: f.elements.name.value, password: f.elements.password.value});
    button.disabled = false;
    if (r.status === 200 && r.data) {
      f.elements.password.value = '';
      showApp(r.data);
    } else {
      $('login-error').textContent = r.status === 401 ? 'Wrong name or password.' : errorText(r);
    }
  });
  $('logout').addEventListener('click', async () => {
    await api('POST', '/api/v1/auth/logout');
    showLogin('');
  });

  // ---- views
  for (const b of document.querySelectorAll('.tabs button')) {
    b.addEventListener('click', () => select(b.dataset.view));
  }
  window.addEventListener('hashchange', () => {
    const v = location.hash.slice(1);
    if (!$('app').hidden && v && v !== view) select(v);
  });
  function select(v) {
    view = v;
    if (location.hash.slice(1) !== v) history.replaceState(null, '', `#${v}`);
    for (const b of document.querySelectorAll('.tabs button')) {
      b.setAttribute('aria-current', b.dataset.view === v ? 'page' : 'false');
    }
    const isQueue = kQueues.includes(v);
    $('queue-view').hidden = !isQueue;
    $('audit-view').hidden = v !== 'audit';
    $('stats-view').hidden = v !== 'stats';
    if (isQueue) openQueue(v);
    else if (v === 'audit') openAudit();
    else if (v === 'stats') openStats();
  }

  async function refreshCounts() {
    await Promise.all(kQueues.map(async (q) => {
      const r = await api('GET', `/api/v1/mod/queues/${q}?limit=${kPage}`);
      const badge = document.querySelector(`[data-count="${q}"]`);
      if (r.status !== 200 || !r.data) { badge.textContent = ''; return; }
      const n = (r.data.comments || []).length;
      badge.textContent = n ? `${n}${r.data.next_cursor ? '+' : ''}` : '';
    }));
  }

  // ---- queues
  function openQueue(q) {
    queueCursor = null;
    $('queue-list').replaceChildren();
    $('action-status').textContent = '';
    $('select-all').checked = false;
    for (const b of document.querySelectorAll('[data-action]')) {
      b.hidden = !kActionsFor[q].includes(b.dataset.action);
      b.classList.remove('confirm');
      if (b.dataset.action === 'ban') b.textContent = 'Ban author';
    }
    loadQueue(q);
  }
  async function loadQueue(q) {
    const more = $('queue-more');
    more.disabled = true;
    const params = new URLSearchParams({limit: String(kPage)});
    if (queueCursor) params.set('after', queueCursor);
    const r = await api('GET', `/api/v1/mod/queues/${q}?${params}`);
    more.disabled = false;
    if (q !== view) return;
    if (r.status !== 200 || !r.data) {
      $('action-status').textContent = errorText(r);
      return;
    }
    for (const m of r.data.comments || []) $('queue-list').append(card(m));
    queueCursor = r.data.next_cursor || null;
    more.hidden = !queueCursor;
    $('queue-empty').hidden = $('queue-list').children.length > 0;
  }
  $('queue-more').addEventListener('click', () => loadQueue(view));

  function card(m) {
    const text = h('p', {class: 'text'}, highlightedRuns(m.text || '', m.reasons, kRuleNames));
    const reasons = (m.reasons || []).length ?
      h('ul', {class: 'reasons'}, m.reasons.map((r) => h('li', {},
          h('span', {class: `chip rule-${r.rule}`}, kRuleNames[r.rule] || r.rule),
          r.match ? h('code', {}, r.match) : null,
          r.detail ? h('span', {class: 'detail'}, r.detail) : null,
          h('span', {class: 'bytes'}, r.end > r.start ? `bytes ${r.start}–${r.end}` : 'whole comment')))) :
      null;
    // The revision shown here goes with every action on it: a comment its
    // writer edited since is refused (409) instead of acting on a text the
    // moderator never saw.
    const box = h('input', {type: 'checkbox', value: m.id, 'data-revision': m.revision,
      'aria-label': `Select comment by ${m.author}`});
    return h('li', {class: `card state-${m.state}`, 'data-id': m.id},
        h('label', {class: 'pick'}, box),
        h('div', {class: 'card-body'},
            h('div', {class: 'meta'},
                h('strong', {class: 'author'}, m.author || '(no name)'),
                h('span', {class: `state ${m.state}`}, m.state),
                h('span', {}, `by ${m.decided_by || 'engine'}`),
                m.reports ? h('span', {class: 'reports'}, `${m.reports} report${m.reports === 1 ? '' : 's'}`) : null,
                h('span', {class: 'thread'}, m.thread),
                m.parent_id ? h('span', {}, 'reply') : null,
                m.revision > 1 ? h('span', {class: 'revision'}, `revision ${m.revision}`) : null,
                h('time', {datetime: m.created_at}, when(m.created_at)),
                h('span', {class: 'id'}, m.id)),
            text,
            reasons));
  }

  function checkedBoxes() {
    return [...document.querySelectorAll('#queue-list input[type=checkbox]:checked')];
  }
  $('select-all').addEventListener('change', (e) => {
    for (const b of document.querySelectorAll('#queue-list input[type=checkbox]')) b.checked = e.target.checked;
  });
  for (const b of document.querySelectorAll('[data-action]')) {
    b.addEventListener('click', () => act(b));
  }
  async function act(button) {
    const action = button.dataset.action;
    const boxes = checkedBoxes();
    const status = $('action-status');
    if (!boxes.length) { status.textContent = 'Select at least one comment first.'; return; }
    if (action === 'ban' && !button.classList.contains('confirm')) {
      button.classList.add('confirm');
      button.textContent = `Ban ${boxes.length} author${boxes.length === 1 ? '' : 's'}? Click again`;
      return;
    }
    button.classList.remove('confirm');
    if (action === 'ban') button.textContent = 'Ban author';
    const ids = boxes.map((b) => b.value);
    const body = {action, comment_ids: ids, revisions: {}};
    for (const b of boxes) {
      const revision = Number(b.dataset.revision);
      if (Number.isInteger(revision) && revision > 0) body.revisions[b.value] = revision;
    }
    const reason = $('action-reason').value.trim();
    if (reason) body.reason = reason;
    for (const b of document.querySelectorAll('[data-action]')) b.disabled = true;
    const r = await api('POST', '/api/v1/mod/actions', body);
    for (const b of document.querySelectorAll('[data-action]')) b.disabled = false;
    if (r.status === 409) {
      // Edited since it was loaded: show the current text before anyone decides.
      status.textContent = `${errorText(r)} The queue was reloaded.`;
      reloadQueue();
      return;
    }
    if (r.status !== 200 || !r.data) { status.textContent = errorText(r); return; }
    let ok = 0;
    let stale = false;
    const failures = [];
    for (const res of r.data.results || []) {
      const li = document.querySelector(`#queue-list li[data-id="${CSS.escape(res.id)}"]`);
      if (res.ok) {
        ok++;
        if (li) li.remove();
      } else {
        failures.push(`${res.id}: ${res.error || 'failed'}`);
        if (res.stale) stale = true;
        if (li) li.classList.add('failed');
      }
    }
    status.textContent = `${action}: ${ok} done` + (failures.length ? `, ${failures.length} failed (${failures.join('; ')})` : '.') +
        (stale ? ' Edited comments were reloaded.' : '');
    $('select-all').checked = false;
    $('queue-empty').hidden = $('queue-list').children.length > 0;
    if (stale) reloadQueue();
    refreshCounts();
  }
  // Loads the open queue again from its start, keeping the status line.
  function reloadQueue() {
    queueCursor = null;
    $('queue-list').replaceChildren();
    $('select-all').checked = false;
    loadQueue(view);
  }

  // ---- audit log
  function openAudit() {
    auditCursor = null;
    $('audit-rows').replaceChildren();
    loadAudit();
  }
  async function loadAudit() {
    const params = new URLSearchParams({limit: String(kPage)});
    if (auditCursor) params.set('after', auditCursor);
    const r = await api('GET', `/api/v1/mod/audit?${params}`);
    if (r.status !== 200 || !r.data) {
      $('audit-empty').hidden = false;
      $('audit-empty').textContent = errorText(r);
      return;
    }
    for (const e of r.data.entries || []) {
      $('audit-rows').append(h('tr', {},
          h('td', {}, h('time', {datetime: e.at}, when(e.at))),
          h('td', {}, e.moderator || ''),
          h('td', {}, h('span', {class: `action ${e.action}`}, e.action || '')),
          h('td', {class: 'id'}, e.comment_id || ''),
          h('td', {}, e.author || ''),
          h('td', {}, e.reason || '')));
    }
    auditCursor = r.data.next_cursor || null;
    $('audit-more').hidden = !auditCursor;
    $('audit-empty').textContent = 'No moderator actions yet.';
    $('audit-empty').hidden = $('audit-rows').children.length > 0;
  }
  $('audit-more').addEventListener('click', loadAudit);

  // ---- statistics: stacked bars drawn as inline SVG
  async function openStats() {
    const r = await api('GET', '/api/v1/mod/stats?days=30');
    if (r.status !== 200 || !r.data) {
      $('chart-rules').replaceChildren(h('p', {class: 'error'}, errorText(r)));
      return;
    }
    const days = (r.data.days || []).slice().sort((a, b) => (a.date < b.date ? -1 : 1));
    $('stats-range').textContent = days.length ? `${days[0].date} to ${days[days.length - 1].date}` : '';
    const ruleKeys = ['link', 'advertisement', 'inappropriate_language'];
    for (const d of days) {
      for (const k of Object.keys(d.by_rule || {})) if (!ruleKeys.includes(k)) ruleKeys.push(k);
    }
    $('chart-rules').replaceChildren(stackedBars(days,
        ruleKeys.map((k) => ({key: k, label: kRuleNames[k] || k, value: (d) => (d.by_rule || {})[k] || 0})),
        'rule'));
    $('chart-decisions').replaceChildren(stackedBars(days, [
      {key: 'publish', label: 'published', value: (d) => d.publish || 0},
      {key: 'hold', label: 'held', value: (d) => d.hold || 0},
      {key: 'delete', label: 'deleted', value: (d) => d.delete || 0},
    ], 'decision'));
  }

  // A y-axis maximum with four whole-number steps of 1, 2 or 5 x 10^k.
  function niceMax(v) {
    const raw = Math.max(1, Math.ceil(v / 4));
    const p = 10 ** Math.floor(Math.log10(raw));
    for (const m of [1, 2, 5, 10]) if (m * p >= raw) return 4 * m * p;
    return 40 * p;
  }

  // One bar per day, one stacked segment per series. Colours come from the
  // CSS classes `series-<kind>-<key>`.
  function stackedBars(days, series, kind) {
    const W = 760, H = 260, L = 40, R = 10, T = 12, B = 34;
    const totals = days.map((d) => series.reduce((t, se) => t + se.value(d), 0));
    const max = niceMax(Math.max(0, ...totals));
    const plotW = W - L - R, plotH = H - T - B;
    const svg = s('svg', {viewBox: `0 0 ${W} ${H}`, role: 'img', class: 'bars',
      'aria-label': `${series.map((x) => x.label).join(', ')} per day`});
    for (let i = 0; i <= 4; i++) {
      const v = (max / 4) * i;
      const y = T + plotH - (v / max) * plotH;
      svg.append(s('line', {x1: L, x2: W - R, y1: y, y2: y, class: 'grid'}));
      svg.append(s('text', {x: L - 6, y: y + 4, 'text-anchor': 'end', class: 'tick'}, String(v)));
    }
    if (!days.length) {
      svg.append(s('text', {x: L + plotW / 2, y: T + plotH / 2, 'text-anchor': 'middle', class: 'tick'}, 'No decisions yet'));
    }
    const slot = plotW / Math.max(1, days.length);
    const barW = Math.max(2, Math.min(28, slot * 0.7));
    const labelEvery = Math.max(1, Math.ceil(days.length / 10));
    days.forEach((d, i) => {
      const x = L + slot * i + (slot - barW) / 2;
      let y = T + plotH;
      for (const se of series) {
        const v = se.value(d);
        if (!v) continue;
        const hgt = (v / max) * plotH;
        y -= hgt;
        svg.append(s('rect', {x, y, width: barW, height: hgt, class: `series-${kind}-${se.key}`},
            s('title', {}, `${d.date}: ${v} ${se.label}`)));
      }
      if (i % labelEvery === 0) {
        svg.append(s('text', {x: x + barW / 2, y: H - B + 16, 'text-anchor': 'middle', class: 'tick'}, d.date.slice(5)));
      }
    });
    svg.append(s('line', {x1: L, x2: W - R, y1: T + plotH, y2: T + plotH, class: 'axis'}));
    const legend = h('ul', {class: 'legend'}, series.map((se) => h('li', {},
        h('span', {class: `swatch series-${kind}-${se.key}`}),
        `${se.label} (${days.reduce((t, d) => t + se.value(d), 0)})`)));
    return h('figure', {class: 'figure'}, svg, legend);
  }

  // ---- start
  api('GET', '/api/v1/auth/me').then((r) => {
    if (r.status === 200 && r.data && r.data.moderator) showApp(r.data);
    else showLogin(r.status === 401 || r.status === 200 ? '' : errorText(r));
  });
})();
