import type { ActivityEntry, ActivityKind, RemoteFileView, RemoteSortField } from './sync-types.js';

/**
 * What the remote files view asks of the mirror beyond a plain page: a filter by where a file comes
 * from, and each row joined with its local file's state. Plain data, shared by engine and bridge.
 */
export type RemoteFilter = 'all' | 'this-folder' | 'remote-only' | 'deleted-locally';

/** The badge each remote file shows: the local side's state joined with the remote copy. */
export type RemoteFileStatus =
  'synced' | 'uploading' | 'queued' | 'remote-only' | 'deleted-locally' | 'conflict' | 'failed';

export interface RemoteBrowseQuery {
  offset: number;
  limit: number;
  search?: string;
  sort?: RemoteSortField;
  descending?: boolean;
  filter?: RemoteFilter;
}

export interface RemoteFileRow extends RemoteFileView {
  status: RemoteFileStatus;
}

export interface RemoteBrowsePage {
  items: RemoteFileRow[];
  /** Rows matching the filter and search: the table's real row count. */
  total: number;
}

/**
 * Which remote files an action applies to: listed keys, or every file matching a filter and search
 * (minus some keys), so "select all 100,000 that match" never loads them into the renderer.
 */
export type RemoteSelection =
  | { kind: 'keys'; keys: string[] }
  | { kind: 'query'; search?: string; filter?: RemoteFilter; exceptKeys?: string[] };

export interface RemoteSelectionSummary {
  count: number;
  bytes: number;
  /** Files still in the folder: deleting their remote copy makes Hoist upload them again. */
  stillInFolder: number;
  /** A few of those paths, to name them (and add them to .hoistignore). */
  stillInFolderPaths: string[];
  /** Files this folder did not upload. */
  notFromThisFolder: number;
}

export interface ActivityQuery {
  offset: number;
  limit: number;
  kinds?: ActivityKind[];
  search?: string;
}

export interface ActivityPage {
  items: ActivityEntry[];
  total: number;
}
