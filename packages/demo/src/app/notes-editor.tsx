import { useEffect, useId, useRef } from 'react';
import type { MeshDocument } from '@convene/client';
import { ensureNotesText, notesText } from '../shared/notes-document.js';
import { diffText, transformIndex } from './text-diff.js';

export interface NotesEditorProps {
  /** The open notes document; null while it loads (the textarea is disabled meanwhile). */
  document: MeshDocument | null;
}

/**
 * A plain textarea bound to the notes' shared text. The textarea is uncontrolled: React never
 * rewrites it, so remote edits can be spliced in while the caret and selection are kept where
 * the user left them (shifted past text inserted before them).
 */
export function NotesEditor({ document }: NotesEditorProps) {
  const ref = useRef<HTMLTextAreaElement>(null);
  // The text the textarea and the shared document last agreed on: local edits are diffed against it.
  const synced = useRef('');
  const hintId = useId();

  useEffect(() => {
    const textarea = ref.current;
    if (!document || !textarea) return;
    const pull = () => {
      const next = notesText(document)?.toString() ?? '';
      if (next === textarea.value) return void (synced.current = next);
      const change = diffText(textarea.value, next);
      const focused = textarea.ownerDocument.activeElement === textarea;
      const { selectionStart, selectionEnd, selectionDirection } = textarea;
      textarea.value = next;
      synced.current = next;
      if (focused && change) {
        textarea.setSelectionRange(transformIndex(selectionStart, change), transformIndex(selectionEnd, change), selectionDirection);
      }
    };
    pull();
    return document.subscribe(pull);
  }, [document]);

  const push = () => {
    const textarea = ref.current;
    if (!document || !textarea) return;
    const change = diffText(synced.current, textarea.value, textarea.selectionEnd);
    synced.current = textarea.value;
    if (!change) return;
    const text = ensureNotesText(document);
    // One transaction: one update to the room, one change event.
    document.transact(() => {
      if (change.deleteCount > 0) text.delete(change.index, change.deleteCount);
      if (change.insert !== '') text.insert(change.index, change.insert);
    });
  };

  return (
    <>
      <label htmlFor={`${hintId}-notes`} className="demo-visually-hidden">
        Shared notes
      </label>
      <textarea
        id={`${hintId}-notes`}
        ref={ref}
        className="demo-notes"
        rows={8}
        defaultValue=""
        disabled={document === null}
        placeholder={document === null ? 'Loading notes…' : 'Write notes together…'}
        aria-describedby={hintId}
        onChange={push}
        spellCheck
      />
      <p id={hintId} className="demo-hint">
        Everyone in the room edits these notes at once; changes merge as you type.
      </p>
    </>
  );
}
