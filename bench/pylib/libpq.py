"""libpq through ctypes: the benchmarks' PostgreSQL client (stdlib only).

A commit's return is timed exactly where the application sees it (PQexec of
COMMIT returning), which a psql subprocess could not give. Not thread-safe:
one Conn per thread.
"""
import ctypes
import ctypes.util

_lib = ctypes.CDLL(ctypes.util.find_library("pq") or "libpq.so.5")
_lib.PQconnectdb.restype = ctypes.c_void_p
_lib.PQconnectdb.argtypes = [ctypes.c_char_p]
_lib.PQstatus.argtypes = [ctypes.c_void_p]
_lib.PQerrorMessage.restype = ctypes.c_char_p
_lib.PQerrorMessage.argtypes = [ctypes.c_void_p]
_lib.PQexec.restype = ctypes.c_void_p
_lib.PQexec.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
_lib.PQresultStatus.argtypes = [ctypes.c_void_p]
_lib.PQresultErrorMessage.restype = ctypes.c_char_p
_lib.PQresultErrorMessage.argtypes = [ctypes.c_void_p]
_lib.PQntuples.argtypes = [ctypes.c_void_p]
_lib.PQnfields.argtypes = [ctypes.c_void_p]
_lib.PQgetvalue.restype = ctypes.c_char_p
_lib.PQgetvalue.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
_lib.PQclear.argtypes = [ctypes.c_void_p]
_lib.PQfinish.argtypes = [ctypes.c_void_p]

_CONNECTION_OK = 0
_COMMAND_OK, _TUPLES_OK = 1, 2


class PgError(RuntimeError):
    pass


class Conn:
    def __init__(self, conninfo):
        self._c = _lib.PQconnectdb(conninfo.encode())
        if _lib.PQstatus(self._c) != _CONNECTION_OK:
            msg = _lib.PQerrorMessage(self._c).decode(errors="replace")
            _lib.PQfinish(self._c)
            raise PgError(f"connecting to {conninfo!r}: {msg.strip()}")

    def exec(self, sql):
        """Runs sql (one or more statements); returns the last result's rows as lists of str."""
        r = _lib.PQexec(self._c, sql.encode())
        try:
            st = _lib.PQresultStatus(r)
            if st not in (_COMMAND_OK, _TUPLES_OK):
                msg = (_lib.PQresultErrorMessage(r) or _lib.PQerrorMessage(self._c)).decode(errors="replace")
                raise PgError(f"{sql[:80]!r}: {msg.strip()}")
            rows = []
            for i in range(_lib.PQntuples(r)):
                rows.append([(_lib.PQgetvalue(r, i, j) or b"").decode()
                             for j in range(_lib.PQnfields(r))])
            return rows
        finally:
            _lib.PQclear(r)

    def close(self):
        if self._c:
            _lib.PQfinish(self._c)
            self._c = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
