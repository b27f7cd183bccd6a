"""What operators and their tools use: the health endpoint for load balancers and
monitoring, and the log (one line per request)."""
