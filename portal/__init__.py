"""The public portal for citizens and regional operators."""
