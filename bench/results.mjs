// What bench/summarize.mjs and bench/cluster_summary.mjs share: reading a
// raw results file (one JSON object per line) named on the command line,
// and the statistics and number format of their tables.
import fs from 'node:fs';

/// `{ runs, machinePath }` from `node SCRIPT results.jsonl [machine.txt]`;
/// exits with the usage line when the file is not named.
export function readArgs(script, rawName) {
  const [rawPath, machinePath] = process.argv.slice(2);
  if (!rawPath) {
    console.error(`usage: node ${script} ${rawName} [machine.txt]`);
    process.exit(2);
  }
  const runs = fs.readFileSync(rawPath, 'utf8').split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      try { return JSON.parse(line); }
      catch (err) { throw new Error(`${rawPath}:${i + 1}: ${err.message}`); }
    });
  return { runs, machinePath };
}

/// The finite numbers of `values`, ascending.
export const nums = (values) => values
  .filter((x) => typeof x === 'number' && Number.isFinite(x))
  .sort((a, b) => a - b);

export function median(values) {
  const v = nums(values);
  if (v.length === 0) return undefined;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

export function fmt(x, digits = 0) {
  if (x === undefined) return 'n/a';
  return x.toLocaleString('en-US', { maximumFractionDigits: digits,
                                     minimumFractionDigits: digits });
}
