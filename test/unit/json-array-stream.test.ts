import { describe, expect, it } from 'vitest';
import {
  JsonShapeError,
  JsonSyntaxError,
  readJsonArray,
  type JsonArrayOptions,
} from '../../electron/engine/remote/json-array-stream.js';

// The stream reader of unpaged listings, fed chunks cut anywhere (inside a string, inside a
// multi-byte character), with bounds small enough to reach.

const OPTIONS: JsonArrayOptions = { member: 'files', maxElements: 1000, maxElementBytes: 4096, batchSize: 3 };

/** `text` as chunks of `size` bytes: every boundary falls somewhere a reader must cope with. */
async function* chunked(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text);
  for (let start = 0; start < bytes.length; start += size) yield bytes.subarray(start, start + size);
}

async function read(
  text: string,
  options: Partial<JsonArrayOptions> = {},
  size = 7,
): Promise<{ batches: unknown[][]; count: number }> {
  const batches: unknown[][] = [];
  const count = await readJsonArray(
    chunked(text, size),
    { ...OPTIONS, ...options },
    (value) => value,
    (batch) => {
      batches.push(batch);
    },
  );
  return { batches, count };
}

describe('readJsonArray', () => {
  it('hands over the elements in batches of the given size, whatever the chunks', async () => {
    const files = Array.from({ length: 8 }, (_, index) => ({ name: `naïve ∕ ${index} ✓`, size: index }));
    const text = JSON.stringify({ before: [1, { files: 'not this one' }], files, after: 'x' });
    for (const size of [1, 2, 5, 64, 4096]) {
      const { batches, count } = await read(text, {}, size);
      expect(count).toBe(8);
      expect(batches.map((batch) => batch.length)).toEqual([3, 3, 2]);
      expect(batches.flat()).toEqual(files);
    }
  });

  it('reads a top-level array, and an empty one', async () => {
    expect((await read('[1, "two", null]', { member: null })).batches.flat()).toEqual([1, 'two', null]);
    expect(await read('  []\n', { member: null })).toEqual({ batches: [], count: 0 });
    expect(await read('{"files": []}')).toEqual({ batches: [], count: 0 });
  });

  it('says what is wrong with an outline that is no listing', async () => {
    const problem = async (text: string, member: string | null = 'files'): Promise<string> => {
      const error = await read(text, { member }).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(JsonShapeError);
      return (error as Error).message;
    };
    expect(await problem('{"files": 3}')).toBe('files is a number, not a list');
    expect(await problem('{"file": []}')).toBe('files is missing');
    expect(await problem('"files"')).toBe('the answer is a string, not an object with files');
    expect(await problem('{"a": 1}', null)).toBe('the answer is an object, not a list');
    expect(await problem('   ', null)).toBe('the answer is empty');
  });

  it('names the element a conversion refused, after handing over the batches before it', async () => {
    const batches: unknown[][] = [];
    const reading = readJsonArray(
      chunked(JSON.stringify({ files: [1, 2, 3, 4, 'five', 6] }), 4),
      OPTIONS,
      (value, index) => {
        if (typeof value !== 'number') throw new JsonShapeError(`files[${index}] is not a number`);
        return value;
      },
      (batch) => {
        batches.push(batch);
      },
    );
    await expect(reading).rejects.toThrow('files[4] is not a number');
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('refuses broken JSON with its byte offset, trailing data, and a body cut short', async () => {
    const broken = await read('{"files": [1, 2, x]}').catch((error: unknown) => error);
    expect(broken).toBeInstanceOf(JsonSyntaxError);
    expect((broken as JsonSyntaxError).position).toBe(17);
    await expect(read('{"files": []} {"files": []}')).rejects.toBeInstanceOf(JsonSyntaxError);
    await expect(read('{"files": [1, 2')).rejects.toBeInstanceOf(JsonSyntaxError);
  });

  it('stops a listing past its bounds: too many elements, or one element that never ends', async () => {
    const many = JSON.stringify({ files: Array.from({ length: 11 }, (_, index) => index) });
    await expect(read(many, { maxElements: 10 })).rejects.toThrow('files has more than 10 entries');
    const runaway = `{"files": [{"name": "${'a'.repeat(10_000)}`;
    const error = await read(runaway, { maxElementBytes: 4096 }, 512).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(JsonShapeError);
    expect((error as Error).message).toBe('files[0] is larger than 4 KiB, far more than a file entry');
  });
});
