"""Entry point of Redis-backed job workers: `REDIS_URL=… huey_consumer server.worker.huey -w 2`."""

from . import create_app, jobs

app = create_app()
huey = jobs.jobs_of(app).huey
