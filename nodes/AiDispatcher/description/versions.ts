/**
 * Node versions of the panel. Version 1 keeps the layout saved workflows were built with; 1.1 (new
 * nodes) shows the basics up front and moves expert settings under Options. Parameter names never
 * change: `adapters/layout.ts` reads a setting from its 1.1 place and falls back to its 1.0 place.
 */

/** displayOptions.show entry for fields only version 1 shows at the top level. */
export const V1 = { '@version': [1] };

/** displayOptions.show entry for what version 1.1 and later show. */
export const V1_1 = { '@version': [{ _cnd: { gte: 1.1 } }] };
