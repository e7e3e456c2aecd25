"""A thin PostgreSQL backend that boots the embedded server on the first connection.

Commands that never connect (``check``, ``collectstatic``, the extraction tools) never start it.
"""

from __future__ import annotations

import shutil

from django.db.backends.postgresql import base, client

from factcheck import embedded_db


def _fill_in_server(settings_dict: dict) -> None:
    if not settings_dict.get("HOST"):
        info = embedded_db.ensure_server()
        settings_dict["HOST"] = info.socket_dir
        settings_dict["PORT"] = str(info.port)
        settings_dict["USER"] = settings_dict.get("USER") or info.user


class DatabaseClient(client.DatabaseClient):
    @classmethod
    def settings_to_cmd_args_env(cls, settings_dict, parameters):
        args, env = super().settings_to_cmd_args_env(settings_dict, parameters)
        # A fresh machine may have no psql of its own: use the embedded server's.
        args[0] = shutil.which("psql") or str(embedded_db.psql_path())
        return args, env

    def runshell(self, parameters):
        _fill_in_server(self.connection.settings_dict)
        super().runshell(parameters)


class DatabaseWrapper(base.DatabaseWrapper):
    client_class = DatabaseClient

    def get_connection_params(self):
        _fill_in_server(self.settings_dict)
        return super().get_connection_params()
