import { randomUUID } from 'crypto';
import {
	NodeConnectionTypes,
	type INodeType,
	type INodeTypeDescription,
	type ISupplyDataFunctions,
	type SupplyData,
} from 'n8n-workflow';
import { supplyModel } from '@n8n/ai-node-sdk';

import { METADATA_TIMEOUT_MS } from '../AiDispatcher/engine/installed';
import { toNodeError } from '../AiDispatcher/adapters/errors';
import { n8nHttpPort } from '../AiDispatcher/adapters/http';
import { openSession } from '../AiDispatcher/adapters/session';
import { processState } from '../AiDispatcher/adapters/state';
import type { DispatcherState } from '../AiDispatcher/engine/state';
import { aiDispatcherApiTest } from '../AiDispatcher/methods/credentialTest';
import { getModels } from '../AiDispatcher/methods/loadOptions';
import { callLog } from './call/callLog';
import { withoutTracingEntries } from './call/oneEntryPerCall';
import { readChatSettings } from './call/settings';
import { toolSupport } from './call/toolSupport';
import { DispatcherChatModel } from './chatModel';
import { chatModelProperties } from './description/properties';

export class LmChatAiDispatcher implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'AI Dispatcher Chat Model',
		name: 'lmChatAiDispatcher',
		icon: {
			light: 'file:../AiDispatcher/aiDispatcher.light.svg',
			dark: 'file:../AiDispatcher/aiDispatcher.dark.svg',
		},
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["modelSource"] === "list" ? "Model List" : "Auto-Discover" }}',
		description:
			'Chat model for AI Agents and chains that sends each call to the Ollama model that fits it (complexity, your rules, live load) and falls back when a model fails',
		defaults: { name: 'AI Dispatcher Chat Model' },
		inputs: [],
		outputs: [NodeConnectionTypes.AiLanguageModel],
		outputNames: ['Model'],
		credentials: [
			{ name: 'aiDispatcherApi', required: true, testedBy: 'aiDispatcherApiTest' },
			{
				name: 'aiDispatcherOpenAiApi',
				required: true,
				displayOptions: { show: { useOpenAiEndpoint: [true] } },
			},
		],
		properties: chatModelProperties,
	};

	methods = { loadOptions: { getModels }, credentialTest: { aiDispatcherApiTest } };

	/** n8n calls it with the sub-node's context as `this`; the state comes from the constructor. */
	supplyData: (this: ISupplyDataFunctions, itemIndex: number) => Promise<SupplyData>;

	/**
	 * @param state what the model remembers across calls and executions: n8n passes none (the
	 * process's, shared with the AI Dispatcher node: breakers, learned stats, signals, metrics); tests their own
	 */
	constructor(state: DispatcherState = processState) {
		this.supplyData = async function (this: ISupplyDataFunctions, itemIndex: number) {
			return await supplyDispatcherModel(this, itemIndex, state);
		};
	}
}

/** The model for item `itemIndex` of the root node, remembering into `state`. */
async function supplyDispatcherModel(
	self: ISupplyDataFunctions,
	itemIndex: number,
	state: DispatcherState,
): Promise<SupplyData> {
	try {
		// The readers both nodes share take the calls a sub-node's context has too (`NodeContext`).
		const session = await openSession(self, state);
		const settings = readChatSettings(self, itemIndex);
		const http = n8nHttpPort(self);
		const runtime = {
			session,
			itemIndex,
			settings,
			toolSupport: toolSupport(http, METADATA_TIMEOUT_MS, session.ports.cancel),
		};
		const prefix = randomUUID().slice(0, 8);
		let calls = 0;
		const model = new DispatcherChatModel(
			runtime,
			callLog(self, itemIndex),
			() => `call_${prefix}_${++calls}`,
		);
		// n8n calls closeFunction when the root node's run ends: answers kept only for that run's
		// identical calls (Reuse Answers off) hold no memory past it.
		const forget = async () => void state.reuse.forgetExecution(session.reuse.executionId);
		// Our log entry per call carries the decision; the SDK's tracing would add a second one.
		return { ...supplyModel(withoutTracingEntries(self), model), closeFunction: forget };
	} catch (error) {
		throw toNodeError(self.getNode(), error, itemIndex);
	}
}
