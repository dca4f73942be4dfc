import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { readConnection } from '../adapters/config';
import { CREDENTIAL_TYPE } from '../adapters/http';
import { enginePorts } from '../adapters/ports';
import { isTransportError } from '../engine/errors';
import { settle } from '../engine/result';
import { METADATA_TIMEOUT_MS } from '../actions/session';

/** The model dropdown: every model in Ollama's /api/tags, with its size. */
export async function getModels(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const credentials = (await this.getCredentials(CREDENTIAL_TYPE)) as IDataObject;
	const { baseUrls } = readConnection(credentials);
	const ports = enginePorts(this);
	const listed = await settle(ports.ollama.tags(baseUrls[0], METADATA_TIMEOUT_MS));
	if (!listed.ok) {
		const reason = isTransportError(listed.error) ? listed.error.message : String(listed.error);
		throw new NodeOperationError(this.getNode(), `Could not load models from ${baseUrls[0]}/api/tags: ${reason}`);
	}
	return listed.value
		.map((t) => ({
			name: t.parameterSize ? `${t.name} (${t.parameterSize}${t.quantization ? `, ${t.quantization}` : ''})` : t.name,
			value: t.name,
		}))
		.sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
}
