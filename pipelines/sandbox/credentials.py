"""The sandbox's fixed credentials: documented defaults, so any client can talk to it.

They open nothing but the local sandbox; real credentials go in `.dlt/secrets.toml` or env vars.
"""

SANDBOX_CREDENTIALS: dict[str, dict[str, str]] = {
    "linear": {"api_key": "lin_api_sandbox_key"},
    "slack": {"access_token": "xoxb-sandbox-token"},
    "zendesk": {"email": "sandbox@example.com", "api_token": "sandbox-zendesk-token"},
    "salesforce": {
        "client_id": "sandbox-consumer-key",
        "client_secret": "sandbox-consumer-secret",
        "username": "sandbox@example.com",
        "password": "sandbox-password",
    },
}
