/** The one IPC channel the renderer's bridge uses, both ways. Nothing else is listened to. */
export const BRIDGE_CHANNEL = 'hoist:bridge';

/**
 * The largest bridge message main passes on (as JSON). Renderer requests are small (a command, a page
 * query, a list of keys to delete); a megabyte is far beyond them and far below what would hurt.
 */
export const MAX_BRIDGE_MESSAGE_BYTES = 1024 * 1024;
