/** Every parameter of the AI Dispatcher node, in panel order (the node and the error labels read it). */
import type { INodeProperties } from 'n8n-workflow';

import { cloudProperties } from './cloud';
import { inputProperties } from './input';
import { modelProperties } from './models';
import { operationProperty } from './operation';
import { optionProperties } from './options';
import { reuseStatusProperties } from './reuse';
import { ruleProperties } from './rules';
import { signalProperties } from './signals';

export const nodeProperties: INodeProperties[] = [
	operationProperty,
	...inputProperties,
	...modelProperties,
	...cloudProperties,
	...ruleProperties,
	...optionProperties,
	...reuseStatusProperties,
	...signalProperties,
];
