"""Entry point of Redis-backed job workers: `REDIS_URL=… huey_consumer server.worker.huey -w 2`.

As the consumer starts, the queue's start-up hook (registered by `jobs.init_app`) queues the documents a crash left
pending. Run thread workers (huey's default, `-k thread`): each render forks a limited child process
(server/documents/sandbox.py), which huey's daemonic `-k process` workers may not do.
"""

from . import create_app, jobs

app = create_app()
huey = jobs.jobs_of(app).huey
