/**
 * A paperclip drawn in SVG (an emoji is a tofu box on systems without an emoji font).
 * Decorative: the control it sits in carries the accessible name.
 *
 * @example
 * <button aria-label="Attach a file"><PaperclipIcon /></button>
 */
export function PaperclipIcon({ className = 'cv-icon' }: { className?: string }) {
  return (
    <svg
      className={className}
      aria-hidden="true"
      focusable="false"
      viewBox="0 0 24 24"
      width="1em"
      height="1em"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      <path d="m21.44 11.05-9.19 9.19a6 6 0 0 1-8.49-8.49l8.57-8.57A4 4 0 1 1 18 8.84l-8.59 8.57a2 2 0 0 1-2.83-2.83l8.49-8.48" />
    </svg>
  );
}
