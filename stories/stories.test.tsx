/**
 * Every story, in jsdom: it renders, axe finds no violations, and it renders on the server.
 * (The same stories run with their play functions in Chromium: `npm run test:stories`.)
 */
import { composeStories, setProjectAnnotations, type Meta, type StoryFn } from '@storybook/react-vite';
import { render } from '@testing-library/react';
import axe from 'axe-core';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import preview from '../.storybook/preview.js';

setProjectAnnotations(preview);

type StoryModule = { default: Meta } & Record<string, StoryFn | Meta>;
const modules = import.meta.glob<StoryModule>('./*.stories.tsx', { eager: true });

// jsdom computes no colours, so contrast is checked only in Chromium (the a11y addon there).
const AXE_OPTIONS: axe.RunOptions = { rules: { 'color-contrast': { enabled: false } } };

function describeViolations(violations: axe.Result[]): string {
  return violations
    .map((v) => `${v.id}: ${v.help}\n${v.nodes.map((n) => `  ${n.html}`).join('\n')}`)
    .join('\n');
}

for (const [file, module] of Object.entries(modules)) {
  const stories = composeStories(module);
  describe(file.replace('./', ''), () => {
    for (const [name, Story] of Object.entries(stories)) {
      it(`${name} has no accessibility violations`, async () => {
        const { container } = render(<Story />);
        const results = await axe.run(container, AXE_OPTIONS);
        expect(describeViolations(results.violations)).toBe('');
      });

      it(`${name} renders on the server`, () => {
        const html = renderToString(<Story />);
        expect(html).toContain('cv-story');
      });
    }
  });
}
