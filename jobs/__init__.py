"""Entry points: CLI, scheduler service, backfill and alert delivery."""
