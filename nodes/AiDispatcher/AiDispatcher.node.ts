import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { runOperation } from './actions/runOperation';
import { processState } from './adapters/state';
import { nodeProperties } from './description/properties';
import type { DispatcherState } from './engine/state';
import { aiDispatcherApiTest } from './methods/credentialTest';
import { getModels } from './methods/loadOptions';

export class AiDispatcher implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'AI Dispatcher',
		name: 'aiDispatcher',
		icon: { light: 'file:aiDispatcher.light.svg', dark: 'file:aiDispatcher.dark.svg' },
		group: ['transform'],
		// 1.1: the basics up front, expert settings under Options (old workflows keep version 1 and their layout).
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle:
			'={{ {"generate": "Generate", "selectModel": "Select Model", "status": "Status"}[$parameter["operation"]] }}',
		description:
			'Answers each item with the Ollama model that fits it (prompt complexity, your rules, live load) and falls back when a model fails',
		defaults: { name: 'AI Dispatcher' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		// Tested by the node, not by the credential's `test` request: that could only check the status
		// code, so n8n's own HTML page on every path passed.
		credentials: [
			{ name: 'aiDispatcherApi', required: true, testedBy: 'aiDispatcherApiTest' },
			{
				name: 'aiDispatcherOpenAiApi',
				required: true,
				displayOptions: { show: { useOpenAiEndpoint: [true] } },
			},
		],
		properties: nodeProperties,
	};

	methods = { loadOptions: { getModels }, credentialTest: { aiDispatcherApiTest } };

	/** n8n calls it with the execution context as `this`; the state comes from the constructor. */
	execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[][]>;

	/** @param state what this node remembers across executions: n8n passes none (the process's); tests their own */
	constructor(state: DispatcherState = processState) {
		this.execute = async function (this: IExecuteFunctions) {
			return await runOperation.call(this, state);
		};
	}
}
