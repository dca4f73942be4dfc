/** Each call as one entry of the sub-node in n8n's logs panel: input, then output or error. */
import { NodeApiError, NodeConnectionTypes, type INode } from 'n8n-workflow';

import { DispatcherError } from '../../../../nodes/AiDispatcher/engine/errors';
import { callLog } from '../../../../nodes/LmChatAiDispatcher/call/callLog';
import { dispatchChatCall } from '../../../../nodes/LmChatAiDispatcher/call/dispatchCall';
import { chatCall, scriptedChatRuntime } from '../../../support/chat-call';

const NODE: INode = {
	id: 'chat-1',
	name: 'AI Dispatcher Chat Model',
	type: 'n8n-nodes-ai-dispatcher.lmChatAiDispatcher',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

function recorder() {
	const inputs: Array<{ type: string; json: unknown }> = [];
	const outputs: Array<{ type: string; entry: number; data: unknown }> = [];
	return {
		inputs,
		outputs,
		ctx: {
			addInputData: (type: string, data: Array<Array<{ json: unknown }>> | Error) => {
				inputs.push({ type, json: (data as Array<Array<{ json: unknown }>>)[0][0].json });
				return { index: inputs.length - 1 };
			},
			addOutputData: (type: string, entry: number, data: unknown) => {
				outputs.push({ type, entry, data });
			},
			getNode: () => NODE,
		},
	};
}

describe('callLog', () => {
	it('logs the call’s input, then its output into the same entry', async () => {
		const { ctx, inputs, outputs } = recorder();
		const log = callLog(ctx, 0);
		const call = chatCall('Thank Dana.');
		const first = log.start(call);
		const second = log.start(chatCall('Another call.'));
		expect([first, second]).toEqual([0, 1]);
		expect(inputs[0]).toEqual({
			type: NodeConnectionTypes.AiLanguageModel,
			json: expect.objectContaining({ analysedText: 'Thank Dana.', tools: [] }),
		});
		const { runtime } = await scriptedChatRuntime({ 'phi3:mini': ['You are welcome.'] });
		log.done(first, await dispatchChatCall(runtime, call));
		expect(outputs).toHaveLength(1);
		expect(outputs[0]).toMatchObject({ type: NodeConnectionTypes.AiLanguageModel, entry: 0 });
		expect(
			(outputs[0].data as Array<Array<{ json: { response: string; model: string } }>>)[0][0].json,
		).toMatchObject({
			response: 'You are welcome.',
			model: 'phi3:mini',
		});
	});

	it('logs a failure as the error n8n shows, naming the item, and returns that error to throw', () => {
		const { ctx, outputs } = recorder();
		const log = callLog(ctx, 3);
		const entry = log.start(chatCall('Thank Dana.'));
		const failure = new DispatcherError('ALL_CANDIDATES_FAILED', 'All 3 models failed', {
			attempts: [],
		});
		const error = log.failed(entry, failure);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('All 3 models failed');
		expect(outputs).toEqual([{ type: NodeConnectionTypes.AiLanguageModel, entry, data: error }]);
	});
});
