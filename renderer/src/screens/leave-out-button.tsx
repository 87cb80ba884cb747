/**
 * A file row's "Leave out…": named with the file for screen readers ("Leave out… docs/a.md"), the
 * visible words first so speech control finds it by what it shows.
 */
export function LeaveOutButton({ path, onLeaveOut }: { path: string; onLeaveOut: (path: string) => void }) {
  return (
    <button type="button" className="small leave-out" onClick={() => onLeaveOut(path)}>
      Leave out…<span className="visually-hidden"> {path}</span>
    </button>
  );
}
