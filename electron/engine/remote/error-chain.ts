// How deep a cause chain is followed: undici wraps a socket error two or three times; a cycle or a
// runaway chain must not hang the classification.
const MAX_DEPTH = 8;

/** An error and its causes, outermost first; a cause that is not an Error ends the chain. */
export function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (
    let current = error, depth = 0;
    current !== undefined && current !== null && depth < MAX_DEPTH;
    depth++
  ) {
    chain.push(current);
    if (!(current instanceof Error)) break;
    current = current.cause;
  }
  return chain;
}

/** Every string `code` along the chain (Node's ECONNRESET, undici's UND_ERR_…), outermost first. */
export function errorCodes(error: unknown): string[] {
  return causeChain(error).flatMap((link) => {
    const code = link instanceof Error ? (link as { code?: unknown }).code : undefined;
    return typeof code === 'string' ? [code] : [];
  });
}

/** The whole chain in one line for a log: "TypeError: fetch failed <- Error ECONNRESET: read ECONNRESET". */
export function describeError(error: unknown): string {
  return causeChain(error)
    .map((link) => {
      if (!(link instanceof Error)) return String(link);
      const code = (link as { code?: unknown }).code;
      return `${link.name}${typeof code === 'string' ? ` ${code}` : ''}: ${link.message}`;
    })
    .join(' <- ');
}
