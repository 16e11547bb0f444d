import type { TestPackageMarkers } from '../../workspace/js-packages.js';

/** What makes a package.json a package with tests of one of the JS runners. */
export const JS_TEST_PACKAGES: TestPackageMarkers = {
  deps: ['vitest', 'jest', '@playwright/test', 'playwright', 'mocha'],
  manifestKeys: ['jest', 'mocha'],
  // vite.config.* alone is an app, not a test setup
  configFile:
    /^(?:vitest\.config\.[mc]?[jt]s|vitest\.workspace\.(?:[mc]?[jt]s|json)|vitest\.projects\.(?:[jt]s|json)|jest\.config\.(?:[mc]?[jt]s|json)|playwright\.config\.[mc]?[jt]s|\.mocharc\.(?:[cm]?js|ya?ml|jsonc?))$/,
  script: /(^|[\s;&|(])node\b[^;&|]*\s--test\b/,
};
