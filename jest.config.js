/** Jest runs the TypeScript sources as ESM through ts-jest; type checking is done by `npm run typecheck`. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, isolatedModules: true, diagnostics: false }],
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 60000,
  // Checks that PostgreSQL and Redis answer, and says what to start when they do not.
  globalSetup: '<rootDir>/test/global-setup.ts',
};
