// Runs off-the-shelf npm word-list filters over the labeled splits written by
// `commentd eval --split test --dump-splits DIR` and prints one Markdown table
// row per (corpus, filter): precision, recall, F1 of the positive label, the
// share of clean texts flagged (FPR) and microseconds per text (1 core).
//
//   npm ci && node compare.mjs DIR
//
// Each package runs with its own matcher and documented options; for Korean
// and Chinese, word-boundary matching is switched off where a package has it,
// because with boundaries on it flags nothing in scripts without spaces.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { RegExpMatcher, englishDataset, englishRecommendedTransformers } from 'obscenity';
import { Profanity } from '@2toad/profanity';
import { Filter as GlinFilter } from 'glin-profanity';

const require = createRequire(import.meta.url);
const BadwordsKo = require('badwords-ko');

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node compare.mjs DIR   (DIR from commentd eval --dump-splits)');
  process.exit(2);
}

// The language of each corpus commentd eval --dump-splits writes (src/training/datasets.cc).
const LANG = {
  olid: 'en', davidson: 'en', foxnews: 'en', civil: 'en', convabuse: 'en', implicit_hate: 'en',
  youtube: 'en', sms: 'en', beep: 'ko', kmhas: 'ko', apeach: 'ko', cold: 'zh', swsr: 'zh',
  ja_inspection: 'ja',
};

const obscenity = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });
const toadEn = new Profanity({ languages: ['en'] });
const toadCjk = new Profanity({ languages: ['ko', 'zh', 'ja'], wholeWord: false });
const badwordsKo = new BadwordsKo();
const glinEn = new GlinFilter({ languages: ['english'], detectLeetspeak: true });
const glinCjk = new GlinFilter({ languages: ['korean', 'chinese', 'japanese'], wordBoundaries: false });

const filters = [
  ['obscenity 0.4.6', () => (t) => obscenity.hasMatch(t)],
  ['@2toad/profanity 3.3.0', (lang) => (lang === 'en' ? (t) => toadEn.exists(t) : (t) => toadCjk.exists(t))],
  ['badwords-ko 1.0.4', () => (t) => badwordsKo.isProfane(t)],
  ['glin-profanity 3.3.0', (lang) =>
    lang === 'en' ? (t) => glinEn.isProfane(t) : (t) => glinCjk.isProfane(t)],
];

const files = fs.readdirSync(dir).filter((f) => f.endsWith('.tsv')).sort();
console.log('| corpus | filter | n | P | R | F1 | FPR | µs/text |');
console.log('|---|---|---|---|---|---|---|---|');
for (const file of files) {
  const corpus = file.split('.')[0];
  const rows = fs.readFileSync(path.join(dir, file), 'utf8').split('\n').filter((l) => l.length > 0)
    .map((l) => { const tab = l.indexOf('\t'); return [l.slice(0, tab) === '1', l.slice(tab + 1)]; });
  for (const [name, make] of filters) {
    const flag = make(LANG[corpus] ?? 'en');
    let tp = 0, fp = 0, fn = 0, tn = 0;
    const start = process.hrtime.bigint();
    for (const [positive, text] of rows) {
      let hit = false;
      try { hit = Boolean(flag(text)); } catch { hit = false; }
      if (positive) { hit ? tp++ : fn++; } else { hit ? fp++ : tn++; }
    }
    const us = Number(process.hrtime.bigint() - start) / 1000 / rows.length;
    const p = tp + fp ? tp / (tp + fp) : 0;
    const r = tp + fn ? tp / (tp + fn) : 0;
    const f1 = p + r ? (2 * p * r) / (p + r) : 0;
    const fpr = fp + tn ? fp / (fp + tn) : 0;
    console.log(`| ${corpus} | ${name} | ${rows.length} | ${p.toFixed(3)} | ${r.toFixed(3)} | ${f1.toFixed(3)} | ${fpr.toFixed(3)} | ${us.toFixed(0)} |`);
  }
}
