// End-to-end tests install and run a real n8n: allow them minutes, not seconds.
jest.setTimeout(15 * 60 * 1000);
