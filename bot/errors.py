"""Errors a user can cause or meet, each with a message fit to show in chat (one short line).

UserError
├── BadCommand      unknown command or bad arguments (the message is the usage line)
├── NotAllowed      a configuration command from someone who is not an admin of the channel
├── BadUrl          not an http(s) URL, or one that points into a private network
├── FetchFailed     the page or feed did not answer, answered with an error, or was too big
├── NotAnArticle    the page answered but holds no article text we can read
└── Busy            too much work in flight; try again shortly
"""

from __future__ import annotations


class UserError(Exception):
    """An error whose message is shown to the user as it is."""


class BadCommand(UserError):
    """Unknown command or bad arguments."""


class NotAllowed(UserError):
    """The caller may not change this channel's configuration."""


class BadUrl(UserError):
    """A URL the bot will not fetch."""


class FetchFailed(UserError):
    """A download that failed."""


class NotAnArticle(UserError):
    """A page with no readable article."""


class Busy(UserError):
    """Too much work in flight."""
