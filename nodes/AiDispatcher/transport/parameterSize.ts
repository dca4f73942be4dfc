/** Ollama's model metadata as it comes over the wire, parsed on arrival. */

/** Parses Ollama's `parameter_size` ("7.6B", "494M", "1.5T") into billions, or null. */
export function parseParameterBillions(parameterSize: string | undefined): number | null {
	const match = /^\s*([\d.]+)\s*([KMBT])\s*$/i.exec(parameterSize ?? '');
	if (!match) return null;
	const value = Number(match[1]);
	if (!Number.isFinite(value)) return null;
	const scale: Record<string, number> = { K: 1e-6, M: 1e-3, B: 1, T: 1e3 };
	return value * scale[match[2].toUpperCase()];
}
