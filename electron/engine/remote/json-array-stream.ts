import { JSONParser, TokenType } from '@streamparser/json';

/**
 * The elements of one JSON array, read from a body as it arrives: an unpaged listing (Alloy's
 * `{"files": [...]}`, Open WebUI's top-level array) may be hundreds of megabytes, so it is never
 * held whole, as text or as values. The parser (@streamparser/json) emits each element once it is
 * complete and, with `keepStack: false`, forgets it; only the batch being filled is kept.
 */
export interface JsonArrayOptions {
  /** Where the array is: this member of the top-level object (`files`), or null for a top-level array. */
  member: string | null;
  /** Most elements taken; past it the body is refused (a remote that never stops talking). */
  maxElements: number;
  /** Largest element, in bytes of its JSON text (bounds what one element may cost to parse). */
  maxElementBytes: number;
  /** Elements per batch handed over. */
  batchSize: number;
}

/** The body is not JSON (cut short, garbage, trailing data); `position` is a byte offset. */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number | null,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

/** The body is JSON, but not of the promised shape; the message names the field: "files[12].s3Key is missing". */
export class JsonShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonShapeError';
  }
}

/**
 * Reads the array's elements from `body`, converts each (`convert` throws JsonShapeError for a bad
 * one, naming it) and hands them to `onBatch` `batchSize` at a time, waiting for each hand-over
 * before reading on. Resolves with how many elements there were once the document ended well;
 * throws JsonSyntaxError or JsonShapeError (after handing over the batches before the problem, so
 * a caller must hold them provisionally) or whatever reading `body` throws.
 */
export async function readJsonArray<T>(
  body: AsyncIterable<Uint8Array>,
  options: JsonArrayOptions,
  convert: (value: unknown, index: number) => T,
  onBatch: (items: T[]) => void | Promise<void>,
): Promise<number> {
  const name = options.member ?? 'the list';
  const outline = new OutlineWatch(options.member);
  const parser = new JSONParser({
    paths: [options.member === null ? '$.*' : `$.${options.member}.*`],
    keepStack: false,
  });
  let batch: T[] = [];
  let count = 0;
  let problem: Error | null = null;
  // Bytes fed since an element last completed: a runaway element is refused before it costs much.
  let bytesInElement = 0;
  parser.onToken = ({ token, value }) => outline.observe(token, value);
  parser.onValue = ({ value, key }) => {
    if (problem !== null) return;
    try {
      // A key that is not an index: the elements' parent is an object where a list was due.
      if (typeof key !== 'number') throw new JsonShapeError(outline.problem() ?? `${name} is not a list`);
      if (count >= options.maxElements) {
        throw new JsonShapeError(
          `${name} has more than ${options.maxElements.toLocaleString('en')} entries, more than Hoist mirrors`,
        );
      }
      batch.push(convert(value, count));
      count++;
      bytesInElement = 0;
    } catch (error) {
      problem = error instanceof Error ? error : new Error(String(error));
    }
  };
  parser.onError = (error) => {
    problem ??= new JsonSyntaxError(error.message, absolutePosition(error.message));
  };
  for await (const chunk of body) {
    bytesInElement += chunk.byteLength;
    parser.write(chunk);
    if (problem === null && bytesInElement > options.maxElementBytes) {
      problem = new JsonShapeError(
        `${name}[${count}] is larger than ${Math.round(options.maxElementBytes / 1024)} KiB, far more than a file entry`,
      );
    }
    if (problem !== null) throw problem;
    // A chunk may complete a few hundred elements at once: handed over `batchSize` at a time.
    while (batch.length >= options.batchSize) {
      const full = batch.length === options.batchSize ? batch : batch.slice(0, options.batchSize);
      batch = full === batch ? [] : batch.slice(options.batchSize);
      await onBatch(full);
    }
  }
  if (!parser.isEnded) parser.end();
  if (problem !== null) throw problem;
  const outlineProblem = outline.problem();
  if (outlineProblem !== null) throw new JsonShapeError(outlineProblem);
  if (batch.length > 0) await onBatch(batch);
  return count;
}

const KIND: Partial<Record<TokenType, string>> = {
  [TokenType.LEFT_BRACE]: 'an object',
  [TokenType.LEFT_BRACKET]: 'a list',
  [TokenType.STRING]: 'a string',
  [TokenType.NUMBER]: 'a number',
  [TokenType.TRUE]: 'true',
  [TokenType.FALSE]: 'false',
  [TokenType.NULL]: 'null',
};

/**
 * The document's outline, followed token by token (the parser keeps nothing of what it does not
 * emit): what the root is and what the wanted member holds, so `{"files": "none"}`, `{}` or `[]`
 * where an object is due are told apart from an empty listing.
 */
class OutlineWatch {
  rootKind: string | null = null;
  memberKind: string | null = null;
  private depth = 0;
  private expectingKey = false;
  private awaitingValue = false;
  private key: unknown = null;

  constructor(private readonly member: string | null) {}

  observe(token: TokenType, value: unknown): void {
    if (this.depth === 0 && this.rootKind === null) this.rootKind = KIND[token] ?? 'something else';
    if (this.depth === 1 && this.member !== null && this.rootKind === 'an object') {
      if (this.expectingKey && token === TokenType.STRING) {
        this.key = value;
        this.expectingKey = false;
      } else if (this.awaitingValue) {
        if (this.key === this.member) this.memberKind = KIND[token] ?? 'something else';
        this.awaitingValue = false;
      } else if (token === TokenType.COLON) this.awaitingValue = true;
      else if (token === TokenType.COMMA) this.expectingKey = true;
    }
    if (token === TokenType.LEFT_BRACE || token === TokenType.LEFT_BRACKET) {
      this.depth++;
      if (this.depth === 1) this.expectingKey = true;
    } else if (token === TokenType.RIGHT_BRACE || token === TokenType.RIGHT_BRACKET) {
      this.depth--;
    }
  }

  /** What is wrong with the outline of a document that ended, or null. */
  problem(): string | null {
    if (this.rootKind === null) return 'the answer is empty';
    if (this.member === null) {
      return this.rootKind === 'a list' ? null : `the answer is ${this.rootKind}, not a list`;
    }
    if (this.rootKind !== 'an object')
      return `the answer is ${this.rootKind}, not an object with ${this.member}`;
    if (this.memberKind === null) return `${this.member} is missing`;
    return this.memberKind === 'a list' ? null : `${this.member} is ${this.memberKind}, not a list`;
  }
}

/** The byte offset @streamparser/json names in its messages ("… (absolute position "14") …"). */
function absolutePosition(message: string): number | null {
  const match = /absolute position "(\d+)"/.exec(message);
  return match ? Number(match[1]) : null;
}
