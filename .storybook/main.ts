import type { StorybookConfig } from '@storybook/react-vite';
import { defaultClientConditions } from 'vite';

const config: StorybookConfig = {
  framework: { name: '@storybook/react-vite', options: {} },
  stories: ['../stories/**/*.stories.tsx'],
  // addon-vitest and addon-a11y are wired by hand: `storybook add` would try to download browsers.
  addons: ['@storybook/addon-vitest', '@storybook/addon-a11y'],
  core: { disableTelemetry: true },
  async viteFinal(viteConfig) {
    return {
      ...viteConfig,
      // Workspace packages export their TypeScript under "source": no build needed first.
      resolve: { ...viteConfig.resolve, conditions: ['source', ...defaultClientConditions] },
      build: {
        ...viteConfig.build,
        rolldownOptions: {
          ...viteConfig.build?.rolldownOptions,
          onwarn(warning, warn) {
            // TanStack Query ships "use client" directives; bundling drops them, harmlessly. (Vite 8's
            // rolldown did not report them in our builds; this keeps the log quiet if a version does.)
            if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
            warn(warning);
          },
        },
      },
    };
  },
};

export default config;
