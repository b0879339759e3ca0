"""The Slack adapter: slash commands and digests through slack-bolt."""
