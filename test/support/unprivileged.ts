/**
 * A command prefix under which file permissions hold even for root: root keeps its uid (so it can
 * still read the repository and its own temp dirs, wherever CI cloned them) but loses the two
 * capabilities that let it read any file. Empty when the tests do not run as root.
 * (setpriv is util-linux, on every Debian.)
 */
export function unprivilegedPrefix(): string[] {
  if (process.getuid?.() !== 0) return [];
  return ['setpriv', '--bounding-set', '-dac_override,-dac_read_search', '--'];
}
