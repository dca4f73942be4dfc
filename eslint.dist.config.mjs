// What n8n's verification scanner (@n8n/scan-community-package) runs on the published tarball:
// the community rules on the compiled dist/**/*.js, with inline eslint-disable comments ignored.
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
export default [
  { files: ['dist/**/*.js'], plugins: { 'n8n-nodes-base': n8nNodesBase }, ...n8nCommunityNodesPlugin.configs.recommended,
    languageOptions: { sourceType: 'commonjs', ecmaVersion: 2022 },
    rules: { ...n8nCommunityNodesPlugin.configs.recommended.rules, 'no-console': 'error' } },
];
