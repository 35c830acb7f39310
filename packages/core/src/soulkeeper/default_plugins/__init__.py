"""Built-in tokenizers, detectors and stores, registered through the same hooks as third-party plugins."""
