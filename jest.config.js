/**
 * Three projects: fast unit tests, end-to-end tests against a real n8n and a real Prometheus, and
 * the editor in a real browser (headless Chromium from Debian).
 */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.test.json', diagnostics: { warnOnly: false } }];
module.exports = {
	testTimeout: 60_000,
	projects: [
		{
			displayName: 'unit',
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
		},
		{
			displayName: 'e2e',
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
			setupFilesAfterEnv: ['<rootDir>/test/e2e/setup.ts'],
			// One runtime check before any test (stops the run with one message when n8n is broken),
			// and a teardown that kills every process the run spawned and left alive.
			globalSetup: '<rootDir>/test/e2e/global-setup.ts',
			globalTeardown: '<rootDir>/test/e2e/global-teardown.ts',
		},
		{
			displayName: 'browser',
			testEnvironment: 'node',
			transform: { '^.+\\.ts$': tsJest },
			testMatch: ['<rootDir>/test/browser/**/*.test.ts'],
			setupFilesAfterEnv: ['<rootDir>/test/e2e/setup.ts'],
			// The same runtime check and process teardown as the e2e project (it starts a real n8n too).
			globalSetup: '<rootDir>/test/e2e/global-setup.ts',
			globalTeardown: '<rootDir>/test/e2e/global-teardown.ts',
		},
	],
};
