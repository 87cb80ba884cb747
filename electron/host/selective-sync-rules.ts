import { exactIgnoreRule } from '../engine/scan/exact-ignore-rule.js';

/**
 * The lines of `.hoistignore` that the window's "exclude this subfolder / this file type" manages,
 * as text: how a choice is written as a gitignore rule, how such a rule is read back, and the
 * marked section that holds them. Everything outside that section, and any line inside it that is
 * not one of these rules, is the person's and is kept exactly as it is.
 */

/** One exclusion made with a click: a path of the folder (file or subfolder), or a file type. */
export type Exclusion = { kind: 'path'; path: string } | { kind: 'type'; fileType: string };

export const SECTION_START = '# Hoist: left out with a click in the window. Hoist adds and removes the';
export const SECTION_NOTE = '# rules between this line and the end line; your own rules belong outside.';
export const SECTION_END = '# Hoist: end of the rules left out with a click.';

/**
 * The rule for an exclusion: a path rooted with `/` and escaped as exact-ignore-rule.ts does (so it
 * leaves out that path and nothing else), with a trailing `/` for a folder; a file type as `*.` and
 * its extension with each letter in both cases (`*.[mM][pP]4`), because gitignore matching is
 * case-sensitive on Linux and a camera's `CLIP.MP4` is as much an mp4 as `clip.mp4`.
 * Null when it cannot be one line (a line break in the name).
 */
