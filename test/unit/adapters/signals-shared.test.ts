/** "Share Model Health Across Workers": on by default, effective only for a process that pushes. */
import {
	parseSignalsSettings,
	withSharedHealth,
} from '../../../nodes/AiDispatcher/adapters/signals';

describe('Share Model Health Across Workers', () => {
	it('is on by default and turns sharedHealth on when the credential has a Pushgateway URL', () => {
		const s = parseSignalsSettings({}, {});
		expect(s.shareModelHealth).toBe(true);
		expect(withSharedHealth(s, 'http://pushgateway:9091').queries.sharedHealth).toBe(true);
	});

	it('leaves the config as it is without a Pushgateway URL, or when switched off', () => {
		const on = parseSignalsSettings({}, {});
		expect(withSharedHealth(on, null)).toBe(on.config);
		const off = parseSignalsSettings({ shareModelHealth: false }, {});
		expect(withSharedHealth(off, 'http://pushgateway:9091')).toBe(off.config);
		expect(off.config.queries).not.toHaveProperty('sharedHealth');
	});

	it('names the field and the bad value', () => {
		expect(() => parseSignalsSettings({ shareModelHealth: 'yes' }, {})).toThrow(
			/Share Model Health Across Workers.*should be true or false, got "yes"/,
		);
	});

	it("carries this process's label, to be left out of what is read back", () => {
		const s = parseSignalsSettings({}, {});
		expect(withSharedHealth(s, 'http://pushgateway:9091', () => 'queue-abc').queries).toMatchObject(
			{ sharedHealth: true, ownInstance: 'queue-abc' },
		);
		expect(
			withSharedHealth(s, 'http://pushgateway:9091', () => undefined).queries,
		).not.toHaveProperty('ownInstance');
	});
});
