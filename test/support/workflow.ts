/**
 * Builders for the small workflows the e2e and browser tests import into n8n: a Manual Trigger, a
 * Code node emitting the items, and the node under test after them.
 */
export type WorkflowNode = Record<string, unknown>;

/** n8n's Manual Trigger, the start `n8n execute` runs from. */
export function manualTrigger(id: string, name = 'Start'): WorkflowNode {
	return {
		id,
		name,
		type: 'n8n-nodes-base.manualTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
}

/** A Code node running `jsCode` once for all items (n8n's default mode unless `mode` is given). */
export function codeNode(
	id: string,
	name: string,
	jsCode: string,
	options: { position?: [number, number]; mode?: 'runOnceForAllItems' } = {},
): WorkflowNode {
	return {
		id,
		name,
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: options.position ?? [220, 0],
		parameters: options.mode ? { mode: options.mode, jsCode } : { jsCode },
	};
}

/** Main connections from each named node to the next. */
export function chain(...names: string[]): Record<string, unknown> {
	const connections: Record<string, unknown> = {};
	for (let i = 0; i + 1 < names.length; i++) {
		connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	}
	return connections;
}

export interface TriggeredWorkflow {
	id: string;
	/** The Code node's name and code: it emits the items. */
	itemsName: string;
	jsCode: string;
	/** The node under test, connected after the Code node (id and position given here). */
	node: WorkflowNode & { name: string };
	/** Nodes beside it (sub-nodes, …) and their connections. */
	extra?: WorkflowNode[];
	extraConnections?: Record<string, unknown>;
}

/** Manual Trigger → Code node → the node under test (`${id}-1`, `${id}-2`, `${id}-3`). */
export function triggeredWorkflow(w: TriggeredWorkflow): Record<string, unknown> {
	const node = { id: `${w.id}-3`, position: [440, 0], ...w.node };

	return {
		id: w.id,
		name: w.id,
		active: false,
		settings: {},
		nodes: [
			manualTrigger(`${w.id}-1`),
			codeNode(`${w.id}-2`, w.itemsName, w.jsCode),
			node,
			...(w.extra ?? []),
		],
		connections: {
			...chain('Start', w.itemsName, node.name),
			...(w.extraConnections ?? {}),
		},
	};
}
