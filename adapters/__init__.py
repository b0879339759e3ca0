"""Platform adapters: the CLI (composition root), Slack and Discord."""
