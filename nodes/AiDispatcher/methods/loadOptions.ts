import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { readConnection } from '../adapters/config';
import { CREDENTIAL_TYPE } from '../adapters/http';
import { enginePorts } from '../adapters/ports';
import { isDispatcherError } from '../engine/errors';
import { listInstalled } from '../engine/installed';
import { settle } from '../engine/result';

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
	return listed.value.tags
		.map((t) => ({
			name: t.parameterSize ? `${t.name} (${t.parameterSize}${t.quantization ? `, ${t.quantization}` : ''})` : t.name,
			value: t.name,
		}))
		.sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
}
