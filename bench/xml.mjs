// XML benchmark: the one reader of Pacemaker's XML (src/agent/parse/xml.ts) against fast-xml-parser
// with the options an element tree needs (attributes kept as strings, no value conversion, document
// order kept, well-formedness checked), on a generated cluster's crm_mon XML (~8 MB) and on every
// XML file of the corpus (../shared/corpus). Also checks both give the same tree. Prints figures.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { fmt, median, printTable, root } from './lib.mjs';

const { parseXml } = await import(path.join(root, 'dist/agent/parse/xml.js'));
const N = Number(process.env.BENCH_N ?? 7);

// fast-xml-parser as the readers would need it: ordered (crm_mon interleaves element kinds), strings
// only, every entity and character reference decoded, the same {name, attrs, children, text} tree.
const fxpOptions = {
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  preserveOrder: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
  htmlEntities: true, // the only way to have it decode character references (&#10;)
  trimValues: false,
};
const ordered = new XMLParser(fxpOptions);
const arrays = new XMLParser({ ...fxpOptions, preserveOrder: false, isArray: () => true });
function toTree(list) {
  const out = [];
  for (const entry of list) {
    const name = Object.keys(entry).find((k) => k !== ':@');
    if (name === undefined || name === '#text') continue;
    const kids = entry[name];
    let text = '';
    for (const k of kids) if ('#text' in k) text += k['#text'];
    out.push({ name, attrs: { ...(entry[':@'] ?? {}) }, children: toTree(kids), text: text.trim() === '' ? '' : text });
  }
  return out;
}
function fxp(xml) {
  const v = XMLValidator.validate(xml);
  if (v !== true) throw new Error(v.err.msg);
  return toTree(ordered.parse(xml))[0];
}
const fxpUnchecked = (xml) => toTree(ordered.parse(xml))[0];

function time(fn, n) {
  fn();
  const t = [];
  for (let i = 0; i < n; i++) {
    const a = performance.now();
    fn();
    t.push(performance.now() - a);
  }
  return median(t);
}
function difference(a, b, at) {
  if (a.name !== b.name) return `${at}: <${a.name}> vs <${b.name}>`;
  const ka = Object.keys(a.attrs);
  if (ka.length !== Object.keys(b.attrs).length) return `${at}/${a.name}: attributes differ`;
  for (const k of ka) if (a.attrs[k] !== b.attrs[k]) return `${at}/${a.name}@${k}: ${JSON.stringify(a.attrs[k])} vs ${JSON.stringify(b.attrs[k])}`;
  if (a.text.trim() !== b.text.trim()) return `${at}/${a.name}: text differs`;
  if (a.children.length !== b.children.length) return `${at}/${a.name}: ${a.children.length} vs ${b.children.length} children`;
  for (let i = 0; i < a.children.length; i++) {
    const d = difference(a.children[i], b.children[i], `${at}/${a.name}[${i}]`);
    if (d) return d;
  }
  return null;
}

// 1. The hot path: crm_mon XML of a generated big cluster, parsed on every snapshot.
const dir = mkdtempSync(path.join(os.tmpdir(), 'pcmk-bench-xml-'));
const cib = path.join(dir, 'big.xml');
execFileSync('node', [path.join(root, 'test/gen/gen-cib.mjs'), '--preset', 'big', '--out', cib], { stdio: 'inherit' });
const mon = execFileSync('crm_mon', ['--one-shot', '--output-as=xml', '--inactive', '--include=all'], {
  env: { ...process.env, CIB_file: cib, TZ: 'UTC', LC_ALL: 'C' },
  maxBuffer: 1 << 30,
  encoding: 'utf8',
});
rmSync(dir, { recursive: true, force: true });
const ours = time(() => parseXml(mon), N);
const rows = [
  ['our reader (parseXml): checks well-formedness, builds the tree', ours],
  ['fast-xml-parser: validate + ordered parse + the same tree', time(() => fxp(mon), N)],
  ['fast-xml-parser: ordered parse + tree, no validation (accepts truncated output)', time(() => fxpUnchecked(mon), N)],
  ['fast-xml-parser: arrays forced, no order, no validation (raw object only)', time(() => arrays.parse(mon), N)],
];
const same = difference(parseXml(mon), fxp(mon), '') ?? 'identical';
printTable(`crm_mon XML of a generated cluster (${(mon.length / 1e6).toFixed(1)} MB; median of ${N}; trees: ${same})`, [
  ['reader', 'time', 'vs ours'],
  ...rows.map(([k, v]) => [k, fmt(v), `${(v / ours).toFixed(2)}x`]),
]);

// 2. The corpus: every XML file (CTS CIBs and crm_mon outputs), both readers, same trees?
const corpus = path.resolve(root, '../shared/corpus');
const files = readdirSync(corpus, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.xml'));
const texts = files.map((f) => readFileSync(path.join(corpus, f), 'utf8'));
let differ = 0;
let rejectedBoth = 0;
const disagreements = [];
const good = [];
texts.forEach((t, i) => {
  let a = null;
  let b = null;
  try {
    a = parseXml(t);
  } catch {}
  try {
    b = fxp(t);
  } catch {}
  if (a && b) {
    good.push(t);
    const d = difference(a, b, '');
    if (d) {
      differ++;
      if (disagreements.length < 5) disagreements.push(`${files[i]}: ${d}`);
    }
  } else if (!a && !b) rejectedBoth++;
  else disagreements.push(`${files[i]}: ours ${a ? 'reads it' : 'rejects it'}, fast-xml-parser ${b ? 'reads it' : 'rejects it'}`);
});
const all = (fn) => () => good.forEach(fn);
const cOurs = time(all(parseXml), 3);
const cFxp = time(all(fxp), 3);
printTable(
  `Corpus: ${texts.length} XML files, ${(texts.reduce((s, t) => s + t.length, 0) / 1e6).toFixed(1)} MB; both read ${good.length}, both reject ${rejectedBoth}, trees differ in ${differ}`,
  [
    ['reader', 'all files', 'vs ours'],
    ['our reader', fmt(cOurs), '1.00x'],
    ['fast-xml-parser: validate + ordered parse + tree', fmt(cFxp), `${(cFxp / cOurs).toFixed(2)}x`],
  ],
);
for (const d of disagreements) console.log(`  disagreement: ${d}`);
