// commentd shared browser code: the DOM helper and the span highlighting that
// both the embed widget and the moderator dashboard use.
//
// Not served by itself. The build (src/http/CMakeLists.txt) serves embed.js
// and dashboard/dashboard.js each as one script, this file and the message
// catalogue (web/messages/<lang>.json as `kMessages`) placed before the
// file's own code inside one function scope: nothing here becomes a global
// of the publisher's page, and the page still loads the widget with one
// script tag.

// Bidi controls (embeddings, overrides, isolates, LRM/RLM) let a writer
// show text in another order than it is stored ("moc.elpmaxe" inside
// U+202E displays as a domain). Readers see the stored order: the controls
// are dropped from what is shown; the stored text keeps every byte.
const kBidiControls = /[\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
function neutral(s) { return s.replace(kBidiControls, ''); }

// Builds an element: attributes are set as attributes ("onclick" adds a
// listener), children are appended, strings as text nodes. User data is
// never parsed as HTML.
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

// ---- spans: the engine reports UTF-8 byte offsets (`start`, `end`) into the
// submitted text. Splits `text` into runs, each with the rules whose spans
// cover it. Offsets that fall inside a multi-byte character are widened to
// whole characters; offsets past the end are clamped. Overlapping spans split
// into runs that carry every rule covering them.
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

// The runs of `text` as children for an element: plain strings, and a
// <mark class="span rule-RULE..." data-rule="RULE..."> titled with the rule
// names (`ruleNames`: rule -> label) where reasons cover the text.
function highlightedRuns(text, reasons, ruleNames) {
  return segments(text, reasons).map((seg) => seg.rules.length ?
    h('mark', {class: `span ${seg.rules.map((r) => `rule-${r}`).join(' ')}`,
      'data-rule': seg.rules.join(' '), title: seg.rules.map((r) => ruleNames[r] || r).join(', ')},
    seg.text) :
    seg.text);
}
