/** The Electron binary's path, or null when it was never downloaded. */
export function electronBinary(): string | null;
