import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { LinkRefusedError, readRegularFile } from '../../base/link-safe-file.js';
import { SyncError } from '../sync-error.js';
import { BUILT_IN_IGNORES, builtInNameTest } from './built-in-ignores.js';

/**
 * The user's ignore file, at the top of the synced folder. It is Hoist's control file, not a
 * document, so it is never uploaded (as Syncthing's `.stignore` never is): the rule leaving it out
 * comes last and nothing brings it back. A copy an earlier version uploaded stays on the remote; the
 * scan stops tracking it without deleting it, as for any file that becomes ignored.
 */
export const HOISTIGNORE_FILE = '.hoistignore';

export type IgnoreRuleSource = 'built-in' | 'hoistignore' | 'hoist-state' | 'hoist-control';

/** One active rule, for the UI's "what is left out" list. */
export interface IgnoreRuleInfo {
  pattern: string;
  source: IgnoreRuleSource;
  /** A `!pattern` line: it brings back what an earlier rule left out. */
  negated: boolean;
}

export interface IgnoreRulesOptions {
  /**
   * Absolute paths that are never synced, whatever `.hoistignore` says: Hoist's own state folder
   * when it lies inside the synced folder (otherwise every write to the database would be a change
   * to upload). A path and everything below it is left out; paths outside the folder are dropped.
   */
  extraAbsolutePaths?: string[];
  /**
   * Match patterns case-insensitively. Defaults to what git does on the platform's usual file
   * system: insensitive on macOS and Windows, sensitive elsewhere.
   */
  ignoreCase?: boolean;
}

// The `ignore` library caches every path it has answered for, and so does our directory cache.
// That is what makes a rescan cheap, but over weeks of watcher events for ever-new temp names it
// would be a leak, so both are dropped after this many lookups: every few full rescans of a
// 100,000-file folder, and never more than some tens of MB.
const LOOKUPS_BEFORE_RESET = 500_000;

const NON_ASCII = /[\u0080-\uffff]/;

/**
 * Which paths of a synced folder are left out: built-in temp and system files, then the
 * gitignore-syntax rules of `.hoistignore` (a later rule overrides an earlier one, so `!*.tmp`
 * brings temp files back), then Hoist's own state folder, which nothing brings back. Paths are
 * relative to the folder, '/'-separated.
 *
 * Matching ignores Unicode normalization: patterns and paths are compared in NFC, so `Café/` in
 * `.hoistignore` leaves out a folder whose name was stored decomposed (as macOS often does). The
 * paths themselves are never changed; this affects only the comparison.
 */
export class IgnoreRules {
  /** The user's rules alone; null when `.hoistignore` has none (the common case costs nothing). */
  private userMatcher: Ignore | null;
  private readonly builtIn: (name: string, isDirectory: boolean) => boolean;
  /** Whether each directory asked about is ignored, itself or through an ancestor. */
  private directories = new Map<string, boolean>();
  private lookups = 0;
  /** `excludedPaths` in the case used for comparison. */
  private readonly excluded: string[];
  /** `HOISTIGNORE_FILE` in the case used for comparison. */
  private readonly controlFile: string;

  private constructor(
    /** The synced folder, absolute. */
    readonly root: string,
    private userText: string,
    private userPatterns: string[],
    /** Relative, '/'-separated paths of the never-synced state folders, as given. */
    private readonly excludedPaths: string[],
    readonly ignoreCase: boolean,
  ) {
    this.excluded = excludedPaths.map((path) => (ignoreCase ? path.toLowerCase() : path));
    this.controlFile = ignoreCase ? HOISTIGNORE_FILE.toLowerCase() : HOISTIGNORE_FILE;
    this.builtIn = builtInNameTest(ignoreCase);
    this.userMatcher = this.compileUserRules();
  }

  /**
   * Reads `<root>/.hoistignore` (a missing file means no user rules). Throws a SyncError when the
   * file exists but cannot be read: syncing without the user's rules could upload what they meant
   * to keep out.
   */
  static async load(root: string, options: IgnoreRulesOptions = {}): Promise<IgnoreRules> {
    const absoluteRoot = resolve(root);
    const ignoreCase = options.ignoreCase ?? (process.platform === 'darwin' || process.platform === 'win32');
    const excluded = await insidePaths(absoluteRoot, options.extraAbsolutePaths ?? []);
    const text = await readHoistignore(absoluteRoot);
    return new IgnoreRules(absoluteRoot, text, parsePatterns(text), excluded, ignoreCase);
  }

  /**
   * Whether a path is left out. A directory that is left out takes its whole subtree with it, and,
   * as in git, a `!pattern` cannot bring back a file inside an ignored directory. The folder itself
   * ('') is never ignored; the top `.hoistignore` always is.
   */
  ignores(relativePath: string, isDirectory: boolean): boolean {
    if (relativePath.length === 0) return false;
    if (relativePath.length === this.controlFile.length && this.isControlFile(relativePath)) return true;
    if (this.excluded.length > 0 && this.isExcluded(relativePath)) return true;
    if (++this.lookups > LOOKUPS_BEFORE_RESET) this.resetCaches();
    const path = NON_ASCII.test(relativePath) ? relativePath.normalize('NFC') : relativePath;
    const slash = path.lastIndexOf('/');
    if (slash > 0 && this.directoryIgnored(path.slice(0, slash))) return true;
    return isDirectory ? this.directoryIgnored(path) : this.decide(path, slash + 1, false);
  }

