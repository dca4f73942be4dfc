// Lints the published code (nodes/, credentials/, package.json) with the rule sets n8n's
// verification scanner runs: @n8n/eslint-plugin-community-nodes `recommended` (no restricted
// globals or imports, pairedItem, usableAsTool, credential tests, n8n error classes) and
// eslint-plugin-n8n-nodes-base `community`, `credentials` and `nodes`, with the same exceptions as
// @n8n/node-cli's config. Tests live outside nodes/ and credentials/ and are type-checked instead.
import js from '@eslint/js';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import tseslint from 'typescript-eslint';

export default tseslint.config(
	{ ignores: ['dist/**', 'node_modules/**', 'test/**', 'scripts/**', 'examples/**', '*.js', '*.mjs'] },
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts', 'index.ts'],
		extends: [js.configs.recommended, ...tseslint.configs.recommended, n8nCommunityNodesPlugin.configs.recommended],
		rules: { 'no-console': 'error', 'prefer-spread': 'off' },
	},
	{
		// The dependency rule (docs/engine.md): the engine reaches n8n, HTTP and timers only through ports.
		files: ['nodes/AiDispatcher/engine/**/*.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{ group: ['n8n-workflow', 'n8n-core', '@n8n/*'], message: 'engine/ is free of n8n: take what you need through a port (engine/ports.ts).' },
						{ group: ['**/transport', '**/transport/**'], message: 'engine/ does not speak HTTP: transport/ is reached through the ports adapters/ builds.' },
						{ group: ['**/adapters', '**/adapters/**'], message: 'engine/ does not know adapters/: they depend on it, not the other way round.' },
						{ group: ['**/actions/**', '**/LmChatAiDispatcher/**', '**/description/**', '**/methods/**'], message: 'engine/ does not import the n8n-facing layers.' },
					],
				},
			],
		},
	},
	{
		// One n8n-facing layer (adapters/): the chat model shares the readers, session and output shaping
		// with the AI Dispatcher node there, never through that node's operations.
		files: ['nodes/LmChatAiDispatcher/**/*.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{ group: ['**/AiDispatcher/actions', '**/AiDispatcher/actions/**'], message: "The chat model does not import the AI Dispatcher node's actions/: what both nodes use lives in adapters/." },
					],
				},
			],
		},
	},
	{
		files: ['package.json'],
		languageOptions: { parser: tseslint.parser },
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		extends: [n8nCommunityNodesPlugin.configs.recommended],
		rules: { ...n8nNodesBase.configs.community.rules },
	},
	{
		files: ['credentials/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},
);
