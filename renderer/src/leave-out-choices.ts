/** One way to leave a file out: itself, a folder it is in, or its type. */
export interface LeaveOutChoice {
  label: string;
  /** What the confirmation and the outcome call it. */
  what: string;
  change: { path: string } | { fileType: string };
}

/**
 * The ways to leave out `path` (a file of the folder, '/'-separated): the folder it is in first (what
 * people mostly mean: the whole subfolder), each folder above it, the file alone, and every file of
 * its type when it has one.
 */
export function leaveOutChoices(path: string): LeaveOutChoice[] {
  const parts = path.split('/').filter((part) => part !== '');
  const folders: LeaveOutChoice[] = [];
  for (let depth = parts.length - 1; depth >= 1; depth--) {
    const folder = parts.slice(0, depth).join('/');
    folders.push({ label: `The folder ${folder}`, what: `the folder ${folder}`, change: { path: folder } });
  }
  const file = parts.join('/');
  const name = parts[parts.length - 1] ?? '';
  const dot = name.lastIndexOf('.');
  // As the name spells it (a rule for "mp4" may not match "CLIP.MP4"); a dotfile (".env") has no type.
  const type = dot > 0 && dot < name.length - 1 ? name.slice(dot + 1) : null;
  return [
    ...folders,
    { label: `This file only: ${file}`, what: file, change: { path: file } },
    // What one type rule can hold (selective-sync-rules.ts): no space, no slash.
    ...(type !== null && /^[^\s/]{1,32}$/.test(type)
      ? [{ label: `Every .${type} file`, what: `every .${type} file`, change: { fileType: type } }]
      : []),
  ];
}
