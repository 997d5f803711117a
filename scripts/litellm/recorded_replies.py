"""A LiteLLM custom provider that answers from recorded replies (replies.json beside this file,
or $REPLAY_FILE): each model name has a script, a list played in order, one entry per request.
An entry is {"content": text} (also streamed, in chunks of `chunk_size` characters), or
{"status": 429|500|503|..., "message": text, "retry_after": seconds} for an error, with an
optional "delay" in seconds before the answer. Each request is logged to $REPLAY_LOG as
"model plain|stream". Used by scripts/litellm-test.sh only."""
import asyncio
import json
import os
import threading
import time
import uuid

import httpx
import litellm
from litellm import CustomLLM
from litellm.types.utils import ModelResponse

_ERRORS = {401: litellm.AuthenticationError, 429: litellm.RateLimitError, 500: litellm.InternalServerError,
           503: litellm.ServiceUnavailableError}


class RecordedReplies(CustomLLM):
    def __init__(self):
        super().__init__()
        self._lock = threading.Lock()
        self._played = {}

    def _next(self, model, mode):
        if os.environ.get("REPLAY_LOG"):
            with open(os.environ["REPLAY_LOG"], "a", encoding="utf-8") as log:
                log.write(f"{model.split('/', 1)[-1]} {mode}\n")
        path = os.environ.get("REPLAY_FILE", os.path.join(os.path.dirname(os.path.abspath(__file__)), "replies.json"))
        name = model.split("/", 1)[-1]
        with self._lock, open(path, encoding="utf-8") as f:
            script = json.load(f).get(name)
            if script is None:
                return {"status": 500, "message": f"no recorded script named {name!r}"}
            k = self._played.get(name, 0)
            self._played[name] = k + 1
            if k >= len(script):
                return {"status": 500, "message": f"script {name!r} has {len(script)} replies; this is request {k + 1}"}
            return script[k]

    @staticmethod
    def _fail(entry, model):
        status = entry.get("status")
        if status is None:
            return
        message = entry.get("message", f"recorded error {status}")
        kind = _ERRORS.get(status)
        if kind in (litellm.InternalServerError, litellm.ServiceUnavailableError):
            error = kind(message=message, llm_provider="recorded", model=model)
        elif kind is not None:
            error = kind(message=message, llm_provider="recorded", model=model,
                         response=httpx.Response(status, request=httpx.Request("POST", "http://recorded.invalid/")))
        else:
            error = litellm.APIError(status_code=status, message=message, llm_provider="recorded", model=model)
        if "retry_after" in entry:
            error.headers = {"retry-after": str(entry["retry_after"])}  # the proxy passes these on
        raise error

    def _reply(self, entry, model):
        return ModelResponse(id="chatcmpl-recorded-" + uuid.uuid4().hex[:12], created=int(time.time()), model=model,
                             choices=[{"index": 0, "finish_reason": "stop",
                                       "message": {"role": "assistant", "content": entry.get("content", "")}}],
                             usage={"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2})

    def completion(self, model, messages, *args, **kwargs):
        entry = self._next(model, "plain")
        time.sleep(float(entry.get("delay", 0)))
        self._fail(entry, model)
        return self._reply(entry, model)

    async def acompletion(self, model, messages, *args, **kwargs):
        entry = self._next(model, "plain")
        await asyncio.sleep(float(entry.get("delay", 0)))
        self._fail(entry, model)
        return self._reply(entry, model)

    async def astreaming(self, model, messages, *args, **kwargs):
        entry = self._next(model, "stream")
        await asyncio.sleep(float(entry.get("delay", 0)))
        self._fail(entry, model)
        content, size = entry.get("content", ""), int(entry.get("chunk_size", 16))
        parts = [content[i:i + size] for i in range(0, len(content), size)] or [""]
        for k, part in enumerate(parts):
            last = k == len(parts) - 1
            yield {"text": part, "tool_use": None, "is_finished": last, "finish_reason": "stop" if last else "",
                   "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2} if last else None, "index": 0}


handler = RecordedReplies()
