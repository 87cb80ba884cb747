import { escapeFileName, hasUndecodableBytes } from '../../shared/file-name-bytes.js';
import { isControlCharacter } from '../../shared/remote-filename.js';

/**
 * The engine's messages say what to do where most users are, the app ("update it in Settings"). In a
 * terminal the same fix is a variable or a flag: these rewrite the advice, never the facts.
 */
const REWRITES: Array<[RegExp, string]> = [
  [/Update it in Settings\./g, 'Set the right token in HOIST_TOKEN.'],
  [/update it in Settings\./g, 'set the right token in HOIST_TOKEN.'],
  [/Add it in Settings\./g, 'Set it in HOIST_TOKEN.'],
  [/Check it in Settings\./g, 'Check --remote.'],
  [/Check the server address in Settings\./g, 'Check --remote.'],
  [/ \(the provider setting\)/g, ' (--provider)'],
];

export function forTerminal(message: string): string {
  return REWRITES.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), message);
}

/**
 * A file name as one line of output: control characters (a newline in a name would split the line,
 * an escape sequence would drive the terminal) are shown escaped, `\n`, `\t` or `\xNN`, and so are
 * the bytes of a name that are not UTF-8 (kept as lone surrogates, shared/file-name-bytes.ts).
 */
export function printable(name: string): string {
  let out = '';
  for (const character of name) {
    const code = character.codePointAt(0) ?? 0;
    if (hasUndecodableBytes(character)) out += escapeFileName(character);
    else if (character === '\\') out += '\\\\';
    else if (character === '\n') out += '\\n';
    else if (character === '\t') out += '\\t';
    else if (character === '\r') out += '\\r';
    else if (isControlCharacter(code)) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += character;
  }
  return out;
}
