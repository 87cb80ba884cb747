import { describe, expect, it } from 'vitest';
import { checkPairSettingsPatch } from '../../shared/pair-settings-check.js';
import { pairSettingsPatchSchema } from '../../shared/pair-settings-schema.js';

// The check answers an empty object without loading the schema (issue 18: zod off the start-up
// path); it must answer every input exactly as the schema does, the empty ones included.

class Empty {}

describe('checkPairSettingsPatch', () => {
  it('answers as the schema does, for empty and non-empty input alike', async () => {
    const inputs: unknown[] = [
      {},
      Object.create(null),
      new Empty(),
      [],
      null,
      undefined,
      '',
      0,
      { [Symbol('hidden')]: 1 },
      Object.defineProperty({}, 'concurrency', { value: 2, enumerable: false }),
      { concurrency: 2 },
      { concurrency: 0 },
      { remoteFolder: ' /a/b/ ' },
      { remoteFolder: 'a//b' },
      { apiToken: 'secret' },
    ];
    for (const [index, input] of inputs.entries()) {
      const checked = await checkPairSettingsPatch(input);
      const expected = pairSettingsPatchSchema.safeParse(input);
      expect(checked.success, `input ${index}`).toBe(expected.success);
      if (checked.success && expected.success) expect(checked.data).toEqual(expected.data);
      if (!checked.success && !expected.success) expect(checked.error.issues).toEqual(expected.error.issues);
    }
  });
});
