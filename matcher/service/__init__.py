"""The HTTP service for case systems (``matcher serve``), with its own database.

Needs the ``service`` extra (FastAPI, uvicorn, SQLAlchemy, Alembic). Importing this
package imports none of them: ``matcher.service.app.create_app`` builds the application.

Modules: ``app`` (routes), ``schemas`` (request and response bodies), ``auth`` (keys and
roles), ``db`` (tables and migrations), ``store`` (what the routes read and write),
``engine`` (the library calls), ``runner`` and ``worker`` (rounds in the background),
``cli`` (``serve`` and ``api-key``), ``openapi`` (the committed spec).
"""

__all__: list[str] = []
