"""Chat platforms: each adapter translates platform events into neutral events and
neutral contents into platform messages, and nothing else."""
