import { memo, useLayoutEffect, useRef, type MouseEvent } from 'react';
import type { RemoteFileRow, RemoteFileStatus } from '../../../shared/remote-browse.js';
import { formatCount, formatExact, formatSize, formatWhen, middleTruncate } from '../format.js';
import { processingWords } from './processing-words.js';

export const STATUS_WORDS: Record<RemoteFileStatus, string> = {
  synced: 'Synced',
  uploading: 'Uploading',
  queued: 'Queued',
  'remote-only': 'Remote only',
  'deleted-locally': 'Deleted locally',
  conflict: 'Conflict',
  failed: 'Failed',
};

interface GridRowProps {
  id: string;
  index: number;
  start: number;
  row: RemoteFileRow | undefined;
  selected: boolean;
  active: boolean;
  showProcessing: boolean;
  pathPrefix: string;
  onClick: (event: MouseEvent, index: number) => void;
  onOpenFolder: (path: string) => void;
}

/** One row, memoized: while scrolling, rows that stay on screen are not rendered again. */
export const GridRow = memo(function GridRow({
  id,
  index,
  start,
  row,
  selected,
  active,
  showProcessing,
  pathPrefix,
  onClick,
  onOpenFolder,
}: GridRowProps) {
  const element = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    element.current?.style.setProperty('transform', `translateY(${start}px)`);
  }, [start]);
  return (
    <div
      ref={element}
      id={id}
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      className={`grid-row${selected ? ' selected' : ''}${active ? ' active' : ''}`}
      onClick={(event) => onClick(event, index)}
      onDoubleClick={() => row?.folder && onOpenFolder(row.folder.path)}
    >
      {row?.folder ? (
        <FolderCells row={row} files={row.folder.files} showProcessing={showProcessing} />
      ) : row ? (
        <>
          <div role="gridcell" className="grid-cell path" title={row.displayPath}>
            {middleTruncate(
              pathPrefix !== '' && row.displayPath.startsWith(pathPrefix)
                ? row.displayPath.slice(pathPrefix.length)
                : row.displayPath,
            )}
          </div>
          <SizeAndDateCells row={row} />
          <div role="gridcell" className="grid-cell">
            <span className={`badge badge-${row.status}`}>{STATUS_WORDS[row.status]}</span>
          </div>
          {showProcessing && <ProcessingCell row={row} />}
        </>
      ) : (
        <div role="gridcell" className="grid-cell muted">
          Loading…
        </div>
      )}
    </div>
  );
});

/** Size and date, the same for a file and a folder (its total, its newest file). */
function SizeAndDateCells({ row }: { row: RemoteFileRow }) {
  return (
    <>
      <div role="gridcell" className="grid-cell number">
        {formatSize(row.size)}
      </div>
      <div role="gridcell" className="grid-cell" title={formatExact(row.lastModified)}>
        {formatWhen(row.lastModified)}
      </div>
    </>
  );
}

/** A folder of the folder view: its name, what it holds, when its newest file changed. */
function FolderCells({
  row,
  files,
  showProcessing,
}: {
  row: RemoteFileRow;
  files: number;
  showProcessing: boolean;
}) {
  return (
    <>
      <div role="gridcell" className="grid-cell path folder-name" title={row.displayPath}>
        <svg className="folder-icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
          <path d="M1.5 3.5h4.2l1.6 1.6h7.2v7.4H1.5z" />
        </svg>
        {middleTruncate(row.name)}
        <span className="visually-hidden"> (folder)</span>
      </div>
      <SizeAndDateCells row={row} />
      <div role="gridcell" className="grid-cell muted">
        {files === 1 ? '1 file' : `${formatCount(files)} files`}
      </div>
      {showProcessing && <div role="gridcell" className="grid-cell" />}
    </>
  );
}

/** Whether the remote could read the file for its AI: "Processing…", "Ready for AI", or why not. */
function ProcessingCell({ row }: { row: RemoteFileRow }) {
  const words = processingWords(row.processing);
  return (
    <div
      role="gridcell"
      className={`grid-cell processing processing-${row.processing?.status ?? 'none'}`}
      title={words}
    >
      {words}
    </div>
  );
}
