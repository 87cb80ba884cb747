/**
 * Where the folder view is: the top, then each folder down to the one shown; every step but the
 * last is a button back to it (the last is the current place, aria-current).
 */
export function FolderBreadcrumbs({ folder, onOpen }: { folder: string; onOpen: (path: string) => void }) {
  const parts = folder === '' ? [] : folder.split('/');
  const steps = [
    { label: 'All folders', path: '' },
    ...parts.map((part, index) => ({ label: part, path: parts.slice(0, index + 1).join('/') })),
  ];
  return (
    <nav aria-label="Folder path" className="breadcrumbs">
      <ol>
        {steps.map((step, index) => (
          <li key={step.path}>
            {index === steps.length - 1 ? (
              <span aria-current="location">{step.label}</span>
            ) : (
              <button type="button" className="link" onClick={() => onOpen(step.path)}>
                {step.label}
              </button>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}
