"""401 for a missing or wrong key (LiteLLM's own check needs a database to say so)."""
import os

from fastapi import HTTPException, Request
from litellm.proxy._types import UserAPIKeyAuth


async def user_api_key_auth(request: Request, api_key: str) -> UserAPIKeyAuth:
    if api_key == os.environ.get("LITELLM_TEST_KEY", "sk-milp-litellm-test"):
        return UserAPIKeyAuth(api_key=api_key)
    raise HTTPException(status_code=401, detail="Invalid or missing API key")
