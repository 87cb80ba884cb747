import { describe, expect, it } from 'vitest';
import { forTerminal, printable } from '../../electron/cli/terminal-wording.js';

describe('terminal wording', () => {
  it('prints any name on one line, control characters escaped', () => {
    expect(printable('plain/name.txt')).toBe('plain/name.txt');
    expect(printable('two\nlines.txt')).toBe('two\\nlines.txt');
    expect(printable('tab\there\r')).toBe('tab\\there\\r');
    expect(printable('bell\u0007 and esc\u001b[31m')).toBe('bell\\x07 and esc\\x1b[31m');
    expect(printable('back\\slash')).toBe('back\\\\slash');
    expect(printable('café ✓')).toBe('café ✓');
  });

  it('turns the app’s advice into the terminal’s, and leaves the facts', () => {
    expect(forTerminal('Alloy rejected the API token (401). Update it in Settings.')).toBe(
      'Alloy rejected the API token (401). Set the right token in HOIST_TOKEN.',
    );
    expect(forTerminal('Could not reach Alloy at x: the connection was refused.')).toBe(
      'Could not reach Alloy at x: the connection was refused.',
    );
  });
});
