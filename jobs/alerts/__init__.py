"""Alerts: rules route stored change events to channels (`rules`), rendered (`messages`), delivered once
per (event, channel) with retries (`delivery`), and listed in an Atom feed (`feed`)."""
