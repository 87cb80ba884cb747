/**
 * The `.hoistignore` line that leaves out exactly one path of the folder and nothing else, as the
 * window's "add it to .hoistignore" writes it: rooted with `/`, every character that gitignore reads
 * as a pattern (`* ? [ \`, and `! #` wherever they stand) escaped with a backslash, and trailing spaces
 * escaped so they are not trimmed away.
 *
 * A newline or carriage return cannot be escaped in gitignore syntax: the line would end there and the
 * rest of the name would become a second rule nobody saw. Such a path gets null; the caller refuses it.
 */
export function exactIgnoreRule(path: string): string | null {
  if (/[\r\n]/.test(path)) return null;
  const escaped = path.replace(/[*?[\\!#]/g, '\\$&').replace(/ +$/, (spaces) => spaces.replace(/ /g, '\\ '));
  return `/${escaped}`;
}
