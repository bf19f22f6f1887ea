"""The HTTP edge: reading requests, answers, the one domain-error table, CORS and the request log.

Every function takes the request as a parameter; app.py holds only the routes that call them.
"""
