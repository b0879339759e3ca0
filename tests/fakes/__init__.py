"""Local stand-ins for the outside world: a web server on 127.0.0.1, a DNS resolver, a clock."""
