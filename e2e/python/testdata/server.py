"""Serves many generated CORS configurations of one Python library on
loopback, for whycors' differential test (e2e/python).

    python3 server.py LIBRARY CONFIGS.json

LIBRARY is starlette, django or flask. CONFIGS.json is a list of
{"id": "c0", "source": "..."}: each source is the user's own code (an app
module, or a settings module for django) that whycors' reader parses too.
Each configuration answers under /<id>/...; behind the CORS layer the
application answers 200 "app" to every method and path (with Vary:
Accept-Encoding on a path holding /vary), and raises an exception for any
path ending in /boom. The first line printed is
"PORT <n> <versions>"; the server then runs until killed.
"""
import json
import socket
import sys


def starlette_app(configs):
    import starlette
    import fastapi
    import uvicorn
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware

    async def raw(scope, receive, send):
        if scope["path"].endswith("/boom"):
            raise RuntimeError("boom")
        headers = [(b"content-type", b"text/plain"), (b"content-length", b"3")]
        if "/vary" in scope["path"]:
            headers.append((b"vary", b"Accept-Encoding"))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"app"})

    apps = {}
    for c in configs:
        ns = {"CORSMiddleware": CORSMiddleware, "Middleware": Middleware}
        exec(c["source"], ns)
        app = ns["app"]
        # The application behind the middlewares: every method, every path.
        app.router = raw
        app.middleware_stack = app.build_middleware_stack()
        apps[c["id"]] = app

    async def dispatch(scope, receive, send):
        if scope["type"] != "http":
            return
        key = scope["path"].split("/")[1]
        try:
            await apps[key](scope, receive, send)
        except Exception:
            pass  # ServerErrorMiddleware has answered and re-raised

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    versions = "starlette=%s fastapi=%s" % (starlette.__version__, fastapi.__version__)
    print("PORT", sock.getsockname()[1], versions, flush=True)
    config = uvicorn.Config(dispatch, log_level="critical", lifespan="off", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])


def wsgi_serve(dispatch, versions):
    from wsgiref.simple_server import make_server, WSGIRequestHandler

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = make_server("127.0.0.1", 0, dispatch, handler_class=Quiet)
    print("PORT", server.server_port, versions, flush=True)
    server.serve_forever()


def split_prefix(environ):
    path = environ.get("PATH_INFO", "")
    parts = path.split("/", 2)
    key = parts[1] if len(parts) > 1 else ""
    environ["SCRIPT_NAME"] = "/" + key
    environ["PATH_INFO"] = "/" + (parts[2] if len(parts) > 2 else "")
    return key


def django_app(configs):
    import logging
    import django
    from django.conf import settings

    logging.disable(logging.CRITICAL)
    settings.configure(DEBUG=False, ALLOWED_HOSTS=["*"], ROOT_URLCONF=__name__,
                       SECRET_KEY="whycors-test", MIDDLEWARE=[], INSTALLED_APPS=[])
    django.setup()
    globals()["urlpatterns"] = _urlpatterns()
    from django.core.handlers.wsgi import WSGIHandler
    from django.test.utils import override_settings

    handlers = {}
    for c in configs:
        ns = {}
        exec(c["source"], ns)
        values = {k: v for k, v in ns.items() if k.isupper()}
        values.setdefault("MIDDLEWARE", ["corsheaders.middleware.CorsMiddleware"])
        with override_settings(**values):
            handlers[c["id"]] = (WSGIHandler(), values)

    def dispatch(environ, start_response):
        key = split_prefix(environ)
        handler, values = handlers[key]
        with override_settings(**values):
            return list(handler(environ, start_response))

    from importlib.metadata import version
    wsgi_serve(dispatch, "django=%s django-cors-headers=%s" % (django.__version__, version("django-cors-headers")))


def view(request, p=""):
    from django.http import HttpResponse
    if request.path_info.endswith("/boom"):
        raise RuntimeError("boom")
    response = HttpResponse("app", content_type="text/plain")
    if "/vary" in request.path_info:
        response["Vary"] = "Accept-Encoding"
    return response


def _urlpatterns():
    try:
        from django.urls import re_path
        return [re_path(r"^", view)]
    except Exception:
        return []


def flask_app(configs):
    import logging
    import flask
    import flask_cors
    from importlib.metadata import version

    logging.disable(logging.CRITICAL)
    # OPTIONS is left to Flask's automatic answer, as in most apps.
    methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]

    def app_view(p=""):
        if flask.request.path.endswith("/boom"):
            raise RuntimeError("boom")
        response = flask.Response("app", content_type="text/plain")
        if "/vary" in flask.request.path:
            response.headers["Vary"] = "Accept-Encoding"
        return response

    apps = {}
    for c in configs:
        ns = {"__name__": "cfg_" + c["id"]}
        exec(c["source"], ns)
        app = ns["app"]
        app.add_url_rule("/", "whycors_root", app_view, methods=methods)
        app.add_url_rule("/<path:p>", "whycors_any", app_view, methods=methods)
        apps[c["id"]] = app

    def dispatch(environ, start_response):
        key = split_prefix(environ)
        return apps[key](environ, start_response)

    wsgi_serve(dispatch, "flask=%s flask-cors=%s" % (version("flask"), flask_cors.__version__))


def main():
    library, path = sys.argv[1], sys.argv[2]
    with open(path) as f:
        configs = json.load(f)
    {"starlette": starlette_app, "django": django_app, "flask": flask_app}[library](configs)


if __name__ == "__main__":
    main()
else:
    urlpatterns = _urlpatterns()
