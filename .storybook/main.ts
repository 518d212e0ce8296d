import type { StorybookConfig } from '@storybook/web-components-vite';

// Written by hand: `storybook init` reaches for packages this repository does not install.
const config: StorybookConfig = {
  stories: ['../stories/**/*.stories.ts'],
  framework: { name: '@storybook/web-components-vite', options: {} },
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  // msw's service worker must be served from the root; its postinstall copy step does not run here.
  staticDirs: [{ from: '../node_modules/msw/lib', to: '/' }],
  async viteFinal(config) {
    const { defaultClientConditions, mergeConfig } = await import('vite');
    // Workspace packages resolve to their TypeScript sources, as in the tests.
    return mergeConfig(config, { resolve: { conditions: ['crewkit-source', ...defaultClientConditions] } });
  },
};

export default config;
