/**
 * Files no one means to sync: editors' swap and lock files, half-finished downloads and the
 * operating systems' own bookkeeping. They come first in the rule list, so a `!pattern` line in
 * `.hoistignore` can bring one back (for example `!*.tmp`), as a later line can in a .gitignore.
 *
 * `.git/` is deliberately not here: some people do want their repository in the store, and one
 * line in `.hoistignore` leaves it out.
 */
export const BUILT_IN_IGNORES: readonly string[] = [
  // Editors: vim swap files, Emacs backups, lock files and autosaves.
  '*.swp',
  '*.swo',
  '*~',
  '.#*',
  '\\#*#', // Emacs autosave; the backslash keeps the leading `#` from starting a comment.
  '~$*', // Microsoft Office owner/lock files (`~$report.docx`).
  '.~lock.*#', // LibreOffice lock files.
  // Downloads still in progress (Chrome, Firefox, Safari, and generic temp files).
  '*.crdownload',
  '*.part',
  '*.partial',
  '*.download',
  '*.tmp',
  // macOS.
  '.DS_Store',
  '._*', // AppleDouble resource forks on non-Apple file systems.
  '.fseventsd/',
  '.Spotlight-V100/',
  '.Trashes/',
  '.TemporaryItems/',
  // Windows.
  'Thumbs.db',
  'ehthumbs.db',
  'desktop.ini',
  '$RECYCLE.BIN/',
  'System Volume Information/',
  // Linux desktops' per-volume trash.
  '.Trash-*/',
];

/**
 * The built-in rules as one test on a file or directory name. None of them contains a slash (other
 * than a trailing one, for directories only), so, as in git, each applies to the last name of a
 * path at any depth. Sorted by shape (exact names, `*suffix`, `prefix*`, the rest) they answer
 * with a set lookup and a few endsWith calls: a first pass over 100,000 paths measured ~0.25 s this
 * way against ~1 s through the `ignore` library, on the scan that runs at every start. A unit test
 * keeps the verdicts equal to the library's.
 */
export function builtInNameTest(ignoreCase: boolean): (name: string, isDirectory: boolean) => boolean {
  const fold = (text: string): string => (ignoreCase ? text.toLowerCase() : text);
  const forAny = new NameShapes();
  const forDirectories = new NameShapes();
  for (const pattern of BUILT_IN_IGNORES) {
    const directoryOnly = pattern.endsWith('/');
    (directoryOnly ? forDirectories : forAny).add(
      fold(directoryOnly ? pattern.slice(0, -1) : pattern),
      ignoreCase,
    );
  }
  return (name, isDirectory) => {
    const folded = fold(name);
    return forAny.matches(folded) || (isDirectory && forDirectories.matches(folded));
  };
}

class NameShapes {
  private readonly exact = new Set<string>();
  private readonly suffixes: string[] = [];
  private readonly prefixes: string[] = [];
  private readonly others: RegExp[] = [];

  add(glob: string, ignoreCase: boolean): void {
    const literal = unescapeLiteral(glob);
    const star = glob.indexOf('*');
    const onlyStar = star === glob.lastIndexOf('*') && !glob.includes('?') && !glob.includes('[');
    if (literal !== null) this.exact.add(literal);
    else if (onlyStar && star === 0 && unescapeLiteral(glob.slice(1)) !== null) {
      this.suffixes.push(unescapeLiteral(glob.slice(1))!);
    } else if (onlyStar && star === glob.length - 1 && unescapeLiteral(glob.slice(0, -1)) !== null) {
      this.prefixes.push(unescapeLiteral(glob.slice(0, -1))!);
    } else this.others.push(new RegExp(`^${globToRegExp(glob)}$`, ignoreCase ? 'i' : ''));
  }

  matches(name: string): boolean {
    if (this.exact.has(name)) return true;
    for (const suffix of this.suffixes) if (name.endsWith(suffix)) return true;
    for (const prefix of this.prefixes) if (name.startsWith(prefix)) return true;
    for (const pattern of this.others) if (pattern.test(name)) return true;
    return false;
  }
}

/** The glob as plain text if it has no wildcard (backslash escapes removed), else null. */
function unescapeLiteral(glob: string): string | null {
  let text = '';
  for (let index = 0; index < glob.length; index++) {
    const char = glob[index]!;
    if (char === '\\') text += glob[++index] ?? '';
    else if (char === '*' || char === '?' || char === '[') return null;
    else text += char;
  }
  return text;
}

/** The slice of gitignore glob syntax the built-in list uses: `*`, `?` and backslash escapes. */
function globToRegExp(glob: string): string {
  let source = '';
  for (let index = 0; index < glob.length; index++) {
    const char = glob[index]!;
    if (char === '\\') source += escapeRegExp(glob[++index] ?? '');
    else if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else if (char === '[' || char === '/') throw new Error(`built-in ignore pattern not supported: ${glob}`);
    else source += escapeRegExp(char);
  }
  return source;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
