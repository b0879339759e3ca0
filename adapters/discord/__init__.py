"""The Discord adapter: slash commands and digests through discord.py."""
