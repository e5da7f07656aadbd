import type { Decorator, Preview } from '@storybook/react-vite';
import '../packages/react/src/styles.css';
import './preview.css';

/**
 * Every story sits on a themed surface, so the a11y addon measures contrast against the colours
 * the components are meant for. `parameters.theme` / `parameters.dir` pin a story; the toolbar
 * globals switch the rest.
 */
const withSurface: Decorator = (Story, context) => {
  const theme = (context.parameters['theme'] as string | undefined) ?? (context.globals['theme'] as string | undefined) ?? 'light';
  const dir = (context.parameters['dir'] as string | undefined) ?? (context.globals['dir'] as string | undefined) ?? 'ltr';
  return (
    <div className="cv-story" data-theme={theme} dir={dir} data-layout={context.parameters['surface'] as string | undefined}>
      <Story />
    </div>
  );
};

const preview: Preview = {
  decorators: [withSurface],
  globalTypes: {
    theme: {
      description: 'Colour scheme',
      toolbar: { title: 'Theme', icon: 'mirror', items: ['light', 'dark'], dynamicTitle: true },
    },
    dir: {
      description: 'Text direction',
      toolbar: { title: 'Direction', icon: 'transfer', items: ['ltr', 'rtl'], dynamicTitle: true },
    },
  },
  initialGlobals: { theme: 'light', dir: 'ltr' },
  parameters: {
    layout: 'fullscreen',
    // Violations fail the story in the Chromium run (test:stories), not only in the panel.
    a11y: { test: 'error' },
  },
};

export default preview;
