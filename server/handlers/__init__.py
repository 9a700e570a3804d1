"""Handlers (v6 API-082..092): the policies of a handler (policies.py), their JSON schema (schema.py) and
the relative times match_policy accepts (times.py). The servicer is server/services/handlers.py, the SQL
server/storage/repositories/handlers.py."""
