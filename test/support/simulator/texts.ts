/** Ollama's exact texts (version, error messages) and the content types it answers with. */
export const OLLAMA_VERSION = '0.12.6';
export const ERR_BUSY = 'server busy, please try again.  maximum pending requests exceeded';
export const ERR_RUNNER_STOPPED =
	'model runner has unexpectedly stopped, this may be due to resource limitations or an internal error, check ollama server logs for details';
export const ERR_MIDSTREAM = 'an error was encountered while running the model: unexpected EOF';
export const ERR_OOM = 'model requires more system memory (5.0 GiB) than is available (3.9 GiB)';
export const GARBAGE_BODY =
	'<html>\n<head><title>502 Bad Gateway</title></head>\n<body>502 Bad Gateway</body>\n</html>\n';
export const CONTENT_JSON = 'application/json; charset=utf-8';
export const CONTENT_NDJSON = 'application/x-ndjson';
export const CONTENT_TEXT = 'text/plain; charset=utf-8';
export const CONTENT_METRICS = 'text/plain; version=0.0.4; charset=utf-8';
