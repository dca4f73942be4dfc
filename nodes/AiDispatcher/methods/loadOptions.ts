import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { readConnection } from '../adapters/config';
import { OPENAI_CREDENTIAL_TYPE, readEndpoint } from '../adapters/endpoint';
import { CREDENTIAL_TYPE, n8nHttpPort } from '../adapters/http';
import { enginePorts } from '../adapters/ports';
import { isDispatcherError } from '../engine/errors';
import { listInstalled, METADATA_TIMEOUT_MS } from '../engine/installed';
import { settle } from '../engine/result';
import { listModels } from '../transport/openai/models';

/** The model dropdown: every model in /api/tags of the first Ollama host that answers, with its size. */
export async function getModels(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const credentials = (await this.getCredentials(CREDENTIAL_TYPE)) as IDataObject;
	const { baseUrls } = readConnection(credentials);
	const ports = enginePorts(this);
	const listed = await settle(listInstalled(ports.ollama, baseUrls));
	if (!listed.ok) {
		const reason = isDispatcherError(listed.error) ? listed.error.message : String(listed.error);
		throw new NodeOperationError(this.getNode(), reason);
	}
	const local = listed.value.tags
		.map((t) => ({
			name: t.parameterSize
				? `${t.name} (${t.parameterSize}${t.quantization ? `, ${t.quantization}` : ''})`
				: t.name,
			value: t.name,
		}))
		.sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
	return [...local, ...(await endpointModels(this))];
}

/**
 * The endpoint's models (GET /models), labelled with their backend, when "Use OpenAI-Compatible
 * Endpoint" is on; a failure is named in one entry rather than hiding the Ollama models.
 */
async function endpointModels(ctx: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	if (ctx.getCurrentNodeParameter('useOpenAiEndpoint') !== true) return [];
	const listed = await settle(
		(async () => {
			const reference = ctx.getNode().credentials?.[OPENAI_CREDENTIAL_TYPE];
			const endpoint = readEndpoint(
				(await ctx.getCredentials(OPENAI_CREDENTIAL_TYPE)) as IDataObject,
				String(reference?.id ?? ''),
			);
			return await listModels(
				n8nHttpPort(ctx, OPENAI_CREDENTIAL_TYPE),
				endpoint.baseUrl,
				METADATA_TIMEOUT_MS,
			);
		})(),
	);
	if (!listed.ok) {
		const reason = listed.error instanceof Error ? listed.error.message : String(listed.error);
		return [{ name: `(OpenAI-compatible endpoint not listed: ${reason})`, value: '' }];
	}
	return listed.value.map((id) => ({
		name: `${id} (OpenAI-compatible endpoint)`,
		value: id,
		description: "Set this row's Backend to OpenAI-Compatible Endpoint",
	}));
}
