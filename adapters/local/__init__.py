"""The local channel: a chat in the terminal, for the demo, the console and the tests."""
