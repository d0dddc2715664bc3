// commentd embed widget: one script tag renders a moderated comment thread.
//
//   <script src="https://comments.example/embed.js" data-thread="article-slug" async></script>
//
// Optional: data-page-size (top-level comments per page, 1-100, default 20).
// The thread key comes from data-thread (else location.pathname); the API base
// is the script's own origin. Everything renders inside a Shadow DOM attached to
// <div id="commentd"> (created after the script tag when absent). User data is
// only ever inserted as text nodes, never parsed as HTML. No inline styles: the
// look comes from /embed.css, linked inside the shadow root, so a page with a
// strict Content-Security-Policy (no 'unsafe-inline') shows it correctly.
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

  const STRINGS = {
    en: {
      count: (n) => n === 1 ? '1 comment' : `${n} comments`,
      name: 'Name', text: 'Write a comment', post: 'Post comment', reply: 'Reply',
      cancel: 'Cancel', edit: 'Edit', save: 'Save', del: 'Delete', confirmDel: 'Delete for good?',
      report: 'Report', reported: 'Reported. Thank you.', more: 'Load more comments', moreReplies: 'Show more replies',
      loading: 'Loading comments…', empty: 'No comments yet. Be the first.',
      removed: 'This comment was removed.', edited: 'edited',
      published: 'Your comment is published.',
      held: 'Your comment is waiting for a moderator.',
      deleted: 'Your comment was not published.',
      warnDelete: 'This will be deleted because:',
      warnHold: 'This will be held for a moderator because:',
      rules: {link: 'link', advertisement: 'advertisement',
        inappropriate_language: 'inappropriate language', unreadable_text: 'unreadable text'},
      error: 'Something went wrong. Please try again.',
      network: 'Could not reach the comment server.',
      hint: 'Ctrl+Enter posts', needName: 'Please enter your name.',
      needText: 'Please write a comment.', tooLate: 'The 15 minutes for editing are over.',
      loadError: 'Comments could not be loaded.', replyTo: (a) => `Reply to ${a}`,
      banned: 'You cannot comment here.', slowDown: 'You are posting too fast. Please wait a moment and try again.',
    },
    ko: {
      count: (n) => `댓글 ${n}개`,
      name: '이름', text: '댓글을 입력하세요', post: '댓글 등록', reply: '답글',
      cancel: '취소', edit: '수정', save: '저장', del: '삭제', confirmDel: '정말 삭제할까요?',
      report: '신고', reported: '신고가 접수되었습니다.', more: '댓글 더 보기', moreReplies: '답글 더 보기',
      loading: '댓글을 불러오는 중…', empty: '아직 댓글이 없습니다. 첫 댓글을 남겨 주세요.',
      removed: '삭제된 댓글입니다.', edited: '수정됨',
      published: '댓글이 등록되었습니다.',
      held: '댓글이 관리자 검토를 기다리고 있습니다.',
      deleted: '댓글이 게시되지 않았습니다.',
      warnDelete: '다음 이유로 삭제됩니다:',
      warnHold: '다음 이유로 관리자 검토 대상이 됩니다:',
      rules: {link: '링크', advertisement: '광고',
        inappropriate_language: '부적절한 언어', unreadable_text: '읽을 수 없는 글'},
      error: '문제가 발생했습니다. 다시 시도해 주세요.',
      network: '댓글 서버에 연결할 수 없습니다.',
      hint: 'Ctrl+Enter로 등록', needName: '이름을 입력하세요.',
      needText: '댓글 내용을 입력하세요.', tooLate: '수정할 수 있는 15분이 지났습니다.',
      loadError: '댓글을 불러오지 못했습니다.', replyTo: (a) => `${a}님에게 답글`,
      banned: '이곳에 댓글을 달 수 없습니다.', slowDown: '너무 빠르게 작성하고 있습니다. 잠시 후 다시 시도해 주세요.',
    },
    zh: {
      count: (n) => `评论（${n}）`,
      name: '昵称', text: '发表你的评论', post: '发表评论', reply: '回复',
      cancel: '取消', edit: '编辑', save: '保存', del: '删除', confirmDel: '确定删除？',
      report: '举报', reported: '已举报，谢谢。', more: '加载更多评论', moreReplies: '显示更多回复',
      loading: '正在加载评论…', empty: '还没有评论，来发表第一条吧。',
      removed: '该评论已被删除。', edited: '已编辑',
      published: '你的评论已发表。',
      held: '你的评论正在等待管理员审核。',
      deleted: '你的评论未被发表。',
      warnDelete: '这条评论将被删除，原因：',
      warnHold: '这条评论将交由管理员审核，原因：',
      rules: {link: '链接', advertisement: '广告',
        inappropriate_language: '不当言辞', unreadable_text: '无法识别的文字'},
      error: '出错了，请重试。',
      network: '无法连接评论服务器。',
      hint: 'Ctrl+Enter 发表', needName: '请输入昵称。',
      needText: '请输入评论内容。', tooLate: '已超过 15 分钟的编辑时限。',
      loadError: '评论加载失败。', replyTo: (a) => `回复 ${a}`,
      banned: '你无法在此发表评论。', slowDown: '发表太频繁，请稍后再试。',
    },
    ja: {
      count: (n) => `コメント（${n}件）`,
      name: '名前', text: 'コメントを書く', post: 'コメントを投稿', reply: '返信',
      cancel: 'キャンセル', edit: '編集', save: '保存', del: '削除', confirmDel: '本当に削除しますか？',
      report: '通報', reported: '通報しました。ありがとうございます。', more: 'コメントをさらに読み込む', moreReplies: '返信をさらに表示',
      loading: 'コメントを読み込み中…', empty: 'まだコメントはありません。最初のコメントをどうぞ。',
      removed: 'このコメントは削除されました。', edited: '編集済み',
      published: 'コメントを投稿しました。',
      held: 'コメントはモデレーターの確認待ちです。',
      deleted: 'コメントは公開されませんでした。',
      warnDelete: '次の理由で削除されます：',
      warnHold: '次の理由でモデレーターの確認待ちになります：',
      rules: {link: 'リンク', advertisement: '広告',
        inappropriate_language: '不適切な表現', unreadable_text: '読み取れない文字'},
      error: 'エラーが発生しました。もう一度お試しください。',
      network: 'コメントサーバーに接続できません。',
      hint: 'Ctrl+Enterで投稿', needName: '名前を入力してください。',
      needText: 'コメントを入力してください。', tooLate: '編集できる15分が過ぎました。',
      loadError: 'コメントを読み込めませんでした。', replyTo: (a) => `${a}さんへの返信`,
      banned: 'ここにはコメントできません。', slowDown: '投稿が早すぎます。しばらくしてからもう一度お試しください。',
    },
  };
  const T = STRINGS[lang];

  // ---- small DOM helper: attributes are set as attributes, children as text nodes.
  // Bidi controls (embeddings, overrides, isolates, LRM/RLM) let a writer
  // show text in another order than it is stored ("moc.elpmaxe" inside
  // U+202E displays as a domain). Readers see the stored order: the controls
  // are dropped from what is shown; the stored text keeps every byte.
  const kBidiControls = /[\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
  function neutral(s) { return s.replace(kBidiControls, ''); }
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      el.append(typeof c === 'string' ? document.createTextNode(neutral(c)) : c);
    }
    return el;
  }

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

  // ---- spans: the engine reports UTF-8 byte offsets into the submitted text.
  // Split `text` into runs, each marked with the rules whose spans cover it.
  // Offsets that fall inside a multi-byte character are widened to whole
  // characters; offsets past the end are clamped.
  function segments(text, reasons) {
    const bytes = new TextEncoder().encode(text);
    const n = bytes.length;
    const cont = (i) => i < n && (bytes[i] & 0xc0) === 0x80;
    const marks = [];
    for (const r of reasons || []) {
      let s = Math.min(n, Math.max(0, Number(r.start) || 0));
      let e = Math.min(n, Math.max(0, Number(r.end) || 0));
      while (s > 0 && cont(s)) s--;
      while (e < n && cont(e)) e++;
      if (e > s) marks.push({s, e, rule: r.rule});
    }
    const cuts = new Set([0, n]);
    for (const m of marks) { cuts.add(m.s); cuts.add(m.e); }
    const points = [...cuts].sort((a, b) => a - b);
    const dec = new TextDecoder();
    const out = [];
    for (let i = 0; i + 1 < points.length; i++) {
      const a = points[i], b = points[i + 1];
      const rules = [...new Set(marks.filter((m) => m.s <= a && m.e >= b).map((m) => m.rule))];
      out.push({text: dec.decode(bytes.subarray(a, b)), rules});
    }
    return out;
  }
  function highlighted(text, reasons) {
    return h('p', {class: 'quote'}, segments(text, reasons).map((seg) => seg.rules.length ?
      h('mark', {class: 'span', 'data-rule': seg.rules.join(' '),
        title: seg.rules.map((r) => T.rules[r] || r).join(', ')}, seg.text) :
      seg.text));
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
      placeholder: opts.parent ? T.replyTo(opts.parent.author) : T.text, 'aria-label': T.text});
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
          warn.replaceChildren(verdictBox('warn', del ? T.warnDelete : T.warnHold, '', value,
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
      if (!editing && !name) { result.append(h('p', {class: 'error', role: 'alert'}, T.needName)); author.focus(); return; }
      if (!value.trim()) { result.append(h('p', {class: 'error', role: 'alert'}, T.needText)); text.focus(); return; }
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
        const why = r.status === 409 ? T.tooLate : r.status === 429 ? T.slowDown :
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
            h('button', {type: 'button', class: 'link delete', onclick: askDelete}, T.del));
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
        btn.textContent = T.confirmDel;
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
          slot.replaceChildren(h('p', {class: 'error', role: 'alert'}, r.status === 409 ? T.tooLate : errorText(r)));
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
      const moreReplies = h('button', {type: 'button', class: 'link more-replies'}, T.moreReplies);
      moreReplies.addEventListener('click', async () => {
        moreReplies.disabled = true;
        const q = new URLSearchParams({parent: c.id, limit: String(kPageSize)});
        if (replyCursor) q.set('after', replyCursor);
        const r = await api('GET', `${threadPath}?${q}`);
        moreReplies.disabled = false;
        if (r.status !== 200 || !r.data) {
          slot.replaceChildren(h('p', {class: 'error', role: 'alert'}, `${T.loadError} ${errorText(r)}`));
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
    heading.textContent = T.count(published);
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
      heading.textContent = T.count(published);
      status.textContent = `${T.loadError} ${errorText(r)}`;
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
