/**
 * The order people expect for file names: `clip-2` before `clip-10`, case ignored. SQLite has no
 * such collation, so the order is a key: the name lowercased, each run of digits written as its
 * length (two digits) and then the number without leading zeros. Comparing two keys as plain text
 * compares the numbers by value, and the engine indexes this key (migrations.ts, `natural_key`), so
 * a sorted page of 100,000 files is read off the index with LIMIT/OFFSET, in the same order a
 * `Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })` gives for ordinary names.
 */
const DIGIT_RUN = /\d+/g;
// Runs longer than this are left as they are (no file name numbers its parts in 100-digit numbers).
const LONGEST_NUMBER = 99;

export function naturalSortKey(text: string): string {
  return text.toLowerCase().replace(DIGIT_RUN, (run) => {
    const number = run.replace(/^0+(?=\d)/, '');
    if (number.length > LONGEST_NUMBER) return run;
    return String(number.length).padStart(2, '0') + number;
  });
}
