/** Status's `reuse` field: the stored answers (entries, bytes, bound), hits, misses, and the optional clear. */
import type { IDataObject } from 'n8n-workflow';

import { readBoolean } from '../adapters/fields';
import type { Session } from '../adapters/session';

/** Clears the store first when "Clear Reused Answers" is on; then reports it. */
export function reuseStatus(session: Session): IDataObject {
	const store = session.state.reuse;
	const clear =
		readBoolean(
			['clearReusedAnswers'],
			session.ctx.getNodeParameter('clearReusedAnswers', 0, false),
		) === true;
	const cleared = clear ? store.clear() : 0;
	const s = store.stats();
	const lookups = s.hits + s.misses;
	return {
		entries: s.entries,
		bytes: s.bytes,
		maxBytes: s.maxBytes,
		inFlight: s.inFlight,
		hits: s.hits,
		misses: s.misses,
		hitRatio: lookups > 0 ? Math.round((s.hits / lookups) * 1000) / 1000 : null,
		evictions: s.evictions,
		savedModelSeconds: Math.round(s.savedMs / 100) / 10,
		...(clear ? { cleared } : {}),
	};
}
