/** A rule-based digest of the notes: no model, just counts and the opening line. */
export interface NotesSummary {
  words: number;
  /** Lines with any text on them. */
  lines: number;
  /** The first non-blank line, shortened to 80 characters. */
  firstLine: string;
  /** One sentence for people. */
  summary: string;
}

const FIRST_LINE_MAX = 80;

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/**
 * @example
 * summarizeText('Groceries\nmilk, eggs').summary;
 * // 'The notes have 3 words on 2 lines. They start with “Groceries”.'
 */
export function summarizeText(text: string): NotesSummary {
  const lines = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '');
  const words = lines.reduce((sum, line) => sum + line.split(/\s+/).length, 0);
  const first = lines[0] ?? '';
  const firstLine = [...first].length > FIRST_LINE_MAX ? `${[...first].slice(0, FIRST_LINE_MAX - 1).join('')}…` : first;
  const summary =
    words === 0
      ? 'The notes are empty.'
      : `The notes have ${plural(words, 'word')} on ${plural(lines.length, 'line')}. They start with “${firstLine}”.`;
  return { words, lines: lines.length, firstLine, summary };
}
