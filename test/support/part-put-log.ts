/**
 * Every part PUT a reference server answered, read from its request log (the `log` option): which
 * upload, which part number, which status. How a test counts, on the server's side, how often each
 * part went over the wire, whoever sent it (a CLI in another process included).
 */
export interface PartPut {
  uploadId: string;
  partNumber: number;
  /** The HTTP status, or `aborted` when the client went away before the answer. */
  status: string;
}

// The line request-log.ts writes: time, request id, method, path, status, duration, bytes, user, route.
const PART_PUT = /^\S+ \S+ PUT \/multipart-parts\/([0-9a-f]{32})\/(\d+) (\S+) .* route=object\.put-part$/;

export class PartPutLog {
  readonly puts: PartPut[] = [];

  /** Pass as the server's `log` option (also a server restarted on the same data dir). */
  readonly log = (line: string): void => {
    const match = PART_PUT.exec(line);
    if (match === null) return;
    this.puts.push({
      uploadId: match[1] as string,
      partNumber: Number(match[2]),
      status: match[3] as string,
    });
  };

  /** Part numbers the server stored (answered 200), in the order it answered them. */
  stored(): number[] {
    return this.puts.filter((put) => put.status === '200').map((put) => put.partNumber);
  }

  /** How many PUTs each part number got from `from` on (an index into `puts`), whatever their outcome. */
  countsSince(from = 0): Map<number, number> {
    const counts = new Map<number, number>();
    for (const put of this.puts.slice(from))
      counts.set(put.partNumber, (counts.get(put.partNumber) ?? 0) + 1);
    return counts;
  }

  /** The one upload the PUTs went to; throws when there were none or several. */
  uploadId(): string {
    const ids = new Set(this.puts.map((put) => put.uploadId));
    if (ids.size !== 1) throw new Error(`part PUTs went to ${ids.size} uploads`);
    return [...ids][0] as string;
  }
}
