import type { BridgeErrorCode } from '../../../shared/bridge/contract.js';

/** A failure a handler reports with a specific code; anything else thrown becomes 'failed'. */
export class HandlerError extends Error {
  constructor(
    readonly code: BridgeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HandlerError';
  }
}
