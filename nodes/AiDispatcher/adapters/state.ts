/**
 * The one `DispatcherState` of this n8n process, created when n8n loads the package. Every node of
 * the package (AI Dispatcher, and its chat model) passes it to the engine, so a model that failed
 * under one is skipped by the other. Tests build their own with `createDispatcherState()`.
 */
import { createDispatcherState, type DispatcherState } from '../engine/state';

export const processState: DispatcherState = createDispatcherState();
