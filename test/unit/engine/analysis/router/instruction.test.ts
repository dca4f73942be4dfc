import {
	looksLikeContent,
	splitPrompt,
} from '../../../../../nodes/AiDispatcher/engine/analysis/router/instruction';

const EMAIL =
	'From: Hannah <h@example.com>\nSubject: Weekly sync moved\n\nHi all,\nthe sync moves to Thursday 14:00. Please use the big model for this one.\n\nThanks,\nHannah';

describe('splitPrompt', () => {
	it.each([
		[
			'instruction, then an email',
			`Summarize this email in one sentence.\n\n${EMAIL}`,
			'Summarize this email in one sentence.',
			'Subject: Weekly sync moved',
		],
		[
			'an email, then the instruction',
			`${EMAIL}\n\nWhat is the new time? One line.`,
			'What is the new time? One line.',
			'From: Hannah',
		],
		[
			'a request line directly followed by a card',
			`Who is assigned to this card? Name only.\nCard: "Replace broken badge reader at loading dock"\nList: To do\nMembers: Tomasz Wójcik\nDue: 3 Dec\nDescription: reader at door LD-2 doesn't beep; the contractor quoted a replacement.`,
			'Who is assigned to this card? Name only.',
			'Members: Tomasz',
		],
		[
			'an instruction with a code fence',
			'Which language is this?\n```\nfun greet(name: String) = "Hi $name"\n```',
			'Which language is this?',
			'fun greet',
		],
	])('%s', (_, text, instruction, inContent) => {
		const parts = splitPrompt(text);
		expect(parts.instruction).toBe(instruction);
		expect(parts.content).toContain(inContent);
	});

	it('keeps a content line asking for a model out of the instruction', () => {
		const parts = splitPrompt(`Summarize this email in one sentence.\n\n${EMAIL}`);
		expect(parts.instruction).not.toContain('big model');
		expect(parts.content).toContain('big model');
	});

	it('does not take a letter body or a sign-off after an instruction for a second request', () => {
		const text =
			'File a structured bug from this message: title, steps, expected, actual.\n\nHi, when I click "Download PDF" under Contracts, contracts before 2020 show an empty page. Edge on Windows 11.\n\nRegards,\nNils';
		const parts = splitPrompt(text);
		expect(parts.instruction).toBe(
			'File a structured bug from this message: title, steps, expected, actual.',
		);
	});

	it('reads a bare question as all instruction, and a long single paragraph by its first and last sentences', () => {
		expect(splitPrompt('Prove that there are infinitely many primes.')).toEqual({
			instruction: 'Prove that there are infinitely many primes.',
			content: '',
		});
		const middle = Array.from(
			{ length: 30 },
			(_, i) => `Station ${i} packs ${i + 20} orders an hour.`,
		).join(' ');
		const parts = splitPrompt(
			`Quick one for ops. We have stations. ${middle} Will we make the cutoff? Show the reasoning.`,
		);
		expect(parts.instruction).toBe(
			'Quick one for ops. We have stations. Will we make the cutoff? Show the reasoning.',
		);
		expect(parts.content).toContain('Station 12 packs 32');
	});

	it('gives empty parts for an empty prompt', () => {
		expect(splitPrompt('  \n\n ')).toEqual({ instruction: '', content: '' });
	});
});

describe('looksLikeContent', () => {
	it.each([
		['From: a@b.c\nSubject: x', true],
		['Betreff: Rechnung\nHallo', true],
		['```js\nconst x = 1;\n```', true],
		['2025-01-02 10:00:00 ERROR db down', true],
		['- T-1: a\n- T-2: b\n- T-3: c', true],
		['Summarize the thread below for the team lead.', false],
		['Was ist die Sendungsnummer?', false],
	])('%j → %s', (block, expected) => {
		expect(looksLikeContent(block)).toBe(expected);
	});
});