export function ruleFor(exclusion: Exclusion, isFolder: boolean): string | null {
  if (exclusion.kind === 'path') {
    const rule = exactIgnoreRule(exclusion.path);
    return rule === null ? null : isFolder ? `${rule}/` : rule;
  }
  if (exclusion.fileType === '' || /[\s/]/.test(exclusion.fileType)) return null;
  let pattern = '*.';
  for (const char of exclusion.fileType) {
    if (hasCasePair(char)) pattern += `[${char.toLowerCase()}${char.toUpperCase()}]`;
    else pattern += /[*?[\\!#]/.test(char) ? `\\${char}` : char;
  }
  return pattern;
}

/** The exclusion a rule line stands for, if it is one `ruleFor` writes; null for any other line. */
export function exclusionOf(line: string): Exclusion | null {
  if (line.startsWith('/')) {
    // A name cannot hold a `/`, so a last one always marks a folder rule.
    const body = line.endsWith('/') ? line.slice(1, -1) : line.slice(1);
    const path = unescapeExact(body);
    return path === null || path === '' ? null : { kind: 'path', path };
  }
  if (!line.startsWith('*.')) return null;
  let fileType = '';
  const body = line.slice(2);
  for (let index = 0; index < body.length; index++) {
    const char = body[index]!;
    if (char === '\\') {
      const next = body[++index];
      if (next === undefined) return null;
      fileType += next;
    } else if (char === '[') {
      // Only the both-cases pair ruleFor writes: `[xX]`.
      const close = body.indexOf(']', index);
      const pair = close < 0 ? [] : [...body.slice(index + 1, close)];
      const [lower, upper] = pair;
      if (
        pair.length !== 2 ||
        lower === upper ||
        lower !== lower!.toLowerCase() ||
        upper !== lower!.toUpperCase()
      )
        return null;
      fileType += pair[0];
      index = close;
    } else if (char === '*' || char === '?' || char === '/' || /\s/.test(char) || hasCasePair(char)) {
      // A letter alone is not how ruleFor writes one (`*.log` is the person's rule, even here).
      return null;
    } else {
      fileType += char;
    }
  }
  return fileType === '' ? null : { kind: 'type', fileType };
}

/** A character with one lower- and one upper-case form, written `[xX]` so either matches. */
function hasCasePair(char: string): boolean {
  const lower = char.toLowerCase();
  const upper = char.toUpperCase();
  return lower !== upper && [...lower].length === 1 && [...upper].length === 1;
}

/** The same exclusion (a path compared in NFC, as the engine's matching does). */
export function sameExclusion(a: Exclusion, b: Exclusion): boolean {
  if (a.kind === 'path' && b.kind === 'path') return a.path.normalize('NFC') === b.path.normalize('NFC');
  if (a.kind === 'type' && b.kind === 'type') return a.fileType === b.fileType;
  return false;
}

/** A path without backslash escapes; null if it holds a wildcard (then it is not an exact rule). */
function unescapeExact(body: string): string | null {
  let path = '';
  for (let index = 0; index < body.length; index++) {
    const char = body[index]!;
    if (char === '\\') {
      const next = body[++index];
      if (next === undefined) return null;
      path += next;
    } else if (char === '*' || char === '?' || char === '[') return null;
    else path += char;
  }
  // A trailing unescaped space is trimmed by gitignore, so the rule would not be the name it shows.
  return body.endsWith(' ') && !body.endsWith('\\ ') ? null : path;
}

/**
 * `.hoistignore` as lines, with the section Hoist manages found in it. Each line keeps its own `\r`
 * (a file written on Windows stays CRLF), and new lines get the file's ending.
 */
export class HoistignoreLines {
  private readonly lines: string[];
  private readonly eol: '\n' | '\r\n';

  constructor(text: string) {
    this.lines = text === '' ? [] : text.split('\n');
    if (this.lines.at(-1) === '') this.lines.pop();
    this.eol = text.includes('\r\n') ? '\r\n' : '\n';
  }

  /** The exclusions Hoist's section holds, in file order. */
  exclusions(): Exclusion[] {
    const found: Exclusion[] = [];
    for (const index of this.ruleIndexes()) {
      const exclusion = exclusionOf(this.content(index));
      if (exclusion !== null) found.push(exclusion);
    }
    return found;
  }

  /** The pattern lines outside Hoist's rules: the person's own (comments and blanks left out). */
  ownPatterns(): string[] {
    const managed = new Set(this.ruleIndexes().filter((index) => exclusionOf(this.content(index)) !== null));
    const patterns: string[] = [];
    this.lines.forEach((_, index) => {
      const line = this.content(index);
      if (!managed.has(index) && line.trim() !== '' && !line.startsWith('#')) patterns.push(line);
    });
    return patterns;
  }

  /** Adds a rule at the end of Hoist's section, making the section (at the end of the file) if needed. */
  add(rule: string): void {
    const section = this.section();
    if (section !== null) {
      this.lines.splice(section.end, 0, this.withEol(rule));
      return;
    }
    if (this.lines.length > 0 && this.content(this.lines.length - 1).trim() !== '')
      this.lines.push(this.eolOnly());
    this.lines.push(...[SECTION_START, SECTION_NOTE, rule, SECTION_END].map((line) => this.withEol(line)));
  }

  /** Removes Hoist's rules for this exclusion; the section goes too once nothing is left in it. */
  remove(exclusion: Exclusion): boolean {
    const matching = this.ruleIndexes().filter((index) => {
      const found = exclusionOf(this.content(index));
      return found !== null && sameExclusion(found, exclusion);
    });
    for (const index of matching.reverse()) this.lines.splice(index, 1);
    if (matching.length > 0) this.dropEmptySection();
    return matching.length > 0;
  }

  toString(): string {
    if (this.lines.length === 0) return '';
    // Every line ends with the file's line ending; only the last one had none before.
    // Every line ends with a line break (a CRLF file's lines keep their `\r`), the last one too.
    return this.lines.map((line) => `${line}\n`).join('');
  }

  private dropEmptySection(): void {
    const section = this.section();
    if (section === null) return;
    const inside = this.lines
      .slice(section.start + 1, section.end)
      .filter((line) => line.replace(/\r$/, '') !== SECTION_NOTE);
    if (inside.length > 0) return;
    const end = section.end < this.lines.length ? section.end + 1 : section.end;
    let start = section.start;
    // The blank line `add` put before the section, when nothing follows it.
    if (end === this.lines.length && start > 0 && this.content(start - 1).trim() === '') start--;
    this.lines.splice(start, end - start);
  }

  /** Indexes of the lines inside Hoist's section (between its start and end lines). */
  private ruleIndexes(): number[] {
    const section = this.section();
    if (section === null) return [];
    const indexes: number[] = [];
    for (let index = section.start + 1; index < section.end; index++) indexes.push(index);
    return indexes;
  }

  /** The section's start line and its end line (the file's length when the end line was deleted). */
  private section(): { start: number; end: number } | null {
    const start = this.lines.findIndex((_, index) => this.content(index) === SECTION_START);
    if (start < 0) return null;
    let end = start + 1;
    while (end < this.lines.length && this.content(end) !== SECTION_END) end++;
    return { start, end };
  }

  /** A line without its `\r`, and without a byte-order mark on the first line. */
  private content(index: number): string {
    const line = this.lines[index]!.replace(/\r$/, '');
    return index === 0 ? line.replace(/^\uFEFF/, '') : line;
  }

  private withEol(line: string): string {
    return this.eol === '\r\n' ? `${line}\r` : line;
  }

  private eolOnly(): string {
    return this.eol === '\r\n' ? '\r' : '';
  }
}
