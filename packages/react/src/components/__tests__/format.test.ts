import { describe, expect, it } from 'vitest';
import { AVATAR_COLOR_COUNT, avatarColor } from '../avatar-color.js';
import { displayName } from '../display-name.js';
import { formatBytes } from '../format-bytes.js';
import { initials } from '../initials.js';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1 KB'],
    [1536, '1.5 KB'],
    [120 * 1024 * 1024, '120 MB'],
    [3 * 1024 ** 3, '3 GB'],
  ])('%d → %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('initials', () => {
  it.each([
    ['Ada Lovelace', 'AL'],
    ['bot', 'B'],
    ['  grace   brewster hopper ', 'GB'],
    ['😀 Smile', '😀S'],
    ['', '?'],
  ])('%s → %s', (name, letters) => {
    expect(initials(name)).toBe(letters);
  });
});

describe('avatarColor', () => {
  it('is stable per id and spreads ids over the palette', () => {
    expect(avatarColor('participant-1')).toBe(avatarColor('participant-1'));
    const used = new Set(Array.from({ length: 64 }, (_, i) => avatarColor(`participant-${i}`)));
    expect(used.size).toBe(AVATAR_COLOR_COUNT);
  });
});

describe('displayName', () => {
  it('falls back to "Anonymous"', () => {
    expect(displayName({ name: 'Alice' })).toBe('Alice');
    expect(displayName({ name: null })).toBe('Anonymous');
    expect(displayName({ name: '  ' })).toBe('Anonymous');
  });
});
