import {
  forwardRef,
  useCallback,
  useId,
  useRef,
  useState,
  type ChangeEvent,
  type FormEvent,
  type FormHTMLAttributes,
  type KeyboardEvent,
} from 'react';
import { formatBytes } from './format-bytes.js';
import { PaperclipIcon } from './paperclip-icon.js';

/** What the composer hands to `onSend`. */
export interface ComposerDraft {
  readonly text: string;
  readonly file?: File;
}

export interface ComposerProps extends Omit<FormHTMLAttributes<HTMLFormElement>, 'onSubmit' | 'children'> {
  /** Called with the trimmed text (and the picked file, if any); the composer then clears. */
  onSend: (draft: ComposerDraft) => void;
  /** Called on every edit that leaves text in the box; throttling is the caller's business. */
  onTyping?: () => void;
  /**
   * Sending is off (e.g. disconnected). The draft stays editable, so nothing typed is lost and
   * focus is not yanked away; Enter and the buttons do nothing.
   */
  disabled?: boolean;
  /** Says why sending is off; shown under the box and read with it. */
  disabledReason?: string;
  /** The text box's accessible name. */
  label?: string;
  placeholder?: string;
  sendLabel?: string;
  /** Show the attachment button (default true). */
  attachments?: boolean;
  /** Passed to the file input, e.g. `"image/*"`. */
  accept?: string;
  defaultValue?: string;
}

/**
 * A message box with a send button and an optional file picker. Enter sends, Shift+Enter adds a
 * line, and Enter that confirms an IME composition (Japanese, Chinese, Korean input) does not send.
 *
 * `ref` is the textarea, so a parent can focus it. State for styling: `data-disabled` on the form.
 *
 * @example
 * <Composer onSend={({ text, file }) => send(text, file)} onTyping={typing} />
 */
export const Composer = forwardRef<HTMLTextAreaElement, ComposerProps>(function Composer(
  {
    onSend,
    onTyping,
    disabled = false,
    disabledReason,
    label = 'Message',
    placeholder = 'Write a message…',
    sendLabel = 'Send',
    attachments = true,
    accept,
    defaultValue = '',
    className,
    ...rest
  },
  ref,
) {
  const [text, setText] = useState(defaultValue);
  const [file, setFile] = useState<File | null>(null);
  const textareaRef = useRef<HTMLTextAreaElement | null>(null);
  const fileInputRef = useRef<HTMLInputElement | null>(null);
  const id = useId();
  const reasonId = `${id}-reason`;
  const fileId = `${id}-file`;

  const setTextareaRef = useCallback(
    (node: HTMLTextAreaElement | null) => {
      textareaRef.current = node;
      if (typeof ref === 'function') ref(node);
      else if (ref) ref.current = node;
    },
    [ref],
  );

  const canSend = !disabled && (text.trim() !== '' || file !== null);

  const send = () => {
    if (!canSend) return;
    onSend(file ? { text: text.trim(), file } : { text: text.trim() });
    setText('');
    clearFile();
    // After a click on Send, typing should go on in the box.
    textareaRef.current?.focus();
  };

  const clearFile = () => {
    setFile(null);
    // Reset the input too, or picking the same file again fires no change event.
    if (fileInputRef.current) fileInputRef.current.value = '';
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key !== 'Enter' || event.shiftKey || event.altKey) return;
    // keyCode 229 is Safari's "IME is handling this key", where isComposing is already false.
    if (event.nativeEvent.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    send();
  };

  const onChange = (event: ChangeEvent<HTMLTextAreaElement>) => {
    setText(event.target.value);
    if (event.target.value !== '') onTyping?.();
  };

  const onFileChange = (event: ChangeEvent<HTMLInputElement>) => {
    const picked = event.target.files?.[0];
    if (picked) setFile(picked);
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    send();
  };

  return (
    <form
      className={className ? `cv-composer ${className}` : 'cv-composer'}
      data-disabled={disabled ? '' : undefined}
      onSubmit={onSubmit}
      {...rest}
    >
      {file ? (
        <div className="cv-composer-attachment">
          <span className="cv-composer-attachment-name">{file.name}</span>
          <span className="cv-composer-attachment-size">{formatBytes(file.size)}</span>
          <button
            type="button"
            className="cv-composer-attachment-remove"
            aria-label={`Remove attachment ${file.name}`}
            onClick={() => {
              clearFile();
              textareaRef.current?.focus();
            }}
          >
            <span aria-hidden="true">×</span>
          </button>
        </div>
      ) : null}
      <div className="cv-composer-row">
        {attachments ? (
          <>
            <input
              ref={fileInputRef}
              id={fileId}
              type="file"
              className="cv-composer-file-input"
              accept={accept}
              // The labelled button opens the picker; browsers open it for a hidden input too.
              hidden
              disabled={disabled}
              onChange={onFileChange}
            />
            <button
              type="button"
              className="cv-composer-attach"
              aria-label="Attach a file"
              title="Attach a file"
              disabled={disabled}
              onClick={() => fileInputRef.current?.click()}
            >
              <PaperclipIcon />
            </button>
          </>
        ) : null}
        <textarea
          ref={setTextareaRef}
          className="cv-composer-input"
          aria-label={label}
          aria-describedby={disabled && disabledReason ? reasonId : undefined}
          placeholder={placeholder}
          rows={1}
          value={text}
          onChange={onChange}
          onKeyDown={onKeyDown}
        />
        <button type="submit" className="cv-composer-send" disabled={!canSend}>
          {sendLabel}
        </button>
      </div>
      {disabled && disabledReason ? (
        <p id={reasonId} className="cv-composer-reason">
          {disabledReason}
        </p>
      ) : null}
    </form>
  );
});
