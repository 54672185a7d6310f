"""Speed and memory of the hot paths, each next to a baseline measured in the same run."""
