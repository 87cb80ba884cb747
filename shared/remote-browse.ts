import type { ActivityEntry, ActivityKind, RemoteFileView, RemoteSortField } from './sync-types.js';

/**
 * What the remote files view asks of the mirror beyond a plain page: a filter by where a file comes
 * from, and each row joined with its local file's state. Plain data, shared by engine and bridge.
 */
/**
 * How much of the remote a view shows: one configured folder's remote folder ('folder', paths as
 * under it) or the whole account of its remote ('account': every folder's and other clients' files).
 */
export type RemoteScope = 'folder' | 'account';

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
  /**
   * The folder view: only what is directly in this folder ('' for the top), its subfolders first,
   * each as one row. Absent: the flat list of every file. A search is always flat (the host ignores
   * the folder when searching, across folders).
   */
  folder?: string;
}

/** What the remote did with a file after storing it (Open WebUI reads its text so the AI can use it). */
export interface RemoteProcessingView {
  status: 'pending' | 'completed' | 'failed';
  /** The remote's reason for a failure, or null. */
  error: string | null;
}

/** A folder in the folder view: every file under it (subfolders included) that matches the filter. */
export interface RemoteFolderView {
  /** The folder's path, '/'-separated, without a trailing '/'. */
  path: string;
  files: number;
}

export interface RemoteFileRow extends RemoteFileView {
  status: RemoteFileStatus;
  /** Null where the remote does not process files (or did not say). */
  processing: RemoteProcessingView | null;
  /** Set on the folder view's folder rows (their size: the total of their files; key: folderRowKey). */
  folder: RemoteFolderView | null;
}

// Folder rows share the grid (and its selection, by key) with files; no remote key starts with NUL.
const FOLDER_ROW_KEY = '\u0000folder:';

/** The grid key of a folder row: never a remote key. */
export function folderRowKey(path: string): string {
  return FOLDER_ROW_KEY + path;
}

/** The folder a grid key stands for, or null for a file's key. */
export function folderOfRowKey(key: string): string | null {
  return key.startsWith(FOLDER_ROW_KEY) ? key.slice(FOLDER_ROW_KEY.length) : null;
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
  | {
      kind: 'keys';
      keys: string[];
      /** Whole folders (every file under each, as `filter` shows them), besides the keys. */
      folders?: string[];
      filter?: RemoteFilter;
    }
  | {
      kind: 'query';
      search?: string;
      filter?: RemoteFilter;
      /** Only what is under this folder ('' or absent: everywhere). */
      folder?: string;
      exceptKeys?: string[];
      /** Folders (grid rows) left out of the selection: every file under them is. */
      exceptFolders?: string[];
    };

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
