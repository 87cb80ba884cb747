/** `refused`: the web host does not know this window (no page key): a new link is needed. */
export type ConnectionState = 'connecting' | 'open' | 'closed' | 'refused';
