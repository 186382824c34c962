// Reads the JSON report of a mutation run (reports/mutation/mutation.json) and prints the
// counts, Stryker's mutation score and the score without the equivalent mutants listed in
// ./equivalent-mutants.mjs. Fails (exit code 1) when a mutant survived that is neither listed
// as equivalent nor as a known survivor: that is a conformance test to write.
//
//   node packages/memory/mutation/score.mjs [report.json]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EQUIVALENT, KNOWN_SURVIVORS } from './equivalent-mutants.mjs';

const reportPath =
  process.argv[2] ?? fileURLToPath(new URL('../reports/mutation/mutation.json', import.meta.url));
const report = JSON.parse(readFileSync(reportPath, 'utf8'));

const collapse = (text) => text.replace(/\s+/g, ' ').trim();

/** The source text a mutant replaced, whitespace collapsed. */
function originalOf(source, { start, end }) {
  const lines = source.split('\n');
  const text = lines.slice(start.line - 1, end.line).join('\n');
  const from = start.column - 1;
  const to = text.length - (lines[end.line - 1].length - (end.column - 1));
  return collapse(text.slice(from, to));
}

/** Same replaced code, or a prefix of it when the entry's code ends in '...'. */
function sameCode(entry, code) {
  const wanted = collapse(entry.code);
  return wanted.endsWith('...') ? code.startsWith(wanted.slice(0, -3).trimEnd()) : code === wanted;
}

const matches = (entry, mutant) =>
  mutant.file.endsWith(entry.file) &&
  mutant.mutatorName === entry.mutator &&
  sameCode(entry, mutant.code) &&
  collapse(mutant.replacement ?? '') === collapse(entry.replacement) &&
  (entry.line === undefined || mutant.line.includes(entry.line));

const mutants = Object.entries(report.files).flatMap(([file, { source, mutants }]) =>
  mutants.map((mutant) => ({
    ...mutant,
    file,
    code: originalOf(source, mutant.location),
    line: source.split('\n')[mutant.location.start.line - 1],
  })),
);
const count = (status) => mutants.filter((mutant) => mutant.status === status).length;
const detected = count('Killed') + count('Timeout');
const undetected = mutants.filter((m) => m.status === 'Survived' || m.status === 'NoCoverage');
const valid = detected + undetected.length;

const used = new Set();
const classify = (mutant, list) => {
  const entry = list.find((candidate) => matches(candidate, mutant));
  if (entry !== undefined) used.add(entry);
  return entry;
};
const equivalent = undetected.filter((mutant) => classify(mutant, EQUIVALENT) !== undefined);
const rest = undetected.filter((mutant) => !equivalent.includes(mutant));
const known = rest.filter((mutant) => classify(mutant, KNOWN_SURVIVORS) !== undefined);
const unexplained = rest.filter((mutant) => !known.includes(mutant));
const percent = (part, whole) => `${((100 * part) / whole).toFixed(2)}%`;
const where = (m) =>
  `${m.file}:${m.location.start.line}:${m.location.start.column} ${m.status} ${m.mutatorName}: ${m.code.slice(0, 70)} -> ${collapse(m.replacement ?? '').slice(0, 50)}`;

console.log(
  `${mutants.length} mutants: ${count('Killed')} killed, ${count('Timeout')} timed out, ` +
    `${count('Survived')} survived, ${count('NoCoverage')} without coverage, ` +
    `${count('Ignored')} ignored, ${count('CompileError') + count('RuntimeError')} errors`,
);
console.log(`mutation score (Stryker): ${percent(detected, valid)} (${detected} of ${valid})`);
const kindOf = (mutant) => EQUIVALENT.find((entry) => matches(entry, mutant)).kind;
const same = equivalent.filter((mutant) => kindOf(mutant) === 'same').length;
console.log(
  `equivalent (equivalent-mutants.mjs): ${equivalent.length}, ${same} behaving the same for ` +
    `every adapter, ${equivalent.length - same} on paths memory never takes`,
);
console.log(
  `score without the first: ${percent(detected, valid - same)} (${detected} of ${valid - same}); ` +
    `without both: ${percent(detected, valid - equivalent.length)} ` +
    `(${detected} of ${valid - equivalent.length})`,
);
console.log(`known survivors, not killable with the suite's hooks: ${known.length}`);
for (const mutant of known) console.log(`  ${where(mutant)}`);
const stale = [...EQUIVALENT, ...KNOWN_SURVIVORS].filter((entry) => !used.has(entry));
for (const entry of stale) {
  console.log(`listed but not found (stale entry): ${entry.file} ${entry.mutator}: ${entry.code}`);
}
if (unexplained.length > 0) {
  console.log(`\n${unexplained.length} survivors neither killed nor listed:`);
  for (const mutant of unexplained) console.log(`  ${where(mutant)}`);
  process.exitCode = 1;
}
