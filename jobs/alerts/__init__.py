"""Alerts: rules route stored change events to channels (`rules`), rendered (`messages`), delivered once
per (event, channel) with retries, deadlines and backoff (`delivery`), by the service on a thread of its own
(`worker`), and listed in an Atom feed (`feed`)."""
