import { randomUUID } from 'crypto';
import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeType,
	type INodeTypeDescription,
	type ISupplyDataFunctions,
	type SupplyData,
} from 'n8n-workflow';
import { supplyModel } from '@n8n/ai-node-sdk';

import { METADATA_TIMEOUT_MS, openSession } from '../AiDispatcher/actions/session';
import { toNodeError } from '../AiDispatcher/adapters/errors';
import { n8nHttpPort } from '../AiDispatcher/adapters/http';
import { getModels } from '../AiDispatcher/methods/loadOptions';
import { callLog } from './call/callLog';
import { readChatSettings } from './call/settings';
import { toolSupport } from './call/toolSupport';
import { DispatcherChatModel } from './chatModel';
import { chatModelProperties } from './description/properties';

export class LmChatAiDispatcher implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'AI Dispatcher Chat Model',
		name: 'lmChatAiDispatcher',
		icon: { light: 'file:../AiDispatcher/aiDispatcher.light.svg', dark: 'file:../AiDispatcher/aiDispatcher.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["modelSource"] === "list" ? "Model List" : "Auto-Discover" }}',
		description:
			'Chat model for AI Agents and chains that sends each call to the Ollama model that fits it (complexity, your rules, live load) and falls back when a model fails',
		defaults: { name: 'AI Dispatcher Chat Model' },
		inputs: [],
		outputs: [NodeConnectionTypes.AiLanguageModel],
		outputNames: ['Model'],
		credentials: [{ name: 'aiDispatcherApi', required: true }],
		properties: chatModelProperties,
	};

	methods = { loadOptions: { getModels } };

	async supplyData(this: ISupplyDataFunctions, itemIndex: number): Promise<SupplyData> {
		try {
			// The main node's readers take an execution context; a sub-node's context offers the same
			// calls they use (parameters, credentials, HTTP helper, cancel signal, logger, input items).
			const session = await openSession(this as unknown as IExecuteFunctions);
			const settings = readChatSettings(this, itemIndex);
			const http = n8nHttpPort(this as unknown as IExecuteFunctions);
			const runtime = { session, itemIndex, settings, toolSupport: toolSupport(http, METADATA_TIMEOUT_MS, session.ports.signal) };
			const prefix = randomUUID().slice(0, 8);
			let calls = 0;
			const model = new DispatcherChatModel(runtime, callLog(this, itemIndex), () => `call_${prefix}_${++calls}`);
			return supplyModel(this, model);
		} catch (error) {
			throw toNodeError(this.getNode(), error, itemIndex);
		}
	}
}
