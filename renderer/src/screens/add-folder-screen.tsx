import { PairForm } from './pair-form.js';

/** The first run (no folders yet) and "Add a folder": a folder, its remote, and its token. */
export function AddFolderScreen({ firstRun }: { firstRun: boolean }) {
  return (
    <section className="screen settings" aria-labelledby="add-title">
      <h1 id="add-title">{firstRun ? 'Welcome to Hoist' : 'Add a folder'}</h1>
      <p className="lead">
        {firstRun
          ? 'Choose a folder to keep safe. “This computer” works at once, with no account; you can switch to Alloy, Composio or Open WebUI later.'
          : 'Hoist syncs it beside the others, each to its own remote. A folder inside another synced folder, or one already synced, is refused.'}
      </p>
      <PairForm firstRun={firstRun} />
    </section>
  );
}
