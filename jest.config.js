// force timezone to UTC to allow tests to work regardless of local timezone
// generally used by snapshots, but can affect specific tests
process.env.TZ = 'UTC';

const baseConfig = require('./.config/jest.config');

module.exports = {
  // Jest configuration provided by Grafana scaffolding
  ...baseConfig,
  // Jest runs the Grafana app plugin's tests only. The relay (src/relay, tests/relay) and the
  // isomorphic core (src/core) are tested with node:test through `npm run test:relay`.
  roots: ['<rootDir>/src/plugin'],
  testMatch: [
    '<rootDir>/src/plugin/**/__tests__/**/*.{js,jsx,ts,tsx}',
    '<rootDir>/src/plugin/**/*.{spec,test,jest}.{js,jsx,ts,tsx}',
  ],
  transform: {
    ...baseConfig.transform,
    // Some of Grafana's ESM-only dependencies ship .mjs files (d3-color >= 3.1.1 has
    // "main": "dist/d3-color.mjs"); transform them like the other files (see transformIgnorePatterns).
    '^.+\\.mjs$': baseConfig.transform['^.+\\.(t|j)sx?$'],
  },
  // Page flows render Grafana's UI in jsdom: seconds each on a busy two-core CI machine, not a hang.
  testTimeout: 60_000,
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/dist-relay/', '<rootDir>/data/'],
};
