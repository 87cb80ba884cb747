import { useEffect, useState } from 'react';
import { useBridge } from '../bridge/bridge-context.js';
import { useFolderId } from '../store/folder-context.js';

/** The folder's .hoistignore, edited in place; the engine applies it at once. */
export function IgnoreEditor() {
  const bridge = useBridge();
  const folder = useFolderId();
  const [text, setText] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => {
    bridge.call('ignore.read', { folder }).then(
      (result) => setText(result.text),
      (error: Error) => setMessage(error.message),
    );
  }, [bridge, folder]);
  return (
    <form
      className="panel form"
      aria-label="Ignored files"
      onSubmit={(event) => {
        event.preventDefault();
        void bridge.call('ignore.write', { folder, text: text ?? '' }).then(
          () => setMessage('Saved. Hoist applies the new rules at once.'),
          (error: Error) => setMessage(error.message),
        );
      }}
    >
      <h2>Ignored files</h2>
      <label>
        .hoistignore (one pattern per line, like .gitignore)
        <textarea
          rows={6}
          value={text ?? ''}
          disabled={text === null}
          spellCheck={false}
          onChange={(event) => setText(event.target.value)}
        />
      </label>
      {message && (
        <p role="status" className="note">
          {message}
        </p>
      )}
      <div className="toolbar">
        <button type="submit">Save .hoistignore</button>
      </div>
    </form>
  );
}
