// Throughput of npm word-list filters on the same corpus as
// bench/engine_benchmark.cc, one core, so docs/benchmarks.md can put them
// side by side. Usage: (cd bench/peers && npm ci && node throughput.mjs)
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RegExpMatcher, englishDataset, englishRecommendedTransformers } from 'obscenity';
import { profanity } from '@2toad/profanity';
import allProfanity from 'allprofanity';

const corpusPath = fileURLToPath(new URL('../corpus/mixed.jsonl', import.meta.url));
const corpus = readFileSync(corpusPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l).text);
const bytes = corpus.reduce((n, t) => n + Buffer.byteLength(t), 0);

const obscenity = new RegExpMatcher({ ...englishDataset.build(), ...englishRecommendedTransformers });

const filters = {
  'obscenity 0.4.6': (t) => obscenity.hasMatch(t),
  '@2toad/profanity 3.3.0': (t) => profanity.exists(t),
  'allprofanity 2.4.0': (t) => allProfanity.check(t),
};

function measure(fn) {
  // Warm up, then run whole passes over the corpus for about two seconds.
  for (let i = 0; i < 200; i++) for (const t of corpus) fn(t);
  let comments = 0;
  let flagged = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < 2e9) {
    for (const t of corpus) if (fn(t)) flagged++;
    comments += corpus.length;
    elapsed = Number(process.hrtime.bigint() - start);
  }
  return { perSecond: comments / (elapsed / 1e9), usPerComment: elapsed / 1e3 / comments,
           flaggedPerPass: flagged / (comments / corpus.length) };
}

console.log(`corpus: ${corpus.length} comments, ${(bytes / corpus.length).toFixed(0)} bytes on average`);
console.log('| filter | comments/s | µs/comment | flagged of corpus | heap MB |');
console.log('|---|---|---|---|---|');
for (const [name, fn] of Object.entries(filters)) {
  const r = measure(fn);
  const heap = process.memoryUsage().heapUsed / 2 ** 20;
  console.log(`| ${name} | ${Math.round(r.perSecond).toLocaleString('en-US')} | ${r.usPerComment.toFixed(2)} | ${r.flaggedPerPass}/${corpus.length} | ${heap.toFixed(1)} |`);
}
