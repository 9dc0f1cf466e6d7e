"""Services: what joins the engine and the store for the web layer and the command.

They read settings and stored data, call the engine, and store what comes out; the web
routes and the CLI only translate requests and options into calls to them.
"""