  /**
   * Re-reads `.hoistignore`. Resolves true when the effective rules changed (so the engine rescans
   * and the watcher is refreshed); editing only comments or blank lines is no change. If the file
   * cannot be read, it throws and the previous rules stay in force.
   */
  async reload(): Promise<boolean> {
    const text = await readHoistignore(this.root);
    const patterns = parsePatterns(text);
    if (sameList(patterns, this.userPatterns)) return false;
    this.userText = text;
    this.userPatterns = patterns;
    this.resetCaches();
    return true;
  }

  /** The active rules in the order they apply (a later rule overrides an earlier one). */
  describe(): IgnoreRuleInfo[] {
    const info = (pattern: string, source: IgnoreRuleSource): IgnoreRuleInfo => ({
      pattern,
      source,
      negated: pattern.startsWith('!'),
    });
    return [
      ...BUILT_IN_IGNORES.map((pattern) => info(pattern, 'built-in')),
      ...this.userPatterns.map((pattern) => info(pattern, 'hoistignore')),
      ...this.excludedPaths.map((path) => info(`/${path}`, 'hoist-state')),
      info(`/${HOISTIGNORE_FILE}`, 'hoist-control'),
    ];
  }

  private isControlFile(relativePath: string): boolean {
    return (this.ignoreCase ? relativePath.toLowerCase() : relativePath) === this.controlFile;
  }

  /** A directory is ignored if an ancestor is, or if the rules say so of the directory itself. */
  private directoryIgnored(path: string): boolean {
    const known = this.directories.get(path);
    if (known !== undefined) return known;
    const slash = path.lastIndexOf('/');
    const ignored =
      (slash > 0 && this.directoryIgnored(path.slice(0, slash))) || this.decide(path, slash + 1, true);
    this.directories.set(path, ignored);
    return ignored;
  }

  /**
   * The rules' verdict on one path whose ancestors are known not to be ignored: the user's last
   * matching rule if one matches, otherwise the built-in list.
   */
  private decide(path: string, nameStart: number, isDirectory: boolean): boolean {
    if (this.userMatcher !== null) {
      // With no ancestor ignored, the library's answer is about this path's own rules alone.
      const verdict = this.userMatcher.test(isDirectory ? `${path}/` : path);
      if (verdict.ignored) return true;
      if (verdict.unignored) return false;
    }
    return this.builtIn(nameStart === 0 ? path : path.slice(nameStart), isDirectory);
  }

  private resetCaches(): void {
    this.userMatcher = this.compileUserRules();
    this.directories = new Map();
    this.lookups = 0;
  }

  private compileUserRules(): Ignore | null {
    if (this.userPatterns.length === 0) return null;
    // The user's text goes to the library whole, so it parses exactly as git would (escapes,
    // trailing spaces, comments); our own line list is only for describe() and change detection.
    return ignore({ ignoreCase: this.ignoreCase }).add(this.userText.normalize('NFC'));
  }

  private isExcluded(relativePath: string): boolean {
    const path = this.ignoreCase ? relativePath.toLowerCase() : relativePath;
    for (const prefix of this.excluded) {
      if (path === prefix || (path.startsWith(prefix) && path.charCodeAt(prefix.length) === 47)) return true;
    }
    return false;
  }
}

async function readHoistignore(root: string): Promise<string> {
  const file = resolve(root, HOISTIGNORE_FILE);
  try {
    // Never through a link (README: links are never followed): one to a file outside the folder would
    // make that file's lines our rules.
    return stripBom((await readRegularFile(file)) ?? '');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      error instanceof LinkRefusedError && error.kind === 'link'
        ? 'it is a symbolic link, and Hoist never follows links. Replace it with a regular file'
        : (error instanceof LinkRefusedError && error.kind === 'folder') || code === 'EISDIR'
          ? 'it is a folder, not a file. Rename or remove that folder'
          : error instanceof LinkRefusedError
            ? 'it is not a regular file. Replace it with one'
            : code === 'EACCES' || code === 'EPERM'
              ? 'permission was denied. Fix the file’s permissions, or delete it'
              : 'the file could not be read. Check the file, or delete it';
    throw new SyncError(
      'config',
      `Hoist cannot read the ignore rules in ${file}: ${why}. Until then it does not know which files to leave out.`,
      { retryable: false, path: HOISTIGNORE_FILE, detail: (error as Error).message, cause: error },
    );
  }
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The pattern lines of an ignore file: not blank, not comments. */
function parsePatterns(text: string): string[] {
  return text
    .normalize('NFC')
    .split(/\r?\n/)
    .filter((line) => line.trim().length > 0 && !line.startsWith('#'));
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}

/**
 * Each extra path as a relative, '/'-separated path inside the folder. Both the paths as given and
 * their real paths are tried, so a folder reached through a symlink still recognises a state folder
 * given by its real path (and the reverse).
 */
async function insidePaths(root: string, paths: readonly string[]): Promise<string[]> {
  const realRoot = await realpathOrNull(root);
  const found = new Set<string>();
  for (const given of paths) {
    const absolute = resolve(given);
    const realAbsolute = await realpathOrNull(absolute);
    const candidates = [relative(root, absolute)];
    if (realRoot !== null && realAbsolute !== null) candidates.push(relative(realRoot, realAbsolute));
    for (const candidate of candidates) {
      if (candidate === '') {
        throw new SyncError(
          'config',
          `Hoist keeps its own state in ${absolute}, which is the folder being synced. Choose a different folder to sync.`,
          { retryable: false },
        );
      }
      if (candidate === '..' || candidate.startsWith(`..${sep}`) || isAbsolute(candidate)) continue;
      const portable = sep === '/' ? candidate : candidate.split(sep).join('/');
      found.add(portable);
    }
  }
  return [...found];
}

async function realpathOrNull(path: string): Promise<string | null> {
  try {
    return await realpath(path);
  } catch {
    return null;
  }
}
