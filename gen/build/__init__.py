"""The build's orchestration: the pipeline, incremental reuse, the no-change check, worker processes, atomic writing."""
