import { useId } from 'react';
import { useDocument } from '@convene/react';
import { NOTES_INITIAL_JSON, NOTES_PATH, NOTES_SCHEMA } from '../shared/notes-document.js';
import { NotesEditor } from './notes-editor.js';

/** The room's shared notes (a Yjs document, created on first open). */
export function NotesPanel() {
  const { document, error } = useDocument(NOTES_PATH, { schema: NOTES_SCHEMA, initialJson: NOTES_INITIAL_JSON });
  const titleId = useId();
  return (
    <section className="demo-panel" aria-labelledby={titleId}>
      <h2 id={titleId}>Notes</h2>
      {error ? (
        <p role="alert" className="demo-error">
          The notes could not be opened: {error.message}
        </p>
      ) : (
        <NotesEditor document={document} />
      )}
    </section>
  );
}
