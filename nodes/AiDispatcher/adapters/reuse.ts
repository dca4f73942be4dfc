/**
 * n8n ⇄ answer reuse: who may share answers (a digest of the credential's identity, never a secret in
 * clear), which execution an item belongs to, and the Options "Reuse Answers" and "Reuse Window
 * (Minutes)", read per item into the engine's `ReuseConfig`.
 */
import { randomUUID } from 'node:crypto';

import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { scopeDigest } from '../engine/reuse/key';
import type { ReuseConfig } from '../engine/reuse/types';
import { DEFAULT_REUSE_WINDOW_MINUTES } from '../description/reuse';
import type { ConnectionSettings } from './config';
import { configInvalid, FIX_UNDER_OPTIONS, readBoolean, readNumber } from './fields';
import { CREDENTIAL_TYPE } from './http';

/** What every item of one execution shares for reuse. */
export interface ReuseIdentity {
	/** Digest of the credential's id, Ollama URLs and API key hash. */
	scope: string;
	/** The n8n execution's id (a fresh random id when the context has none). */
	executionId: string;
}

/** The execution's reuse identity, from the node's credential reference and the decrypted credential. */
export function reuseIdentity(
	ctx: IExecuteFunctions,
	credentials: IDataObject,
	connection: ConnectionSettings,
): ReuseIdentity {
	const reference = ctx.getNode().credentials?.[CREDENTIAL_TYPE];
	const credentialId = String(reference?.id ?? reference?.name ?? '');
	const apiKey =
		typeof credentials.apiKey === 'string' && credentials.apiKey !== ''
			? credentials.apiKey
			: undefined;
	const id = typeof ctx.getExecutionId === 'function' ? ctx.getExecutionId() : undefined;
	return {
		scope: scopeDigest({ credentialId, baseUrls: connection.baseUrls, apiKey }),
		executionId: typeof id === 'string' && id !== '' ? id : `local-${randomUUID()}`,
	};
}

/** Item `itemIndex`'s reuse settings: within the execution always; across executions when "Reuse Answers" is on. */
export function readReuseConfig(
	ctx: IExecuteFunctions,
	itemIndex: number,
	identity: ReuseIdentity,
): ReuseConfig {
	const raw = (ctx.getNodeParameter('options', itemIndex, {}) ?? {}) as IDataObject;
	let on: boolean | undefined;
	let minutes: number | undefined;
	try {
		on = readBoolean(['options', 'reuseAnswers'], raw.reuseAnswers);
		minutes = readNumber(['options', 'reuseWindowMinutes'], raw.reuseWindowMinutes, {
			min: 1,
			max: 525_600,
			unit: ' minutes',
		});
	} catch (error) {
		throw configInvalid((error as Error).message, FIX_UNDER_OPTIONS);
	}
	const windowMs = on === true ? (minutes ?? DEFAULT_REUSE_WINDOW_MINUTES) * 60_000 : 0;
	return { scope: identity.scope, executionId: identity.executionId, windowMs };
}
