"""The WSGI entry point: ``wsgi:application`` is the Flask server of the Kizuna Dash app.

gunicorn serves it (``make serve``, settings in ``gunicorn.conf.py``); any other WSGI server can
too. Importing this module builds the app once. Debug mode and Dash's dev tools stay off: they
are switched on only by ``Dash.run(debug=True)``, which a WSGI server never calls.
"""

from __future__ import annotations

from app import create_app

dash_app = create_app()
#: The WSGI callable (a :class:`flask.Flask`).
application = dash_app.server
