// commentd embed widget: one script tag renders a moderated comment thread.
//
//   <script src="https://comments.example/embed.js" data-thread="article-slug" async></script>
//
// Optional: data-page-size (top-level comments per page, 1-100, default 20).
// The thread key comes from data-thread (else location.pathname); the API base
// is the script's own origin. The strings are those of web/messages/<lang>.json,
// which the server also uses for its messages; this file is served with them
// and web/shared.js before it (src/http/CMakeLists.txt). Everything renders
// inside a Shadow DOM attached to <div id="commentd"> (created after the
// script tag when absent). User data is only ever inserted as text nodes,
// never parsed as HTML. No inline styles: the look comes from /embed.css,
// linked inside the shadow root, so a page with a strict
// Content-Security-Policy (no 'unsafe-inline') shows it correctly.
(() => {
  'use strict';

  const script = document.currentScript ||
      document.querySelector('script[src*="embed.js"][data-thread]') ||
      document.querySelector('script[src*="embed.js"]');
  if (!script) return;
  const base = new URL(script.src, location.href).origin;
  const thread = script.dataset.thread || location.pathname;
  const pageLang = (document.documentElement.lang || 'en').toLowerCase().slice(0, 2);
  const lang = ['ko', 'zh', 'ja'].includes(pageLang) ? pageLang : 'en';
  const kEditWindowMs = 15 * 60 * 1000;
  const kCheckDelayMs = 500;
  const kPageSize = Math.min(100, Math.max(1, parseInt(script.dataset.pageSize, 10) || 20));

  // The catalogue (web/messages/<lang>.json, placed before this code by the
  // build as kMessages) is the one copy of these strings; the server writes
  // its explanations from the same files.
  const T = kMessages[lang];
  const fill = (template, values) =>
    template.replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
  const countText = (n) => n === 1 ? T.count_one : fill(T.count_other, {n});

  // ---- edit tokens, kept per comment id for the 15-minute edit window.
  const kTokenKey = 'commentd.tokens';
  function loadTokens() {
    try {
      const all = JSON.parse(localStorage.getItem(kTokenKey) || '{}');
      const now = Date.now();
      for (const [id, t] of Object.entries(all)) {
        if (!t || typeof t.token !== 'string' || now - t.at > kEditWindowMs) delete all[id];
      }
      return all;
    } catch (e) {
      return {};
    }
  }
  function saveTokens(all) {
    try { localStorage.setItem(kTokenKey, JSON.stringify(all)); } catch (e) { /* private mode */ }
  }
  function rememberToken(id, token, createdAt) {
    if (!id || !token) return;
    const all = loadTokens();
    const at = Date.parse(createdAt || '') || Date.now();
    all[id] = {token, at};
    saveTokens(all);
  }
  function forgetToken(id) {
    const all = loadTokens();
    delete all[id];
    saveTokens(all);
  }
  function ownToken(id) {
    const t = loadTokens()[id];
    return t && Date.now() - t.at < kEditWindowMs ? t.token : null;
  }

  // ---- HTTP
  async function api(method, path, body, headers) {
    const init = {method, headers: Object.assign({Accept: 'application/json'}, headers || {})};
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(base + path, init);
    } catch (e) {
      return {status: 0, data: null};
    }
    let data = null;
    if (res.status !== 204) {
      try { data = await res.json(); } catch (e) { data = null; }
    }
    return {status: res.status, data};
  }
  const threadPath = `/api/v1/threads/${encodeURIComponent(thread)}/comments`;
  function errorText(r) {
    if (r.status === 0) return T.network;
    return (r.data && r.data.error && r.data.error.message) || T.error;
  }

  function highlighted(text, reasons) {
    return h('p', {class: 'quote'}, highlightedRuns(text, reasons, T.rules));
  }
  function reasonList(reasons) {
    return h('ul', {class: 'reasons'}, (reasons || []).map((r) =>
      h('li', {'data-rule': r.rule},
          h('span', {class: 'rule'}, T.rules[r.rule] || r.rule),
          r.match ? h('q', {}, r.match) : null,
          r.detail ? h('span', {class: 'detail'}, r.detail) : null)));
  }
  // The writer's own text with the engine's reasons: why it was (or will be) removed.
  function verdictBox(kind, heading, message, text, reasons) {
    return h('div', {class: `verdict ${kind}`, role: kind === 'warn' ? null : 'alert'},
        h('p', {class: 'verdict-head'}, heading),
        message ? h('p', {class: 'verdict-message'}, message) : null,
        (reasons && reasons.length) ? reasonList(reasons) : null,
        (reasons && reasons.length && text) ? highlighted(text, reasons) : null);
  }

  // ---- IME-safe Enter handling. While an input method is composing (Korean,
  // Chinese, Japanese), Enter confirms the composition and must never submit.
  function guardComposition(field, onSubmitKey) {
    let composing = false;
    field.addEventListener('compositionstart', () => { composing = true; });
    field.addEventListener('compositionend', () => {
      // Some browsers send the confirming Enter's keydown just after
      // compositionend; keep the guard up until that event has passed.
      setTimeout(() => { composing = false; }, 0);
    });
    field.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter') return;
      if (e.isComposing || composing || e.keyCode === 229) {
        if (field.tagName === 'INPUT') e.preventDefault(); // no implicit form submission
        return;
      }
      if (onSubmitKey(e)) e.preventDefault();
    });
    return () => composing;
  }

  // ---- the post / reply / edit form
  // opts: {parent (comment or null), edit (comment or null), onPublished(c), onCancel()}
  function makeForm(opts) {
    const editing = !!opts.edit;
    const author = h('input', {class: 'author', name: 'author', maxlength: 80, autocomplete: 'nickname',
      placeholder: T.name, 'aria-label': T.name});
    try { author.value = localStorage.getItem('commentd.author') || ''; } catch (e) { /* ignore */ }
    const text = h('textarea', {class: 'text', name: 'text', rows: editing ? 3 : 3, maxlength: 10000,
      placeholder: opts.parent ? fill(T.reply_to, {author: opts.parent.author}) : T.text, 'aria-label': T.text});
    if (editing) text.value = opts.edit.text;
    const warn = h('div', {class: 'warn-slot', 'aria-live': 'polite'});
    const result = h('div', {class: 'result-slot', 'aria-live': 'polite'});
    const submit = h('button', {type: 'submit', class: 'primary'}, editing ? T.save : T.post);
    const cancel = (opts.parent || editing) ?
      h('button', {type: 'button', class: 'quiet', onclick: () => opts.onCancel && opts.onCancel()}, T.cancel) :
      null;
    const form = h('form', {class: 'form', novalidate: true},
        editing ? null : author, text, warn,
        h('div', {class: 'form-row'}, h('span', {class: 'hint'}, T.hint), cancel, submit),
        result);

    let busy = false;
    const authorComposing = editing ? () => false : guardComposition(author, () => false);
    const textComposing = guardComposition(text, (e) => {
      if (!(e.ctrlKey || e.metaKey)) return false; // plain Enter is a new line
      form.requestSubmit();
      return true;
    });

    // Live check while typing, debounced; stale answers are dropped.
    let timer = 0, seq = 0;
    text.addEventListener('input', () => {
      clearTimeout(timer);
      const my = ++seq;
      if (!text.value.trim()) { warn.replaceChildren(); return; }
      timer = setTimeout(async () => {
        const value = text.value;
        const r = await api('POST', '/api/v1/check', {text: value, lang});
        if (my !== seq) return;
        if (r.status === 200 && r.data && r.data.decision !== 'publish') {
          const del = r.data.decision === 'delete';
          warn.replaceChildren(verdictBox('warn', del ? T.warn_delete : T.warn_hold, '', value,
              r.data.reasons));
        } else {
          warn.replaceChildren();
        }
      }, kCheckDelayMs);
    });

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (busy || authorComposing() || textComposing()) return;
      const value = text.value;
      const name = author.value.trim();
      result.replaceChildren();
      if (!editing && !name) { result.append(h('p', {class: 'error', role: 'alert'}, T.need_name)); author.focus(); return; }
      if (!value.trim()) { result.append(h('p', {class: 'error', role: 'alert'}, T.need_text)); text.focus(); return; }
      busy = true;
      submit.disabled = true;
      clearTimeout(timer);
      seq++;
      let r;
      if (editing) {
        r = await api('PATCH', `/api/v1/comments/${encodeURIComponent(opts.edit.id)}`, {text: value, lang},
            {'X-Edit-Token': ownToken(opts.edit.id) || ''});
      } else {
        try { localStorage.setItem('commentd.author', name); } catch (err) { /* ignore */ }
        const body = {author: name, text: value, lang};
        if (opts.parent) body.parent_id = opts.parent.id;
        r = await api('POST', threadPath, body);
      }
      busy = false;
      submit.disabled = false;
      const d = r.data || {};
      if ((r.status === 201 || r.status === 200) && d.comment) {
        if (!editing) rememberToken(d.comment.id, d.edit_token, d.comment.created_at);
        text.value = '';
        warn.replaceChildren();
        opts.onPublished(d.comment);
        if (!opts.parent && !editing) result.append(h('p', {class: 'ok', role: 'status'}, T.published));
      } else if (r.status === 202) {
        if (!editing) rememberToken(d.comment_id, d.edit_token, null);
        text.value = '';
        warn.replaceChildren();
        result.append(verdictBox('held', T.held, d.message, value, d.reasons));
        if (editing && opts.onHeld) opts.onHeld();
      } else if (r.status === 422 && d.field === 'author') {
        // The name was refused (nothing stored): say why, keep the text.
        result.append(h('p', {class: 'error', role: 'alert'}, d.message || errorText(r)));
        author.focus();
      } else if (r.status === 422) {
        warn.replaceChildren();
        result.append(verdictBox('deleted', T.deleted, d.message, value, d.reasons));
      } else {
        if (r.status === 409 && editing) forgetToken(opts.edit.id);
        const why = r.status === 409 ? T.too_late : r.status === 429 ? T.slow_down :
          (r.status === 403 && !editing) ? T.banned : errorText(r);
        result.append(h('p', {class: 'error', role: 'alert'}, why));
      }
    });
    return {form, focus: () => (editing || author.value ? text : author).focus()};
  }

  // ---- comments
  const dateFmt = new Intl.DateTimeFormat(lang, {dateStyle: 'medium', timeStyle: 'short'});
  function when(iso) {
    const d = new Date(iso);
    return isNaN(d) ? '' : dateFmt.format(d);
  }

  function renderComment(c) {
    const li = h('li', {class: 'comment', id: `c-${c.id}`, 'data-id': c.id});
    const replies = h('ol', {class: 'replies'});
    const slot = h('div', {class: 'slot'});
    const body = h('p', {class: 'body'});
    const meta = h('div', {class: 'meta'});
    const actions = h('div', {class: 'actions'});
    const article = h('article', {}, meta, body, actions, slot);
    li.append(article, replies);

    function fill() {
      const removed = c.state === 'removed';
      li.classList.toggle('removed', removed);
      meta.replaceChildren(
          h('span', {class: 'who'}, removed ? '' : c.author),
          h('time', {datetime: c.created_at}, when(c.created_at)));
      if (c.edited_at) meta.append(h('span', {class: 'edited'}, T.edited));
      body.replaceChildren(removed ? T.removed : neutral(c.text));
      actions.replaceChildren();
      if (removed) return;
      actions.append(h('button', {type: 'button', class: 'link reply', onclick: openReply}, T.reply));
      if (ownToken(c.id)) {
        actions.append(
            h('button', {type: 'button', class: 'link edit', onclick: openEdit}, T.edit),
            h('button', {type: 'button', class: 'link delete', onclick: askDelete}, T.delete));
      } else {
        actions.append(h('button', {type: 'button', class: 'link report', onclick: report}, T.report));
      }
    }
    function openReply() {
      const f = makeForm({
        parent: c,
        onPublished: (rc) => { replies.append(renderComment(rc)); slot.replaceChildren(); bump(1); },
        onCancel: () => slot.replaceChildren(),
      });
      slot.replaceChildren(f.form);
      f.focus();
    }
    function openEdit() {
      const f = makeForm({
        edit: c,
        onPublished: (ec) => { Object.assign(c, ec); slot.replaceChildren(); body.hidden = false; fill(); },
        // The server keeps a held edit of a published comment aside and
        // readers keep seeing the published text: show it again above the
        // held notice.
        onHeld: () => { body.hidden = false; },
        onCancel: () => { slot.replaceChildren(); body.hidden = false; },
      });
      body.hidden = true;
      slot.replaceChildren(f.form);
      f.focus();
    }
    function askDelete(e) {
      const btn = e.currentTarget;
      if (!btn.classList.contains('confirm')) {
        btn.classList.add('confirm');
        btn.textContent = T.confirm_delete;
        return;
      }
      btn.disabled = true;
      api('DELETE', `/api/v1/comments/${encodeURIComponent(c.id)}`, undefined,
          {'X-Edit-Token': ownToken(c.id) || ''}).then((r) => {
        btn.disabled = false;
        if (r.status === 204) {
          forgetToken(c.id);
          bump(-1);
          if (replies.children.length) { c.state = 'removed'; fill(); } else li.remove();
        } else {
          if (r.status === 409) forgetToken(c.id);
          slot.replaceChildren(h('p', {class: 'error', role: 'alert'}, r.status === 409 ? T.too_late : errorText(r)));
          fill();
        }
      });
    }
    function report(e) {
      const btn = e.currentTarget;
      btn.disabled = true;
      api('POST', `/api/v1/comments/${encodeURIComponent(c.id)}/report`, {reason: 'reader report'}).then((r) => {
        if (r.status === 202 || r.status === 200) btn.replaceWith(h('span', {class: 'note'}, T.reported));
        else { btn.disabled = false; slot.replaceChildren(h('p', {class: 'error', role: 'alert'}, errorText(r))); }
      });
    }
    fill();
    for (const rc of c.replies || []) replies.append(renderComment(rc));
    // A page carries the first few replies of each comment (the server caps
    // them); the rest are fetched a page at a time from the reply cursor.
    let replyCursor = c.replies_cursor || null;
    if ((c.reply_count || 0) > (c.replies || []).length) {
      const moreReplies = h('button', {type: 'button', class: 'link more-replies'}, T.more_replies);
      moreReplies.addEventListener('click', async () => {
        moreReplies.disabled = true;
        const q = new URLSearchParams({parent: c.id, limit: String(kPageSize)});
        if (replyCursor) q.set('after', replyCursor);
        const r = await api('GET', `${threadPath}?${q}`);
        moreReplies.disabled = false;
        if (r.status !== 200 || !r.data) {
          slot.replaceChildren(h('p', {class: 'error', role: 'alert'}, `${T.load_error} ${errorText(r)}`));
          return;
        }
        for (const rc of r.data.comments || []) {
          if (!root.getElementById(`c-${rc.id}`)) replies.append(renderComment(rc));
        }
        replyCursor = r.data.next_cursor || null;
        if (!replyCursor) moreReplies.remove();
      });
      li.append(moreReplies);
    }
    return li;
  }

  // ---- mount
  let host = document.getElementById('commentd');
  if (!host) {
    host = document.createElement('div');
    host.id = 'commentd';
    if (script.parentNode && script.parentNode !== document.head) script.after(host);
    else document.body.append(host);
  }
  if (host.shadowRoot) return; // already mounted (script included twice)
  const root = host.attachShadow({mode: 'open'});
  const wrap = h('section', {class: 'commentd', lang, hidden: true});
  const sheet = h('link', {rel: 'stylesheet', href: `${base}/embed.css`});
  const reveal = () => { wrap.hidden = false; };
  sheet.addEventListener('load', reveal);
  sheet.addEventListener('error', reveal);
  root.append(sheet, wrap);

  const heading = h('h2', {class: 'count'}, T.loading);
  const list = h('ol', {class: 'list'});
  const status = h('p', {class: 'status', role: 'status'});
  const more = h('button', {type: 'button', class: 'more', hidden: true}, T.more);
  let published = 0;
  let cursor = null;
  function bump(d) {
    published = Math.max(0, published + d);
    heading.textContent = countText(published);
    status.textContent = list.children.length ? '' : T.empty;
  }
  const top = makeForm({
    parent: null,
    onPublished: (c) => { list.append(renderComment(c)); bump(1); },
  });
  wrap.append(heading, top.form, status, list, more);

  async function load() {
    more.disabled = true;
    const q = new URLSearchParams({limit: String(kPageSize), sort: 'oldest'});
    if (cursor) q.set('after', cursor);
    const r = await api('GET', `${threadPath}?${q}`);
    more.disabled = false;
    if (r.status !== 200 || !r.data) {
      heading.textContent = countText(published);
      status.textContent = `${T.load_error} ${errorText(r)}`;
      return;
    }
    for (const c of r.data.comments || []) {
      // A comment posted here before its page loaded is already shown.
      if (!root.getElementById(`c-${c.id}`)) list.append(renderComment(c));
    }
    published = (r.data.counts && r.data.counts.published) || 0;
    cursor = r.data.next_cursor || null;
    more.hidden = !cursor;
    bump(0);
  }
  more.addEventListener('click', load);
  load();
})();
